// The checks made against the chain before signing or sending (LN-SDK-6): terms as the contract would check them at
// the latest block (the tokens' code, the deployment and its Auctions), an ERC-777 principal (ERC-1820 registry), and
// a signed offer or request the contract would refuse (another deployment, expired, its nonce dead, not signed).
import { Interface, ZeroAddress, id } from "ethers";
import type { Address } from "../../core/types";
import { LendingRequestError } from "../../errors/lending";
import { requireSameDeployment } from "../serialize";
import { verifyLoanOffer, verifyLoanRequest } from "../signatures";
import type { LoanTerms, SignedLoanOffer, SignedLoanRequest } from "../types";
import { checkLoanTerms } from "../validate";
import { chainTime, read, type LendingContext } from "./context";

/** The ERC-1820 registry, at the same address on every chain that has it. */
export const ERC1820_REGISTRY = "0x1820a4B7618BdE71Dce8cdc73aAB6C95905faD24";
const ERC777_TOKEN_HASH = id("ERC777Token");
const REGISTRY = new Interface([
  "function getInterfaceImplementer(address account, bytes32 interfaceHash) view returns (address)",
]);

/** What a verification found wrong, as the code the contract's revert would carry. */
export type OfferProblem =
  "LENDING_OFFER_WRONG_DEPLOYMENT" | "LENDING_OFFER_EXPIRED" | "LENDING_NONCE_USED" | "LENDING_INVALID_SIGNATURE";

export function refuse(
  code: LendingRequestError["code"],
  message: string,
  details: Record<string, unknown> = {},
): LendingRequestError {
  return new LendingRequestError({ code, message, details });
}

/** LN-O7, LN-O8 with the chain's facts; then LN-SDK-6: no ERC-777 principal. Returns the normalized terms. */
export async function checkTermsOnChain(context: LendingContext, terms: LoanTerms): Promise<LoanTerms> {
  const provider = context.tx.provider();
  const tokens = [terms.principalToken, terms.collateralToken];
  const [auctions, codes] = await Promise.all([
    context.auctions(),
    Promise.all(tokens.map((token) => context.tx.guard(() => provider.getCode(String(token))))),
  ]);
  const withCode = new Set(tokens.filter((_, i) => codes[i] !== "0x").map((token) => String(token).toLowerCase()));
  const checked = checkLoanTerms(terms, {
    contract: context.address,
    auctions,
    hasCode: (address) => withCode.has(address.toLowerCase()),
  });
  await requireNotErc777(context, checked.principalToken);
  return checked;
}

/**
 * Refuses a principal token registered as ERC-777 in the ERC-1820 registry (its `tokensReceived` hook would let a
 * payee burn the payer's gas on every repayment). A chain without the registry has no registered ERC-777 token.
 */
export async function requireNotErc777(context: LendingContext, token: Address): Promise<void> {
  if (token === ZeroAddress) return;
  const provider = context.tx.provider();
  if ((await context.tx.guard(() => provider.getCode(ERC1820_REGISTRY))) === "0x") return;
  const data = REGISTRY.encodeFunctionData("getInterfaceImplementer", [token, ERC777_TOKEN_HASH]);
  const answer = await context.tx.guard(() => provider.call({ to: ERC1820_REGISTRY, data }));
  const [implementer] = REGISTRY.decodeFunctionResult("getInterfaceImplementer", answer);
  if (implementer !== ZeroAddress) {
    throw refuse("LENDING_ERC777_PRINCIPAL", `The principal token ${token} is an ERC-777 token (ERC-1820)`, {
      parameter: "terms.principalToken",
      value: token,
      implementer,
    });
  }
}

/** Whether a signed offer would pass the contract's LN-O4…O6 now; the first problem found. */
export async function offerProblem(
  context: LendingContext,
  signed: SignedLoanOffer | SignedLoanRequest,
): Promise<OfferProblem | undefined> {
  try {
    requireSameDeployment(signed, { chainId: await context.chainId(), contract: context.address });
  } catch {
    return "LENDING_OFFER_WRONG_DEPLOYMENT";
  }
  const body = "offer" in signed ? signed.offer : signed.request;
  const signer = "offer" in signed ? signed.offer.lender : signed.request.borrower;
  const [now, used] = await Promise.all([chainTime(context), read(context, (c) => c.nonceUsed(signer, body.nonce))]);
  // The next block is the earliest the acceptance can land in; at `expiry` it is refused.
  if (now + 1n >= body.expiry) return "LENDING_OFFER_EXPIRED";
  if (used) return "LENDING_NONCE_USED";
  const provider = context.tx.provider();
  const check =
    "offer" in signed ? await verifyLoanOffer({ signed, provider }) : await verifyLoanRequest({ signed, provider });
  return check.valid ? undefined : "LENDING_INVALID_SIGNATURE";
}

const PROBLEMS: Record<OfferProblem, string> = {
  LENDING_OFFER_WRONG_DEPLOYMENT: "signed for another chain or Lending contract",
  LENDING_OFFER_EXPIRED: "expired, or expires before the next block",
  LENDING_NONCE_USED: "its nonce is used or cancelled",
  LENDING_INVALID_SIGNATURE: "not the signer's signature (by key or ERC-1271)",
};

/** Throws the problem {@link offerProblem} finds, if any. */
export async function requireLive(context: LendingContext, signed: SignedLoanOffer | SignedLoanRequest) {
  const problem = await offerProblem(context, signed);
  if (problem !== undefined) {
    throw refuse(problem, `The ${"offer" in signed ? "offer" : "request"} is ${PROBLEMS[problem]}`, {
      signature: signed.signature,
    });
  }
}

/** LN-A1: the counterparty field is 0 or the caller, and the caller is not the signer. */
export function requireCounterparty(counterparty: Address, signer: Address, caller: Address): void {
  if (counterparty !== ZeroAddress && counterparty !== caller) {
    throw refuse("LENDING_UNAUTHORIZED", `Only ${counterparty} may accept this`, { counterparty, caller });
  }
  if (signer === caller) throw refuse("LENDING_SELF_LOAN", "The signer cannot accept its own terms", { caller });
}
