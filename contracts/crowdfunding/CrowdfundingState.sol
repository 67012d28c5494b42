// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ICrowdfunding} from "../interfaces/ICrowdfunding.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {PullPayments} from "../base/PullPayments.sol";
import {Terms} from "../libraries/DealLib.sol";

/// @title Crowdfunding storage, views and shared internals
/// @dev The layout of docs/crowdfunding.md §1; split from the deployable only to keep each file readable.
abstract contract CrowdfundingState is ICrowdfunding, PullPayments {
    uint256 public constant MAX_DURATION = 365 days;
    uint256 public constant MAX_FEE_BPS = 1_000;
    uint256 public constant MAX_MILESTONES = 16;
    /// @notice The share of the pledged total whose support opens a dispute in the escrow: 20%.
    uint256 public constant DISPUTE_SHARE_BPS = 2_000;
    /// @notice How long a majority-approved milestone waits before it can be released: the other backers' time to
    /// reach DISPUTE_SHARE_BPS and freeze the deal (CF-M3).
    uint256 public constant RELEASE_DELAY = 3 days;

    uint256 internal constant BPS = 10_000;
    uint256 internal constant CANCELLED = 1;
    uint256 internal constant CLAIMED = 2;
    uint256 internal constant DISPUTE_VOTE = 1 << 16;
    uint256 internal constant RELEASED = type(uint256).max;

    /// @dev Slot 0 (CF-S1): all that a refund reads and writes; a pledge writes it.
    struct Pot {
        uint96 total;
        uint96 goal;
        uint32 start;
        uint32 deadline;
    }
    /// @dev Slot 1: the rest of what a pledge reads; a claim writes `flags`.
    struct Rules {
        uint96 minPledge;
        uint96 cap;
        uint16 feeBps;
        uint8 flags;
        uint8 milestoneCount;
        uint32 dealDuration;
    }
    /// @dev Slot 2: what a claim reads besides the pot, and the escrow terms of a milestone campaign.
    struct Parties {
        address creator;
        uint32 disputeWindow;
        uint16 fallbackBps;
        uint16 arbiterFeeBps;
        uint8 defaultOutcome;
    }
    struct Campaign {
        Pot pot;
        Rules rules;
        Parties parties;
        address feeRecipient;
        address arbiter;
        uint256 milestoneBps;
        uint256 dealTerms;
        bytes32 milestonesHash;
        uint96 returnedPulled;
        uint96 disputeTally;
    }
    /// @dev One slot per backer and campaign: the pledge, what was pulled of escrow returns, and the votes.
    struct Backing {
        uint96 amount;
        uint96 pulled;
        uint64 votes;
    }

    /// @notice The Escrow that holds the pots of claimed milestone campaigns.
    IEscrow internal immutable _escrow;

    mapping(uint256 campaignId => Campaign) internal _campaigns;
    mapping(uint256 campaignId => mapping(address backer => Backing)) internal _backings;
    mapping(uint256 campaignId => mapping(uint256 index => uint256 tally)) internal _milestoneTallies;
    mapping(uint256 campaignId => mapping(uint256 index => uint256 releaseAt)) internal _releaseAt;
    mapping(address backer => uint256 nonce) internal _nonces;
    uint96 internal _sequence;
    address internal _defaultFeeRecipient;

    constructor(IEscrow escrow) {
        if (address(escrow).code.length == 0) revert CrowdfundingInvalidEscrow(address(escrow));
        _escrow = escrow;
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICrowdfunding
    function campaign(uint256 campaignId) external view returns (CampaignView memory v) {
        Campaign storage c = _campaigns[campaignId];
        Pot memory pot = c.pot;
        Rules memory rules = c.rules;
        v = CampaignView({
            creator: c.parties.creator,
            token: _token(campaignId),
            goal: pot.goal,
            cap: rules.cap,
            start: pot.start,
            deadline: pot.deadline,
            minPledge: rules.minPledge,
            feeBps: rules.feeBps,
            feeRecipient: c.feeRecipient,
            total: pot.total,
            state: _state(c),
            milestoneCount: rules.milestoneCount,
            arbiter: c.arbiter
        });
    }

    /// @inheritdoc ICrowdfunding
    function stateOf(uint256 campaignId) external view returns (State) {
        return _state(_campaigns[campaignId]);
    }

    /// @inheritdoc ICrowdfunding
    function pledgeOf(
        uint256 campaignId,
        address backer
    ) external view returns (uint256 amount, uint256 pulled, uint256 votes) {
        Backing memory b = _backings[campaignId][backer];
        return (b.amount, b.pulled, b.votes);
    }

    /// @inheritdoc ICrowdfunding
    function dealOf(uint256 campaignId) external view returns (IEscrow.Deal memory deal, uint256[] memory milestones) {
        Campaign storage c = _campaigns[campaignId];
        uint256 count = _requireDeal(c, campaignId);
        deal = _deal(c, campaignId);
        milestones = _milestoneAmounts(deal.terms.amount(), c.milestoneBps, count);
    }

    /// @inheritdoc ICrowdfunding
    function returnedOf(uint256 campaignId) external view returns (uint256 returned, uint256 pulled) {
        Campaign storage c = _campaigns[campaignId];
        if (c.rules.milestoneCount == 0 || c.rules.flags & CLAIMED == 0) return (0, 0);
        return (_returned(c, campaignId), c.returnedPulled);
    }

    /// @inheritdoc ICrowdfunding
    function milestoneTally(uint256 campaignId, uint256 index) external view returns (uint256) {
        return _milestoneTallies[campaignId][index];
    }

    /// @inheritdoc ICrowdfunding
    function disputeTally(uint256 campaignId) external view returns (uint256) {
        return _campaigns[campaignId].disputeTally;
    }

    /// @inheritdoc ICrowdfunding
    function releaseTimeOf(uint256 campaignId, uint256 index) external view returns (uint256) {
        return _releaseAt[campaignId][index];
    }

    /// @inheritdoc ICrowdfunding
    function nonces(address backer) external view returns (uint256) {
        return _nonces[backer];
    }

    // ------------------------------------------------------------------ internals

    /// @dev The asset of a campaign, carried in its id (CF-S2).
    function _token(uint256 campaignId) internal pure returns (address) {
        return address(uint160(campaignId >> 96));
    }

    function _state(Campaign storage c) internal view returns (State) {
        Pot memory pot = c.pot;
        uint256 flags = c.rules.flags;
        if (pot.goal == 0) return State.None;
        if (flags & CANCELLED != 0) return State.Cancelled;
        if (flags & CLAIMED != 0) return State.Claimed;
        if (block.timestamp < pot.start) return State.Upcoming;
        if (block.timestamp < pot.deadline) return State.Running;
        return pot.total >= pot.goal ? State.Succeeded : State.Failed;
    }

    /// @dev What the escrow returned to the depositor for this campaign's deal: its own tracked total, never a
    /// balance (CF-M5).
    function _returned(Campaign storage c, uint256 campaignId) internal view returns (uint256) {
        return _escrow.getDealState(keccak256(abi.encode(_deal(c, campaignId)))).refunded;
    }

    function _deal(Campaign storage c, uint256 campaignId) internal view returns (IEscrow.Deal memory) {
        return
            IEscrow.Deal({
                depositor: address(this),
                beneficiary: c.parties.creator,
                arbiter: c.arbiter,
                token: _token(campaignId),
                terms: Terms.wrap(c.dealTerms),
                milestonesHash: c.milestonesHash
            });
    }

    /// @dev The milestone amounts of a pot: each share's floor, the last taking the rounding remainder.
    function _milestoneAmounts(
        uint256 net,
        uint256 packedBps,
        uint256 count
    ) internal pure returns (uint256[] memory amounts) {
        amounts = new uint256[](count);
        uint256 sum = 0;
        for (uint256 i; i + 1 < count; ++i) {
            amounts[i] = (net * ((packedBps >> (16 * i)) & type(uint16).max)) / BPS;
            sum += amounts[i];
        }
        amounts[count - 1] = net - sum;
    }

    /// @dev The milestone count of a claimed milestone campaign; reverts for any other campaign.
    function _requireDeal(Campaign storage c, uint256 campaignId) internal view returns (uint256 count) {
        count = c.rules.milestoneCount;
        if (count == 0) revert CrowdfundingNoMilestones(campaignId);
        if (c.rules.flags & CLAIMED == 0) revert CrowdfundingWrongState(campaignId, _state(c));
    }
}
