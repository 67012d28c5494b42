// The public names of the atomic swaps (hashed timelocks, docs/atomic-swaps.md), re-exported whole by sdk/index.ts: listed here by name, pinned by
// test/sdk/exports.test.ts.
export { AtomicSwapError, HashedTimelockLockError, HashedTimelockStateError } from "../errors/atomic-swaps";
export { KNOWN_HASHED_TIMELOCK_ERRORS, decodeHashedTimelocksError } from "./abi";
export {
  HASHED_TIMELOCK_LIMITS,
  HashedTimelockStatus,
  toHashedTimelockId,
  type HashedTimelock,
  type HashedTimelockId,
} from "./types";
export { computeHashedTimelockId, createSecret, hashlockOf, normalizeHashedTimelock } from "./hashing";
export {
  decodeHashedTimelockEvents,
  type DecodeHashedTimelockEventsParameters,
  type HashedTimelockEvent,
} from "./events";
export { HashedTimelocksClient } from "./client";
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
} from "./parameters";
export {
  atomicSwapMargins,
  checkAtomicSwapTimelocks,
  planAtomicSwapTimelocks,
  requireTimeLeft,
  type AtomicSwapMargins,
  type AtomicSwapTiming,
  type ChainTiming,
} from "./planner";
export { requireUnrevealedHashlock, verifyHashedTimelock, type AtomicSwapLegTerms } from "./verify";
export { AtomicSwapWatcher, type AtomicSwapWatchOutcome, type AtomicSwapWatchParameters } from "./watcher";
export {
  AtomicSwap,
  type AtomicSwapChain,
  type AtomicSwapParameters,
  type CounterpartyLockParameters,
  type InitiatorLockParameters,
} from "./swap";
