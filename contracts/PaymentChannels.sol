// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IPaymentChannels} from "./interfaces/IPaymentChannels.sol";
import {PermitDeposits} from "./base/PermitDeposits.sol";
import {PullPayments} from "./base/PullPayments.sol";
import {Signatures} from "./libraries/Signatures.sol";

/// @title PeerPay payment channels
/// @notice Two-way channels in ETH or any ERC20: both participants deposit, pay each other off-chain with
/// sender-signed cumulative balance proofs (optionally hash-locked), withdraw while open with both signatures, and
/// close together at once or alone with a challenge period. No owner, no fee, no pause.
/// Specification: docs/payment-channels.md.
contract PaymentChannels is IPaymentChannels, PullPayments, PermitDeposits, EIP712 {
    uint256 public constant MIN_CHALLENGE_PERIOD = 1 hours;
    uint256 public constant MAX_CHALLENGE_PERIOD = 30 days;

    bytes32 public constant BALANCE_PROOF_TYPEHASH = keccak256(
        "BalanceProof(bytes32 channelId,uint64 nonce,uint256 transferred,uint256 locked,bytes32 locksRoot)"
    );
    bytes32 public constant WITHDRAW_TYPEHASH = keccak256(
        "Withdraw(bytes32 channelId,address participant,uint256 totalWithdrawn,uint256 expiry)"
    );
    bytes32 public constant COOPERATIVE_CLOSE_TYPEHASH = keccak256(
        "CooperativeClose(bytes32 channelId,uint256 balance1,uint256 balance2,uint256 expiry)"
    );
    bytes32 public constant REWARD_TYPEHASH = keccak256(
        "Reward(bytes32 channelId,bytes32 balanceProofHash,address watchtower,uint256 amount)"
    );

    // The channel slot (docs/payment-channels.md §2), low bits first:
    //   status (8) | flags (8) | open: deposit1 (104) | deposit2 (104)
    //                          | closed or settled: closesAt (40) | commitment (200)
    uint256 private constant STATUS_MASK = 0xff;
    uint256 private constant STATUS_OPEN = 1;
    uint256 private constant STATUS_CLOSED = 2;
    uint256 private constant STATUS_SETTLED = 3;
    uint256 private constant FLAG_KEY1 = 1 << 8;
    uint256 private constant FLAG_KEY2 = 1 << 9;
    /// @dev Status and flags: what every rewrite of the slot keeps.
    uint256 private constant HEADER_MASK = 0xffff;
    uint256 private constant DEPOSIT1_SHIFT = 16;
    uint256 private constant DEPOSIT2_SHIFT = 120;
    uint256 private constant MAX_AMOUNT = (1 << 104) - 1;
    uint256 private constant CLOSES_AT_SHIFT = 16;
    /// @dev Status, flags and closesAt: the low 56 bits, below the commitment.
    uint256 private constant LOW_56_MASK = (1 << 56) - 1;
    uint256 private constant COMMITMENT_MASK = ~LOW_56_MASK;
    /// @dev Proof amounts stay below 2^128, so that no settlement sum can overflow (§2).
    uint256 private constant MAX_PROOF_AMOUNT = type(uint128).max;

    mapping(bytes32 channelId => uint256 slot) private _channels;
    /// @dev withdrawn1 in the low 128 bits, withdrawn2 in the high 128. No flag in the channel slot says whether it
    /// was ever written: setting one would cost the first withdrawal 2,900 gas to spare a close 2,100.
    mapping(bytes32 channelId => uint256 totals) private _withdrawn;
    mapping(bytes32 channelId => mapping(address participant => KeyChange change)) private _keyChanges;
    mapping(bytes32 secretHash => uint256 registeredAt) private _secrets;

    constructor() EIP712("PeerPay PaymentChannels", "1") {}

    // ------------------------------------------------------------------ opening and funding

    /// @inheritdoc IPaymentChannels
    function open(Channel calldata channel, uint256 amount) external payable returns (bytes32) {
        return _open(channel, amount);
    }

    /// @inheritdoc IPaymentChannels
    function openWithPermit(
        Channel calldata channel,
        uint256 amount,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32) {
        if (!_tryPermit(channel.token, amount, permitDeadline, v, r, s)) {
            revert PaymentChannelTokenNotContract(channel.token);
        }
        return _open(channel, amount);
    }

    function _open(Channel calldata channel, uint256 amount) private returns (bytes32 channelId) {
        // The validating encoding: terms with dirty high bits must not open a channel under a non-canonical id.
        channelId = keccak256(abi.encode(block.chainid, address(this), channel));
        address participant1 = channel.participant1;
        address participant2 = channel.participant2;
        if (msg.sender != participant1) revert PaymentChannelNotParticipant(channelId, msg.sender);
        if (participant2 == address(0) || participant2 == participant1 || participant2 == address(this)) {
            revert PaymentChannelInvalidParticipants(participant1, participant2);
        }
        // The counterparty must never be able to sign for the opener.
        if (channel.key1 == participant2) revert PaymentChannelInvalidKey(channel.key1);
        uint256 period = channel.challengePeriod;
        if (period < MIN_CHALLENGE_PERIOD || period > MAX_CHALLENGE_PERIOD) {
            revert PaymentChannelInvalidChallengePeriod(period);
        }
        if (amount == 0 || amount > MAX_AMOUNT) revert PaymentChannelInvalidAmount(amount);
        _requireValue(channel.token, amount);
        if (_channels[channelId] != 0) revert PaymentChannelExists(channelId);
        _channels[channelId] = STATUS_OPEN | (amount << DEPOSIT1_SHIFT);
        emit ChannelOpened(channelId, participant1, participant2, channel, amount);
        _pullExact(channel.token, amount);
    }

    /// @inheritdoc IPaymentChannels
    function deposit(Channel calldata channel, address participant, uint256 amount) external payable {
        (bytes32 channelId, uint256 slot) = _loadOpen(channel);
        uint256 shift = _isFirst(channelId, channel, participant) ? DEPOSIT1_SHIFT : DEPOSIT2_SHIFT;
        uint256 current = (slot >> shift) & MAX_AMOUNT;
        if (amount == 0 || amount > MAX_AMOUNT - current) revert PaymentChannelInvalidAmount(amount);
        _requireValue(channel.token, amount);
        // Cannot overflow the field: current + amount <= MAX_AMOUNT, checked above.
        _channels[channelId] = slot + (amount << shift);
        emit ChannelDeposited(channelId, participant, amount, current + amount);
        _pullExact(channel.token, amount);
    }

    // ------------------------------------------------------------------ while open

    /// @inheritdoc IPaymentChannels
    function cooperativeWithdraw(
        Channel calldata channel,
        address participant,
        uint256 totalWithdrawn,
        uint256 expiry,
        bytes calldata signature1,
        bytes calldata signature2
    ) external nonReentrant {
        (bytes32 channelId, uint256 slot) = _loadOpen(channel);
        bool first = _isFirst(channelId, channel, participant);
        if (block.timestamp > expiry) revert PaymentChannelExpired(expiry);
        (uint256 totals, uint256 amount) = _nextWithdrawal(channelId, slot, first, totalWithdrawn);
        _requireBoth(
            channelId,
            channel,
            slot,
            _hashTypedDataV4(keccak256(abi.encode(WITHDRAW_TYPEHASH, channelId, participant, totalWithdrawn, expiry))),
            signature1,
            signature2
        );
        _withdrawn[channelId] = totals;
        emit ChannelWithdrawn(channelId, participant, amount, totalWithdrawn);
        _payout(channel.token, participant, amount);
    }

    /// @dev Both withdrawal totals after the participant's total becomes `totalWithdrawn`, and what that pays; reverts
    /// on a total not above the recorded one (a replay) or above what the channel holds.
    function _nextWithdrawal(
        bytes32 channelId,
        uint256 slot,
        bool first,
        uint256 totalWithdrawn
    ) private view returns (uint256 totals, uint256 amount) {
        totals = _withdrawn[channelId];
        uint256 withdrawn1 = uint128(totals);
        uint256 withdrawn2 = totals >> 128;
        uint256 previous = first ? withdrawn1 : withdrawn2;
        // All withdrawals together never exceed all deposits: the channel never pays out more than it holds.
        uint256 limit = _deposit1(slot) + _deposit2(slot) - (first ? withdrawn2 : withdrawn1);
        if (totalWithdrawn <= previous || totalWithdrawn > limit) {
            revert PaymentChannelInvalidWithdrawal(totalWithdrawn, previous, limit);
        }
        // Cannot truncate: totalWithdrawn <= limit < 2^105.
        totals = first ? (withdrawn2 << 128) | totalWithdrawn : (totalWithdrawn << 128) | withdrawn1;
        amount = totalWithdrawn - previous;
    }

    /// @inheritdoc IPaymentChannels
    function cooperativeClose(
        Channel calldata channel,
        uint256 balance1,
        uint256 balance2,
        uint256 expiry,
        bytes calldata signature1,
        bytes calldata signature2
    ) external nonReentrant {
        (bytes32 channelId, uint256 slot) = _loadOpen(channel);
        if (block.timestamp > expiry) revert PaymentChannelExpired(expiry);
        (uint256 withdrawn1, uint256 withdrawn2) = _withdrawals(channelId);
        uint256 total = _deposit1(slot) + _deposit2(slot) - withdrawn1 - withdrawn2;
        // Written so that no sum can overflow: balance1 + balance2 == total.
        if (balance1 > total || balance2 != total - balance1) {
            revert PaymentChannelInvalidBalances(balance1, balance2, total);
        }
        _requireBoth(
            channelId,
            channel,
            slot,
            _hashTypedDataV4(keccak256(abi.encode(COOPERATIVE_CLOSE_TYPEHASH, channelId, balance1, balance2, expiry))),
            signature1,
            signature2
        );
        _channels[channelId] = (slot & HEADER_MASK & ~STATUS_MASK) | STATUS_SETTLED;
        emit ChannelCooperativelyClosed(channelId, balance1, balance2);
        _payout(channel.token, channel.participant1, balance1);
        _payout(channel.token, channel.participant2, balance2);
    }

    // ------------------------------------------------------------------ unilateral close

    /// @inheritdoc IPaymentChannels
    /// @dev Makes no external call but an ERC-1271 `staticcall`, so it needs no reentrancy guard.
    function close(Channel calldata channel, BalanceProof calldata proof, bytes calldata signature) external {
        (bytes32 channelId, uint256 slot) = _loadOpen(channel);
        bool closerIsFirst = msg.sender == channel.participant1;
        if (!closerIsFirst && msg.sender != channel.participant2) {
            revert PaymentChannelNotParticipant(channelId, msg.sender);
        }
        Record memory record;
        record.deposit1 = _deposit1(slot);
        record.deposit2 = _deposit2(slot);
        (record.withdrawn1, record.withdrawn2) = _withdrawals(channelId);
        // Nonce 0 is "no proof": the closer received nothing, or closes without it.
        if (proof.nonce != 0) {
            // The proof is of the closer's incoming direction, signed by the counterparty.
            _requireProof(channelId, channel, slot, !closerIsFirst, proof, signature);
            Direction memory incoming = Direction({
                nonce: proof.nonce,
                transferred: proof.transferred,
                locked: proof.locked,
                locksRoot: proof.locksRoot,
                rewardee: address(0),
                reward: 0
            });
            if (closerIsFirst) record.d21 = incoming;
            else record.d12 = incoming;
        }
        uint256 closesAt = block.timestamp + channel.challengePeriod;
        _channels[channelId] =
            _commitRecord(record) |
            (closesAt << CLOSES_AT_SHIFT) |
            (slot & HEADER_MASK & ~STATUS_MASK) |
            STATUS_CLOSED;
        emit ChannelClosed(channelId, msg.sender, closesAt, record);
    }

    /// @inheritdoc IPaymentChannels
    function update(
        Channel calldata channel,
        Record calldata record,
        address sender,
        BalanceProof calldata proof,
        bytes calldata signature
    ) external {
        (bytes32 channelId, uint256 slot, bool senderIsFirst, ) = _checkUpdate(
            channel,
            record,
            sender,
            proof,
            signature,
            false
        );
        _recordUpdate(channelId, slot, record, sender, senderIsFirst, proof, address(0), 0);
    }

    /// @inheritdoc IPaymentChannels
    function updateFor(
        Channel calldata channel,
        Record calldata record,
        address sender,
        BalanceProof calldata proof,
        bytes calldata signature,
        uint256 reward,
        bytes calldata rewardSignature
    ) external {
        (bytes32 channelId, uint256 slot, bool senderIsFirst, bytes32 proofHash) = _checkUpdate(
            channel,
            record,
            sender,
            proof,
            signature,
            true
        );
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(REWARD_TYPEHASH, channelId, proofHash, msg.sender, reward))
        );
        _requireSigned(channelId, channel, slot, !senderIsFirst, digest, rewardSignature);
        _recordUpdate(channelId, slot, record, sender, senderIsFirst, proof, msg.sender, reward);
    }

    /// @dev The checks of a newer proof of `sender`'s direction, submitted by its receiver or, with `delegated`, by a
    /// watchtower the receiver names in a `Reward` over this very proof, which the caller checks
    /// (docs/payment-channels.md §1, §6). Returns the proof's struct hash.
    function _checkUpdate(
        Channel calldata channel,
        Record calldata record,
        address sender,
        BalanceProof calldata proof,
        bytes calldata signature,
        bool delegated
    ) private view returns (bytes32 channelId, uint256 slot, bool senderIsFirst, bytes32 proofHash) {
        (channelId, slot) = _loadClosed(channel, record);
        uint256 closesAt = (slot >> CLOSES_AT_SHIFT) & type(uint40).max;
        if (block.timestamp > closesAt) revert PaymentChannelChallengeOver(channelId, closesAt);
        senderIsFirst = _isFirst(channelId, channel, sender);
        if (!delegated && msg.sender != (senderIsFirst ? channel.participant2 : channel.participant1)) {
            revert PaymentChannelNotParticipant(channelId, msg.sender);
        }
        uint256 recorded = senderIsFirst ? record.d12.nonce : record.d21.nonce;
        if (proof.nonce <= recorded) revert PaymentChannelStaleProof(channelId, proof.nonce, recorded);
        proofHash = _requireProof(channelId, channel, slot, senderIsFirst, proof, signature);
    }

    /// @dev Replaces the record of `sender`'s direction with `proof` (and the watchtower to reward, if any).
    function _recordUpdate(
        bytes32 channelId,
        uint256 slot,
        Record calldata record,
        address sender,
        bool senderIsFirst,
        BalanceProof calldata proof,
        address rewardee,
        uint256 reward
    ) private {
        Record memory next = record;
        Direction memory direction = Direction({
            nonce: proof.nonce,
            transferred: proof.transferred,
            locked: proof.locked,
            locksRoot: proof.locksRoot,
            rewardee: rewardee,
            reward: reward
        });
        if (senderIsFirst) next.d12 = direction;
        else next.d21 = direction;
        _channels[channelId] = _commitRecord(next) | (slot & LOW_56_MASK);
        emit ChannelUpdated(channelId, sender, msg.sender, next);
    }

    /// @inheritdoc IPaymentChannels
    function settle(Channel calldata channel, Record calldata record) external nonReentrant {
        (bytes32 channelId, uint256 slot) = _loadClosed(channel, record);
        uint256 closesAt = (slot >> CLOSES_AT_SHIFT) & type(uint40).max;
        if (block.timestamp <= closesAt) revert PaymentChannelChallengeNotOver(channelId, closesAt);
        Settlement memory s = _settlement(record);
        PendingLocks memory pending = PendingLocks({
            locksRoot12: s.held12 == 0 ? bytes32(0) : record.d12.locksRoot,
            held12: s.held12,
            locksRoot21: s.held21 == 0 ? bytes32(0) : record.d21.locksRoot,
            held21: s.held21
        });
        _channels[channelId] = _commitPending(pending) | (slot & HEADER_MASK & ~STATUS_MASK) | STATUS_SETTLED;
        emit ChannelSettled(channelId, s.amount1, s.amount2, pending);
        address token = channel.token;
        _payout(token, channel.participant1, s.amount1);
        _payout(token, channel.participant2, s.amount2);
        if (s.reward12 != 0) {
            emit WatchtowerRewarded(channelId, record.d12.rewardee, s.reward12);
            _payout(token, record.d12.rewardee, s.reward12);
        }
        if (s.reward21 != 0) {
            emit WatchtowerRewarded(channelId, record.d21.rewardee, s.reward21);
            _payout(token, record.d21.rewardee, s.reward21);
        }
    }

    // ------------------------------------------------------------------ hash locks

    /// @inheritdoc IPaymentChannels
    function registerSecret(bytes32 secret) external {
        bytes32 secretHash = sha256(abi.encode(secret));
        if (_secrets[secretHash] != 0) revert PaymentChannelSecretKnown(secretHash);
        _secrets[secretHash] = block.timestamp;
        emit SecretRegistered(secretHash, secret);
    }

    /// @inheritdoc IPaymentChannels
    function registerSecrets(bytes32[] calldata secrets) external returns (uint256 registered) {
        uint256 count = secrets.length;
        for (uint256 i; i < count; ++i) {
            bytes32 secretHash = sha256(abi.encode(secrets[i]));
            if (_secrets[secretHash] == 0) {
                _secrets[secretHash] = block.timestamp;
                emit SecretRegistered(secretHash, secrets[i]);
                ++registered;
            }
        }
    }

    /// @inheritdoc IPaymentChannels
    function unlock(
        Channel calldata channel,
        address sender,
        Lock[] calldata locks,
        PendingLocks calldata pending
    ) external nonReentrant {
        bytes32 channelId = _channelId(channel);
        uint256 slot = _channels[channelId];
        _requireStatus(channelId, slot, STATUS_SETTLED);
        bool senderIsFirst = _isFirst(channelId, channel, sender);
        uint256 commitment = slot & COMMITMENT_MASK;
        uint256 held = senderIsFirst ? pending.held12 : pending.held21;
        if (commitment == 0 || held == 0) revert PaymentChannelNothingToUnlock(channelId, sender);
        PendingLocks memory next = pending;
        if (_commitPending(next) != commitment) revert PaymentChannelInvalidRecord(channelId);
        bytes32 root = senderIsFirst ? pending.locksRoot12 : pending.locksRoot21;
        if (keccak256(abi.encode(locks)) != root) revert PaymentChannelInvalidLocks(channelId);
        uint256 toReceiver;
        uint256 count = locks.length;
        for (uint256 i; i < count; ++i) {
            uint256 registeredAt = _secrets[locks[i].secretHash];
            // Cannot overflow: a sum of uint96 amounts over a calldata array.
            if (registeredAt != 0 && registeredAt <= locks[i].expiry)
                toReceiver += locks[i].amount;
                // A lock that did not pay yet may still pay until its expiry: resolving it now would let a sender take
                // back what a hub already paid the next hop (PC-L1, PC-E5).
            else if (block.timestamp <= locks[i].expiry)
                revert PaymentChannelLockNotExpired(channelId, locks[i].expiry);
        }
        // A lock list that promises more than was held pays what was held.
        if (toReceiver > held) toReceiver = held;
        uint256 toSender = held - toReceiver;
        if (senderIsFirst) (next.locksRoot12, next.held12) = (bytes32(0), 0);
        else (next.locksRoot21, next.held21) = (bytes32(0), 0);
        _channels[channelId] = _commitPending(next) | (slot & HEADER_MASK);
        emit LocksUnlocked(channelId, sender, toReceiver, toSender);
        _payout(channel.token, senderIsFirst ? channel.participant2 : channel.participant1, toReceiver);
        _payout(channel.token, sender, toSender);
    }

    // ------------------------------------------------------------------ session keys

    /// @inheritdoc IPaymentChannels
    function setSessionKey(Channel calldata channel, address key) external {
        (bytes32 channelId, uint256 slot) = _loadOpen(channel);
        bool first = msg.sender == channel.participant1;
        if (!first && msg.sender != channel.participant2) revert PaymentChannelNotParticipant(channelId, msg.sender);
        if (key == (first ? channel.participant2 : channel.participant1)) revert PaymentChannelInvalidKey(key);
        uint256 flag = first ? FLAG_KEY1 : FLAG_KEY2;
        address previous = first ? channel.key1 : address(0);
        if (slot & flag != 0) {
            KeyChange memory last = _keyChanges[channelId][msg.sender];
            uint256 graceEndsAt = uint256(last.changedAt) + channel.challengePeriod;
            // A second change during the grace period would end the previous key's grace early.
            if (block.timestamp <= graceEndsAt) revert PaymentChannelKeyChangePending(channelId, graceEndsAt);
            previous = last.current;
        } else {
            _channels[channelId] = slot | flag;
        }
        // Cannot truncate: a uint40 timestamp lasts until the year 36,812.
        _keyChanges[channelId][msg.sender] = KeyChange({
            current: key,
            changedAt: uint40(block.timestamp),
            previous: previous
        });
        emit SessionKeyChanged(channelId, msg.sender, previous, key, block.timestamp + channel.challengePeriod);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPaymentChannels
    function channelInfo(bytes32 channelId) external view returns (ChannelInfo memory info) {
        uint256 slot = _channels[channelId];
        info.status = Status(slot & STATUS_MASK);
        info.withdrawn = _withdrawn[channelId] != 0;
        info.key1Changed = slot & FLAG_KEY1 != 0;
        info.key2Changed = slot & FLAG_KEY2 != 0;
        if (info.status == Status.Open) {
            info.deposit1 = _deposit1(slot);
            info.deposit2 = _deposit2(slot);
        } else {
            info.closesAt = (slot >> CLOSES_AT_SHIFT) & type(uint40).max;
            info.commitment = bytes32(slot & COMMITMENT_MASK);
        }
    }

    /// @inheritdoc IPaymentChannels
    function withdrawnOf(bytes32 channelId) external view returns (uint256 withdrawn1, uint256 withdrawn2) {
        uint256 totals = _withdrawn[channelId];
        return (uint128(totals), totals >> 128);
    }

    /// @inheritdoc IPaymentChannels
    function keyChangeOf(bytes32 channelId, address participant) external view returns (KeyChange memory) {
        return _keyChanges[channelId][participant];
    }

    /// @inheritdoc IPaymentChannels
    function secretRegisteredAt(bytes32 secretHash) external view returns (uint256) {
        return _secrets[secretHash];
    }

    /// @inheritdoc IPaymentChannels
    function computeChannelId(Channel calldata channel) external view returns (bytes32) {
        return _channelId(channel);
    }

    /// @inheritdoc IPaymentChannels
    function hashRecord(Record calldata record) external pure returns (bytes32) {
        return bytes32(_commitCalldataRecord(record));
    }

    /// @inheritdoc IPaymentChannels
    function hashLocks(Lock[] calldata locks) external pure returns (bytes32) {
        return keccak256(abi.encode(locks));
    }

    /// @inheritdoc IPaymentChannels
    function settlementOf(Record calldata record) external pure returns (Settlement memory) {
        return _settlement(record);
    }

    /// @inheritdoc IPaymentChannels
    function balanceProofDigest(bytes32 channelId, BalanceProof calldata proof) external view returns (bytes32) {
        return _hashTypedDataV4(_balanceProofHash(channelId, proof));
    }

    /// @inheritdoc IPaymentChannels
    function withdrawDigest(
        bytes32 channelId,
        address participant,
        uint256 totalWithdrawn,
        uint256 expiry
    ) external view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(WITHDRAW_TYPEHASH, channelId, participant, totalWithdrawn, expiry)));
    }

    /// @inheritdoc IPaymentChannels
    function cooperativeCloseDigest(
        bytes32 channelId,
        uint256 balance1,
        uint256 balance2,
        uint256 expiry
    ) external view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(COOPERATIVE_CLOSE_TYPEHASH, channelId, balance1, balance2, expiry)));
    }

    /// @inheritdoc IPaymentChannels
    function rewardDigest(
        bytes32 channelId,
        bytes32 balanceProofHash,
        address watchtower,
        uint256 amount
    ) external view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(REWARD_TYPEHASH, channelId, balanceProofHash, watchtower, amount)));
    }

    // ------------------------------------------------------------------ internals

    /// @dev keccak256(abi.encode(block.chainid, address(this), channel)) for clean terms, hashed straight from calldata
    /// (the six fields are six words, in order). Terms with dirty high bits hash to an id no channel has (`open`
    /// validates them), so such a call reverts with `PaymentChannelNotFound`.
    function _channelId(Channel calldata channel) private view returns (bytes32 id) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, chainid())
            mstore(add(ptr, 0x20), address())
            calldatacopy(add(ptr, 0x40), channel, 0xc0)
            id := keccak256(ptr, 0x100)
        }
    }

    function _loadOpen(Channel calldata channel) private view returns (bytes32 channelId, uint256 slot) {
        channelId = _channelId(channel);
        slot = _channels[channelId];
        _requireStatus(channelId, slot, STATUS_OPEN);
    }

    /// @dev A closed channel whose commitment matches `record`.
    function _loadClosed(
        Channel calldata channel,
        Record calldata record
    ) private view returns (bytes32 channelId, uint256 slot) {
        channelId = _channelId(channel);
        slot = _channels[channelId];
        _requireStatus(channelId, slot, STATUS_CLOSED);
        if (slot & COMMITMENT_MASK != _commitCalldataRecord(record)) revert PaymentChannelInvalidRecord(channelId);
    }

    function _requireStatus(bytes32 channelId, uint256 slot, uint256 expected) private pure {
        uint256 status = slot & STATUS_MASK;
        if (status == expected) return;
        if (status == 0) revert PaymentChannelNotFound(channelId);
        revert PaymentChannelInvalidStatus(channelId, Status(status));
    }

    /// @dev Whether `participant` is participant1 (true) or participant2 (false); reverts for anyone else.
    function _isFirst(bytes32 channelId, Channel calldata channel, address participant) private pure returns (bool) {
        if (participant == channel.participant1) return true;
        if (participant != channel.participant2) revert PaymentChannelNotParticipant(channelId, participant);
        return false;
    }

    function _deposit1(uint256 slot) private pure returns (uint256) {
        return (slot >> DEPOSIT1_SHIFT) & MAX_AMOUNT;
    }

    function _deposit2(uint256 slot) private pure returns (uint256) {
        return (slot >> DEPOSIT2_SHIFT) & MAX_AMOUNT;
    }

    function _withdrawals(bytes32 channelId) private view returns (uint256, uint256) {
        uint256 totals = _withdrawn[channelId];
        return (uint128(totals), totals >> 128);
    }

    function _commitRecord(Record memory record) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(record))) & COMMITMENT_MASK;
    }

    /// @dev {_commitRecord} of a calldata record, hashed where it lies: a `Record` is static, 16 words in order, equal
    /// to its ABI encoding when clean. A record with dirty high bits hashes differently and matches no commitment.
    function _commitCalldataRecord(Record calldata record) private pure returns (uint256) {
        bytes32 hash;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, record, 0x200)
            hash := keccak256(ptr, 0x200)
        }
        return uint256(hash) & COMMITMENT_MASK;
    }

    /// @dev 0 when nothing is held, so that a settled channel without pending locks keeps a bare status.
    function _commitPending(PendingLocks memory pending) private pure returns (uint256) {
        if (pending.held12 == 0 && pending.held21 == 0) return 0;
        return uint256(keccak256(abi.encode(pending))) & COMMITMENT_MASK;
    }

    /// @dev docs/payment-channels.md §5. Every amount in a stored record is below 2^129 (deposits and withdrawals
    /// below 2^106, proof amounts below 2^128), so no sum below overflows.
    function _settlement(Record calldata r) private pure returns (Settlement memory s) {
        uint256 total = r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
        uint256 credit1 = r.deposit1 + r.d21.transferred;
        uint256 debit1 = r.withdrawn1 + r.d12.transferred;
        uint256 share1 = credit1 > debit1 ? credit1 - debit1 : 0;
        if (share1 > total) share1 = total;
        uint256 share2 = total - share1;
        s.held12 = r.d12.locked < share1 ? r.d12.locked : share1;
        s.held21 = r.d21.locked < share2 ? r.d21.locked : share2;
        uint256 rest1 = share1 - s.held12;
        uint256 rest2 = share2 - s.held21;
        // A direction's reward was signed by its receiver and comes out of the receiver's share.
        if (r.d21.rewardee != address(0)) s.reward21 = r.d21.reward < rest1 ? r.d21.reward : rest1;
        if (r.d12.rewardee != address(0)) s.reward12 = r.d12.reward < rest2 ? r.d12.reward : rest2;
        s.amount1 = rest1 - s.reward21;
        s.amount2 = rest2 - s.reward12;
    }

    function _balanceProofHash(bytes32 channelId, BalanceProof calldata proof) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    BALANCE_PROOF_TYPEHASH,
                    channelId,
                    proof.nonce,
                    proof.transferred,
                    proof.locked,
                    proof.locksRoot
                )
            );
    }

    /// @dev Reverts unless `proof` is in range and signed by the sender of its direction; returns its struct hash.
    function _requireProof(
        bytes32 channelId,
        Channel calldata channel,
        uint256 slot,
        bool senderIsFirst,
        BalanceProof calldata proof,
        bytes calldata signature
    ) private view returns (bytes32 proofHash) {
        if (proof.transferred > MAX_PROOF_AMOUNT || proof.locked > MAX_PROOF_AMOUNT) {
            revert PaymentChannelInvalidProof(channelId);
        }
        proofHash = _balanceProofHash(channelId, proof);
        _requireSigned(channelId, channel, slot, senderIsFirst, _hashTypedDataV4(proofHash), signature);
    }

    /// @dev Both participants' consent to `digest`; a participant who is the caller consents by calling.
    function _requireBoth(
        bytes32 channelId,
        Channel calldata channel,
        uint256 slot,
        bytes32 digest,
        bytes calldata signature1,
        bytes calldata signature2
    ) private view {
        if (msg.sender != channel.participant1) _requireSigned(channelId, channel, slot, true, digest, signature1);
        if (msg.sender != channel.participant2) _requireSigned(channelId, channel, slot, false, digest, signature2);
    }

    /// @dev Reverts unless `signature` over `digest` is the participant's (ECDSA, or ERC-1271 for a contract), or its
    /// session key's: the key named at open (participant1 only) until a rotation, then the current key, or the
    /// previous one during its grace period (docs/payment-channels.md §7).
    function _requireSigned(
        bytes32 channelId,
        Channel calldata channel,
        uint256 slot,
        bool first,
        bytes32 digest,
        bytes calldata signature
    ) private view {
        address participant = first ? channel.participant1 : channel.participant2;
        address recovered = Signatures.recover(digest, signature);
        // Keys are judged as of the close once the channel is closed, so that a rotation followed by a close after
        // the grace cannot void proofs the counterparty holds from the previous key (§7).
        uint256 asOf =
            slot & STATUS_MASK == STATUS_CLOSED
                ? ((slot >> CLOSES_AT_SHIFT) & type(uint40).max) - channel.challengePeriod
                : block.timestamp;
        if (recovered == participant) return;
        if (recovered != address(0)) {
            if (slot & (first ? FLAG_KEY1 : FLAG_KEY2) == 0) {
                if (first && recovered == channel.key1) return;
            } else {
                KeyChange memory change = _keyChanges[channelId][participant];
                if (recovered == change.current) return;
                if (recovered == change.previous && asOf <= uint256(change.changedAt) + channel.challengePeriod) return;
            }
        }
        if (participant.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(participant, digest, signature))
            return;
        revert PaymentChannelInvalidSignature(channelId, participant);
    }

    /// @dev ETH comes by value; an ERC20 by allowance, with no value and from a contract.
    function _requireValue(address token, uint256 amount) private view {
        if (token == address(0)) {
            if (msg.value != amount) revert PaymentChannelValueMismatch(msg.value, amount);
        } else {
            if (msg.value != 0) revert PaymentChannelValueMismatch(msg.value, 0);
            if (token.code.length == 0) revert PaymentChannelTokenNotContract(token);
        }
    }

    /// @dev Pulls an ERC20 deposit and rejects fee-on-transfer tokens; nothing to do for ETH (it came by value).
    function _pullExact(address token, uint256 amount) private {
        if (token == address(0)) return;
        uint256 received = _pullFrom(IERC20(token), amount);
        if (received != amount) revert PaymentChannelTokenTransferMismatch(amount, received);
    }
}
