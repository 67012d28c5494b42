// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ICrowdfunding} from "./interfaces/ICrowdfunding.sol";
import {IEscrow} from "./interfaces/IEscrow.sol";
import {PermitDeposits} from "./base/PermitDeposits.sol";
import {CrowdfundingState} from "./crowdfunding/CrowdfundingState.sol";
import {CrowdfundingMilestones} from "./crowdfunding/CrowdfundingMilestones.sol";

/// @title PeerPay Crowdfunding
/// @notice All-or-nothing campaigns in ETH or one ERC20; a successful pot goes to its creator, or into an escrow deal
/// released milestone by milestone on the backers' weighted approval. Specification: docs/crowdfunding.md (CF-*).
contract Crowdfunding is CrowdfundingMilestones, PermitDeposits, Ownable2Step, EIP712 {
    using SafeERC20 for IERC20;

    bytes32 public constant PLEDGE_TYPEHASH = keccak256(
        "Pledge(uint256 campaignId,address backer,uint256 amount,uint256 nonce,uint256 deadline)"
    );

    constructor(
        address initialOwner,
        IEscrow escrow
    ) CrowdfundingState(escrow) Ownable(initialOwner) EIP712("PeerPay Crowdfunding", "1") {}

    /// @notice Accepts ETH from the Escrow only: what it returns or pays out of this contract's credit (CF-M6).
    receive() external payable {
        if (msg.sender != address(_escrow)) revert CrowdfundingUnexpectedEth(msg.sender);
    }

    // ------------------------------------------------------------------ creation

    /// @inheritdoc ICrowdfunding
    function createCampaign(CampaignParams calldata p) external returns (uint256 campaignId) {
        if (p.token != address(0) && p.token.code.length == 0) revert CrowdfundingInvalidToken(p.token);
        if (p.goal == 0 || p.goal > type(uint96).max || (p.cap != 0 && (p.cap < p.goal || p.cap > type(uint96).max))) {
            revert CrowdfundingInvalidGoal(p.goal, p.cap);
        }
        uint256 start = p.start < block.timestamp ? block.timestamp : p.start;
        if (p.deadline <= start || p.deadline > block.timestamp + MAX_DURATION) {
            revert CrowdfundingInvalidTimes(p.start, p.deadline);
        }
        if (p.minPledge > p.goal) revert CrowdfundingInvalidMinPledge(p.minPledge);
        address feeRecipient = p.feeRecipient;
        if (p.feeBps == 0) {
            if (feeRecipient != address(0)) revert CrowdfundingInvalidFee(p.feeBps, feeRecipient);
        } else {
            if (feeRecipient == address(0)) feeRecipient = _defaultFeeRecipient;
            if (p.feeBps > MAX_FEE_BPS || feeRecipient == address(0) || feeRecipient == address(this)) {
                revert CrowdfundingInvalidFee(p.feeBps, feeRecipient);
            }
        }
        // Cannot overflow: the sequence counts campaigns, one per transaction at most a few thousand per block.
        uint96 sequence = ++_sequence;
        campaignId = (uint256(uint160(p.token)) << 96) | sequence;
        Campaign storage c = _campaigns[campaignId];
        // Cannot truncate: goal, cap and minPledge < 2^96 and the times <= now + MAX_DURATION < 2^32, checked above.
        c.pot = Pot({total: 0, goal: uint96(p.goal), start: uint32(start), deadline: uint32(p.deadline)});
        uint256 count = p.milestoneBps.length;
        c.rules = Rules({
            minPledge: uint96(p.minPledge == 0 ? 1 : p.minPledge),
            cap: uint96(p.cap),
            feeBps: uint16(p.feeBps),
            flags: 0,
            milestoneCount: uint8(count),
            dealDuration: count == 0 ? 0 : uint32(p.dealDuration)
        });
        if (count == 0) {
            if (
                p.arbiter != address(0) ||
                p.dealDuration != 0 ||
                p.disputeWindow != 0 ||
                p.defaultOutcome != IEscrow.Outcome.Release ||
                p.fallbackBps != 0 ||
                p.arbiterFeeBps != 0
            ) revert CrowdfundingInvalidDealTerms();
            c.parties.creator = msg.sender;
        } else {
            c.milestoneBps = _checkMilestones(p);
            c.arbiter = p.arbiter;
            // Cannot truncate: the Escrow bounds each of these, checked by _checkMilestones.
            c.parties = Parties({
                creator: msg.sender,
                disputeWindow: uint32(p.disputeWindow),
                fallbackBps: uint16(p.fallbackBps),
                arbiterFeeBps: uint16(p.arbiterFeeBps),
                defaultOutcome: uint8(p.defaultOutcome)
            });
        }
        if (feeRecipient != address(0)) c.feeRecipient = feeRecipient;
        emit CampaignCreated(campaignId, msg.sender, p.token, start, feeRecipient, p);
        if (p.arbiter != address(0)) emit CampaignArbiter(campaignId, p.arbiter);
    }

    /// @dev Checks the milestone shares and the escrow terms so that the claim's deal creation cannot fail on them

    /// @inheritdoc ICrowdfunding
    function cancel(uint256 campaignId) external {
        Campaign storage c = _campaigns[campaignId];
        Pot memory pot = c.pot;
        if (pot.goal == 0) revert CrowdfundingNotFound(campaignId);
        if (msg.sender != c.parties.creator) revert CrowdfundingUnauthorized(campaignId, msg.sender);
        uint256 flags = c.rules.flags;
        if (pot.total != 0 || block.timestamp >= pot.deadline || flags & CANCELLED != 0) {
            revert CrowdfundingWrongState(campaignId, _state(c));
        }
        c.rules.flags = uint8(flags | CANCELLED);
        emit CampaignCancelled(campaignId);
    }

    // ------------------------------------------------------------------ pledging

    /// @inheritdoc ICrowdfunding
    /// @dev No external call, so no reentrancy guard: the state is final before the function returns.
    function pledge(uint256 campaignId) external payable {
        if (campaignId >> 96 != 0) revert CrowdfundingWrongAsset(campaignId);
        _record(campaignId, msg.sender, msg.value);
    }

    /// @inheritdoc ICrowdfunding
    function pledgeToken(uint256 campaignId, uint256 amount) external nonReentrant {
        _pledgeToken(campaignId, msg.sender, amount);
    }

    /// @inheritdoc ICrowdfunding
    function pledgeWithPermit(
        uint256 campaignId,
        uint256 amount,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        if (!_tryPermit(_token(campaignId), amount, permitDeadline, v, r, s)) revert CrowdfundingWrongAsset(campaignId);
        _pledgeToken(campaignId, msg.sender, amount);
    }

    /// @inheritdoc ICrowdfunding
    function pledgeBySig(
        uint256 campaignId,
        address backer,
        uint256 amount,
        uint256 deadline,
        bytes calldata signature
    ) external nonReentrant {
        if (block.timestamp > deadline) revert CrowdfundingSignatureExpired(deadline);
        uint256 nonce = _nonces[backer];
        bytes32 digest = _pledgeDigest(campaignId, backer, amount, nonce, deadline);
        if (!SignatureChecker.isValidSignatureNow(backer, digest, signature)) {
            revert CrowdfundingInvalidSignature(backer);
        }
        _nonces[backer] = nonce + 1;
        emit NonceUsed(backer, nonce);
        _pledgeToken(campaignId, backer, amount);
    }

    /// @inheritdoc ICrowdfunding
    function cancelNonce() external {
        uint256 nonce = _nonces[msg.sender]++;
        emit NonceUsed(msg.sender, nonce);
    }

    /// @inheritdoc ICrowdfunding
    function unpledge(uint256 campaignId, uint256 amount) external nonReentrant {
        Campaign storage c = _campaigns[campaignId];
        Pot memory pot = c.pot;
        if (block.timestamp < pot.start || block.timestamp >= pot.deadline) {
            revert CrowdfundingWrongState(campaignId, _state(c));
        }
        if (amount == 0) revert CrowdfundingZeroAmount();
        Backing storage b = _backings[campaignId][msg.sender];
        uint256 pledged = b.amount;
        if (amount > pledged) revert CrowdfundingAmountExceedsPledge(amount, pledged);
        uint256 left = pledged - amount;
        uint256 minPledge = c.rules.minPledge;
        if (left != 0 && left < minPledge) revert CrowdfundingBelowMinimum(left, minPledge);
        // Cannot truncate: left < pledged < 2^96, and the total holds every pledge.
        b.amount = uint96(left);
        c.pot.total = pot.total - uint96(amount);
        emit Unpledged(campaignId, msg.sender, amount);
        _payout(_token(campaignId), msg.sender, amount);
    }

    function _pledgeToken(uint256 campaignId, address backer, uint256 amount) private {
        address token = _token(campaignId);
        if (token == address(0)) revert CrowdfundingWrongAsset(campaignId);
        _record(campaignId, backer, amount);
        // The pledge counts what arrived, which must be the amount: fee-on-transfer tokens are refused (CF-P5).
        uint256 balanceBefore = _selfBalance(token);
        IERC20(token).safeTransferFrom(backer, address(this), amount);
        uint256 received = _selfBalance(token) - balanceBefore;
        if (received != amount) revert CrowdfundingTransferMismatch(amount, received);
    }

    /// @dev Adds `amount` to the pledge of `backer` and the pot, after the checks of CF-P1…P4. The pot, rules and
    /// backing slots are read once and written once as words (layout: CrowdfundingState, docs/crowdfunding.md §1):
    /// the struct accessors would read each written slot a second time (a warm read, 100 gas each, on the path whose
    /// target leaves no slack).
    function _record(uint256 campaignId, address backer, uint256 amount) private {
        Campaign storage c = _campaigns[campaignId];
        Backing storage b = _backings[campaignId][backer];
        uint256 potWord;
        uint256 rulesWord;
        uint256 backingWord;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            potWord := sload(c.slot)
            rulesWord := sload(add(c.slot, 1))
        }
        // Pot: total 0..95, goal 96..191, start 192..223, deadline 224..255. Rules: minPledge 0..95, cap 96..191,
        // feeBps 192..207, flags 208..215.
        if (
            block.timestamp < uint32(potWord >> 192) ||
            block.timestamp >= potWord >> 224 ||
            (rulesWord >> 208) & CANCELLED != 0
        ) revert CrowdfundingWrongState(campaignId, _state(c));
        if (amount == 0) revert CrowdfundingZeroAmount();
        uint256 total = uint96(potWord) + amount;
        uint256 cap = uint96(rulesWord >> 96);
        if (cap == 0) cap = type(uint96).max;
        if (total > cap) revert CrowdfundingCapExceeded(total, cap);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            backingWord := sload(b.slot)
        }
        uint256 pledged = uint96(backingWord) + amount;
        uint256 minPledge = uint96(rulesWord);
        if (pledged < minPledge) revert CrowdfundingBelowMinimum(pledged, minPledge);
        // pledged <= total <= cap < 2^96: each replaces the low 96 bits of its word.
        uint256 low96 = type(uint96).max;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(b.slot, or(and(backingWord, not(low96)), pledged))
            sstore(c.slot, or(and(potWord, not(low96)), total))
        }
        emit Pledged(campaignId, backer, amount);
    }

    /// @dev `token.balanceOf(this)` through the scratch space: the high-level call's memory handling and code-size
    /// check cost ~200 gas a call, twice per token pledge. The token has code (checked at creation); a failing call or
    /// a short answer reverts.
    function _selfBalance(address token) private view returns (uint256 held) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, 0x70a08231) // balanceOf(address)
            mstore(0x20, address())
            // Its own statement: Yul evaluates arguments right to left, so a `returndatasize()` beside the call would
            // be read before it.
            let ok := staticcall(gas(), token, 0x1c, 0x24, 0x00, 0x20)
            if iszero(and(ok, gt(returndatasize(), 0x1f))) {
                revert(0, 0)
            }
            held := mload(0x00)
        }
    }

    // ------------------------------------------------------------------ outcome

    /// @inheritdoc ICrowdfunding
    function refund(uint256 campaignId) external nonReentrant {
        Campaign storage c = _campaigns[campaignId];
        Pot memory pot = c.pot;
        // Failed: the deadline passed below the goal. After it nothing but refunds changes the total, and they
        // only lower it, so a failed campaign stays failed; a cancelled one holds no pledge.
        if (block.timestamp < pot.deadline || pot.total >= pot.goal)
            revert CrowdfundingWrongState(campaignId, _state(c));
        uint256 amount = _backings[campaignId][msg.sender].amount;
        if (amount == 0) revert CrowdfundingNothingToRefund(campaignId, msg.sender);
        delete _backings[campaignId][msg.sender];
        // Cannot underflow: the total is the sum of the pledges.
        c.pot.total = pot.total - uint96(amount);
        emit Refunded(campaignId, msg.sender, amount);
        _payout(_token(campaignId), msg.sender, amount);
    }

    /// @inheritdoc ICrowdfunding
    function refundMany(
        uint256 campaignId,
        address[] calldata backers
    ) external nonReentrant returns (uint256 refunded) {
        Campaign storage c = _campaigns[campaignId];
        Pot memory pot = c.pot;
        if (block.timestamp < pot.deadline || pot.total >= pot.goal)
            revert CrowdfundingWrongState(campaignId, _state(c));
        address token = _token(campaignId);
        for (uint256 i; i < backers.length; ++i) {
            address backer = backers[i];
            uint256 amount = _backings[campaignId][backer].amount;
            // Skipped, not reverted: a backer who pulled in the meantime cannot make the batch fail (CF-R3).
            if (amount == 0) continue;
            delete _backings[campaignId][backer];
            c.pot.total -= uint96(amount);
            refunded += amount;
            emit Refunded(campaignId, backer, amount);
            // Pushed with ETH_PUSH_GAS, credited when it fails: a reverting or gas-burning backer costs the caller at
            // most that gas and blocks nobody.
            _payout(token, backer, amount);
        }
    }

    /// @inheritdoc ICrowdfunding
    function claim(uint256 campaignId) external nonReentrant {
        Campaign storage c = _campaigns[campaignId];
        Pot memory pot = c.pot;
        Rules memory rules = c.rules;
        if (pot.goal == 0) revert CrowdfundingNotFound(campaignId);
        if (block.timestamp < pot.deadline || pot.total < pot.goal || rules.flags & CLAIMED != 0) {
            revert CrowdfundingWrongState(campaignId, _state(c));
        }
        address creator = c.parties.creator;
        // A milestone claim only moves the pot into the creator's deal, where the backers' protections live: anyone
        // may make it, so an absent creator cannot leave a succeeded pot locked out of the Escrow (CF-O2).
        if (msg.sender != creator) {
            if (rules.milestoneCount == 0) revert CrowdfundingUnauthorized(campaignId, msg.sender);
        }
        c.rules.flags = uint8(rules.flags | CLAIMED);
        uint256 fee = (uint256(pot.total) * rules.feeBps) / BPS;
        uint256 net = pot.total - fee;
        address token = _token(campaignId);
        if (rules.milestoneCount == 0) {
            emit Claimed(campaignId, creator, net, fee, bytes32(0));
            _payout(token, creator, net);
        } else {
            bytes32 dealId = _openDeal(c, campaignId, token, net, rules);
            emit Claimed(campaignId, creator, net, fee, dealId);
        }
        if (fee != 0) _payout(token, c.feeRecipient, fee);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ICrowdfunding
    function setDefaultFeeRecipient(address recipient) external onlyOwner {
        if (recipient == address(this)) revert CrowdfundingInvalidFee(0, recipient);
        _defaultFeeRecipient = recipient;
        emit DefaultFeeRecipientSet(recipient);
    }
    /// @inheritdoc ICrowdfunding
    function pledgeDigest(
        uint256 campaignId,
        address backer,
        uint256 amount,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _pledgeDigest(campaignId, backer, amount, nonce, deadline);
    }

    /// @inheritdoc ICrowdfunding
    function config() external view returns (address escrow, address defaultFeeRecipient) {
        return (address(_escrow), _defaultFeeRecipient);
    }

    // ------------------------------------------------------------------ internals

    function _pledgeDigest(
        uint256 campaignId,
        address backer,
        uint256 amount,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PLEDGE_TYPEHASH, campaignId, backer, amount, nonce, deadline)));
    }
}
