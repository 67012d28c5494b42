/**
 * PeerPay SDK: typed clients, encoders, signers and errors for the PeerPay contracts.
 *
 * Every public name is listed by name, here or in a product's `public.ts` that this file re-exports whole (swaps,
 * atomic swaps): the list is pinned by test/sdk/exports.test.ts, so adding, renaming or removing an export is a
 * deliberate API decision.
 *
 * @example
 * ```ts
 * import { EscrowClient, Outcome, PeerPayError, PeerPayErrorCode } from "peerpay";
 * ```
 * @packageDocumentation
 */

// ------------------------------------------------------------------ errors
export { PeerPayErrorCode } from "./errors/codes";
export {
  DealLookupError,
  InvalidParameterError,
  PeerPayError,
  PermitError,
  RunnerError,
  TransactionError,
  UnknownDeploymentError,
  type ErrorDetails,
  type PeerPayErrorParameters,
} from "./errors/base";
export {
  ContractRevertError,
  ReentrancyError,
  TransferError,
  UnauthorizedError,
  type ContractRevertErrorParameters,
} from "./errors/revert";
export {
  AdminError,
  AmountError,
  DealCreationError,
  DealNotFoundError,
  DealStateError,
  SignatureError,
} from "./errors/escrow";
export { ChannelClaimError, ChannelOpenError, ChannelStateError } from "./errors/channels";
export {
  BalanceProofError,
  PaymentChannelLockError,
  PaymentChannelOpenError,
  PaymentChannelSignatureError,
  PaymentChannelStateError,
  RecordUnavailableError,
} from "./errors/payment-channels";
export { TransportError } from "./errors/transport";
export { HttpPaymentError, type HttpPaymentErrorCode } from "./errors/http";
export { decodeChannelsError, decodeEscrowError, decodePaymentChannelsError } from "./internal/revert";
export { SubmitterError, type SubmitterErrorCode } from "./errors/submitter";

// ------------------------------------------------------------------ shared types
export type { Address, EventLocation, PreparedTransaction, TransactionOverrides, WriteParameters } from "./core/types";

// ------------------------------------------------------------------ deployments
export {
  addressBookFromRecord,
  getDeployment,
  type AddressBook,
  type AddressBookEntry,
  type ConnectParameters,
  type DeployableContract,
  type Deployment,
  type DeploymentRecord,
  type GetDeploymentOptions,
} from "./deployments";

// ------------------------------------------------------------------ escrow
export { EscrowClient } from "./escrow/client";
export type {
  AmountActionParameters,
  BuildCreateDealParameters,
  BuildCreateDealReturnType,
  CreateDealParameters,
  CreateDealReturnType,
  DealActionParameters,
  DepositPermit,
  EscrowClientParameters,
  EscrowConfig,
  Funding,
  GetDealReturnType,
  ListDealsParameters,
  ListedDeal,
  ReleaseMilestoneParameters,
  ResolveParameters,
  SettleParameters,
  SignAmountParameters,
  SignSettleParameters,
  SignedAmountParameters,
  TokenParameters,
  WithdrawParameters,
  WriteReturnType,
} from "./escrow/parameters";
export {
  decodeEscrowEvents,
  type DecodeEscrowEventsParameters,
  type EscrowEvent,
  type EscrowEventType,
} from "./escrow/events";
export { computeDealId, milestonesHash, packTerms, toDealId, unpackTerms } from "./escrow/terms";
export {
  DealStatus,
  ESCROW_LIMITS,
  Outcome,
  type Deal,
  type DealId,
  type DealRef,
  type DealState,
  type DealTerms,
} from "./escrow/types";
export type { DealParameters } from "./escrow/validation";
export {
  findDealsOf,
  type AccountDeal,
  type DealRole,
  type DealsOfParameters,
  type DealsOfReturnType,
} from "./escrow/discovery";
export type { ScanPage, ScanRangeParameters } from "./internal/scan";

