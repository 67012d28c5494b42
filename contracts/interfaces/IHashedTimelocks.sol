// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "./IPullPayments.sol";

/// @title PeerPay hashed timelocks: one leg of an atomic swap
/// @notice A sender locks ETH or an ERC20 for a receiver under the SHA-256 hash of a 32-byte secret. Anyone holding
/// the secret completes the lock before its timelock (the amount goes to the receiver, and the secret is emitted so
/// that the swap's other leg can complete); at or after the timelock anyone refunds it to the sender. Exactly one of
/// the two happens, once. A lock's id is the hash of its terms (`Lock`), which callers pass back with each action; its
/// status is kept forever, so an id is never reused. An optional safety deposit in native currency pays whoever
/// finishes the lock once its public-completion time has come. Specification: docs/atomic-swaps.md (rule ids `HT-…`).
interface IHashedTimelocks is IPullPayments {
    /// @notice A lock's status. `Claimed` and `Refunded` are terminal.
    enum Status {
        None,
        Locked,
        Claimed,
        Refunded
    }

    /// @notice The immutable terms of a lock; its id is `keccak256(abi.encode(lock))`.
    /// @param sender Who locks (must be the caller of `lock`) and gets the refund.
    /// @param receiver Who gets the amount on a claim.
    /// @param token The ERC20, or address(0) for ETH.
    /// @param amount What is locked (> 0); for a token, exactly what must arrive.
    /// @param hashlock sha256(secret) of the 32-byte secret (the hash a Bitcoin BIP-199 HTLC uses).
    /// @param timelock Claims are accepted while `block.timestamp < timelock`, refunds from `timelock` on.
    /// @param safetyDeposit Native currency paid, on top of `amount`, to whoever finishes the lock after its
    /// public-completion time, and back to the sender otherwise; 0 for none.
    /// @param publicClaimAt With a deposit: a claim at or after it pays the deposit to its caller (before it, to the
    /// sender). Without one: 0.
    /// @param publicRefundAt With a deposit: a refund at or after it pays the deposit to its caller (before it, to the
    /// sender); at least `timelock`. Without one: 0.
    /// @param salt Any value; makes otherwise identical locks distinct.
    struct Lock {
        address sender;
        address receiver;
        address token;
        uint256 amount;
        bytes32 hashlock;
        uint64 timelock;
        uint256 safetyDeposit;
        uint64 publicClaimAt;
        uint64 publicRefundAt;
        uint256 salt;
    }

    // ------------------------------------------------------------------ events

    event Locked(bytes32 indexed id, address indexed sender, address indexed receiver, Lock terms);
    /// @notice The lock `id` was claimed by `caller` with `secret` (sha256(secret) == `hashlock`).
    event Claimed(bytes32 indexed id, bytes32 indexed hashlock, bytes32 secret, address caller);
    event Refunded(bytes32 indexed id, address caller);

    // ------------------------------------------------------------------ errors

    /// @notice A malformed lock: zero receiver or amount or hashlock, or public times that do not fit the deposit
    /// and the timelock (docs/atomic-swaps.md HT-3, HT-5).
    error HashedTimelockInvalidTerms();
    error HashedTimelockNotSender(address sender, address caller);
    /// @notice The timelock is not in the future, or further than `MAX_TIMELOCK_DURATION` from now.
    error HashedTimelockInvalidTimelock(uint256 timelock);
    error HashedTimelockTokenNotContract(address token);
    error HashedTimelockValueMismatch(uint256 sent, uint256 expected);
    error HashedTimelockTransferMismatch(uint256 expected, uint256 received);
    error HashedTimelockExists(bytes32 id);
    /// @notice The lock is not `Locked` (never made, or already finished).
    error HashedTimelockNotLocked(bytes32 id, Status status);
    error HashedTimelockWrongSecret(bytes32 id);
    /// @notice A claim at or after the timelock.
    error HashedTimelockExpired(bytes32 id, uint256 timelock);
    /// @notice A refund before the timelock.
    error HashedTimelockNotExpired(bytes32 id, uint256 timelock);

    // ------------------------------------------------------------------ actions

    /// @notice Locks `lock.amount` (and the safety deposit) under the lock's terms. ETH: `msg.value` must be
    /// `amount + safetyDeposit`; an ERC20: `msg.value` must be `safetyDeposit`, and `amount` is pulled by allowance.
    /// @return id The lock's id.
    function lock(Lock calldata terms) external payable returns (bytes32 id);

    /// @notice `lock` for an ERC20 with an EIP-2612 permit for this contract, tried first and ignored if it fails.
    function lockWithPermit(
        Lock calldata terms,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external payable returns (bytes32 id);

    /// @notice Completes the lock with its `secret` before the timelock: pays the receiver, emits the secret.
    /// Anyone may call.
    function claim(Lock calldata terms, bytes32 secret) external;

    /// @notice Returns the lock to its sender at or after the timelock. Anyone may call.
    function refund(Lock calldata terms) external;

    // ------------------------------------------------------------------ views

    /// @notice `keccak256(abi.encode(terms))`.
    function lockId(Lock calldata terms) external pure returns (bytes32);

    function statusOf(bytes32 id) external view returns (Status);
}
