// Signing offers and requests through the client (terms checked against the chain first, nonce and expiry filled
// in), and verifying one as the contract would take it now (LN-SDK-1).
import { ZeroAddress } from "ethers";
import { requireAddress, requireBigInt } from "../../internal/validate";
import type { SignOfferParameters, SignRequestParameters, VerifyOfferReturnType } from "../parameters";
import { signLoanOffer, signLoanRequest } from "../signatures";
import type { SignedLoanOffer, SignedLoanRequest } from "../types";
import { checkCollateralId } from "../validate";
import { checkTermsOnChain, offerProblem } from "./checks";
import { chainTime, type LendingContext } from "./context";
import { nextNonce } from "./read";

/** Seconds an offer or request the client signs stays valid by default. */
const VALIDITY = 86_400n;

async function common(
  context: LendingContext,
  params: { nonce?: bigint; expiry?: bigint; validFor?: bigint },
  signer: string,
) {
  const validFor = requireBigInt("validFor", params.validFor ?? VALIDITY, 1n, 1n << 40n);
  const expiry = requireBigInt("expiry", params.expiry ?? (await chainTime(context)) + validFor, 1n, 1n << 40n);
  const nonce = params.nonce ?? (await nextNonce(context, signer));
  return { nonce, expiry, chainId: await context.chainId() };
}

/** Signs an offer with the client's signer for `lender` (default the signer's address). */
export async function signOffer(context: LendingContext, params: SignOfferParameters): Promise<SignedLoanOffer> {
  const signer = context.tx.signer();
  const lender = requireAddress("lender", params.lender ?? (await context.tx.signerAddress()));
  const terms = await checkTermsOnChain(context, params.terms);
  const offer = {
    lender,
    borrower: requireAddress("borrower", params.borrower ?? ZeroAddress),
    terms,
    anyCollateralId: params.anyCollateralId ?? false,
    refinances: params.refinances ?? 0n,
    nonce: 0n,
    expiry: 0n,
  };
  checkCollateralId(offer);
  const { nonce, expiry, chainId } = await common(context, params, lender);
  return signLoanOffer({ chainId, contract: context.address, offer: { ...offer, nonce, expiry }, signer });
}

/** Signs a request with the client's signer for `borrower` (default the signer's address). */
export async function signRequest(context: LendingContext, params: SignRequestParameters): Promise<SignedLoanRequest> {
  const signer = context.tx.signer();
  const borrower = requireAddress("borrower", params.borrower ?? (await context.tx.signerAddress()));
  const terms = await checkTermsOnChain(context, params.terms);
  const { nonce, expiry, chainId } = await common(context, params, borrower);
  const request = {
    borrower,
    lender: requireAddress("lender", params.lender ?? ZeroAddress),
    terms,
    refinances: params.refinances ?? 0n,
    nonce,
    expiry,
  };
  return signLoanRequest({ chainId, contract: context.address, request, signer });
}

/** Whether the contract would take the signed offer or request now (deployment, expiry, nonce, signature). */
export async function verify(
  context: LendingContext,
  signed: SignedLoanOffer | SignedLoanRequest,
): Promise<VerifyOfferReturnType> {
  const reason = await offerProblem(context, signed);
  return reason === undefined ? { valid: true } : { valid: false, reason };
}
