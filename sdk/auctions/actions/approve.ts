// Approvals the contract's pulls need (docs/auctions.md AU-L1, AU-E6, AU-SDK-2): the lot at creation (the ERC721
// token itself, an ERC1155 collection as a whole, exactly the ERC20 amount) and an ERC20 bid or deposit (exactly
// what is pulled). Never an unlimited ERC20 allowance; nothing is sent when the approval is already there.
import { Interface, type TransactionReceipt } from "ethers";
import type { Address, PreparedTransaction } from "../../core/types";
import { LotKind } from "../types";
import { normalizeLot } from "../validate";
import type { AuctionLotSpec } from "../types";
import type { AuctionContext } from "./context";

const TOKENS = new Interface([
  "function approve(address spender, uint256 amountOrId)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function getApproved(uint256 id) view returns (address)",
  "function isApprovedForAll(address owner, address operator) view returns (bool)",
  "function setApprovalForAll(address operator, bool approved)",
]);

/** The approval a lot needs: `approve(auctions, id)` (ERC721), `setApprovalForAll` (ERC1155), `approve(auctions, amount)` (ERC20). */
export function buildApproveLot(context: AuctionContext, params: { lot: AuctionLotSpec }): PreparedTransaction {
  const lot = normalizeLot(params.lot, context.address);
  const data =
    lot.kind === LotKind.ERC721
      ? TOKENS.encodeFunctionData("approve", [context.address, lot.id])
      : lot.kind === LotKind.ERC1155
        ? TOKENS.encodeFunctionData("setApprovalForAll", [context.address, true])
        : TOKENS.encodeFunctionData("approve", [context.address, lot.amount]);
  return { to: lot.token, data, value: 0n };
}

async function view(context: AuctionContext, token: Address, name: string, args: unknown[]): Promise<unknown> {
  const data = TOKENS.encodeFunctionData(name, args);
  const result = await context.tx.guard(() => context.tx.provider().call({ to: token, data }));
  return TOKENS.decodeFunctionResult(name, result)[0];
}

/** Whether the contract may already pull `lot` from `owner`. */
export async function lotApproved(context: AuctionContext, params: { lot: AuctionLotSpec; owner: Address }) {
  const lot = normalizeLot(params.lot, context.address);
  const all = async () =>
    (await view(context, lot.token, "isApprovedForAll", [params.owner, context.address])) === true;
  if (lot.kind === LotKind.ERC20) {
    return ((await view(context, lot.token, "allowance", [params.owner, context.address])) as bigint) >= lot.amount;
  }
  if (lot.kind === LotKind.ERC1155) return all();
  const approved = (await view(context, lot.token, "getApproved", [lot.id])) as string;
  return approved.toLowerCase() === context.address.toLowerCase() || all();
}

/** Sends the lot's approval from the signer unless the contract may already pull it. */
export async function approveLot(
  context: AuctionContext,
  params: { lot: AuctionLotSpec },
): Promise<TransactionReceipt | undefined> {
  const owner = await context.tx.signerAddress();
  if (await lotApproved(context, { lot: params.lot, owner })) return undefined;
  return context.tx.send(buildApproveLot(context, params));
}

/** Approves exactly `amount` of an ERC20 bid token when the signer's allowance is short. */
export async function approveBidToken(
  context: AuctionContext,
  params: { token: Address; amount: bigint },
): Promise<TransactionReceipt | undefined> {
  const owner = await context.tx.signerAddress();
  const allowance = (await view(context, params.token, "allowance", [owner, context.address])) as bigint;
  if (allowance >= params.amount) return undefined;
  const data = TOKENS.encodeFunctionData("approve", [context.address, params.amount]);
  return context.tx.send({ to: params.token, data, value: 0n });
}
