// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IEscrow} from "./interfaces/IEscrow.sol";
import {PermitDeposits} from "./base/PermitDeposits.sol";
import {PullPayments} from "./base/PullPayments.sol";
import {DealLib, Terms} from "./libraries/DealLib.sol";

/// @title PeerPay Escrow
/// @notice Deals between a depositor and a beneficiary in ETH or any ERC20, with an optional arbiter, a deadline
/// with a default outcome, milestones, and EIP-712 signed actions. Specification: docs/escrow.md.
contract Escrow is IEscrow, PullPayments, PermitDeposits, Ownable2Step, EIP712 {
    uint256 public constant MAX_MILESTONES = 16;
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 100;
    uint256 public constant MAX_ARBITER_FEE_BPS = 1_000;
    uint256 public constant MIN_DISPUTE_WINDOW = 1 hours;
    uint256 public constant MAX_DISPUTE_WINDOW = 365 days;
    uint256 public constant MAX_DURATION = 3_650 days;
    uint256 private constant BPS = 10_000;
    /// @dev The last nonce a discretionary change (a partial release or refund, `revokeSignatures`) may leave.
    /// The two values above it are kept for `markPaid` and `dispute`: each happens at most once per deal, so
    /// neither party can spend the counter that the other's exits need (docs/escrow.md §1, E-A10).
    uint256 private constant LAST_DISCRETIONARY_NONCE = type(uint16).max - 2;

    /// @dev Everything `createDeal` reads from storage, in one slot: feeRecipient (160 bits), protocolFeeBps
    /// (16 bits, at most 100) and creationPaused (8 bits) = 184 bits.
    struct Config {
        address feeRecipient;
        uint16 protocolFeeBps;
        bool creationPaused;
    }

    mapping(bytes32 dealId => DealState state) private _deals;
    mapping(address token => uint256 amount) private _protocolFees;
    Config private _config;

    constructor(address initialOwner) Ownable(initialOwner) EIP712("PeerPay Escrow", "1") {}

    // ------------------------------------------------------------------ creation

    /// @inheritdoc IEscrow
    /// @dev Not `nonReentrant` as a whole: the ETH path makes no external call, and the token pull, the only
    /// external call of creation, is guarded on its own (`_pullFrom`).
    function createDeal(DealParams calldata params, uint256[] calldata milestones) external payable returns (bytes32) {
        return _create(params, milestones);
    }

    /// @inheritdoc IEscrow
    function createDealWithPermit(
        DealParams calldata params,
        uint256[] calldata milestones,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32) {
        if (!_tryPermit(params.token, params.amount, permitDeadline, v, r, s)) {
            revert EscrowTokenNotContract(params.token);
        }
        return _create(params, milestones);
    }

    function _create(DealParams calldata p, uint256[] calldata milestones) private returns (bytes32 dealId) {
        Config memory cfg = _config;
        if (cfg.creationPaused) revert EscrowCreationPaused();
        if (p.beneficiary == address(0) || p.beneficiary == msg.sender || p.beneficiary == address(this)) {
            revert EscrowInvalidBeneficiary(p.beneficiary);
        }
        if (
            p.arbiter != address(0) &&
            (p.arbiter == msg.sender || p.arbiter == p.beneficiary || p.arbiter == address(this))
        ) {
            revert EscrowInvalidArbiter(p.arbiter);
        }
        if (p.token == address(0)) {
            if (msg.value != p.amount) revert EscrowValueMismatch(msg.value, p.amount);
        } else {
            if (msg.value != 0) revert EscrowValueMismatch(msg.value, 0);
            if (p.token.code.length == 0) revert EscrowTokenNotContract(p.token);
        }
        Deal memory deal = Deal({
            depositor: msg.sender,
            beneficiary: p.beneficiary,
            arbiter: p.arbiter,
            token: p.token,
            terms: _packTerms(p, cfg.protocolFeeBps),
            milestonesHash: _milestonesHash(milestones, p.amount)
        });
        dealId = keccak256(abi.encode(deal));
        if (_deals[dealId].status != Status.None) revert EscrowDealExists(dealId);
        _deals[dealId] = DealState({status: Status.Active, nonce: 0, disputedAt: 0, released: 0, refunded: 0});
        emit DealCreated(dealId, msg.sender, p.beneficiary, deal);
        if (milestones.length != 0) emit DealMilestones(dealId, milestones);

        if (p.token != address(0)) {
            // Exactly the amount must arrive: fee-on-transfer tokens are rejected.
            uint256 received = _pullFrom(IERC20(p.token), p.amount);
            if (received != p.amount) revert EscrowTokenTransferMismatch(p.amount, received);
        }
    }

    /// @dev Validates the numeric terms (docs/escrow.md §2) and packs them.
    function _packTerms(DealParams calldata p, uint256 protocolFeeBps) private view returns (Terms) {
        if (p.amount == 0 || p.amount > type(uint96).max) revert EscrowInvalidAmount(p.amount);
        if (p.deadline <= block.timestamp || p.deadline > block.timestamp + MAX_DURATION) {
            revert EscrowInvalidDeadline(p.deadline);
        }
        if (p.arbiter == address(0)) {
            if (p.disputeWindow != 0 || p.fallbackBps != 0 || p.arbiterFeeBps != 0) revert EscrowInvalidArbiterTerms();
        } else {
            if (p.disputeWindow < MIN_DISPUTE_WINDOW || p.disputeWindow > MAX_DISPUTE_WINDOW) {
                revert EscrowInvalidDisputeWindow(p.disputeWindow);
            }
            if (p.fallbackBps > BPS || p.arbiterFeeBps > MAX_ARBITER_FEE_BPS) revert EscrowInvalidArbiterTerms();
        }
        if (p.salt > type(uint32).max) revert EscrowInvalidSalt(p.salt);
        return
            DealLib.pack(
                p.amount,
                p.deadline,
                p.disputeWindow,
                uint256(p.defaultOutcome),
                p.fallbackBps,
                p.arbiterFeeBps,
                protocolFeeBps,
                p.salt
            );
    }

    function _milestonesHash(uint256[] calldata milestones, uint256 amount) private pure returns (bytes32) {
        uint256 count = milestones.length;
        if (count == 0) return bytes32(0);
        if (count > MAX_MILESTONES) revert EscrowInvalidMilestones();
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            uint256 milestone = milestones[i];
            // Compared with what is left of the amount before adding, so that no list can overflow the sum.
            if (milestone == 0 || milestone > amount - sum) revert EscrowInvalidMilestones();
            // Cannot overflow: sum + milestone <= amount, checked just above.
            unchecked {
                sum += milestone;
            }
        }
        if (sum != amount) revert EscrowInvalidMilestones();
        return DealLib.milestonesHash(milestones);
    }

    // ------------------------------------------------------------------ releases and refunds

    /// @inheritdoc IEscrow
    function release(Deal calldata deal, uint256 amount) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        if (msg.sender != deal.depositor) revert EscrowUnauthorized(dealId, msg.sender);
        _release(dealId, deal, state, amount);
    }

    /// @inheritdoc IEscrow
    function releaseMilestone(Deal calldata deal, uint256[] calldata milestones, uint256 index) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        if (msg.sender != deal.depositor) revert EscrowUnauthorized(dealId, msg.sender);
        if (DealLib.milestonesHash(milestones) != deal.milestonesHash) revert EscrowInvalidMilestones();
        uint256 amount = deal.terms.amount();
        uint256 cumulative;
        if (milestones.length == 0) {
            if (index != 0) revert EscrowMilestoneOutOfRange(index, 1);
            cumulative = amount;
        } else {
            if (index >= milestones.length) revert EscrowMilestoneOutOfRange(index, milestones.length);
            for (uint256 i; i <= index; ++i) cumulative += milestones[i];
        }
        // Refunds shrink the schedule from the back: no milestone can release what was refunded.
        uint256 cap = amount - state.refunded;
        uint256 target = cumulative < cap ? cumulative : cap;
        if (target <= state.released) revert EscrowMilestoneAlreadyReleased(index);
        _release(dealId, deal, state, target - state.released);
    }

    /// @inheritdoc IEscrow
    function refund(Deal calldata deal, uint256 amount) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        if (msg.sender != deal.beneficiary) revert EscrowUnauthorized(dealId, msg.sender);
        _refund(dealId, deal, state, amount);
    }

    /// @inheritdoc IEscrow
    function releaseWithSig(
        Deal calldata deal,
        uint256 amount,
        uint256 expiry,
        bytes calldata signature
    ) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        _requireSignature(DealLib.RELEASE_TYPEHASH, dealId, deal.depositor, amount, state.nonce, expiry, signature);
        _release(dealId, deal, state, amount);
    }

    /// @inheritdoc IEscrow
    function refundWithSig(
        Deal calldata deal,
        uint256 amount,
        uint256 expiry,
        bytes calldata signature
    ) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        _requireSignature(DealLib.REFUND_TYPEHASH, dealId, deal.beneficiary, amount, state.nonce, expiry, signature);
        _refund(dealId, deal, state, amount);
    }

    function _release(bytes32 dealId, Deal calldata deal, DealState memory state, uint256 amount) private {
        uint256 remaining = _requirePart(dealId, deal, state, amount);
        // Cannot truncate: amount <= remaining <= the deal's uint96 amount.
        state.released += uint96(amount);
        _advance(dealId, state, amount == remaining);
        (uint256 net, uint256 fee) = _splitProtocolFee(deal, amount);
        emit DealReleased(dealId, net, fee);
        _payout(deal.token, deal.beneficiary, net);
    }

    function _refund(bytes32 dealId, Deal calldata deal, DealState memory state, uint256 amount) private {
        uint256 remaining = _requirePart(dealId, deal, state, amount);
        // Cannot truncate: amount <= remaining <= the deal's uint96 amount.
        state.refunded += uint96(amount);
        _advance(dealId, state, amount == remaining);
        emit DealRefunded(dealId, amount);
        _payout(deal.token, deal.depositor, amount);
    }

    /// @dev The deal's remainder, after checking that `amount` is a non-zero part of it, and all of it while the deal
    /// is disputed: a dispute freezes the remainder for the arbiter, so only a concession of everything may pre-empt
    /// the ruling (a partial move would change what the ruling splits, and could be repeated to block it).
    function _requirePart(
        bytes32 dealId,
        Deal calldata deal,
        DealState memory state,
        uint256 amount
    ) private pure returns (uint256) {
        if (amount == 0) revert EscrowZeroAmount();
        uint256 remaining = _remaining(deal, state);
        if (amount > remaining) revert EscrowAmountExceedsRemaining(amount, remaining);
        if (state.status == Status.Disputed && amount != remaining) revert EscrowInvalidStatus(dealId, state.status);
        return remaining;
    }

    // ------------------------------------------------------------------ the P2P flow and disputes

    /// @inheritdoc IEscrow
    function markPaid(Deal calldata deal) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        if (msg.sender != deal.beneficiary) revert EscrowUnauthorized(dealId, msg.sender);
        if (deal.arbiter == address(0)) revert EscrowNoArbiter(dealId);
        if (deal.terms.defaultOutcome() != uint256(Outcome.Refund)) revert EscrowNotRefundDefault(dealId);
        if (state.status != Status.Active) revert EscrowInvalidStatus(dealId, state.status);
        if (block.timestamp > deal.terms.deadline()) revert EscrowDeadlinePassed(dealId, deal.terms.deadline());
        state.status = Status.Paid;
        _transition(dealId, state);
        emit DealMarkedPaid(dealId);
    }

    /// @inheritdoc IEscrow
    function dispute(Deal calldata deal) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        _requireParty(dealId, deal);
        if (deal.arbiter == address(0)) revert EscrowNoArbiter(dealId);
        if (state.status == Status.Active) {
            if (block.timestamp > deal.terms.deadline()) revert EscrowDeadlinePassed(dealId, deal.terms.deadline());
        } else if (state.status != Status.Paid) {
            revert EscrowInvalidStatus(dealId, state.status);
        }
        state.status = Status.Disputed;
        state.disputedAt = uint40(block.timestamp);
        _transition(dealId, state);
        emit DealDisputed(dealId, msg.sender);
    }

    /// @inheritdoc IEscrow
    function resolve(Deal calldata deal, uint256 toBeneficiary) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        if (msg.sender != deal.arbiter) revert EscrowUnauthorized(dealId, msg.sender);
        if (state.status != Status.Disputed) revert EscrowInvalidStatus(dealId, state.status);
        uint256 ruleBy = uint256(state.disputedAt) + deal.terms.disputeWindow();
        if (block.timestamp > ruleBy) revert EscrowDeadlinePassed(dealId, ruleBy);

        uint256 remaining = _remaining(deal, state);
        uint256 arbiterFee = (remaining * deal.terms.arbiterFeeBps()) / BPS;
        uint256 distributable = remaining - arbiterFee;
        if (toBeneficiary > distributable) revert EscrowAmountExceedsRemaining(toBeneficiary, distributable);
        uint256 toDepositor = distributable - toBeneficiary;

        _close(dealId, state, toBeneficiary, toDepositor);
        (uint256 net, uint256 fee) = _splitProtocolFee(deal, toBeneficiary);
        emit DealResolved(dealId, net, toDepositor, arbiterFee, fee);
        _payout(deal.token, deal.beneficiary, net);
        _payout(deal.token, deal.depositor, toDepositor);
        _payout(deal.token, deal.arbiter, arbiterFee);
    }

    /// @inheritdoc IEscrow
    function settle(
        Deal calldata deal,
        uint256 toBeneficiary,
        uint256 expiry,
        bytes calldata depositorSignature,
        bytes calldata beneficiarySignature
    ) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        if (msg.sender != deal.depositor) {
            _requireSignature(
                DealLib.SETTLE_TYPEHASH,
                dealId,
                deal.depositor,
                toBeneficiary,
                state.nonce,
                expiry,
                depositorSignature
            );
        }
        if (msg.sender != deal.beneficiary) {
            _requireSignature(
                DealLib.SETTLE_TYPEHASH,
                dealId,
                deal.beneficiary,
                toBeneficiary,
                state.nonce,
                expiry,
                beneficiarySignature
            );
        }
        uint256 remaining = _remaining(deal, state);
        if (toBeneficiary > remaining) revert EscrowAmountExceedsRemaining(toBeneficiary, remaining);
        uint256 toDepositor = remaining - toBeneficiary;

        _close(dealId, state, toBeneficiary, toDepositor);
        (uint256 net, uint256 fee) = _splitProtocolFee(deal, toBeneficiary);
        emit DealSettled(dealId, net, toDepositor, fee);
        _payout(deal.token, deal.beneficiary, net);
        _payout(deal.token, deal.depositor, toDepositor);
    }

    /// @inheritdoc IEscrow
    function triggerTimeout(Deal calldata deal) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        uint256 remaining = _remaining(deal, state);
        uint256 toBeneficiary;
        bool disputed = state.status == Status.Disputed;
        if (state.status == Status.Active) {
            uint256 deadline = deal.terms.deadline();
            if (block.timestamp <= deadline) revert EscrowTimeoutNotReached(dealId, deadline + 1);
            if (deal.terms.defaultOutcome() == uint256(Outcome.Release)) toBeneficiary = remaining;
        } else if (disputed) {
            uint256 ruleBy = uint256(state.disputedAt) + deal.terms.disputeWindow();
            if (block.timestamp <= ruleBy) revert EscrowTimeoutNotReached(dealId, ruleBy + 1);
            toBeneficiary = (remaining * deal.terms.fallbackBps()) / BPS;
        } else {
            // Paid: only a release, a settlement or the arbiter (after a dispute) can end it.
            revert EscrowInvalidStatus(dealId, state.status);
        }
        uint256 toDepositor = remaining - toBeneficiary;

        _close(dealId, state, toBeneficiary, toDepositor);
        (uint256 net, uint256 fee) = _splitProtocolFee(deal, toBeneficiary);
        emit DealTimedOut(dealId, disputed, net, toDepositor, fee);
        _payout(deal.token, deal.beneficiary, net);
        _payout(deal.token, deal.depositor, toDepositor);
    }

    /// @inheritdoc IEscrow
    function revokeSignatures(Deal calldata deal) external nonReentrant {
        (bytes32 dealId, DealState memory state) = _load(deal);
        _requireParty(dealId, deal);
        _advance(dealId, state, false);
        emit SignaturesRevoked(dealId, msg.sender, state.nonce);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IEscrow
    function setProtocolFee(uint256 bps, address recipient) external onlyOwner {
        if (bps > MAX_PROTOCOL_FEE_BPS) revert EscrowProtocolFeeTooHigh(bps, MAX_PROTOCOL_FEE_BPS);
        // Never zero, even with no fee: fees accrued by existing deals must always have somewhere to go, also after
        // the owner renounces ownership (docs/escrow.md §6, E-M1).
        if (recipient == address(0) || recipient == address(this)) revert EscrowInvalidFeeRecipient();
        // Cannot truncate: bps <= MAX_PROTOCOL_FEE_BPS.
        _config.protocolFeeBps = uint16(bps);
        _config.feeRecipient = recipient;
        emit ProtocolFeeUpdated(bps, recipient);
    }

    /// @inheritdoc IEscrow
    function setCreationPaused(bool paused) external onlyOwner {
        _config.creationPaused = paused;
        emit CreationPausedSet(paused);
    }

    /// @inheritdoc IEscrow
    function collectProtocolFees(address token) external nonReentrant returns (uint256 amount) {
        amount = _protocolFees[token];
        if (amount == 0) revert EscrowNothingToCollect(token);
        // Never zero here: fees accrue only at a non-zero fee, which setProtocolFee sets with a non-zero recipient,
        // and no later call can set a zero one.
        address recipient = _config.feeRecipient;
        delete _protocolFees[token];
        emit ProtocolFeesCollected(token, recipient, amount);
        _transferOut(token, recipient, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IEscrow
    function getDealState(bytes32 dealId) external view returns (DealState memory) {
        return _deals[dealId];
    }

    /// @inheritdoc IEscrow
    function computeDealId(Deal calldata deal) external pure returns (bytes32) {
        return keccak256(abi.encode(deal));
    }

    /// @inheritdoc IEscrow
    function packTerms(DealParams calldata params) external view returns (Terms) {
        return _packTerms(params, _config.protocolFeeBps);
    }

    /// @inheritdoc IEscrow
    function config() external view returns (uint256 protocolFeeBps, address feeRecipient, bool creationPaused) {
        Config memory cfg = _config;
        return (cfg.protocolFeeBps, cfg.feeRecipient, cfg.creationPaused);
    }

    /// @inheritdoc IEscrow
    function protocolFeesOf(address token) external view returns (uint256) {
        return _protocolFees[token];
    }

    // ------------------------------------------------------------------ internals

    /// @dev The id and state of an open deal with these terms; reverts if there is none or it is closed.
    function _load(Deal calldata deal) private view returns (bytes32 dealId, DealState memory state) {
        dealId = keccak256(abi.encode(deal));
        state = _deals[dealId];
        if (state.status == Status.None) revert EscrowDealNotFound(dealId);
        if (state.status == Status.Closed) revert EscrowInvalidStatus(dealId, Status.Closed);
    }

    function _requireParty(bytes32 dealId, Deal calldata deal) private view {
        if (msg.sender != deal.depositor && msg.sender != deal.beneficiary) {
            revert EscrowUnauthorized(dealId, msg.sender);
        }
    }

    function _requireSignature(
        bytes32 typehash,
        bytes32 dealId,
        address signer,
        uint256 value,
        uint256 nonce,
        uint256 expiry,
        bytes calldata signature
    ) private view {
        if (block.timestamp > expiry) revert EscrowSignatureExpired(expiry);
        bytes32 digest = _hashTypedDataV4(DealLib.actionHash(typehash, dealId, value, nonce, expiry));
        if (!SignatureChecker.isValidSignatureNow(signer, digest, signature)) revert EscrowInvalidSignature(signer);
    }

    function _remaining(Deal calldata deal, DealState memory state) private pure returns (uint256) {
        return deal.terms.amount() - state.released - state.refunded;
    }

    /// @dev Stores `state`: closed if `closes`, else with the nonce advanced, so that every change that leaves the
    /// deal open kills the signatures made for the state before it. A discretionary change may not take the nonce
    /// past LAST_DISCRETIONARY_NONCE.
    function _advance(bytes32 dealId, DealState memory state, bool closes) private {
        if (closes) {
            state.status = Status.Closed;
        } else {
            if (state.nonce >= LAST_DISCRETIONARY_NONCE) revert EscrowNonceExhausted(dealId);
            // Cannot overflow: checked just above.
            unchecked {
                ++state.nonce;
            }
        }
        _deals[dealId] = state;
    }

    /// @dev Stores `state` after a status change that leaves the deal open (`markPaid`, `dispute`), advancing the
    /// nonce into the values kept for them: discretionary changes stop at LAST_DISCRETIONARY_NONCE, and a deal
    /// passes through each of these two transitions at most once (Active to Paid, then to Disputed), so the nonce
    /// is at most type(uint16).max after them. Checked arithmetic all the same: an overflow would be a bug, and
    /// reverts rather than wraps.
    function _transition(bytes32 dealId, DealState memory state) private {
        ++state.nonce;
        _deals[dealId] = state;
    }

    /// @dev Closes a deal whose whole remainder is distributed (the arbiter's fee is in neither part).
    function _close(bytes32 dealId, DealState memory state, uint256 toBeneficiary, uint256 toDepositor) private {
        // Cannot truncate: each part is at most the remainder of a uint96 amount.
        state.released += uint96(toBeneficiary);
        state.refunded += uint96(toDepositor);
        _advance(dealId, state, true);
    }

    /// @dev Splits a gross payment to the beneficiary into its net and the protocol fee, and accrues the fee.
    function _splitProtocolFee(Deal calldata deal, uint256 gross) private returns (uint256 net, uint256 fee) {
        fee = (gross * deal.terms.protocolFeeBps()) / BPS;
        if (fee != 0) _protocolFees[deal.token] += fee;
        net = gross - fee;
    }
}
