// The crowdfunding's ABI (from the TypeChain factory of the interface, by deep path: no bytecode in the bundle), every
// custom error a call can revert with, and the decoder that turns them into typed errors (CF-SDK-4).
import { Interface, type JsonFragment } from "ethers";
import { ICrowdfunding__factory } from "../../typechain-types/factories/contracts/interfaces/ICrowdfunding__factory";
import { IEscrow__factory } from "../../typechain-types/factories/contracts/interfaces/IEscrow__factory";
import { Ownable__factory } from "../../typechain-types/factories/@openzeppelin/contracts/access/Ownable__factory";
import { ReentrancyGuardTransient__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/ReentrancyGuardTransient__factory";
import { SafeERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/utils/SafeERC20__factory";
import { Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/utils/Errors__factory";
import { IERC20Errors__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/draft-IERC6093.sol/IERC20Errors__factory";
import type { PeerPayError } from "../errors/base";
import { CROWDFUNDING_REVERTS } from "../errors/crowdfunding";
import { decodeError, type Decoding } from "../internal/revert";

/** Functions and events of the crowdfunding (ICrowdfunding includes IPullPayments). */
export const crowdfundingInterface = ICrowdfunding__factory.createInterface();

/**
 * Every custom error a call can revert with: its own, the Escrow's (a milestone claim, release or dispute calls it),
 * Ownable's, the reentrancy guard's, SafeERC20's, Address's and an ERC20's bubbling through a pledge.
 */
const crowdfundingRevertInterface = new Interface(
  [
    ICrowdfunding__factory.abi,
    IEscrow__factory.abi,
    Ownable__factory.abi,
    ReentrancyGuardTransient__factory.abi,
    SafeERC20__factory.abi,
    Errors__factory.abi,
    IERC20Errors__factory.abi,
  ].flatMap((abi) => (abi as readonly JsonFragment[]).filter((fragment) => fragment.type === "error")),
);

const DECODING: Decoding = { errors: CROWDFUNDING_REVERTS, revert: crowdfundingRevertInterface };

/**
 * The names of the Solidity errors {@link decodeCrowdfundingError} turns into typed errors (for its coverage test).
 *
 * @example
 * ```ts
 * KNOWN_CROWDFUNDING_ERRORS.includes("CrowdfundingWrongState"); // true
 * ```
 */
export const KNOWN_CROWDFUNDING_ERRORS: readonly string[] = Object.freeze(Object.keys(CROWDFUNDING_REVERTS));

/**
 * As `decodeEscrowError`, for anything a call to the Crowdfunding contract threw: its `Crowdfunding*` errors become
 * {@link CrowdfundingCampaignError}, {@link CrowdfundingPledgeError} or {@link CrowdfundingStateError} with the
 * decoded arguments in `details` (a `state` as a number that compares with `CampaignState`); the Escrow's errors
 * (bubbling through a milestone claim, release or dispute) decode as the escrow client's.
 *
 * @example
 * ```ts
 * try {
 *   await crowdfundingContract.claim(campaignId);
 * } catch (err) {
 *   const error = decodeCrowdfundingError(err);
 *   if (error.code === PeerPayErrorCode.CROWDFUNDING_WRONG_STATE) console.log(error.details.state);
 * }
 * ```
 */
export function decodeCrowdfundingError(error: unknown): PeerPayError {
  return decodeError(error, DECODING);
}