// ------------------------------------------------------------------ micropayment channels
export { StoreError, VoucherError } from "./errors/channels";
export {
  ChannelStatus,
  MAX_SIGNATURE_BYTES,
  toChannelId,
  type Channel,
  type ChannelId,
  type Voucher,
} from "./channels/types";
export {
  VOUCHER_EIP712_TYPES,
  buildVoucherTypedData,
  micropaymentsDomain,
  type ChannelContext,
  type VoucherMessage,
} from "./channels/typed-data";
export { computeChannelId, normalizeChannel, signVoucher, type SignVoucherParameters } from "./channels/voucher";
export { VoucherVerifier, type VoucherVerifierParameters } from "./channels/verifier";
export { decodeChannelEvents, type ChannelEvent, type DecodeChannelEventsParameters } from "./channels/events";
export {
  findChannelsOf,
  type AccountChannel,
  type ChannelRole,
  type ChannelsOfParameters,
  type ChannelsOfReturnType,
} from "./channels/discovery";
export { PayerClient } from "./channels/payer";
export { PayeeClient } from "./channels/payee";
export type {
  AcceptVoucherParameters,
  AcceptVoucherReturnType,
  BuildOpenChannelReturnType,
  ChannelRef,
  ChannelState,
  ChannelWriteParameters,
  ChannelWriteReturnType,
  ChannelsClientParameters,
  ClaimManyParameters,
  ClaimManyPlan,
  ClaimManySkipReason,
  OpenChannelParameters,
  OpenChannelReturnType,
  PayParameters,
  PayeeClientParameters,
  PreparedClaimMany,
  SignedVoucher,
  SkippedClaim,
  WatchParameters,
  Watcher,
} from "./channels/parameters";
export { MemoryVoucherStore } from "./store/memory";
export type { PutIfHigherResult, VoucherStore } from "./channels/voucher-store";

// ------------------------------------------------------------------ two-way payment channels
export {
  PAYMENT_CHANNEL_LIMITS,
  PaymentChannelStatus,
  toPaymentChannelId,
  type BalanceProof,
  type Direction,
  type Lock,
  type PaymentChannel,
  type PaymentChannelId,
  type PaymentChannelRecord,
  type PendingLocks,
  type Settlement,
} from "./payment-channels/types";
export {
  PAYMENT_CHANNELS_EIP712_TYPES,
  balanceProofHash,
  buildPaymentChannelTypedData,
  paymentChannelsDomain,
  recoverPaymentChannelSigner,
  signPaymentChannelMessage,
  verifyPaymentChannelSignature,
  type PaymentChannelMessages,
  type PaymentChannelPayload,
  type PaymentChannelSignatureCheck,
  type PaymentChannelsDeployment,
  type SignPaymentChannelMessageParameters,
} from "./payment-channels/typed-data";
export {
  addLock,
  computePaymentChannelId,
  hashLocks,
  hashPendingLocks,
  hashRecord,
  lockedAmount,
  locksRootOf,
  normalizeBalanceProof,
  normalizeLock,
  normalizePaymentChannel,
  normalizePendingLocks,
  normalizeRecord,
  removeLock,
  secretHash,
  settlementOf,
} from "./payment-channels/hashing";
export {
  validateBalanceProof,
  type ValidateBalanceProofParameters,
  type ValidatedBalanceProof,
} from "./payment-channels/validate";
export {
  decodePaymentChannelEvents,
  type DecodePaymentChannelEventsParameters,
  type PaymentChannelEvent,
} from "./payment-channels/events";
export {
  findPaymentChannelsOf,
  type AccountPaymentChannel,
  type PaymentChannelRole,
  type PaymentChannelsOfParameters,
  type PaymentChannelsOfReturnType,
} from "./payment-channels/discovery";
export { PaymentChannelsClient } from "./payment-channels/client";
export type {
  BuildOpenPaymentChannelParameters,
  BuildOpenPaymentChannelReturnType,
  ClosePaymentChannelParameters,
  CooperativeCloseParameters,
  CooperativeWithdrawParameters,
  DepositParameters,
  OpenPaymentChannelParameters,
  OpenPaymentChannelReturnType,
  PaymentChannelPermit,
  PaymentChannelRef,
  PaymentChannelState,
  PaymentChannelWriteReturnType,
  PaymentChannelsClientParameters,
  SettlePaymentChannelParameters,
  UnlockParameters,
  UpdateForParameters,
  UpdateParameters,
} from "./payment-channels/parameters";

// ------------------------------------------------------------------ payment channel engine (docs/payment-channels.md §8)
export { ChannelPeer } from "./payment-channels/engine/peer";
export { Hub, type HubParameters, type HubRoute } from "./payment-channels/engine/hub";
export type { ChannelPeerEvents, ChannelPeerParameters } from "./payment-channels/engine/options";
export type { PeerBalances, ProofEntry } from "./payment-channels/engine/ledger";
export type { PeerSigner } from "./payment-channels/engine/proofs";
export type {
  PeerLogRecord,
  PeerMessage,
  PeerSession,
  PeerStore,
  PeerTransport,
  ProofChange,
  SignedProof,
  WireChange,
  WireProof,
} from "./payment-channels/engine/types";
export { MemoryTransport, type MemoryTransportFaults } from "./transport/memory";
export { MemoryPeerStore } from "./store/memory-peer";
export { PeerMessageError, PeerRequestError } from "./errors/peer";
// ------------------------------------------------------------------ peer transport (payment channel engine)
export {
  WebSocketTransport,
  type WebSocketConstructor,
  type WebSocketTransportParameters,
} from "./transport/websocket";
export type { WebSocketLike } from "./transport/connection";
export type { PeerSessionKeys } from "./transport/handshake";
// ------------------------------------------------------------------ watchtower client (PC-E6)
export { WatchtowerClient, type SubmitProofParameters, type WatchtowerClientParameters } from "./watchtower/client";
export {
  WATCHTOWER_REGISTRATION_TYPES,
  buildWatchtowerRegistrationTypedData,
  type WatchtowerRegistration,
} from "./watchtower/messages";
export { WATCHTOWER_HTTP_STATUS, WatchtowerError, type WatchtowerErrorCode } from "./errors/watchtower";

