// Pure functions mirroring the contract's views: a lock's normalised terms and id, and the secret and hashlock of a
// swap. `createSecret` uses WebCrypto (globalThis.crypto), present in browsers and in Node 20, so it is browser-safe.
import { AbiCoder, hexlify, keccak256, sha256 } from "ethers";
import { InvalidParameterError } from "../errors/base";
import { requireAddress, requireBigInt, requireHex, requireInteger } from "../internal/validate";
import {
  HASHED_TIMELOCK_LIMITS as LIMITS,
  toHashedTimelockId,
  type HashedTimelock,
  type HashedTimelockId,
} from "./types";

const coder = AbiCoder.defaultAbiCoder();
const LOCK_TUPLE = "tuple(address,address,address,uint256,bytes32,uint64,uint256,uint64,uint64,uint256)";

/**
 * Checks a lock's terms and returns them normalised (checksummed addresses, lowercase hashlock, the Solidity widths).
 * It checks the types only; the contract's rules on a new lock (HT-2..HT-5) are checked where a lock is made.
 *
 * @throws {InvalidParameterError} a field is malformed or out of its Solidity type's range.
 * @example
 * ```ts
 * const lock = normalizeHashedTimelock(event.lock);
 * ```
 */
export function normalizeHashedTimelock(lock: HashedTimelock): HashedTimelock {
  if (lock === null || typeof lock !== "object") {
    throw new InvalidParameterError({ parameter: "lock", value: lock, reason: "must be a HashedTimelock" });
  }
  return {
    sender: requireAddress("lock.sender", lock.sender),
    receiver: requireAddress("lock.receiver", lock.receiver),
    token: requireAddress("lock.token", lock.token),
    amount: requireBigInt("lock.amount", lock.amount, 0n),
    hashlock: requireHex("lock.hashlock", lock.hashlock, 32),
    timelock: requireInteger("lock.timelock", lock.timelock, 0, LIMITS.timeMax),
    safetyDeposit: requireBigInt("lock.safetyDeposit", lock.safetyDeposit, 0n),
    publicClaimAt: requireInteger("lock.publicClaimAt", lock.publicClaimAt, 0, LIMITS.timeMax),
    publicRefundAt: requireInteger("lock.publicRefundAt", lock.publicRefundAt, 0, LIMITS.timeMax),
    salt: requireBigInt("lock.salt", lock.salt, 0n),
  };
}

/** The terms as the ABI tuple the contract takes. */
export function hashedTimelockTuple(l: HashedTimelock): unknown[] {
  return [
    l.sender,
    l.receiver,
    l.token,
    l.amount,
    l.hashlock,
    l.timelock,
    l.safetyDeposit,
    l.publicClaimAt,
    l.publicRefundAt,
    l.salt,
  ];
}

/**
 * A lock's id as the contract computes it: `keccak256(abi.encode(lock))`. It does not depend on the chain or the
 * contract; `HashedTimelocksClient.lockId` checks it against the deployment's own `lockId` view.
 *
 * @throws {InvalidParameterError} the terms are malformed.
 * @example
 * ```ts
 * const lockId = computeHashedTimelockId(lock);
 * ```
 */
export function computeHashedTimelockId(lock: HashedTimelock): HashedTimelockId {
  const terms = normalizeHashedTimelock(lock);
  return toHashedTimelockId(keccak256(coder.encode([LOCK_TUPLE], [hashedTimelockTuple(terms)])));
}

/**
 * The hashlock of a 32-byte secret: `sha256(secret)`, the hash the contract checks and a Bitcoin BIP-199 HTLC's
 * `OP_SHA256` computes, so one secret unlocks both.
 *
 * @throws {InvalidParameterError} the secret is not 32 bytes of hex.
 * @example
 * ```ts
 * const hashlock = hashlockOf(secret);
 * ```
 */
export function hashlockOf(secret: string): string {
  return sha256(requireHex("secret", secret, 32));
}

/**
 * A fresh 32-byte secret from the platform's CSPRNG (WebCrypto `crypto.getRandomValues`, in browsers and Node 20),
 * and its hashlock. Keep the secret private until you claim: whoever learns it can complete every lock under it.
 *
 * @throws {InvalidParameterError} the platform has no WebCrypto.
 * @example
 * ```ts
 * const { secret, hashlock } = createSecret();
 * ```
 */
export function createSecret(): { secret: string; hashlock: string } {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (bytes: Uint8Array) => Uint8Array } }).crypto;
  if (typeof crypto?.getRandomValues !== "function") {
    throw new InvalidParameterError({
      parameter: "globalThis.crypto",
      value: undefined,
      reason: "WebCrypto is required to draw a secret",
    });
  }
  const secret = hexlify(crypto.getRandomValues(new Uint8Array(32)));
  return { secret, hashlock: hashlockOf(secret) };
}
