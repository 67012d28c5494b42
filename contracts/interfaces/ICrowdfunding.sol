// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "./IPullPayments.sol";
import {IEscrow} from "./IEscrow.sol";

/// @title PeerPay crowdfunding: all-or-nothing campaigns in ETH or one ERC20, optionally released in milestones
/// through the Escrow
/// @notice A campaign id carries its asset: `id = uint160(token) << 96 | sequence` (token 0 = ETH), so that refunds
/// and pledges know the asset without reading storage. Specification: docs/crowdfunding.md (rules CF-*).
interface ICrowdfunding is IPullPayments {
    /// @notice A campaign's phase, derived from its stored state and the clock (docs/crowdfunding.md §3).
    enum State {
        None,
        Upcoming,
        Running,
        Succeeded,
        Failed,
        Claimed,
        Cancelled
    }

    /// @notice What a creator chooses. Numbers are uint256 so that an out-of-range value gets a named error.
    /// @param token The ERC20, or address(0) for ETH.
    /// @param goal The total that must be pledged by the deadline, 0 < goal < 2^96.
    /// @param cap The most that may be pledged in total, or 0 for none (else goal <= cap < 2^96).
    /// @param start First second pledges are accepted, or 0 for the creation's block time.
    /// @param deadline First second pledges are refused and the outcome is decided; <= now + MAX_DURATION.
    /// @param minPledge The least a backer's pledge may be after a pledge or a partial withdrawal (0 means 1).
    /// @param feeBps Platform fee on a successful pot, <= MAX_FEE_BPS.
    /// @param feeRecipient Receives the fee; address(0) for the owner-set default at creation (feeBps > 0 only).
    /// @param milestoneBps Empty for a direct claim; else 1..16 non-zero shares summing to 10,000: the pot goes into
    /// an escrow deal released milestone by milestone.
    /// @param arbiter The escrow deal's arbiter, or address(0) for none (milestones only).
    /// @param dealDuration Seconds from the claim to the escrow deal's deadline (milestones only).
    /// @param disputeWindow, defaultOutcome, fallbackBps, arbiterFeeBps The escrow deal's terms (docs/escrow.md).
    struct CampaignParams {
        address token;
        uint256 goal;
        uint256 cap;
        uint256 start;
        uint256 deadline;
        uint256 minPledge;
        uint256 feeBps;
        address feeRecipient;
        uint256[] milestoneBps;
        address arbiter;
        uint256 dealDuration;
        uint256 disputeWindow;
        IEscrow.Outcome defaultOutcome;
        uint256 fallbackBps;
        uint256 arbiterFeeBps;
    }

    /// @notice A campaign as stored (docs/crowdfunding.md §1), for views.
    struct CampaignView {
        address creator;
        address token;
        uint256 goal;
        uint256 cap;
        uint256 start;
        uint256 deadline;
        uint256 minPledge;
        uint256 feeBps;
        address feeRecipient;
        uint256 total;
        State state;
        uint256 milestoneCount;
        address arbiter;
    }

    // ------------------------------------------------------------------ events

    /// @notice A campaign was created. `start` and `feeRecipient` are the effective values.
    event CampaignCreated(
        uint256 indexed campaignId,
        address indexed creator,
        address indexed token,
        uint256 start,
        address feeRecipient,
        CampaignParams params
    );
    /// @notice The campaign names an arbiter (milestones only), so that an arbiter can list its campaigns.
    event CampaignArbiter(uint256 indexed campaignId, address indexed arbiter);
    event CampaignCancelled(uint256 indexed campaignId);
    /// @param amount Added to the backer's pledge (what arrived).
    event Pledged(uint256 indexed campaignId, address indexed backer, uint256 amount);
    /// @param amount Taken back from the backer's pledge while the campaign runs.
    event Unpledged(uint256 indexed campaignId, address indexed backer, uint256 amount);
    /// @param amount The whole pledge of a failed campaign, paid (or credited) to the backer.
    event Refunded(uint256 indexed campaignId, address indexed backer, uint256 amount);
    /// @param toCreator Net of `fee`; for a milestone campaign, the escrow deal's amount.
    /// @param dealId The escrow deal created, or 0 for a direct claim.
    event Claimed(uint256 indexed campaignId, address indexed creator, uint256 toCreator, uint256 fee, bytes32 dealId);
    event MilestoneApproved(uint256 indexed campaignId, address indexed backer, uint256 index, uint256 weight);
    /// @param releaseAt The first second `releaseMilestone` may release the milestone (approval + RELEASE_DELAY).
    event MilestoneReleaseScheduled(uint256 indexed campaignId, uint256 index, uint256 releaseAt);
    event MilestoneReleased(uint256 indexed campaignId, uint256 index);
    event DisputeSupported(uint256 indexed campaignId, address indexed backer, uint256 weight);
    event DisputeOpened(uint256 indexed campaignId);
    /// @param amount The backer's pro-rata share of what the escrow returned, paid (or credited) now.
    event ReturnPulled(uint256 indexed campaignId, address indexed backer, uint256 amount);
    event NonceUsed(address indexed backer, uint256 nonce);
    event DefaultFeeRecipientSet(address indexed recipient);

