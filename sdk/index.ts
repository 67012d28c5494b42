/**
 * PeerPay SDK: typed clients, encoders, signers and errors for the PeerPay contracts.
 *
 * Every public name is listed here, by name: the list is pinned by test/sdk/exports.test.ts, so adding, renaming
 * or removing an export is a deliberate API decision.
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
export {
  SwapAdminError,
  SwapFillError,
  SwapNotFillableError,
  SwapOrderError,
  SwapOrderStateError,
} from "./errors/swap";
export { decodeSwapError } from "./internal/revert";
export {
  SWAP_LIMITS,
  toSwapOrderHash,
  type SignedSwapOrder,
  type SwapDeployment,
  type SwapOrder,
  type SwapOrderHash,
  type SwapQuote,
} from "./swap/types";
export {
  SWAP_EIP712_TYPES,
  buildSwapOrderTypedData,
  hashSwapOrder,
  recoverSwapOrderSigner,
  signSwapOrder,
  swapDomain,
  verifySwapOrder,
  type SignSwapOrderParameters,
  type SwapSignatureCheck,
  type VerifySwapOrderParameters,
} from "./swap/typed-data";
export { quoteSwapFill } from "./swap/validate";
export { parseOrder, serializeOrder, type ParseOrderParameters, type SwapOrderJson } from "./swap/serialize";
export { serializeOrderCompact } from "./swap/compact";
export { decodeSwapEvents, type DecodeSwapEventsParameters, type SwapEvent } from "./swap/events";
export {
  findSwapActivity,
  type SwapActivityParameters,
  type SwapActivityReturnType,
  type SwapFillRecord,
  type SwapOrderActivity,
  type SwapRole,
} from "./swap/discovery";
export { decodeSwapCheckReasons } from "./swap/actions/read";
export { SwapClient } from "./swap/client";
export type {
  BuildFillParameters,
  BuildFillReturnType,
  FillOrderParameters,
  FillOrderReturnType,
  MakeOrderParameters,
  SwapCheckReason,
  SwapCheckReturnType,
  SwapClientParameters,
  SwapMakerState,
  SwapOrderStatus,
  SwapQuoteParameters,
  SwapQuoteReturnType,
  SwapWriteReturnType,
} from "./swap/parameters";

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

// ------------------------------------------------------------------ transaction submitter
export type { SubmitRequest, SubmitResult, TransactionSubmitter } from "./submitter/types";
export { Submitter } from "./submitter/submitter";
export type { SubmitterEvent, SubmitterParameters } from "./submitter/parameters";
export type { RpcEndpoint } from "./submitter/rpc";

// ------------------------------------------------------------------ atomic swaps (hashed timelocks), issue 11
export { AtomicSwapError, HashedTimelockLockError, HashedTimelockStateError } from "./errors/atomic-swaps";
export { KNOWN_HASHED_TIMELOCK_ERRORS, decodeHashedTimelocksError } from "./atomic-swaps/abi";
export {
  HASHED_TIMELOCK_LIMITS,
  HashedTimelockStatus,
  toHashedTimelockId,
  type HashedTimelock,
  type HashedTimelockId,
} from "./atomic-swaps/types";
export { computeHashedTimelockId, createSecret, hashlockOf, normalizeHashedTimelock } from "./atomic-swaps/hashing";
export {
  decodeHashedTimelockEvents,
  type DecodeHashedTimelockEventsParameters,
  type HashedTimelockEvent,
} from "./atomic-swaps/events";
export { HashedTimelocksClient } from "./atomic-swaps/client";
export type {
  AccountHashedTimelock,
  BuildLockParameters,
  BuildLockReturnType,
  ClaimParameters,
  FindSecretParameters,
  FindSecretReturnType,
  HashedTimelockPermit,
  HashedTimelockRef,
  HashedTimelockRole,
  HashedTimelockState,
  HashedTimelockWriteReturnType,
  HashedTimelocksClientParameters,
  HashedTimelocksOfParameters,
  HashedTimelocksOfReturnType,
  LockParameters,
  LockReturnType,
  RefundParameters,
  RevealedSecret,
} from "./atomic-swaps/parameters";
export {
  atomicSwapMargins,
  checkAtomicSwapTimelocks,
  planAtomicSwapTimelocks,
  requireTimeLeft,
  type AtomicSwapMargins,
  type AtomicSwapTiming,
  type ChainTiming,
} from "./atomic-swaps/planner";
export { requireUnrevealedHashlock, verifyHashedTimelock, type AtomicSwapLegTerms } from "./atomic-swaps/verify";
export { AtomicSwapWatcher, type AtomicSwapWatchOutcome, type AtomicSwapWatchParameters } from "./atomic-swaps/watcher";
export {
  AtomicSwap,
  type AtomicSwapChain,
  type AtomicSwapParameters,
  type CounterpartyLockParameters,
  type InitiatorLockParameters,
} from "./atomic-swaps/swap";
