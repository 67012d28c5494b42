// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "./IPullPayments.sol";
import {Terms} from "../libraries/DealLib.sol";

/// @title PeerPay escrow: deals between a depositor and a beneficiary, with an optional arbiter
/// @notice One contract holds every deal. A deal's id is the hash of its immutable terms (`Deal`), which callers
/// pass with each action; its mutable state (`DealState`) lives in one storage slot under that id.
/// Specification: docs/escrow.md.
interface IEscrow is IPullPayments {
    /// @notice What a timeout does with the remainder of a deal that is not disputed.
    enum Outcome {
        Release,
        Refund
    }

    /// @notice A deal's status. `None`: no deal has this id.
    enum Status {
        None,
        Active,
        Paid,
        Disputed,
        Closed
    }

    /// @notice The immutable terms of a deal. `dealId = keccak256(abi.encode(deal))`.
    /// @param depositor Funded the deal.
    /// @param beneficiary Receives releases.
    /// @param arbiter Resolves disputes, or address(0) for none.
    /// @param token The ERC20, or address(0) for ETH.
    /// @param terms Amount, deadline, dispute window, default outcome, fees and salt, packed (see `Terms`).
    /// @param milestonesHash keccak256 of the milestone amounts as 32-byte words, or 0 for one milestone.
    struct Deal {
        address depositor;
        address beneficiary;
        address arbiter;
        address token;
        Terms terms;
        bytes32 milestonesHash;
    }

    /// @notice The mutable state of a deal, one storage slot: 8 + 16 + 40 + 96 + 96 = 256 bits.
    /// @param nonce Counts the state changes that leave the deal open; signed actions carry its current value.
    /// Closing actions do not advance it, so a deal can always close even at the maximum nonce.
    /// @param disputedAt When the open dispute started, else 0.
    /// @param released Total taken out for the beneficiary, protocol fee included.
    /// @param refunded Total returned to the depositor.
    struct DealState {
        Status status;
        uint16 nonce;
        uint40 disputedAt;
        uint96 released;
        uint96 refunded;
    }

    /// @notice What a depositor chooses at creation. Numbers are uint256 so that an out-of-range value gets a
    /// named error rather than an ABI decoding failure.
    struct DealParams {
        address beneficiary;
        address arbiter;
        address token;
        uint256 amount;
        uint256 deadline;
        uint256 disputeWindow;
        Outcome defaultOutcome;
        uint256 fallbackBps;
        uint256 arbiterFeeBps;
        uint256 salt;
    }

    // ------------------------------------------------------------------ events

    /// @notice A deal was created and funded. `deal.terms` unpacks as documented on `Terms`.
    event DealCreated(bytes32 indexed dealId, address indexed depositor, address indexed beneficiary, Deal deal);
    /// @notice The milestones of a deal created with a milestone list (not emitted when the list is empty).
    event DealMilestones(bytes32 indexed dealId, uint256[] milestones);
    /// @param amount What the beneficiary receives, net of `protocolFee`.
    event DealReleased(bytes32 indexed dealId, uint256 amount, uint256 protocolFee);
    event DealRefunded(bytes32 indexed dealId, uint256 amount);
    event DealMarkedPaid(bytes32 indexed dealId);
    event DealDisputed(bytes32 indexed dealId, address indexed by);
    /// @param toBeneficiary Net of `protocolFee`.
    event DealResolved(
        bytes32 indexed dealId,
        uint256 toBeneficiary,
        uint256 toDepositor,
        uint256 arbiterFee,
        uint256 protocolFee
    );
    /// @param toBeneficiary Net of `protocolFee`.
    event DealSettled(bytes32 indexed dealId, uint256 toBeneficiary, uint256 toDepositor, uint256 protocolFee);
    /// @notice The deadline's default outcome (`disputed` false) or the arbiter's fallback split (true) was applied.
    /// @param toBeneficiary Net of `protocolFee`.
    event DealTimedOut(
        bytes32 indexed dealId,
        bool disputed,
        uint256 toBeneficiary,
        uint256 toDepositor,
        uint256 protocolFee
    );
    event SignaturesRevoked(bytes32 indexed dealId, address indexed by, uint256 newNonce);
    event ProtocolFeeUpdated(uint256 bps, address recipient);
    event ProtocolFeesCollected(address indexed token, address indexed recipient, uint256 amount);
    event CreationPausedSet(bool paused);

    // ------------------------------------------------------------------ errors

    error EscrowCreationPaused();
    error EscrowInvalidBeneficiary(address beneficiary);
    error EscrowInvalidArbiter(address arbiter);
    error EscrowInvalidArbiterTerms();
    error EscrowInvalidDisputeWindow(uint256 disputeWindow);
    error EscrowInvalidDeadline(uint256 deadline);
    error EscrowInvalidAmount(uint256 amount);
    error EscrowInvalidSalt(uint256 salt);
    error EscrowInvalidMilestones();
    error EscrowValueMismatch(uint256 sent, uint256 expected);
    error EscrowTokenNotContract(address token);
    error EscrowTokenTransferMismatch(uint256 expected, uint256 received);
    error EscrowDealExists(bytes32 dealId);
    error EscrowDealNotFound(bytes32 dealId);
    error EscrowUnauthorized(bytes32 dealId, address caller);
    error EscrowInvalidStatus(bytes32 dealId, Status current);
    error EscrowNonceExhausted(bytes32 dealId);
    error EscrowZeroAmount();
    error EscrowAmountExceedsRemaining(uint256 amount, uint256 remaining);
    error EscrowDeadlinePassed(bytes32 dealId, uint256 deadline);
    error EscrowTimeoutNotReached(bytes32 dealId, uint256 opensAt);
    error EscrowNoArbiter(bytes32 dealId);
    error EscrowNotRefundDefault(bytes32 dealId);
    error EscrowMilestoneOutOfRange(uint256 index, uint256 count);
    error EscrowMilestoneAlreadyReleased(uint256 index);
    error EscrowSignatureExpired(uint256 expiry);
    error EscrowInvalidSignature(address signer);
    error EscrowProtocolFeeTooHigh(uint256 bps, uint256 max);
    error EscrowInvalidFeeRecipient();
    error EscrowNothingToCollect(address token);

