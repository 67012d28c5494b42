// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {ICrowdfunding} from "../interfaces/ICrowdfunding.sol";
import {Terms} from "../libraries/DealLib.sol";
import {CrowdfundingState} from "./CrowdfundingState.sol";

/// @title Crowdfunding milestones: a successful pot as an escrow deal the backers steer (docs/crowdfunding.md §6)
abstract contract CrowdfundingMilestones is CrowdfundingState {
    using SafeERC20 for IERC20;

    /// (CF-M1), and returns the shares packed 16 bits each.
    function _checkMilestones(CampaignParams calldata p) internal view returns (uint256 packed) {
        uint256 count = p.milestoneBps.length;
        if (count > MAX_MILESTONES) revert CrowdfundingInvalidMilestones();
        // The smallest pot a success can hand to the escrow: every milestone of it must be at least 1.
        uint256 goalNet = p.goal - (p.goal * p.feeBps) / BPS;
        uint256 sum = 0;
        for (uint256 i; i < count; ++i) {
            uint256 share = p.milestoneBps[i];
            if (share == 0 || share > BPS - sum || goalNet * share < BPS) revert CrowdfundingInvalidMilestones();
            sum += share;
            packed |= share << (16 * i);
        }
        if (sum != BPS) revert CrowdfundingInvalidMilestones();
        if (p.arbiter == address(this) || p.arbiter == msg.sender || p.arbiter == address(_escrow)) {
            revert CrowdfundingInvalidArbiter(p.arbiter);
        }
        // A deal must outlast the release delay, or no milestone could ever be released (CF-M3).
        if (p.dealDuration <= RELEASE_DELAY || p.dealDuration > type(uint32).max) revert CrowdfundingInvalidDealTerms();
        // The Escrow's own checks of the numeric terms, on the smallest amount and a deal created now.
        try _escrow.packTerms(_dealParams(p.token, msg.sender, p.arbiter, goalNet, p.dealDuration, p)) returns (Terms) {
            // solhint-disable-previous-line no-empty-blocks
        } catch {
            revert CrowdfundingInvalidDealTerms();
        }
    }

    /// @dev Puts `net` into an escrow deal for the creator, with this contract as the depositor (CF-M2).
    function _openDeal(
        Campaign storage c,
        uint256 campaignId,
        address token,
        uint256 net,
        Rules memory rules
    ) internal returns (bytes32 dealId) {
        Parties memory parties = c.parties;
        IEscrow.DealParams memory params = IEscrow.DealParams({
            beneficiary: parties.creator,
            arbiter: c.arbiter,
            token: token,
            amount: net,
            deadline: block.timestamp + rules.dealDuration,
            disputeWindow: parties.disputeWindow,
            defaultOutcome: IEscrow.Outcome(parties.defaultOutcome),
            fallbackBps: parties.fallbackBps,
            arbiterFeeBps: parties.arbiterFeeBps,
            salt: uint32(campaignId)
        });
        uint256[] memory milestones = _milestoneAmounts(net, c.milestoneBps, rules.milestoneCount);
        c.dealTerms = Terms.unwrap(_escrow.packTerms(params));
        c.milestonesHash = keccak256(abi.encodePacked(milestones));
        if (token == address(0)) {
            dealId = _escrow.createDeal{value: net}(params, milestones);
        } else {
            IERC20(token).forceApprove(address(_escrow), net);
            dealId = _escrow.createDeal(params, milestones);
        }
        // The deal this contract rebuilds from storage must be the one the Escrow created.
        if (dealId != keccak256(abi.encode(_deal(c, campaignId)))) revert CrowdfundingInvalidDealTerms();
    }

    // ------------------------------------------------------------------ milestones

    /// @inheritdoc ICrowdfunding
    function approveMilestone(uint256 campaignId, uint256 index) external nonReentrant {
        Campaign storage c = _campaigns[campaignId];
        uint256 count = _requireDeal(c, campaignId);
        if (index >= count) revert CrowdfundingMilestoneOutOfRange(index, count);
        uint256 weight = _vote(campaignId, 1 << index);
        uint256 before = _milestoneTallies[campaignId][index];
        _milestoneTallies[campaignId][index] = before + weight;
        emit MilestoneApproved(campaignId, msg.sender, index, weight);
        uint256 total = c.pot.total;
        // The approval that takes the tally above half the total schedules the release; no later approval can cross
        // again. The delay is the minority's time to dispute: without it, whoever holds a majority of the pledges
        // (the creator under other addresses included) could release the whole deal before anyone could react.
        if (before * 2 <= total && (before + weight) * 2 > total) {
            uint256 releaseAt = block.timestamp + RELEASE_DELAY;
            // The depositor can dispute only up to the deal's deadline: a release due later would leave the minority
            // less than the whole delay. Such a deal ends by its timeout instead.
            uint256 dealDeadline = Terms.wrap(c.dealTerms).deadline();
            if (releaseAt > dealDeadline) revert CrowdfundingReleaseTooLate(campaignId, index, dealDeadline);
            _releaseAt[campaignId][index] = releaseAt;
            emit MilestoneReleaseScheduled(campaignId, index, releaseAt);
        }
    }

    /// @inheritdoc ICrowdfunding
    function releaseMilestone(uint256 campaignId, uint256 index) external nonReentrant {
        Campaign storage c = _campaigns[campaignId];
        uint256 count = _requireDeal(c, campaignId);
        if (index >= count) revert CrowdfundingMilestoneOutOfRange(index, count);
        uint256 releaseAt = _releaseAt[campaignId][index];
        if (releaseAt == RELEASED) revert CrowdfundingAlreadyReleased(campaignId, index);
        if (releaseAt == 0 || block.timestamp < releaseAt) {
            revert CrowdfundingReleaseNotReady(campaignId, index, releaseAt);
        }
        // The Escrow would let its depositor release the whole remainder of a disputed deal: a release scheduled
        // before the dispute must not bypass the arbiter, whoever opened it (the backers' 20%, or the creator in the
        // Escrow directly, which would otherwise keep the backers' own dispute from opening).
        IEscrow.Deal memory deal = _deal(c, campaignId);
        if (
            uint256(c.disputeTally) * BPS >= uint256(c.pot.total) * DISPUTE_SHARE_BPS ||
            _escrow.getDealState(keccak256(abi.encode(deal))).status == IEscrow.Status.Disputed
        ) revert CrowdfundingDisputeOpen(campaignId);
        _releaseAt[campaignId][index] = RELEASED;
        emit MilestoneReleased(campaignId, index);
        uint256[] memory milestones = _milestoneAmounts(deal.terms.amount(), c.milestoneBps, count);
        _escrow.releaseMilestone(deal, milestones, index);
    }

    /// @inheritdoc ICrowdfunding
    function supportDispute(uint256 campaignId) external nonReentrant {
        Campaign storage c = _campaigns[campaignId];
        _requireDeal(c, campaignId);
        if (c.arbiter == address(0)) revert CrowdfundingNoArbiter(campaignId);
        uint256 weight = _vote(campaignId, DISPUTE_VOTE);
        uint256 before = c.disputeTally;
        // Cannot truncate: the tally is a sum of distinct pledges, at most the total.
        c.disputeTally = uint96(before + weight);
        emit DisputeSupported(campaignId, msg.sender, weight);
        uint256 threshold = uint256(c.pot.total) * DISPUTE_SHARE_BPS;
        if (before * BPS < threshold && (before + weight) * BPS >= threshold) {
            emit DisputeOpened(campaignId);
            IEscrow.Deal memory deal = _deal(c, campaignId);
            // The creator may have disputed in the Escrow already: the dispute is open, and the backers' support
            // still counts (a second dispute call would revert and lose it).
            if (_escrow.getDealState(keccak256(abi.encode(deal))).status != IEscrow.Status.Disputed) {
                _escrow.dispute(deal);
            }
        }
    }

    /// @inheritdoc ICrowdfunding
    function pullReturned(uint256 campaignId) external nonReentrant returns (uint256 amount) {
        Campaign storage c = _campaigns[campaignId];
        _requireDeal(c, campaignId);
        uint256 returned = _returned(c, campaignId);
        Backing storage b = _backings[campaignId][msg.sender];
        uint256 pulled = b.pulled;
        // Floor of the pro-rata share: the sum over backers never exceeds what came back (CF-M5).
        amount = (uint256(b.amount) * returned) / c.pot.total - pulled;
        if (amount == 0) revert CrowdfundingNothingReturned(campaignId, msg.sender);
        // Cannot truncate: pulled + amount <= returned <= the deal amount < 2^96.
        b.pulled = uint96(pulled + amount);
        c.returnedPulled += uint96(amount);
        emit ReturnPulled(campaignId, msg.sender, amount);
        address token = _token(campaignId);
        // What the escrow could not push to this contract waits as its credit there: bring it home first.
        if (_escrow.creditOf(token, address(this)) != 0) _escrow.withdraw(token, address(this));
        _payout(token, msg.sender, amount);
    }

    /// @inheritdoc ICrowdfunding
    function withdrawEscrowCredit(address token) external nonReentrant returns (uint256 amount) {
        amount = _escrow.withdraw(token, address(this));
    }

    /// @dev Marks the caller's vote `bit`, once, and returns its weight: the caller's pledge.
    function _vote(uint256 campaignId, uint256 bit) internal returns (uint256 weight) {
        Backing storage b = _backings[campaignId][msg.sender];
        weight = b.amount;
        if (weight == 0) revert CrowdfundingNotBacker(campaignId, msg.sender);
        uint256 votes = b.votes;
        if (votes & bit != 0) revert CrowdfundingAlreadyVoted(campaignId, msg.sender);
        // Cannot truncate: bits 0..16.
        b.votes = uint64(votes | bit);
    }

    function _dealParams(
        address token,
        address creator,
        address arbiter,
        uint256 amount,
        uint256 duration,
        CampaignParams calldata p
    ) internal view returns (IEscrow.DealParams memory) {
        return
            IEscrow.DealParams({
                beneficiary: creator,
                arbiter: arbiter,
                token: token,
                amount: amount,
                deadline: block.timestamp + duration,
                disputeWindow: p.disputeWindow,
                defaultOutcome: p.defaultOutcome,
                fallbackBps: p.fallbackBps,
                arbiterFeeBps: p.arbiterFeeBps,
                salt: 0
            });
    }
}
