// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "./IPullPayments.sol";

/// @title PeerPay payment channels: two participants pay each other off-chain, in both directions, with hash locks
/// @notice One contract holds every channel. A channel's id is the hash of the chain id, this contract and its
/// immutable terms (`Channel`), which callers pass with each action; its state is one storage slot, holding the
/// deposits while open and, after a close, a commitment to the `Record` that callers then pass back.
/// Specification: docs/payment-channels.md (rule ids `PC-…`).
interface IPaymentChannels is IPullPayments {
    /// @notice A channel's status. `None`: no channel has this id. `Settled` is terminal and kept forever, so an id
    /// is never reused.
    enum Status {
        None,
        Open,
        Closed,
        Settled
    }

    /// @notice The immutable terms of a channel. The participant who opens it is `participant1`.
    /// @param participant1 The opener (an EOA or an ERC-1271 wallet).
    /// @param participant2 The other side.
    /// @param token The ERC20, or address(0) for ETH.
    /// @param key1 The session key of participant1 authorised at open, or address(0). There is no `key2`: the
    /// opener must not choose the key that signs for the other side; participant2 names its own with
    /// `setSessionKey`.
    /// @param challengePeriod Seconds the other side has to answer a unilateral close.
    /// @param salt Any value; makes otherwise identical channels (a reopening between the same pair) distinct.
    struct Channel {
        address participant1;
        address participant2;
        address token;
        address key1;
        uint32 challengePeriod;
        uint32 salt;
    }

    /// @notice What one participant has sent the other, signed by the sender (EIP-712 `BalanceProof`).
    /// @param nonce Strictly increasing per direction; 0 means "no proof".
    /// @param transferred Cumulative amount sent unconditionally.
    /// @param locked Sum of the amounts of the pending locks.
    /// @param locksRoot keccak256(abi.encode(Lock[])) of the pending locks, 0 when there are none.
    struct BalanceProof {
        uint64 nonce;
        uint256 transferred;
        uint256 locked;
        bytes32 locksRoot;
    }

    /// @notice A direction's proof as recorded after a close, with the watchtower reward its receiver signed.
    struct Direction {
        uint64 nonce;
        uint256 transferred;
        uint256 locked;
        bytes32 locksRoot;
        address rewardee;
        uint256 reward;
    }

    /// @notice Everything settlement needs, committed to in the channel's slot at a close and passed back by callers.
    /// `d12` is what participant1 sent participant2; `d21` the other way.
    struct Record {
        uint256 deposit1;
        uint256 deposit2;
        uint256 withdrawn1;
        uint256 withdrawn2;
        Direction d12;
        Direction d21;
    }

    /// @notice A hash-locked conditional payment inside a balance proof: `amount` moves to the receiver iff the
    /// 32-byte secret whose SHA-256 is `secretHash` was registered on-chain at or before `expiry`.
    struct Lock {
        uint96 amount;
        uint40 expiry;
        bytes32 secretHash;
    }

    /// @notice The locks left to unlock after settlement, per direction: their root and the amount held for them.
    struct PendingLocks {
        bytes32 locksRoot12;
        uint256 held12;
        bytes32 locksRoot21;
        uint256 held21;
    }

    /// @notice A channel's slot, decoded. While open: the deposits; after a close: `closesAt` and the commitment.
    struct ChannelInfo {
        Status status;
        bool withdrawn;
        bool key1Changed;
        bool key2Changed;
        uint256 deposit1;
        uint256 deposit2;
        uint256 closesAt;
        bytes32 commitment;
    }

    /// @notice A participant's session keys after a rotation: `current` from `changedAt` on, `previous` until
    /// `changedAt + challengePeriod`.
    struct KeyChange {
        address current;
        uint40 changedAt;
        address previous;
    }

    /// @notice What a settlement of `record` pays (docs/payment-channels.md §5).
    struct Settlement {
        uint256 amount1;
        uint256 amount2;
        uint256 reward12;
        uint256 reward21;
        uint256 held12;
        uint256 held21;
    }

    // ------------------------------------------------------------------ events