    // ------------------------------------------------------------------ errors

    error CrowdfundingInvalidToken(address token);
    error CrowdfundingInvalidGoal(uint256 goal, uint256 cap);
    error CrowdfundingInvalidTimes(uint256 start, uint256 deadline);
    error CrowdfundingInvalidMinPledge(uint256 minPledge);
    error CrowdfundingInvalidFee(uint256 feeBps, address feeRecipient);
    error CrowdfundingInvalidMilestones();
    error CrowdfundingInvalidArbiter(address arbiter);
    error CrowdfundingInvalidDealTerms();
    error CrowdfundingNotFound(uint256 campaignId);
    error CrowdfundingWrongState(uint256 campaignId, State state);
    error CrowdfundingWrongAsset(uint256 campaignId);
    error CrowdfundingUnauthorized(uint256 campaignId, address caller);
    error CrowdfundingBelowMinimum(uint256 pledge, uint256 minPledge);
    error CrowdfundingCapExceeded(uint256 total, uint256 cap);
    error CrowdfundingAmountExceedsPledge(uint256 amount, uint256 pledge);
    error CrowdfundingNothingToRefund(uint256 campaignId, address backer);
    error CrowdfundingTransferMismatch(uint256 expected, uint256 received);
    error CrowdfundingSignatureExpired(uint256 deadline);
    error CrowdfundingInvalidSignature(address backer);
    error CrowdfundingNoMilestones(uint256 campaignId);
    error CrowdfundingMilestoneOutOfRange(uint256 index, uint256 count);
    error CrowdfundingAlreadyVoted(uint256 campaignId, address backer);
    error CrowdfundingNotBacker(uint256 campaignId, address backer);
    error CrowdfundingNothingReturned(uint256 campaignId, address backer);
    error CrowdfundingUnexpectedEth(address sender);
    error CrowdfundingInvalidEscrow(address escrow);
    error CrowdfundingZeroAmount();
    error CrowdfundingNoArbiter(uint256 campaignId);
    /// @param releaseAt 0 when no majority approved the milestone yet.
    error CrowdfundingReleaseNotReady(uint256 campaignId, uint256 index, uint256 releaseAt);
    error CrowdfundingAlreadyReleased(uint256 campaignId, uint256 index);
    error CrowdfundingDisputeOpen(uint256 campaignId);
    /// @param dealDeadline The escrow deal's deadline, before which the minority's review time would not end.
    error CrowdfundingReleaseTooLate(uint256 campaignId, uint256 index, uint256 dealDeadline);

    // ------------------------------------------------------------------ creation

    /// @notice Creates a campaign whose creator is the caller.
    /// @return campaignId `uint160(token) << 96 | sequence`.
    function createCampaign(CampaignParams calldata params) external returns (uint256 campaignId);

    /// @notice The creator cancels a campaign that holds no pledge, before its deadline (CF-C4).
    function cancel(uint256 campaignId) external;

    // ------------------------------------------------------------------ pledging (before the deadline)

    /// @notice Pledges `msg.value` to an ETH campaign, or adds it to the caller's pledge.
    function pledge(uint256 campaignId) external payable;

    /// @notice Pledges `amount` of a token campaign's ERC20 by allowance; exactly `amount` must arrive.
    function pledgeToken(uint256 campaignId, uint256 amount) external;

