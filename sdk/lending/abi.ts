// Lending's ABI (from the TypeChain factory of the interface, by deep path: no bytecode in the bundle), every custom
// error a call can revert with, and the decoder that turns them into typed errors (LN-SDK-6).
import { Interface, type JsonFragment } from "ethers";
import { ILending__factory } from "../../typechain-types/factories/contracts/interfaces/ILending__factory";
import { IAuctions__factory } from "../../typechain-types/factories/contracts/interfaces/IAuctions__factory";
import { ReentrancyGuardTransient__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/ReentrancyGuardTransient__factory";
import { SafeERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/utils/SafeERC20__factory";
import { Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/Errors__factory";
import { IERC20Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC20Errors__factory";
import { IERC721Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC721Errors__factory";
import type { PeerPayError } from "../errors/base";
import { LENDING_REVERTS } from "../errors/lending";
import { decodeError, type Decoding } from "../internal/revert";

/** Functions and events of Lending (ILending includes IPullPayments and the positions' ERC-721). */
export const lendingInterface = ILending__factory.createInterface();

/**
 * Every custom error a call can revert with: its own, the positions' ERC-721 errors, the Auctions' (a sale), the
 * reentrancy guard's, SafeERC20's, Address.sendValue's and an OpenZeppelin ERC20's bubbling through a transfer.
 */
const lendingRevertInterface = new Interface(
  [
    ILending__factory.abi,
    IAuctions__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
    IERC721Errors__factory.abi,
  ].flatMap((abi) => (abi as readonly JsonFragment[]).filter((fragment) => fragment.type === "error")),
);

const DECODING: Decoding = { errors: LENDING_REVERTS, revert: lendingRevertInterface };

/**
 * The names of the Solidity errors {@link decodeLendingError} turns into typed errors (for its coverage test).
 *
 * @example
 * ```ts
 * KNOWN_LENDING_ERRORS.includes("LendingNonceUsed"); // true
 * ```
 */
export const KNOWN_LENDING_ERRORS: readonly string[] = Object.freeze(Object.keys(LENDING_REVERTS));

/**
 * As `decodeEscrowError`, for anything a call to the Lending contract threw: its `Lending*` errors become
 * `LendingTermsError`, `LendingSignatureError`, `LendingStateError`, `LendingPaymentError` or `LendingAccessError`
 * (a `status` as a number that compares with `LoanStatus`), the positions' ERC-721 errors `LendingPositionError`, the
 * Auctions' (through a sale) as the auction client's, with the decoded arguments in `details`.
 *
 * @example
 * ```ts
 * try {
 *   await lendingContract.repay(terms, loanId, amount);
 * } catch (err) {
 *   const error = decodeLendingError(err);
 *   if (error.code === PeerPayErrorCode.LENDING_PAYMENT_BELOW_INTEREST) console.log(error.details.accrued);
 * }
 * ```
 */
export function decodeLendingError(error: unknown): PeerPayError {
  return decodeError(error, DECODING);
}