    event ChannelOpened(
        bytes32 indexed channelId,
        address indexed participant1,
        address indexed participant2,
        Channel channel,
        uint256 deposit
    );
    event ChannelDeposited(bytes32 indexed channelId, address indexed participant, uint256 amount, uint256 total);
    event ChannelWithdrawn(bytes32 indexed channelId, address indexed participant, uint256 amount, uint256 total);
    event ChannelCooperativelyClosed(bytes32 indexed channelId, uint256 amount1, uint256 amount2);
    /// @notice A unilateral close by `closer`; `record` is what `update` and `settle` take next.
    event ChannelClosed(bytes32 indexed channelId, address indexed closer, uint256 closesAt, Record record);
    /// @notice A newer proof of `sender`'s direction, submitted by `submitter`; `record` replaces the previous one.
    event ChannelUpdated(bytes32 indexed channelId, address indexed sender, address indexed submitter, Record record);
    event ChannelSettled(bytes32 indexed channelId, uint256 amount1, uint256 amount2, PendingLocks pending);
    event WatchtowerRewarded(bytes32 indexed channelId, address indexed watchtower, uint256 amount);
    event SecretRegistered(bytes32 indexed secretHash, bytes32 secret);
    event LocksUnlocked(bytes32 indexed channelId, address indexed sender, uint256 toReceiver, uint256 toSender);
    event SessionKeyChanged(
        bytes32 indexed channelId,
        address indexed participant,
        address previous,
        address current,
        uint256 graceEndsAt
    );

    // ------------------------------------------------------------------ errors

    error PaymentChannelInvalidParticipants(address participant1, address participant2);
    error PaymentChannelInvalidKey(address key);
    error PaymentChannelInvalidChallengePeriod(uint256 challengePeriod);
    error PaymentChannelInvalidAmount(uint256 amount);
    error PaymentChannelTokenNotContract(address token);
    error PaymentChannelValueMismatch(uint256 sent, uint256 expected);
    error PaymentChannelTokenTransferMismatch(uint256 expected, uint256 received);
    error PaymentChannelExists(bytes32 channelId);
    error PaymentChannelNotFound(bytes32 channelId);
    /// @notice The channel is not in the status this action needs.
    error PaymentChannelInvalidStatus(bytes32 channelId, Status status);
    error PaymentChannelNotParticipant(bytes32 channelId, address account);
    error PaymentChannelInvalidSignature(bytes32 channelId, address signer);
    error PaymentChannelExpired(uint256 expiry);
    /// @notice A withdrawal total not above the recorded one (a replay), or above what the channel holds.
    error PaymentChannelInvalidWithdrawal(uint256 total, uint256 withdrawn, uint256 limit);
    error PaymentChannelInvalidBalances(uint256 balance1, uint256 balance2, uint256 total);
    /// @notice The record passed does not match the channel's commitment.
    error PaymentChannelInvalidRecord(bytes32 channelId);
    /// @notice A proof's nonce is not above the recorded one.
    error PaymentChannelStaleProof(bytes32 channelId, uint256 nonce, uint256 recorded);
    error PaymentChannelInvalidProof(bytes32 channelId);
    error PaymentChannelChallengeOver(bytes32 channelId, uint256 closesAt);
    error PaymentChannelChallengeNotOver(bytes32 channelId, uint256 closesAt);
    error PaymentChannelKeyChangePending(bytes32 channelId, uint256 graceEndsAt);
    error PaymentChannelSecretKnown(bytes32 secretHash);
    error PaymentChannelInvalidLocks(bytes32 channelId);
    error PaymentChannelNothingToUnlock(bytes32 channelId, address sender);
    /// @notice A lock whose secret is not registered has not expired yet: it may still pay its receiver.
    error PaymentChannelLockNotExpired(bytes32 channelId, uint256 expiry);

    // ------------------------------------------------------------------ opening and funding

    /// @notice Opens a channel with the caller as `participant1` and deposits `amount` for it (PC-O1..O3).
    /// @param channel The terms; `msg.sender` must be `channel.participant1`.
    /// @param amount The opener's deposit (> 0): `msg.value` for ETH, pulled by allowance for an ERC20.
    /// @return channelId The new channel's id.
    function open(Channel calldata channel, uint256 amount) external payable returns (bytes32 channelId);

    /// @notice `open` for an ERC20 with an EIP-2612 permit for this contract, tried first and ignored if it fails.
    function openWithPermit(
        Channel calldata channel,
        uint256 amount,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 channelId);

    /// @notice Adds `amount` to `participant`'s deposit; anyone may pay it (PC-D1).
    function deposit(Channel calldata channel, address participant, uint256 amount) external payable;

    // ------------------------------------------------------------------ while open

    /// @notice Pays `participant` up to a new withdrawal total of `totalWithdrawn`, with both participants' consent
    /// (EIP-712 `Withdraw`, PC-W1). A participant calling for itself may pass an empty signature of its own.
    function cooperativeWithdraw(
        Channel calldata channel,
        address participant,
        uint256 totalWithdrawn,
        uint256 expiry,
        bytes calldata signature1,
        bytes calldata signature2
    ) external;