    // ------------------------------------------------------------------ creation

    /// @notice Creates and funds a deal: ETH by `msg.value`, an ERC20 by allowance.
    /// @param params The terms the depositor chooses.
    /// @param milestones Up to 16 non-zero amounts summing to `params.amount`, or empty for one milestone.
    /// @return dealId `keccak256(abi.encode(deal))` of the created deal.
    function createDeal(
        DealParams calldata params,
        uint256[] calldata milestones
    ) external payable returns (bytes32 dealId);

    /// @notice As `createDeal` for an ERC20, calling the token's EIP-2612 `permit` for `params.amount` first.
    /// @dev A failing permit is ignored, so a front-run permit cannot block a deposit whose allowance is in place.
    function createDealWithPermit(
        DealParams calldata params,
        uint256[] calldata milestones,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 dealId);

    // ------------------------------------------------------------------ actions

    /// @notice The depositor pays `amount` of the remainder to the beneficiary. While disputed, only the whole
    /// remainder (a concession that closes the deal).
    function release(Deal calldata deal, uint256 amount) external;

    /// @notice The depositor releases up to the cumulative end of milestone `index`.
    /// @param milestones The deal's milestone list (empty for a deal created without one).
    function releaseMilestone(Deal calldata deal, uint256[] calldata milestones, uint256 index) external;

    /// @notice The beneficiary returns `amount` of the remainder to the depositor. While disputed, only the whole
    /// remainder (a concession that closes the deal).
    function refund(Deal calldata deal, uint256 amount) external;

    /// @notice Anyone submits a release the depositor signed (EIP-712 `Release`).
    function releaseWithSig(Deal calldata deal, uint256 amount, uint256 expiry, bytes calldata signature) external;

    /// @notice Anyone submits a refund the beneficiary signed (EIP-712 `Refund`).
    function refundWithSig(Deal calldata deal, uint256 amount, uint256 expiry, bytes calldata signature) external;

    /// @notice The beneficiary declares the off-chain payment made: the deadline can no longer refund.
    function markPaid(Deal calldata deal) external;

    /// @notice A party opens a dispute for the arbiter.
    function dispute(Deal calldata deal) external;

    /// @notice The arbiter takes its fee and splits the rest: `toBeneficiary` (gross of the protocol fee) to the
    /// beneficiary, the remainder to the depositor. Closes the deal.
    /// @dev While a deal is disputed its remainder cannot change except by closing it, so the absolute split applies
    /// to the remainder the arbiter saw, and no party can make a ruling revert short of conceding everything.
    function resolve(Deal calldata deal, uint256 toBeneficiary) external;

    /// @notice Splits the remainder as both parties signed (EIP-712 `Settle`): `toBeneficiary` (gross of the
    /// protocol fee) to the beneficiary, the rest to the depositor. Closes the deal, ends a dispute.
    /// @dev A party submitting the call itself may pass an empty signature for its own side.
    function settle(
        Deal calldata deal,
        uint256 toBeneficiary,
        uint256 expiry,
        bytes calldata depositorSignature,
        bytes calldata beneficiarySignature
    ) external;

    /// @notice Anyone applies the default outcome after the deadline, or the fallback split after the arbiter's
    /// window. Funds only go to the parties. Closes the deal.
    function triggerTimeout(Deal calldata deal) external;

    /// @notice A party advances the nonce, invalidating every outstanding signature for the deal.
    function revokeSignatures(Deal calldata deal) external;

    // ------------------------------------------------------------------ admin (never touches deal funds)

    /// @notice Sets the protocol fee for deals created from now on, and where accrued fees go.
    function setProtocolFee(uint256 bps, address recipient) external;

    /// @notice Pauses or unpauses the creation of deals. Open deals are unaffected.
    function setCreationPaused(bool paused) external;

    /// @notice Sends the accrued protocol fees in `token` to the current fee recipient. Anyone may call.
    function collectProtocolFees(address token) external returns (uint256 amount);

    // ------------------------------------------------------------------ views

    /// @notice The state of deal `dealId` (status `None` if there is none).
    function getDealState(bytes32 dealId) external view returns (DealState memory);

    /// @notice The id of a deal with these terms.
    function computeDealId(Deal calldata deal) external pure returns (bytes32);

    /// @notice The packed `Terms` for these values, with the protocol fee of a deal created now.
    /// @dev Reverts with the same errors as `createDeal` for values out of range.
    function packTerms(DealParams calldata params) external view returns (Terms);

    /// @notice The current protocol fee, its recipient, and whether creation is paused.
    function config() external view returns (uint256 protocolFeeBps, address feeRecipient, bool creationPaused);

    /// @notice Protocol fees accrued in `token` and not yet collected.
    function protocolFeesOf(address token) external view returns (uint256);
}
