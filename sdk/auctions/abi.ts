// The auctions' ABI (from the TypeChain factory of the interface, by deep path: no bytecode in the bundle), every
// custom error a call can revert with, and the decoder that turns them into typed errors.
import { Interface, type JsonFragment } from "ethers";
import { IAuctions__factory } from "../../typechain-types/factories/contracts/interfaces/IAuctions__factory";
import { Ownable__factory } from "../../typechain-types/factories/@openzeppelin/contracts/access/Ownable__factory";
import { ReentrancyGuardTransient__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/ReentrancyGuardTransient__factory";
import { SafeERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/utils/SafeERC20__factory";
import { Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/Errors__factory";
import { IERC20Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC20Errors__factory";
import { IERC721Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC721Errors__factory";
import { IERC1155Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC1155Errors__factory";
import { AUCTION_REVERTS } from "../errors/auctions";
import type { PeerPayError } from "../errors/base";
import { decodeError, type Decoding } from "../internal/revert";

/** Functions and events of the auctions (IAuctions includes IPullPayments). */
export const auctionsInterface = IAuctions__factory.createInterface();

/**
 * Every custom error a call can revert with: its own, Ownable's (the fee setter), the reentrancy guard's,
 * SafeERC20's, Address.sendValue's, and an OpenZeppelin token's bubbling through a lot or bid pull (the ERC721 and
 * ERC1155 ones decode by name, with the code `CONTRACT_REVERT`).
 */
const auctionsRevertInterface = new Interface(
  [
    IAuctions__factory.abi,
    Ownable__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
    IERC721Errors__factory.abi,
    IERC1155Errors__factory.abi,
  ].flatMap((abi) => (abi as readonly JsonFragment[]).filter((fragment) => fragment.type === "error")),
);

const DECODING: Decoding = { errors: AUCTION_REVERTS, revert: auctionsRevertInterface };

/**
 * The names of the Solidity errors {@link decodeAuctionsError} turns into typed errors (for its test).
 *
 * @example
 * ```ts
 * KNOWN_AUCTION_ERRORS.includes("AuctionsBidTooLow"); // true
 * ```
 */
export const KNOWN_AUCTION_ERRORS: readonly string[] = Object.freeze(Object.keys(AUCTION_REVERTS));

/**
 * As `decodeEscrowError`, for anything a call to the auctions contract threw: its `Auctions*` errors become
 * `AuctionLotError`, `AuctionStateError`, `AuctionBidError` or `AuctionAdminError`, with the
 * decoded arguments in `details`; PullPayments' and an ERC20's errors become `TransferError`.
 *
 * @example
 * ```ts
 * try {
 *   await auctionsContract.bid(auctionId, amount, 0n, { value: amount });
 * } catch (err) {
 *   const error = decodeAuctionsError(err);
 *   if (error.code === PeerPayErrorCode.AUCTION_BID_TOO_LOW) console.log(error.details.minimum);
 * }
 * ```
 */
export function decodeAuctionsError(error: unknown): PeerPayError {
  return decodeError(error, DECODING);
}
