// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IHashedTimelocks} from "./interfaces/IHashedTimelocks.sol";
import {PermitDeposits} from "./base/PermitDeposits.sol";
import {PullPayments} from "./base/PullPayments.sol";

/// @title PeerPay hashed timelocks
/// @notice Locks ETH or an ERC20 for a receiver under the SHA-256 hash of a 32-byte secret until a timelock: anyone
/// claims it with the secret before the timelock, anyone refunds it from the timelock on. One storage slot per lock,
/// the terms in calldata. No owner, no fee, no pause. Specification: docs/atomic-swaps.md (rules `HT-…`).
contract HashedTimelocks is IHashedTimelocks, PullPayments, PermitDeposits {
    uint256 public constant MAX_TIMELOCK_DURATION = 30 days;
    /// @dev The ABI encoding of a `Lock`: ten static words.
    uint256 private constant LOCK_SIZE = 320;

    /// @dev The only state of a lock (HT-1, §2): its terms are in calldata and in the `Locked` event.
    mapping(bytes32 id => Status) private _statuses;

    // ------------------------------------------------------------------ actions

    /// @inheritdoc IHashedTimelocks
    function lock(Lock calldata terms) external payable returns (bytes32) {
        return _lock(terms);
    }

    /// @inheritdoc IHashedTimelocks
    function lockWithPermit(
        Lock calldata terms,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external payable returns (bytes32) {
        // HT-19: before anything is read, so a token re-entering from `permit` acts as in a separate transaction.
        if (!_tryPermit(terms.token, terms.amount, permitDeadline, v, r, s)) {
            revert HashedTimelockTokenNotContract(terms.token);
        }
        return _lock(terms);
    }

    function _lock(Lock calldata terms) private returns (bytes32 id) {
        address sender = terms.sender;
        // HT-2
        if (msg.sender != sender) revert HashedTimelockNotSender(sender, msg.sender);
        // HT-3
        if (terms.receiver == address(0) || terms.amount == 0 || terms.hashlock == 0) {
            revert HashedTimelockInvalidTerms();
        }
        // HT-4. Cannot overflow: block.timestamp is far below 2^256 - 30 days.
        uint256 timelock = terms.timelock;
        if (timelock <= block.timestamp || timelock > block.timestamp + MAX_TIMELOCK_DURATION) {
            revert HashedTimelockInvalidTimelock(timelock);
        }
        // HT-5
        uint256 deposit = terms.safetyDeposit;
        if (deposit == 0) {
            if (terms.publicClaimAt != 0 || terms.publicRefundAt != 0) revert HashedTimelockInvalidTerms();
        } else {
            uint256 publicClaimAt = terms.publicClaimAt;
            if (publicClaimAt <= block.timestamp || publicClaimAt > timelock || terms.publicRefundAt < timelock) {
                revert HashedTimelockInvalidTerms();
            }
        }
        // HT-6
        address token = terms.token;
        uint256 amount = terms.amount;
        if (token == address(0)) {
            // Written so that no sum overflows: msg.value == amount + deposit.
            if (msg.value < deposit || msg.value - deposit != amount) {
                revert HashedTimelockValueMismatch(msg.value, _saturatingAdd(amount, deposit));
            }
        } else {
            if (msg.value != deposit) revert HashedTimelockValueMismatch(msg.value, deposit);
            if (token.code.length == 0) revert HashedTimelockTokenNotContract(token);
        }
        // HT-1, HT-8. Every narrow field was read (and so validated) above: the terms are canonical here.
        id = _idOf(terms);
        if (_statuses[id] != Status.None) revert HashedTimelockExists(id);
        _statuses[id] = Status.Locked;
        _emitLocked(id, sender, terms.receiver, terms);
        // HT-7: fee-on-transfer refused; the whole lock reverts, nothing is kept.
        if (token != address(0)) {
            uint256 received = _pullFrom(IERC20(token), amount);
            if (received != amount) revert HashedTimelockTransferMismatch(amount, received);
        }
    }

    /// @inheritdoc IHashedTimelocks
    function claim(Lock calldata terms, bytes32 secret) external {
        bytes32 id = _idOf(terms);
        // HT-9
        Status status = _statuses[id];
        if (status != Status.Locked) revert HashedTimelockNotLocked(id, status);
        if (sha256(abi.encodePacked(secret)) != terms.hashlock) revert HashedTimelockWrongSecret(id);
        uint256 timelock = terms.timelock;
        if (block.timestamp >= timelock) revert HashedTimelockExpired(id, timelock);
        // HT-10, HT-13: final before anyone is paid.
        _statuses[id] = Status.Claimed;
        emit Claimed(id, terms.hashlock, secret, msg.sender);
        _payout(terms.token, terms.receiver, terms.amount);
        _payDeposit(terms, terms.publicClaimAt);
    }

    /// @inheritdoc IHashedTimelocks
    function refund(Lock calldata terms) external {
        bytes32 id = _idOf(terms);
        // HT-11
        Status status = _statuses[id];
        if (status != Status.Locked) revert HashedTimelockNotLocked(id, status);
        uint256 timelock = terms.timelock;
        if (block.timestamp < timelock) revert HashedTimelockNotExpired(id, timelock);
        // HT-12, HT-13: final before anyone is paid.
        _statuses[id] = Status.Refunded;
        emit Refunded(id, msg.sender);
        _payout(terms.token, terms.sender, terms.amount);
        _payDeposit(terms, terms.publicRefundAt);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IHashedTimelocks
    function lockId(Lock calldata terms) external pure returns (bytes32) {
        return keccak256(abi.encode(terms));
    }

    /// @inheritdoc IHashedTimelocks
    function statusOf(bytes32 id) external view returns (Status) {
        return _statuses[id];
    }

    // ------------------------------------------------------------------ internals

    /// @dev `keccak256(abi.encode(terms))` without the decoder's copy-and-validate pass (~600 gas): `Lock` is ten
    /// static words, so its calldata is its ABI encoding. Terms with dirty high bits hash to an id that was never
    /// locked, because `_lock` reads (and so validates) every narrow field before it writes a status.
    function _idOf(Lock calldata terms) private pure returns (bytes32 id) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, terms, LOCK_SIZE)
            id := keccak256(ptr, LOCK_SIZE)
        }
    }

    /// @dev `emit Locked(id, sender, receiver, terms)`, with the terms' calldata as the event data (their ABI
    /// encoding, as for `_idOf`) instead of a second decode-and-encode.
    function _emitLocked(bytes32 id, address sender, address receiver, Lock calldata terms) private {
        bytes32 topic = Locked.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, terms, LOCK_SIZE)
            log4(ptr, LOCK_SIZE, topic, id, sender, receiver)
        }
    }

    /// @dev The safety deposit, in native currency, to the caller from `publicAt` on, else back to the sender.
    function _payDeposit(Lock calldata terms, uint256 publicAt) private {
        uint256 deposit = terms.safetyDeposit;
        if (deposit == 0) return;
        _payout(address(0), block.timestamp >= publicAt ? msg.sender : terms.sender, deposit);
    }

    function _saturatingAdd(uint256 a, uint256 b) private pure returns (uint256) {
        unchecked {
            // Wraps only when the true sum exceeds 2^256 - 1, which the comparison detects.
            uint256 sum = a + b;
            return sum < a ? type(uint256).max : sum;
        }
    }
}