    /// @notice Pays both sides at once and ends the channel (EIP-712 `CooperativeClose`, PC-C1). `balance1 + balance2`
    /// must equal what the channel holds. A participant calling may pass an empty signature of its own.
    function cooperativeClose(
        Channel calldata channel,
        uint256 balance1,
        uint256 balance2,
        uint256 expiry,
        bytes calldata signature1,
        bytes calldata signature2
    ) external;

    /// @notice A participant closes alone with the counterparty's latest proof (its own incoming payments; nonce 0
    /// for none) and starts the challenge period (PC-U1).
    function close(Channel calldata channel, BalanceProof calldata proof, bytes calldata signature) external;

    /// @notice The receiver of `sender`'s direction records a newer proof of it during the challenge (PC-U2, U3).
    function update(
        Channel calldata channel,
        Record calldata record,
        address sender,
        BalanceProof calldata proof,
        bytes calldata signature
    ) external;

    /// @notice A watchtower records a newer proof of `sender`'s direction for its receiver, who authorised it by
    /// signing `Reward(channelId, balanceProofHash, msg.sender, reward)`; `reward` is paid to the watchtower at
    /// settlement out of the receiver's share (docs/payment-channels.md §6).
    function updateFor(
        Channel calldata channel,
        Record calldata record,
        address sender,
        BalanceProof calldata proof,
        bytes calldata signature,
        uint256 reward,
        bytes calldata rewardSignature
    ) external;

    /// @notice Pays both sides (and any rewarded watchtower) after the challenge period; the locked amounts wait for
    /// `unlock` (PC-S1).
    function settle(Channel calldata channel, Record calldata record) external;

    // ------------------------------------------------------------------ hash locks

    /// @notice Records that `secret` was revealed now: `secretRegisteredAt(sha256(secret)) = block.timestamp`.
    function registerSecret(bytes32 secret) external;

    /// @notice `registerSecret` for many; secrets already registered are skipped (their first time stays).
    /// @return registered How many were new.
    function registerSecrets(bytes32[] calldata secrets) external returns (uint256 registered);

    /// @notice After settlement, pays the locks `sender` had pending towards the other participant: each to the
    /// receiver if its secret was registered at or before its expiry, otherwise back to `sender` (PC-L1..L3). Reverts
    /// while a lock whose secret is not registered has not expired.
    function unlock(
        Channel calldata channel,
        address sender,
        Lock[] calldata locks,
        PendingLocks calldata pending
    ) external;

    // ------------------------------------------------------------------ session keys

    /// @notice The caller, a participant, authorises `key` to sign for it; the previous key stays valid for one
    /// challenge period (docs/payment-channels.md §7).
    function setSessionKey(Channel calldata channel, address key) external;

    // ------------------------------------------------------------------ views

    function channelInfo(bytes32 channelId) external view returns (ChannelInfo memory);

    /// @notice The withdrawal totals of both participants.
    function withdrawnOf(bytes32 channelId) external view returns (uint256 withdrawn1, uint256 withdrawn2);

    function keyChangeOf(bytes32 channelId, address participant) external view returns (KeyChange memory);

    /// @notice When the secret hashing to `secretHash` (SHA-256) was first registered, or 0.
    function secretRegisteredAt(bytes32 secretHash) external view returns (uint256);

    function computeChannelId(Channel calldata channel) external view returns (bytes32);

    /// @notice The 200-bit commitment a closed channel's slot holds for `record` (low 56 bits cleared).
    function hashRecord(Record calldata record) external pure returns (bytes32);

    /// @notice keccak256(abi.encode(locks)): a proof's `locksRoot`.
    function hashLocks(Lock[] calldata locks) external pure returns (bytes32);

    /// @notice What settling `record` pays (docs/payment-channels.md §5).
    function settlementOf(Record calldata record) external pure returns (Settlement memory);

    function balanceProofDigest(bytes32 channelId, BalanceProof calldata proof) external view returns (bytes32);

    function withdrawDigest(
        bytes32 channelId,
        address participant,
        uint256 totalWithdrawn,
        uint256 expiry
    ) external view returns (bytes32);

    function cooperativeCloseDigest(
        bytes32 channelId,
        uint256 balance1,
        uint256 balance2,
        uint256 expiry
    ) external view returns (bytes32);

    function rewardDigest(
        bytes32 channelId,
        bytes32 balanceProofHash,
        address watchtower,
        uint256 amount
    ) external view returns (bytes32);
}