// ------------------------------------------------------------------ signed-order swaps (docs/swaps.md)
export * from "./swap/public";

// ------------------------------------------------------------------ signing
export {
  hashTypedData,
  recoverTypedDataSigner,
  signTypedData,
  verifyTypedData,
  type SignedTypedData,
  type TypedData,
} from "./signing/eip712";
export {
  ESCROW_EIP712_TYPES,
  buildRefundTypedData,
  buildReleaseTypedData,
  buildSettleTypedData,
  escrowDomain,
  signRefund,
  signRelease,
  signSettle,
  type EscrowSigningContext,
  type RefundMessage,
  type ReleaseMessage,
  type SettleMessage,
  type SignEscrowActionParameters,
} from "./escrow/typed-data";
export {
  buildPermitTypedData,
  signPermit,
  type PermitMessage,
  type SignPermitParameters,
  type SignPermitReturnType,
} from "./signing/permit";

// ------------------------------------------------------------------ the browser: payer state and session keys (docs/browser.md)
export { BrowserStorageError, SessionKeySealError } from "./errors/browser";
export { IndexedDbPayerStateStore, type IndexedDbPayerStateStoreParameters } from "./browser/payer-state-store";
export { WebCryptoSessionKeySealer, type WebCryptoSessionKeySealerParameters } from "./browser/webcrypto-sealer";
export {
  WalletSessionKeySealer,
  type TypedDataSigner,
  type WalletSessionKeySealerParameters,
} from "./browser/wallet-sealer";
export type { IndexedDbFactory } from "./browser/idb";
export type { LockManagerLike } from "./browser/locks";
export type { WebCryptoLike } from "./browser/sealing";
// ------------------------------------------------------------------ signing as a Safe (docs/signers.md, issue 12)
export { SafeSignatureError } from "./errors/signers";
export {
  SAFE_EIP712_TYPES,
  buildApproveAsSafe,
  buildSafeExecTransaction,
  buildSafeMessageTypedData,
  buildSafeTransactionTypedData,
  combineSafeSignatures,
  safeDomain,
  safeMessageHash,
  signAsSafe,
  type SafeContext,
  type SafeOwnerSignature,
  type SafeSignature,
  type SafeTransaction,
  type SignAsSafeParameters,
} from "./signing/safe";
export { SafeSigner, type SafeSignerParameters } from "./signing/safe-signer";

// ------------------------------------------------------------------ transaction submitter
export type { SubmitRequest, SubmitResult, TransactionSubmitter } from "./submitter/types";
export { Submitter } from "./submitter/submitter";
export type { SubmitterEvent, SubmitterParameters } from "./submitter/parameters";
export type { RpcEndpoint } from "./submitter/rpc";

// ------------------------------------------------------------------ atomic swaps (hashed timelocks), issue 11
export * from "./atomic-swaps/public";

// ------------------------------------------------------------------ auctions, issue 13
export * from "./auctions/public";

// ------------------------------------------------------------------ paid HTTP (docs/http-payments.md)
export {
  payingFetch,
  type PaidChannelEvent,
  type PayingFetch,
  type PayingFetchLimits,
  type PayingFetchParameters,
} from "./http/fetch";
export {
  MemoryPayerStateStore,
  PlainSessionKeySealer,
  paidChannelKey,
  type PaidChannelRecord,
  type PayerStateStore,
  type SealedSessionKey,
  type SessionKeySealer,
} from "./http/payer-state";
export {
  PAYMENT_HEADERS,
  PEERPAY_CHANNEL_SCHEME,
  decodeHeaderJson,
  encodeHeaderJson,
  type PaymentPayload,
  type PaymentReceipt,
  type PaymentRequired,
  type PaymentRequirement,
} from "./http/wire";

// ------------------------------------------------------------------ crowdfunding (docs/crowdfunding.md), issue 13
export * from "./crowdfunding/public";

// ------------------------------------------------------------------ lending (docs/lending.md), issue 14
export * from "./lending/public";
