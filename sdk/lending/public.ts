// The public names of lending (docs/lending.md), re-exported whole by sdk/index.ts: listed here by name, pinned by
// test/sdk/exports.test.ts.
export {
  LendingAccessError,
  LendingPaymentError,
  LendingPositionError,
  LendingRequestError,
  LendingSignatureError,
  LendingStateError,
  LendingTermsError,
} from "../errors/lending";
export { KNOWN_LENDING_ERRORS, decodeLendingError } from "./abi";
export {
  CollateralKind,
  InterestKind,
  LENDING_LIMITS,
  LendingTermsReason,
  LoanStatus,
  toLoanId,
  type LendingDeployment,
  type Loan,
  type LoanId,
  type LoanOffer,
  type LoanOwed,
  type LoanRequest,
  type LoanSale,
  type LoanTerms,
  type SignedLoanOffer,
  type SignedLoanRequest,
} from "./types";
export {
  LENDING_EIP712_TYPES,
  buildOfferTypedData,
  buildRequestTypedData,
  hashLoanOffer,
  hashLoanRequest,
  hashLoanTerms,
  lendingDomain,
  loanIdOf,
} from "./typed-data";
export { checkLoanTerms } from "./validate";
export { loanOwedAt, loanSalePrice } from "./interest";
export {
  recoverLendingSigner,
  signLoanOffer,
  signLoanRequest,
  verifyLendingSignature,
  verifyLoanOffer,
  verifyLoanRequest,
  type LendingSignatureCheck,
} from "./signatures";
export { parseSignedOffer, parseSignedRequest, serializeSignedOffer, serializeSignedRequest } from "./serialize";
export { decodeLendingEvents, type DecodeLendingEventsParameters, type LendingEvent } from "./events";
export { LendingClient } from "./client";
export type {
  AcceptOfferParameters,
  AcceptRequestParameters,
  AcceptReturnType,
  LendingClientParameters,
  LendingPosition,
  LendingWriteReturnType,
  LoanCallParameters,
  LoanDetails,
  LoansOfParameters,
  LoansOfReturnType,
  RefinanceWithOfferParameters,
  RefinanceWithRequestParameters,
  RepayParameters,
  SignOfferParameters,
  SignRequestParameters,
  VerifyOfferReturnType,
} from "./parameters";
