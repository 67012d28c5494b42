// The hashed timelocks' ABI (from the TypeChain factory of the interface, by deep path: no bytecode in the bundle),
// every custom error a call can revert with, and the decoder that turns them into typed errors.
import { Interface, type JsonFragment } from "ethers";
import { IHashedTimelocks__factory } from "../../typechain-types/factories/contracts/interfaces/IHashedTimelocks__factory";
import { ReentrancyGuardTransient__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/ReentrancyGuardTransient__factory";
import { SafeERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/utils/SafeERC20__factory";
import { Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/Errors__factory";
import { IERC20Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC20Errors__factory";
import type { PeerPayError } from "../errors/base";
import { HASHED_TIMELOCK_REVERTS } from "../errors/atomic-swaps";
import { decodeError, type Decoding } from "../internal/revert";

/** Functions and events of the hashed timelocks (IHashedTimelocks includes IPullPayments). */
export const hashedTimelocksInterface = IHashedTimelocks__factory.createInterface();

/** Every custom error a call can revert with: its own, the reentrancy guard's, SafeERC20's, an ERC20's. */
const hashedTimelocksRevertInterface = new Interface(
  [
    IHashedTimelocks__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
  ].flatMap((abi) => (abi as readonly JsonFragment[]).filter((fragment) => fragment.type === "error")),
);

const DECODING: Decoding = { errors: HASHED_TIMELOCK_REVERTS, revert: hashedTimelocksRevertInterface };

/**
 * The names of the Solidity errors {@link decodeHashedTimelocksError} turns into typed errors (for its test).
 *
 * @example
 * ```ts
 * KNOWN_HASHED_TIMELOCK_ERRORS.includes("HashedTimelockExpired"); // true
 * ```
 */
export const KNOWN_HASHED_TIMELOCK_ERRORS: readonly string[] = Object.freeze(Object.keys(HASHED_TIMELOCK_REVERTS));

/**
 * As `decodeEscrowError`, for anything a call to the hashed timelocks contract threw: its `HashedTimelock*` errors
 * become {@link HashedTimelockLockError} or {@link HashedTimelockStateError}, with the decoded arguments in `details`
 * (the `status` of `HashedTimelockNotLocked` as a number that compares with `HashedTimelockStatus`).
 *
 * @example
 * ```ts
 * try {
 *   await hashedTimelocks.claim(lock, secret);
 * } catch (err) {
 *   const error = decodeHashedTimelocksError(err);
 *   if (error.code === PeerPayErrorCode.HASHED_TIMELOCK_EXPIRED) await hashedTimelocks.refund(lock);
 * }
 * ```
 */
export function decodeHashedTimelocksError(error: unknown): PeerPayError {
  return decodeError(error, DECODING);
}
