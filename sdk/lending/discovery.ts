// Listing an account's positions from the position tokens' `Transfer` logs (docs/lending.md LN-P4, LN-SDK-5): every
// token sent to or from the account in the range, its side by parity (even: lender, odd: borrower), whether the
// account held it at the end of the scan, and the loan read at that block. Chunked as the other products' discovery.
import { requireRoles, scanLogs } from "../internal/scan";
import { requireAddress } from "../internal/validate";
import { lendingInterface } from "./abi";
import { loanOf } from "./actions/read";
import type { LendingContext } from "./actions/context";
import { decodeLendingEvents } from "./events";
import type { LendingPosition, LoansOfParameters, LoansOfReturnType } from "./parameters";
import type { LoanId } from "./types";

const ROLES = ["lender", "borrower"] as const;

export async function loansOf(context: LendingContext, params: LoansOfParameters): Promise<LoansOfReturnType> {
  const account = requireAddress("account", params.account);
  const roles = requireRoles({ roles: params.roles, all: ROLES });
  const transfer = lendingInterface.getEvent("Transfer").topicHash;
  const me = lendingInterface.getAbiCoder().encode(["address"], [account]);
  const holding = new Map<bigint, boolean>();
  const page = await scanLogs({
    provider: context.tx.provider(),
    address: context.address,
    topicSets: [
      [transfer, me],
      [transfer, null, me],
    ],
    range: params,
    defaultFromBlock: context.fromBlock,
    decode: context.tx.decode,
    take: (logs) => {
      let fresh = 0;
      for (const e of decodeLendingEvents({ logs, address: context.address })) {
        if (e.type !== "Transfer" || (e.from !== account && e.to !== account)) continue;
        if (!roles.includes((e.tokenId & 1n) === 0n ? "lender" : "borrower")) continue;
        if (!holding.has(e.tokenId)) fresh += 1;
        holding.set(e.tokenId, e.to === account);
      }
      return fresh;
    },
  });
  const positions: LendingPosition[] = await Promise.all(
    [...holding].map(async ([tokenId, held]) => {
      const loanId = (tokenId & ~1n) as LoanId;
      const role: LendingPosition["role"] = (tokenId & 1n) === 0n ? "lender" : "borrower";
      return { loanId, role, tokenId, holding: held, loan: await loanOf(context, loanId, page.toBlock) };
    }),
  );
  return { ...page, positions };
}
