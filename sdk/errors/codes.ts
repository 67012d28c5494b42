import { MARKET_ERROR_CODES } from "./codes-markets";

/**
 * Every `code` a {@link PeerPayError} can carry. The values are part of the public API and never change meaning:
 * switch on them rather than on messages or class names.
 *
 * Codes of on-chain reverts are the contract error's name in SCREAMING_SNAKE_CASE (`EscrowDealNotFound` →
 * `ESCROW_DEAL_NOT_FOUND`); the others are raised by the SDK itself, before or around sending.
 *
 * @example
 * ```ts
 * import { PeerPayError, PeerPayErrorCode } from "peerpay";
 *
 * try {
 *   await escrow.release({ deal, amount: 10n });
 * } catch (err) {
 *   if (err instanceof PeerPayError && err.code === PeerPayErrorCode.ESCROW_UNAUTHORIZED) {
 *     console.log("only the depositor can release", err.details.caller);
 *   }
 * }
 * ```
 */
export const PeerPayErrorCode = {
  // ---------------------------------------------------------------- raised by the SDK
  /** An input breaks the protocol's rules; nothing was sent. */
  INVALID_PARAMETER: "INVALID_PARAMETER",
  /** The client's runner cannot sign or send transactions. */
  SIGNER_REQUIRED: "SIGNER_REQUIRED",
  /** The client's runner has no provider to read the chain with. */
  PROVIDER_REQUIRED: "PROVIDER_REQUIRED",
  /** No deal has this id on-chain (`getDealState` status `None`). */
  DEAL_NOT_FOUND: "DEAL_NOT_FOUND",
  /** The deal exists but its terms could not be rebuilt from events (pruned logs, or a provider lying about them). */
  DEAL_TERMS_UNAVAILABLE: "DEAL_TERMS_UNAVAILABLE",
  /** The address book has no deployment of this contract on this chain (docs/deployments.md, rule P-A2). */
  UNKNOWN_DEPLOYMENT: "UNKNOWN_DEPLOYMENT",
  /** The token does not support EIP-2612 permits in a way the SDK can sign for. */
  PERMIT_UNSUPPORTED: "PERMIT_UNSUPPORTED",
  /** The user rejected the request in their wallet. */
  USER_REJECTED: "USER_REJECTED",
  /** The sender cannot pay for the value and gas of the transaction. */
  INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
  /** The transaction was replaced by another one with the same nonce. */
  TRANSACTION_REPLACED: "TRANSACTION_REPLACED",
  /** Any other failure of the provider or wallet (network, RPC error); see `cause`. */
  PROVIDER_ERROR: "PROVIDER_ERROR",
  /** The chain reverted with data the SDK does not recognise; `data` keeps it raw. */
  CONTRACT_REVERT: "CONTRACT_REVERT",

  // ---------------------------------------------------------------- raised by the SDK: vouchers and their store
  /**
   * The voucher's signature is malformed or recovers no key (ECDSA: not 64 or 65 bytes, high s, bad v), and the
   * payer is not a contract whose ERC-1271 `isValidSignature` accepts it.
   */
  VOUCHER_INVALID_SIGNATURE: "VOUCHER_INVALID_SIGNATURE",
  /**
   * The voucher's signature is longer than `MAX_SIGNATURE_BYTES` (8,192 bytes): refused before any chain call or
   * write, whatever the payer (no ECDSA signature is that long, and no store keeps one).
   */
  VOUCHER_SIGNATURE_TOO_LONG: "VOUCHER_SIGNATURE_TOO_LONG",
  /** The signature recovers to a key that may not sign this channel's vouchers now. */
  VOUCHER_UNAUTHORIZED_SIGNER: "VOUCHER_UNAUTHORIZED_SIGNER",
  /** The voucher's cumulative amount is not above the best voucher already accepted for the channel. */
  VOUCHER_NOT_MONOTONIC: "VOUCHER_NOT_MONOTONIC",
  /** The voucher's cumulative amount is above the channel's deposit. */
  VOUCHER_EXCEEDS_DEPOSIT: "VOUCHER_EXCEEDS_DEPOSIT",
  /** No channel has this id on-chain. */
  CHANNEL_UNKNOWN: "CHANNEL_UNKNOWN",
  /**
   * The channel is closed (the contract's `ChannelNotOpen`); from `acceptVoucher`, also a channel whose challenge
   * period ends within the payee's claim margin.
   */
  CHANNEL_NOT_OPEN: "CHANNEL_NOT_OPEN",
  /** The voucher store was closed, or failed to make a write durable and refuses further writes. */
  STORE_UNAVAILABLE: "STORE_UNAVAILABLE",
  /**
   * The voucher store's log cannot be replayed safely: its header is damaged, or a log of an older version holds an
   * invalid record followed by valid ones (docs/micropayments.md §5, "Recovery").
   */
  STORE_CORRUPT: "STORE_CORRUPT",
  /** The file voucher store is held by another live process (its lock file names it); nothing was opened. */
  STORE_LOCKED: "STORE_LOCKED",

  // ---------------------------------------------------------------- raised by the SDK: two-way payment channels
  /** The proof names another channel than the one it was received on. */
  BALANCE_PROOF_WRONG_CHANNEL: "BALANCE_PROOF_WRONG_CHANNEL",
  /** The proof's signature is neither the sender's, nor one of its session keys', nor accepted by its ERC-1271 wallet. */
  BALANCE_PROOF_INVALID_SIGNATURE: "BALANCE_PROOF_INVALID_SIGNATURE",
  /** The proof's nonce is not exactly one above the last stored from the sender (a gap, or nonce 0). */
  BALANCE_PROOF_NONCE_GAP: "BALANCE_PROOF_NONCE_GAP",
  /** The proof's nonce is not above the last stored from the sender: a repeat or a replay, to answer idempotently. */
  BALANCE_PROOF_REPLAYED: "BALANCE_PROOF_REPLAYED",
  /** `transferred` or `locked` is at or above 2^128 (the contract refuses such a proof). */
  BALANCE_PROOF_AMOUNT_OUT_OF_RANGE: "BALANCE_PROOF_AMOUNT_OUT_OF_RANGE",
  /** `transferred` is lower than in the last proof stored from the sender. */
  BALANCE_PROOF_TRANSFERRED_DECREASED: "BALANCE_PROOF_TRANSFERRED_DECREASED",
  /** `locked` is not the sum of the lock list's amounts. */
  BALANCE_PROOF_LOCKED_MISMATCH: "BALANCE_PROOF_LOCKED_MISMATCH",
  /** `locksRoot` is not the hash of the lock list. */
  BALANCE_PROOF_LOCKS_ROOT_MISMATCH: "BALANCE_PROOF_LOCKS_ROOT_MISMATCH",
  /** The lock list holds more than `MAX_LOCKS` (32) locks. */
  BALANCE_PROOF_TOO_MANY_LOCKS: "BALANCE_PROOF_TOO_MANY_LOCKS",
  /**
   * A closed or settled channel's record (or pending locks) could not be rebuilt from its events so that it matches
   * the commitment in the channel's slot: logs pruned before the client's `fromBlock`, or a provider lying about them.
   */
  PAYMENT_CHANNEL_RECORD_UNAVAILABLE: "PAYMENT_CHANNEL_RECORD_UNAVAILABLE",

  // ---------------------------------------------------------------- raised by the SDK: the peer transport (WebSocket)
  /**
   * The peer's handshake failed (docs/payment-channels.md §8.6): a signature that is not the expected participant's
   * (nor its session key's), over another challenge or another peer, or a channel the two do not share.
   */
  TRANSPORT_AUTH_FAILED: "TRANSPORT_AUTH_FAILED",
  /** The peer broke the wire protocol: malformed JSON, a frame that is not an array of messages, an unexpected message. */
  TRANSPORT_PROTOCOL: "TRANSPORT_PROTOCOL",
  /** A frame is larger than the transport's `maxPayload`: refused before sending, or the connection closed on receipt. */
  TRANSPORT_FRAME_TOO_LARGE: "TRANSPORT_FRAME_TOO_LARGE",
  /** The handshake did not complete within the transport's `handshakeTimeoutMs`. */
  TRANSPORT_TIMEOUT: "TRANSPORT_TIMEOUT",
  /** The connection was lost or closed by the peer (or could not be made); the client side reconnects. */
  TRANSPORT_CLOSED: "TRANSPORT_CLOSED",
  // ---------------------------------------------------------------- raised by the SDK: the watchtower (PC-E6)
  /** The request's body is not JSON, or a field is missing or malformed (HTTP 400). */
  WATCHTOWER_MALFORMED_REQUEST: "WATCHTOWER_MALFORMED_REQUEST",
  /** The request's body is larger than the watchtower accepts (HTTP 413). */
  WATCHTOWER_BODY_TOO_LARGE: "WATCHTOWER_BODY_TOO_LARGE",
  /** No such path, or a method the path does not serve (HTTP 404 / 405). */
  WATCHTOWER_NOT_FOUND: "WATCHTOWER_NOT_FOUND",
  /** The registration is expired, names another watchtower or deployment, or its expiry is too far ahead (HTTP 400). */
  WATCHTOWER_REGISTRATION_INVALID: "WATCHTOWER_REGISTRATION_INVALID",
  /** The registration's signature is neither the named participant's nor one of its current keys' (HTTP 403). */
  WATCHTOWER_NOT_PARTICIPANT: "WATCHTOWER_NOT_PARTICIPANT",
  /** The channel is not open or closed on-chain (unknown, or settled): nothing to watch (HTTP 409). */
  WATCHTOWER_CHANNEL_NOT_WATCHABLE: "WATCHTOWER_CHANNEL_NOT_WATCHABLE",
  /** A proof for a channel no client registered with this watchtower (HTTP 404). */
  WATCHTOWER_NOT_REGISTERED: "WATCHTOWER_NOT_REGISTERED",
  /** The proof is not signed by the client's counterparty (or its key), or a field is out of range (HTTP 400). */
  WATCHTOWER_INVALID_PROOF: "WATCHTOWER_INVALID_PROOF",
  /** The `Reward` signature is not the client's over this channel, proof, watchtower and amount (HTTP 400). */
  WATCHTOWER_INVALID_REWARD: "WATCHTOWER_INVALID_REWARD",
  /** The proof's nonce is not above the one the watchtower holds for the channel; nothing stored (HTTP 409). */
  WATCHTOWER_STALE_PROOF: "WATCHTOWER_STALE_PROOF",
  /** The client already has as many channels registered as its quota allows (HTTP 429). */
  WATCHTOWER_QUOTA_CHANNELS: "WATCHTOWER_QUOTA_CHANNELS",
  /** Storing this would take the client over its quota of stored bytes (HTTP 429). */
  WATCHTOWER_QUOTA_BYTES: "WATCHTOWER_QUOTA_BYTES",
  /** Too many requests per second from this client or address; retry after `details.retryAfter` seconds (HTTP 429). */
  WATCHTOWER_RATE_LIMITED: "WATCHTOWER_RATE_LIMITED",
  /** The watchtower failed (its store or its chain connection); the request may be retried (HTTP 5xx). */
  WATCHTOWER_UNAVAILABLE: "WATCHTOWER_UNAVAILABLE",
  // ---------------------------------------------------------------- raised by the SDK: the transaction submitter
  /** The transaction was mined and reverted (its nonce is used; the queue goes on). `details.hash` is the mined one. */
  SUBMITTER_REVERTED: "SUBMITTER_REVERTED",
  /** The deadline passed before the transaction was mined; its nonce is being filled by a 0-value self-transfer. */
  SUBMITTER_DEADLINE_MISSED: "SUBMITTER_DEADLINE_MISSED",
  /** `maxFeePerGasCap` is below the next block's base fee, so a transaction with a deadline would not be mined. */
  SUBMITTER_FEE_CAP_TOO_LOW: "SUBMITTER_FEE_CAP_TOO_LOW",
  /** No RPC endpoint answered (the primary and the secondary both failed or timed out); nothing was sent. */
  SUBMITTER_RPC_UNAVAILABLE: "SUBMITTER_RPC_UNAVAILABLE",
  /** The node refused the signed transaction for a reason a higher fee cannot fix (e.g. insufficient funds). */
  SUBMITTER_SEND_REJECTED: "SUBMITTER_SEND_REJECTED",
  /** The nonce was used by a transaction this submitter did not send (the key is used elsewhere). */
  SUBMITTER_NONCE_CONFLICT: "SUBMITTER_NONCE_CONFLICT",
  /** The submitter was closed before the transaction landed. */
  SUBMITTER_CLOSED: "SUBMITTER_CLOSED",

  // ---------------------------------------------------------------- IEscrow custom errors
  ESCROW_CREATION_PAUSED: "ESCROW_CREATION_PAUSED",
  ESCROW_INVALID_BENEFICIARY: "ESCROW_INVALID_BENEFICIARY",
  ESCROW_INVALID_ARBITER: "ESCROW_INVALID_ARBITER",
  ESCROW_INVALID_ARBITER_TERMS: "ESCROW_INVALID_ARBITER_TERMS",
  ESCROW_INVALID_DISPUTE_WINDOW: "ESCROW_INVALID_DISPUTE_WINDOW",
  ESCROW_INVALID_DEADLINE: "ESCROW_INVALID_DEADLINE",
  ESCROW_INVALID_AMOUNT: "ESCROW_INVALID_AMOUNT",
  ESCROW_INVALID_SALT: "ESCROW_INVALID_SALT",
  ESCROW_INVALID_MILESTONES: "ESCROW_INVALID_MILESTONES",
  ESCROW_VALUE_MISMATCH: "ESCROW_VALUE_MISMATCH",
  ESCROW_TOKEN_NOT_CONTRACT: "ESCROW_TOKEN_NOT_CONTRACT",
  ESCROW_TOKEN_TRANSFER_MISMATCH: "ESCROW_TOKEN_TRANSFER_MISMATCH",
  ESCROW_DEAL_EXISTS: "ESCROW_DEAL_EXISTS",
  ESCROW_DEAL_NOT_FOUND: "ESCROW_DEAL_NOT_FOUND",
  ESCROW_UNAUTHORIZED: "ESCROW_UNAUTHORIZED",
  ESCROW_INVALID_STATUS: "ESCROW_INVALID_STATUS",
  ESCROW_NONCE_EXHAUSTED: "ESCROW_NONCE_EXHAUSTED",
  ESCROW_ZERO_AMOUNT: "ESCROW_ZERO_AMOUNT",
  ESCROW_AMOUNT_EXCEEDS_REMAINING: "ESCROW_AMOUNT_EXCEEDS_REMAINING",
  ESCROW_DEADLINE_PASSED: "ESCROW_DEADLINE_PASSED",
  ESCROW_TIMEOUT_NOT_REACHED: "ESCROW_TIMEOUT_NOT_REACHED",
  ESCROW_NO_ARBITER: "ESCROW_NO_ARBITER",
  ESCROW_NOT_REFUND_DEFAULT: "ESCROW_NOT_REFUND_DEFAULT",
  ESCROW_MILESTONE_OUT_OF_RANGE: "ESCROW_MILESTONE_OUT_OF_RANGE",
  ESCROW_MILESTONE_ALREADY_RELEASED: "ESCROW_MILESTONE_ALREADY_RELEASED",
  ESCROW_SIGNATURE_EXPIRED: "ESCROW_SIGNATURE_EXPIRED",
  ESCROW_INVALID_SIGNATURE: "ESCROW_INVALID_SIGNATURE",
  ESCROW_PROTOCOL_FEE_TOO_HIGH: "ESCROW_PROTOCOL_FEE_TOO_HIGH",
  ESCROW_INVALID_FEE_RECIPIENT: "ESCROW_INVALID_FEE_RECIPIENT",
  ESCROW_NOTHING_TO_COLLECT: "ESCROW_NOTHING_TO_COLLECT",

  // ---------------------------------------------------------------- IMicropaymentChannels custom errors
  CHANNEL_INVALID_PAYEE: "CHANNEL_INVALID_PAYEE",
  CHANNEL_INVALID_SIGNER: "CHANNEL_INVALID_SIGNER",
  CHANNEL_INVALID_AMOUNT: "CHANNEL_INVALID_AMOUNT",
  CHANNEL_INVALID_CHALLENGE_PERIOD: "CHANNEL_INVALID_CHALLENGE_PERIOD",
  CHANNEL_INVALID_SALT: "CHANNEL_INVALID_SALT",
  CHANNEL_VALUE_MISMATCH: "CHANNEL_VALUE_MISMATCH",
  CHANNEL_TOKEN_NOT_CONTRACT: "CHANNEL_TOKEN_NOT_CONTRACT",
  CHANNEL_TOKEN_TRANSFER_MISMATCH: "CHANNEL_TOKEN_TRANSFER_MISMATCH",
  CHANNEL_EXISTS: "CHANNEL_EXISTS",
  CHANNEL_NOT_FOUND: "CHANNEL_NOT_FOUND",
  CHANNEL_UNAUTHORIZED: "CHANNEL_UNAUTHORIZED",
  CHANNEL_CLOSING: "CHANNEL_CLOSING",
  CHANNEL_CHALLENGE_OVER: "CHANNEL_CHALLENGE_OVER",
  CHANNEL_CHALLENGE_NOT_OVER: "CHANNEL_CHALLENGE_NOT_OVER",
  CHANNEL_NOTHING_TO_CLAIM: "CHANNEL_NOTHING_TO_CLAIM",
  CHANNEL_INVALID_SIGNATURE: "CHANNEL_INVALID_SIGNATURE",
  CHANNEL_SIGNER_CHANGE_PENDING: "CHANNEL_SIGNER_CHANGE_PENDING",
  CHANNEL_EMPTY_BATCH: "CHANNEL_EMPTY_BATCH",

  // ---------------------------------------------------------------- IPaymentChannels custom errors
  PAYMENT_CHANNEL_INVALID_PARTICIPANTS: "PAYMENT_CHANNEL_INVALID_PARTICIPANTS",
  PAYMENT_CHANNEL_INVALID_KEY: "PAYMENT_CHANNEL_INVALID_KEY",
  PAYMENT_CHANNEL_INVALID_CHALLENGE_PERIOD: "PAYMENT_CHANNEL_INVALID_CHALLENGE_PERIOD",
  PAYMENT_CHANNEL_INVALID_AMOUNT: "PAYMENT_CHANNEL_INVALID_AMOUNT",
  PAYMENT_CHANNEL_TOKEN_NOT_CONTRACT: "PAYMENT_CHANNEL_TOKEN_NOT_CONTRACT",
  PAYMENT_CHANNEL_VALUE_MISMATCH: "PAYMENT_CHANNEL_VALUE_MISMATCH",
  PAYMENT_CHANNEL_TOKEN_TRANSFER_MISMATCH: "PAYMENT_CHANNEL_TOKEN_TRANSFER_MISMATCH",
  PAYMENT_CHANNEL_EXISTS: "PAYMENT_CHANNEL_EXISTS",
  PAYMENT_CHANNEL_NOT_FOUND: "PAYMENT_CHANNEL_NOT_FOUND",
  PAYMENT_CHANNEL_INVALID_STATUS: "PAYMENT_CHANNEL_INVALID_STATUS",
  PAYMENT_CHANNEL_NOT_PARTICIPANT: "PAYMENT_CHANNEL_NOT_PARTICIPANT",
  PAYMENT_CHANNEL_INVALID_SIGNATURE: "PAYMENT_CHANNEL_INVALID_SIGNATURE",
  PAYMENT_CHANNEL_EXPIRED: "PAYMENT_CHANNEL_EXPIRED",
  PAYMENT_CHANNEL_INVALID_WITHDRAWAL: "PAYMENT_CHANNEL_INVALID_WITHDRAWAL",
  PAYMENT_CHANNEL_INVALID_BALANCES: "PAYMENT_CHANNEL_INVALID_BALANCES",
  PAYMENT_CHANNEL_INVALID_RECORD: "PAYMENT_CHANNEL_INVALID_RECORD",
  PAYMENT_CHANNEL_STALE_PROOF: "PAYMENT_CHANNEL_STALE_PROOF",
  PAYMENT_CHANNEL_INVALID_PROOF: "PAYMENT_CHANNEL_INVALID_PROOF",
  PAYMENT_CHANNEL_CHALLENGE_OVER: "PAYMENT_CHANNEL_CHALLENGE_OVER",
  PAYMENT_CHANNEL_CHALLENGE_NOT_OVER: "PAYMENT_CHANNEL_CHALLENGE_NOT_OVER",
  PAYMENT_CHANNEL_KEY_CHANGE_PENDING: "PAYMENT_CHANNEL_KEY_CHANGE_PENDING",
  PAYMENT_CHANNEL_SECRET_KNOWN: "PAYMENT_CHANNEL_SECRET_KNOWN",
  PAYMENT_CHANNEL_INVALID_LOCKS: "PAYMENT_CHANNEL_INVALID_LOCKS",
  PAYMENT_CHANNEL_NOTHING_TO_UNLOCK: "PAYMENT_CHANNEL_NOTHING_TO_UNLOCK",
  PAYMENT_CHANNEL_LOCK_NOT_EXPIRED: "PAYMENT_CHANNEL_LOCK_NOT_EXPIRED",

  // ---------------------------------------------------------------- payment channel engine (docs/payment-channels.md §8)
  /** A peer message names another channel than the one this peer serves. */
  PEER_WRONG_CHANNEL: "PEER_WRONG_CHANNEL",
  /** A peer message is malformed (a field missing, not a decimal string, not hex). */
  PEER_MALFORMED_MESSAGE: "PEER_MALFORMED_MESSAGE",
  /** A proof's nonce is more than one above the last stored: the sender resends from its acknowledged nonce. */
  PEER_OUT_OF_ORDER: "PEER_OUT_OF_ORDER",
  /** A proof at or below the stored nonce differs from the one stored: the sender signed two states with one nonce. */
  PEER_EQUIVOCATION: "PEER_EQUIVOCATION",
  /** A proof, withdrawal or close signature is not the counterparty's (nor its session key's). */
  PEER_INVALID_SIGNATURE: "PEER_INVALID_SIGNATURE",
  /** A proof is not what its change makes of the previous proof, or the change breaks its rule (§8.2). */
  PEER_INVALID_CHANGE: "PEER_INVALID_CHANGE",
  /** A proof, lock or withdrawal commits more than the sender may spend (§8.1). */
  PEER_OVERSPEND: "PEER_OVERSPEND",
  /** A secret, expiry or unlock names no pending lock. */
  PEER_UNKNOWN_LOCK: "PEER_UNKNOWN_LOCK",
  /** A lock's expiry is too close (or, at a hub, the next hop's expiry would not leave the safety margin). */
  PEER_UNSAFE_EXPIRY: "PEER_UNSAFE_EXPIRY",
  /** A cooperative withdrawal or close request was refused (balances differ, locks pending, payments in flight). */
  PEER_REQUEST_REFUSED: "PEER_REQUEST_REFUSED",
  /** The counterparty answered with an `error` message; `details.remoteCode` holds its code. */
  PEER_REMOTE_ERROR: "PEER_REMOTE_ERROR",
  /** The peer was stopped, is closing, or its store failed: it takes no more payments. */
  PEER_STOPPED: "PEER_STOPPED",

  // ---------------------------------------------------------------- IPullPayments custom errors
  PULL_PAYMENTS_NOTHING_TO_WITHDRAW: "PULL_PAYMENTS_NOTHING_TO_WITHDRAW",
  PULL_PAYMENTS_INVALID_RECIPIENT: "PULL_PAYMENTS_INVALID_RECIPIENT",

  // ---------------------------------------------------------------- OpenZeppelin errors the escrow can bubble
  OWNABLE_UNAUTHORIZED_ACCOUNT: "OWNABLE_UNAUTHORIZED_ACCOUNT",
  OWNABLE_INVALID_OWNER: "OWNABLE_INVALID_OWNER",
  REENTRANCY_GUARD_REENTRANT_CALL: "REENTRANCY_GUARD_REENTRANT_CALL",
  SAFE_ERC20_FAILED_OPERATION: "SAFE_ERC20_FAILED_OPERATION",
  /** `Address.sendValue` failed: the withdrawal's or fee collection's recipient refused ETH. */
  FAILED_CALL: "FAILED_CALL",
  INSUFFICIENT_BALANCE: "INSUFFICIENT_BALANCE",
  /** Bubbled from an OpenZeppelin ERC20 during a deposit: the depositor lacks the tokens. */
  ERC20_INSUFFICIENT_BALANCE: "ERC20_INSUFFICIENT_BALANCE",
  /** Bubbled from an OpenZeppelin ERC20 during a deposit: the escrow's allowance is short. */
  ERC20_INSUFFICIENT_ALLOWANCE: "ERC20_INSUFFICIENT_ALLOWANCE",

  // ---------------------------------------------------------------- atomic swaps (docs/atomic-swaps.md), issue 11
  /** `timelockA - timelockB` does not cover both chains' confirmation times, the claim window and the clock skew. */
  ATOMIC_SWAP_UNSAFE_TIMELOCKS: "ATOMIC_SWAP_UNSAFE_TIMELOCKS",
  /** Too little time is left before a timelock for the party that must act before it. */
  ATOMIC_SWAP_TIMELOCK_TOO_SOON: "ATOMIC_SWAP_TIMELOCK_TOO_SOON",
  /** The counterparty's lock is not as agreed (`details.field`). */
  ATOMIC_SWAP_TERMS_MISMATCH: "ATOMIC_SWAP_TERMS_MISMATCH",
  /** The lock is not in status Locked. */
  ATOMIC_SWAP_LOCK_NOT_ACTIVE: "ATOMIC_SWAP_LOCK_NOT_ACTIVE",
  /** The lock has fewer confirmations than required. */
  ATOMIC_SWAP_LOCK_UNCONFIRMED: "ATOMIC_SWAP_LOCK_UNCONFIRMED",
  /** The hashlock's secret is already public on one of the chains: a reused hashlock. */
  ATOMIC_SWAP_SECRET_REVEALED: "ATOMIC_SWAP_SECRET_REVEALED",
  /** The secret does not hash (SHA-256) to the lock's hashlock. */
  ATOMIC_SWAP_WRONG_SECRET: "ATOMIC_SWAP_WRONG_SECRET",
  /** The secret is known but the lock's timelock (or the watcher's safe deadline) has passed. */
  ATOMIC_SWAP_CLAIM_TOO_LATE: "ATOMIC_SWAP_CLAIM_TOO_LATE",
  /** A lock reads Claimed but the node served no `Claimed` event for it yet (a lagging index): poll again. */
  ATOMIC_SWAP_SECRET_NOT_FOUND: "ATOMIC_SWAP_SECRET_NOT_FOUND",
  /** No `Locked` event with this id from the client's `fromBlock`. */
  HASHED_TIMELOCK_NOT_FOUND: "HASHED_TIMELOCK_NOT_FOUND",
  /** The lock id computed locally differs from the deployment's `lockId` view. */
  HASHED_TIMELOCK_ID_MISMATCH: "HASHED_TIMELOCK_ID_MISMATCH",
  // IHashedTimelocks custom errors
  HASHED_TIMELOCK_INVALID_TERMS: "HASHED_TIMELOCK_INVALID_TERMS",
  HASHED_TIMELOCK_NOT_SENDER: "HASHED_TIMELOCK_NOT_SENDER",
  HASHED_TIMELOCK_INVALID_TIMELOCK: "HASHED_TIMELOCK_INVALID_TIMELOCK",
  HASHED_TIMELOCK_TOKEN_NOT_CONTRACT: "HASHED_TIMELOCK_TOKEN_NOT_CONTRACT",
  HASHED_TIMELOCK_VALUE_MISMATCH: "HASHED_TIMELOCK_VALUE_MISMATCH",
  HASHED_TIMELOCK_TRANSFER_MISMATCH: "HASHED_TIMELOCK_TRANSFER_MISMATCH",
  HASHED_TIMELOCK_EXISTS: "HASHED_TIMELOCK_EXISTS",
  HASHED_TIMELOCK_NOT_LOCKED: "HASHED_TIMELOCK_NOT_LOCKED",
  HASHED_TIMELOCK_WRONG_SECRET: "HASHED_TIMELOCK_WRONG_SECRET",
  HASHED_TIMELOCK_EXPIRED: "HASHED_TIMELOCK_EXPIRED",
  HASHED_TIMELOCK_NOT_EXPIRED: "HASHED_TIMELOCK_NOT_EXPIRED",
  // ---------------------------------------------------------------- signed-order swaps (issue 11, docs/swaps.md)
  // The ISwap custom errors. The SDK raises the same code when it finds the same condition itself before sending
  // (an expired order, a wrong taker, a bad fill amount or signature), so a caller switches on one code either way.
  SWAP_INVALID_ORDER: "SWAP_INVALID_ORDER",
  SWAP_TOKEN_NOT_CONTRACT: "SWAP_TOKEN_NOT_CONTRACT",
  SWAP_EXPIRED: "SWAP_EXPIRED",
  SWAP_INVALID_SIGNATURE: "SWAP_INVALID_SIGNATURE",
  SWAP_NONCE_USED: "SWAP_NONCE_USED",
  SWAP_UNAUTHORIZED_TAKER: "SWAP_UNAUTHORIZED_TAKER",
  SWAP_FEE_TOO_LOW: "SWAP_FEE_TOO_LOW",
  SWAP_INVALID_FILL_AMOUNT: "SWAP_INVALID_FILL_AMOUNT",
  SWAP_VALUE_MISMATCH: "SWAP_VALUE_MISMATCH",
  SWAP_TRANSFER_SHORTFALL: "SWAP_TRANSFER_SHORTFALL",
  SWAP_PROTOCOL_FEE_TOO_HIGH: "SWAP_PROTOCOL_FEE_TOO_HIGH",
  SWAP_INVALID_FEE_RECIPIENT: "SWAP_INVALID_FEE_RECIPIENT",
  /** `cancelRange(from, to)` with `to <= from`. */
  SWAP_INVALID_NONCE_RANGE: "SWAP_INVALID_NONCE_RANGE",
  /** `setDelegate` of an address that was the maker's delegate before: revocation is final (SW-D1). */
  SWAP_DELEGATE_RETIRED: "SWAP_DELEGATE_RETIRED",
  /** Reported by `check()` only: the maker's balance of its token is below the fill plus the fee. */
  SWAP_MAKER_BALANCE_TOO_LOW: "SWAP_MAKER_BALANCE_TOO_LOW",
  /** Reported by `check()` only: the maker's allowance to the Swap contract is below the fill plus the fee. */
  SWAP_MAKER_ALLOWANCE_TOO_LOW: "SWAP_MAKER_ALLOWANCE_TOO_LOW",
  /** Reported by `check()` only: the taker's balance of the taker asset (ETH included) is below what it pays. */
  SWAP_TAKER_BALANCE_TOO_LOW: "SWAP_TAKER_BALANCE_TOO_LOW",
  /** Reported by `check()` only: the taker's allowance of the taker token is below what it pays. */
  SWAP_TAKER_ALLOWANCE_TOO_LOW: "SWAP_TAKER_ALLOWANCE_TOO_LOW",
  /** A shared order (JSON or compact string) is malformed: a field missing, extra, of the wrong type or range. */
  SWAP_ORDER_MALFORMED: "SWAP_ORDER_MALFORMED",
  /** A compact order string's checksum does not match: a mistyped or truncated paste. */
  SWAP_ORDER_CHECKSUM_MISMATCH: "SWAP_ORDER_CHECKSUM_MISMATCH",
  /** A shared order is of a format version this SDK does not read. */
  SWAP_ORDER_UNSUPPORTED_VERSION: "SWAP_ORDER_UNSUPPORTED_VERSION",
  /** A shared order was signed for another chain than the one it is used on. */
  SWAP_ORDER_WRONG_CHAIN: "SWAP_ORDER_WRONG_CHAIN",
  /** A shared order was signed for another Swap contract than the one it is used with. */
  SWAP_ORDER_WRONG_CONTRACT: "SWAP_ORDER_WRONG_CONTRACT",
  /** `check()` returned a selector the SDK does not know (a newer contract). */
  SWAP_UNKNOWN_REASON: "SWAP_UNKNOWN_REASON",
  // ---------------------------------------------------------------- the browser (issue 12, docs/browser.md)
  // The payer state's IndexedDB database (BrowserStorageError); a closed store or a corrupt record is STORE_*.
  /** No IndexedDB in this context, or the browser refused to open it (private mode, sandboxed frame). */
  INDEXEDDB_UNAVAILABLE: "INDEXEDDB_UNAVAILABLE",
  /** Another tab holds the database open at an older version and did not close it: the upgrade cannot proceed. */
  INDEXEDDB_BLOCKED: "INDEXEDDB_BLOCKED",
  /** A newer PeerPay upgraded the database (in another tab): this page's SDK cannot read it; reload. */
  INDEXEDDB_VERSION_TOO_NEW: "INDEXEDDB_VERSION_TOO_NEW",
  /** A database of that name exists without PeerPay's object stores: another library uses the name. */
  INDEXEDDB_SCHEMA_MISMATCH: "INDEXEDDB_SCHEMA_MISMATCH",
  /** An IndexedDB transaction aborted (quota, I/O): nothing it held was acknowledged. */
  INDEXEDDB_TRANSACTION_FAILED: "INDEXEDDB_TRANSACTION_FAILED",
  // The session-key sealers (SessionKeySealError).
  /** No `crypto.subtle`: the page is not a secure context (https or localhost). */
  WEBCRYPTO_UNAVAILABLE: "WEBCRYPTO_UNAVAILABLE",
  /** Not a valid 32-byte private key, or a sealed key missing its fields. */
  SESSION_KEY_MALFORMED: "SESSION_KEY_MALFORMED",
  /** The sealed key names another scheme than this sealer's. */
  SESSION_KEY_SCHEME_MISMATCH: "SESSION_KEY_SCHEME_MISMATCH",
  /** AES-GCM authentication failed: the wrong key or wallet, another chain, origin or payer, or altered bytes. */
  SESSION_KEY_UNSEAL_FAILED: "SESSION_KEY_UNSEAL_FAILED",
  /** The browser AES key that sealed this session key is not in this profile's database. */
  SESSION_KEY_SEALING_KEY_MISSING: "SESSION_KEY_SEALING_KEY_MISSING",
  /** The wallet signed the sealing message twice with different signatures: it cannot seal session keys. */
  SESSION_KEY_WALLET_NOT_DETERMINISTIC: "SESSION_KEY_WALLET_NOT_DETERMINISTIC",
  /** The wallet failed to sign the sealing message (other than the user's refusal, which is USER_REJECTED). */
  SESSION_KEY_WALLET_FAILED: "SESSION_KEY_WALLET_FAILED",
  // ---------------------------------------------------------------- paid HTTP (issue 12, docs/http-payments.md)
  // The paywall's refusals (in a 402 body's `code`) and payingFetch's own (HttpPaymentError). A voucher refused by
  // acceptVoucher keeps its VOUCHER_* / CHANNEL_* code, so a client switches on one code whoever found the fault.
  /** No PAYMENT-SIGNATURE header: the request was not paid (HP-R1). */
  HTTP_PAYMENT_REQUIRED: "HTTP_PAYMENT_REQUIRED",
  /** The PAYMENT-SIGNATURE header is longer than the paywall reads (HP-P2). */
  HTTP_PAYMENT_TOO_LARGE: "HTTP_PAYMENT_TOO_LARGE",
  /** The PAYMENT-SIGNATURE header is not base64 JSON of a peerpay-channel payment (HP-P3). */
  HTTP_PAYMENT_MALFORMED: "HTTP_PAYMENT_MALFORMED",
  /** A payment for another scheme, network, contract, payee or token (HP-P4). */
  HTTP_PAYMENT_FOREIGN: "HTTP_PAYMENT_FOREIGN",
  /** A voucher not above the payee's stored total for its channel (HP-S2). */
  HTTP_PAYMENT_REPLAYED: "HTTP_PAYMENT_REPLAYED",
  /** A voucher that adds less than the price to the payee's stored total (HP-S2). */
  HTTP_PAYMENT_UNDERPAID: "HTTP_PAYMENT_UNDERPAID",
  /** The payee's store or chain reads failed: status 503, not a refusal of the voucher (HP-R3). */
  HTTP_PAYMENT_UNAVAILABLE: "HTTP_PAYMENT_UNAVAILABLE",
  /** A 402 offers no peerpay-channel payment on the payer's chain and contract, or cannot be read (client). */
  HTTP_REQUIREMENTS_UNSUPPORTED: "HTTP_REQUIREMENTS_UNSUPPORTED",
  /** The price asked is above the app's `maxPrice` (HP-C1). */
  HTTP_PRICE_ABOVE_LIMIT: "HTTP_PRICE_ABOVE_LIMIT",
  /** Opening or topping up would fund more than the app's `maxFunding`, or the payee's minimum deposit is above the
   * app's `deposit` (HP-C1). */
  HTTP_BUDGET_EXCEEDED: "HTTP_BUDGET_EXCEEDED",
  /** The payee refused the payment; `details.code` is the payee's code (HP-C6). */
  HTTP_PAYMENT_REFUSED: "HTTP_PAYMENT_REFUSED",
  /** The payee reported a total the client never signed, or a receipt out of range (HP-C7). */
  HTTP_PAYEE_REPORT_INVALID: "HTTP_PAYEE_REPORT_INVALID",
  /** A sealed session key cannot be unsealed by this sealer (wrong scheme or corrupt). */
  HTTP_SESSION_KEY_UNAVAILABLE: "HTTP_SESSION_KEY_UNAVAILABLE",
  // ---------------------------------------------------------------- signing as a Safe (docs/signers.md, SG-S*)
  /** Fewer distinct owners signed than the Safe's threshold: the Safe would refuse the signature (SG-S3). */
  SAFE_THRESHOLD_NOT_MET: "SAFE_THRESHOLD_NOT_MET",
  /** A signer given as an owner is not an owner of the Safe (SG-S3). */
  SAFE_NOT_OWNER: "SAFE_NOT_OWNER",
  /** The same owner was given twice: Safe counts each owner once and refuses a repeated one (SG-S3). */
  SAFE_DUPLICATE_OWNER: "SAFE_DUPLICATE_OWNER",
  /** An owner's signature does not recover to that owner over the Safe's message hash (a wallet that altered it). */
  SAFE_SIGNATURE_MISMATCH: "SAFE_SIGNATURE_MISMATCH",
  /** The address is not a Safe this SDK can sign for: no code, or no `getOwners`/`getThreshold`/`domainSeparator`. */
  SAFE_UNSUPPORTED: "SAFE_UNSUPPORTED",

  // ---- payee stores on PostgreSQL (docs/payee-stores.md) ----
  /** The PostgreSQL voucher store needs the `pg` package (an optional peer dependency), and it is not installed. */
  STORE_DRIVER_MISSING: "STORE_DRIVER_MISSING",
  /** The server would acknowledge a commit that is not durable (`fsync` or `synchronous_commit` off). */
  STORE_NOT_DURABLE: "STORE_NOT_DURABLE",
  /** The store's schema was migrated by a newer SDK than this one: upgrade before sharing it. */
  STORE_SCHEMA_TOO_NEW: "STORE_SCHEMA_TOO_NEW",

  // ---------------------------------------------------------------- crowdfunding and auctions (issue 13)
  ...MARKET_ERROR_CODES,
} as const;

/**
 * A stable error code: one of the values of {@link PeerPayErrorCode}.
 *
 * @example
 * ```ts
 * const retryable: PeerPayErrorCode[] = [PeerPayErrorCode.ESCROW_DEADLINE_PASSED, PeerPayErrorCode.PROVIDER_ERROR];
 * ```
 */
export type PeerPayErrorCode = (typeof PeerPayErrorCode)[keyof typeof PeerPayErrorCode];