    /// @notice As `pledgeToken`, calling the token's EIP-2612 `permit` for `amount` first (its failure ignored).
    function pledgeWithPermit(
        uint256 campaignId,
        uint256 amount,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Anyone submits a pledge `backer` signed (EIP-712 `Pledge`); the tokens come from `backer`.
    /// @param signature 65-byte ECDSA or an ERC-1271 signature of a contract backer.
    function pledgeBySig(
        uint256 campaignId,
        address backer,
        uint256 amount,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Consumes the caller's current relayed-pledge nonce, cancelling any signature made for it.
    function cancelNonce() external;

    /// @notice Takes back `amount` of the caller's pledge while the campaign runs; what is left is 0 or at least
    /// the minimum pledge.
    function unpledge(uint256 campaignId, uint256 amount) external;

    // ------------------------------------------------------------------ outcome (at and after the deadline)

    /// @notice A failed campaign: the caller takes back their whole pledge (pushed, credited if the push fails).
    function refund(uint256 campaignId) external;

    /// @notice A failed campaign: anyone pushes the pledges of `backers` back to them; a failed push is credited.
    /// Backers without a pledge are skipped.
    /// @return refunded How much was paid or credited in total.
    function refundMany(uint256 campaignId, address[] calldata backers) external returns (uint256 refunded);

    /// @notice A succeeded campaign: the creator takes the pot net of the fee, once; with milestones, the pot net of
    /// the fee becomes an escrow deal for the creator, and anyone may make the claim.
    function claim(uint256 campaignId) external;

    // ------------------------------------------------------------------ milestones (after a milestone claim)

    /// @notice A backer approves milestone `index` with the weight of their pledge; the approval that takes the
    /// tally above half the campaign's total schedules the milestone's release RELEASE_DELAY later, which leaves the
    /// other backers time to open a dispute (CF-M3).
    function approveMilestone(uint256 campaignId, uint256 index) external;

    /// @notice Releases milestone `index` in the escrow (up to its end), once its majority approval is RELEASE_DELAY
    /// old and while no dispute is open. Anyone may call.
    function releaseMilestone(uint256 campaignId, uint256 index) external;

    /// @notice A backer supports a dispute with the weight of their pledge; the support that brings the tally to
    /// DISPUTE_SHARE_BPS of the total opens the dispute in the escrow.
    function supportDispute(uint256 campaignId) external;

    /// @notice A backer takes their pro-rata share of what the escrow returned so far, less what they took before.
    /// @return amount Paid (or credited) now.
    function pullReturned(uint256 campaignId) external returns (uint256 amount);

    /// @notice Withdraws this contract's pull-payment credit in `token` from the Escrow. Anyone may call.
    /// @return amount What came home (the Escrow reverts when there is none).
    function withdrawEscrowCredit(address token) external returns (uint256 amount);

    // ------------------------------------------------------------------ admin (never touches pledges)

    /// @notice Sets the fee recipient copied into campaigns created from now on that name none.
    function setDefaultFeeRecipient(address recipient) external;

    // ------------------------------------------------------------------ views

    function campaign(uint256 campaignId) external view returns (CampaignView memory);

    function stateOf(uint256 campaignId) external view returns (State);

    /// @return amount The backer's pledge. @return pulled Taken of escrow returns. @return votes Bit i: approved
    /// milestone i; bit 16: supported the dispute.
    function pledgeOf(
        uint256 campaignId,
        address backer
    ) external view returns (uint256 amount, uint256 pulled, uint256 votes);

    /// @notice The escrow deal of a claimed milestone campaign and its milestone amounts.
    function dealOf(uint256 campaignId) external view returns (IEscrow.Deal memory deal, uint256[] memory milestones);

    /// @notice What the escrow returned to the campaign so far, and how much of it backers took.
    function returnedOf(uint256 campaignId) external view returns (uint256 returned, uint256 pulled);

    /// @return tally The pledge weight that approved milestone `index`.
    function milestoneTally(uint256 campaignId, uint256 index) external view returns (uint256 tally);

    function disputeTally(uint256 campaignId) external view returns (uint256 tally);

    /// @return releaseAt When milestone `index` becomes releasable: 0 before a majority approved it,
    /// `type(uint256).max` once released.
    function releaseTimeOf(uint256 campaignId, uint256 index) external view returns (uint256 releaseAt);

    /// @notice The next relayed-pledge nonce of `backer`.
    function nonces(address backer) external view returns (uint256);

    /// @notice The EIP-712 digest a backer signs for a relayed pledge.
    function pledgeDigest(
        uint256 campaignId,
        address backer,
        uint256 amount,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The Escrow used for milestone campaigns, and the owner-set default fee recipient.
    function config() external view returns (address escrow, address defaultFeeRecipient);
}
