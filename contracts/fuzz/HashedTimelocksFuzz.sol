// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {HashedTimelocks} from "../HashedTimelocks.sol";
import {IHashedTimelocks} from "../interfaces/IHashedTimelocks.sol";
import {FuzzBase} from "./FuzzBase.sol";

/// @dev Test-only (fuzzing): the HashedTimelocks harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Actors lock ETH or the token for each other under one of three secrets (so locks
/// share hashlocks), with or without a safety deposit, with timelocks that may be invalid; anyone claims with the right
/// or a wrong secret, refunds, or locks an existing lock's terms again. Each action predicts from the rules
/// (docs/atomic-swaps.md HT-2..HT-12) whether the call must succeed and asserts that it did exactly that, and who
/// received what (the receiver or the sender the amount, the caller or the sender the deposit, nobody anything else);
/// `_afterAction` asserts that statuses only move None -> Locked -> Claimed | Refunded (HT-13). The properties of
/// FuzzBase check solvency and the books (open amounts, open deposits in ETH, credits) against the harness's count.
contract HashedTimelocksFuzz is FuzzBase {
    uint256 private constant MAX_LOCKS = 16;
    uint256 private constant ETH_CAP = 10 ether;
    uint256 private constant SECRETS = 3;

    struct Tracked {
        IHashedTimelocks.Lock terms;
        bytes32 id;
        uint256 sender;
        uint256 receiver;
        uint256 secret;
    }

    HashedTimelocks private immutable _htlc;
    Tracked[] private _tracked;
    IHashedTimelocks.Status[] private _seen;

    constructor() payable {
        _htlc = new HashedTimelocks();
    }

    // ------------------------------------------------------------------ actions

    /// @param seed Picks the sender, the receiver, the asset and the secret.
    /// @param timelockIn Seconds from now to the timelock: 0 (refused) to 31 days (over the 30-day maximum).
    /// @param depositSeed A third of the time no deposit, else one of up to 1 ETH with public times inside the lock.
    function lock(uint256 seed, uint256 amount, uint256 timelockIn, uint256 depositSeed) external {
        if (_tracked.length == MAX_LOCKS) return;
        uint256 sender = seed % ACTORS;
        uint256 receiver = (seed >> 8) % ACTORS;
        address token = _asset(seed >> 16);
        uint256 secret = (seed >> 24) % SECRETS;
        uint256 deposit = depositSeed % 3 == 0 ? 0 : _bound(depositSeed, 1, 1 ether);
        amount = _bound(amount, token == address(0) ? 0 : 1, token == address(0) ? ETH_CAP : MAX_AMOUNT);
        uint256 timelock = block.timestamp + _bound(timelockIn, 0, 31 days);
        IHashedTimelocks.Lock memory terms = IHashedTimelocks.Lock({
            sender: address(_actors[sender]),
            receiver: address(_actors[receiver]),
            token: token,
            amount: amount,
            hashlock: _hashlock(secret),
            timelock: uint64(timelock),
            safetyDeposit: deposit,
            publicClaimAt: deposit == 0 ? 0 : uint64(block.timestamp + 1 + (timelock - block.timestamp) / 2),
            publicRefundAt: deposit == 0 ? 0 : uint64(timelock + (depositSeed % 2) * 1 hours),
            salt: _tracked.length
        });
        uint256 value = (token == address(0) ? amount : 0) + deposit;
        if (value > address(_actors[sender]).balance) return;
        if (token != address(0)) _approve(sender, amount);
        bool valid = amount != 0 &&
            timelock > block.timestamp &&
            timelock <= block.timestamp + _htlc.MAX_TIMELOCK_DURATION() &&
            (deposit == 0 || terms.publicClaimAt <= timelock);
        (bool ok, bytes memory result) = _call(
            sender,
            value,
            abi.encodeCall(IHashedTimelocks.lock, (terms)),
            token == address(0) ? 0 : amount
        );
        assert(ok == valid);
        if (!ok) return;
        bytes32 id = keccak256(abi.encode(terms));
        assert(abi.decode(result, (bytes32)) == id && _htlc.lockId(terms) == id);
        _tracked.push(Tracked(terms, id, sender, receiver, secret));
        _seen.push(IHashedTimelocks.Status.Locked);
        _afterAction();
    }

    /// @notice Anyone claims, with the lock's secret or another one.
    function claim(uint256 index, uint256 caller, bool wrongSecret) external {
        if (_tracked.length == 0) return;
        index %= _tracked.length;
        Tracked memory t = _tracked[index];
        caller = _caller(caller, t.receiver);
        uint256 secret = wrongSecret ? (t.secret + 1) % SECRETS : t.secret;
        bool valid = _htlc.statusOf(t.id) == IHashedTimelocks.Status.Locked &&
            !wrongSecret &&
            block.timestamp < t.terms.timelock;
        bool toCaller = block.timestamp >= t.terms.publicClaimAt;
        _finish(t, caller, abi.encodeCall(IHashedTimelocks.claim, (t.terms, _secret(secret))), valid, t.receiver, toCaller);
        if (valid) _seen[index] = IHashedTimelocks.Status.Claimed;
        _afterAction();
    }

    /// @notice Anyone refunds.
    function refund(uint256 index, uint256 caller) external {
        if (_tracked.length == 0) return;
        index %= _tracked.length;
        Tracked memory t = _tracked[index];
        caller = _caller(caller, t.sender);
        bool valid = _htlc.statusOf(t.id) == IHashedTimelocks.Status.Locked && block.timestamp >= t.terms.timelock;
        bool toCaller = block.timestamp >= t.terms.publicRefundAt;
        _finish(t, caller, abi.encodeCall(IHashedTimelocks.refund, (t.terms)), valid, t.sender, toCaller);
        if (valid) _seen[index] = IHashedTimelocks.Status.Refunded;
        _afterAction();
    }

    /// @notice The terms of an existing lock again: always refused (HT-8), nothing moves.
    function relock(uint256 index) external {
        if (_tracked.length == 0) return;
        Tracked memory t = _tracked[index % _tracked.length];
        uint256 value = (t.terms.token == address(0) ? t.terms.amount : 0) + t.terms.safetyDeposit;
        if (value > address(_actors[t.sender]).balance) return;
        if (t.terms.token != address(0)) _approve(t.sender, t.terms.amount);
        (bool ok, ) = _call(
            t.sender,
            value,
            abi.encodeCall(IHashedTimelocks.lock, (t.terms)),
            t.terms.token == address(0) ? 0 : t.terms.amount
        );
        assert(!ok);
        _afterAction();
    }

    // ------------------------------------------------------------------ FuzzBase

    /// @dev Statuses only move forward, and a terminal one never changes (HT-13).
    function _afterAction() internal override {
        for (uint256 i; i < _tracked.length; ++i) {
            IHashedTimelocks.Status s = _htlc.statusOf(_tracked[i].id);
            IHashedTimelocks.Status seen = _seen[i];
            assert(s == seen);
        }
    }

    /// @dev Open amounts in their asset, open deposits in ETH, and credits.
    function _ledger(address asset) internal view override returns (uint256 owed) {
        for (uint256 i; i < _tracked.length; ++i) {
            if (_htlc.statusOf(_tracked[i].id) != IHashedTimelocks.Status.Locked) continue;
            IHashedTimelocks.Lock memory terms = _tracked[i].terms;
            if (terms.token == asset) owed += terms.amount;
            if (asset == address(0)) owed += terms.safetyDeposit;
        }
        owed += _credits(asset);
    }

    function _target() internal view override returns (address) {
        return address(_htlc);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Calls the contract as actor `who` and accounts both assets (the amount's and the deposit's) in the count;
    /// asserts what each actor paid in: on success the caller exactly `value` in ETH and `tokens` in the token, nobody
    /// anything else.
    function _call(
        uint256 who,
        uint256 value,
        bytes memory data,
        uint256 tokens
    ) private returns (bool ok, bytes memory result) {
        Snapshot memory ethBefore = _snapshot(address(0));
        Snapshot memory tokenBefore = _snapshot(address(_token));
        (ok, result) = _actors[who].exec(address(_htlc), value, data);
        int256[ACTORS] memory eth = _account(address(0), ethBefore);
        int256[ACTORS] memory tok = _account(address(_token), tokenBefore);
        for (uint256 i; i < ACTORS; ++i) {
            int256 paidEth = ok && i == who ? -int256(value) : int256(0);
            assert(eth[i] == paidEth);
            assert(tok[i] == (ok && i == who ? -int256(tokens) : int256(0)));
        }
    }

    /// @dev A claim or refund by `caller`: on success `payee` received the amount and the deposit went to the caller
    /// (`toCaller`) or the sender; nothing moved otherwise.
    function _finish(Tracked memory t, uint256 caller, bytes memory data, bool valid, uint256 payee, bool toCaller) private {
        Snapshot memory ethBefore = _snapshot(address(0));
        Snapshot memory tokenBefore = _snapshot(address(_token));
        (bool ok, ) = _actors[caller].exec(address(_htlc), 0, data);
        assert(ok == valid);
        int256[ACTORS] memory eth = _account(address(0), ethBefore);
        int256[ACTORS] memory tok = _account(address(_token), tokenBefore);
        uint256 depositTo = toCaller ? caller : t.sender;
        for (uint256 i; i < ACTORS; ++i) {
            uint256 expectEth;
            uint256 expectToken;
            if (ok) {
                if (i == payee) {
                    if (t.terms.token == address(0)) expectEth += t.terms.amount;
                    else expectToken += t.terms.amount;
                }
                if (i == depositTo) expectEth += t.terms.safetyDeposit;
            }
            assert(eth[i] == int256(expectEth) && tok[i] == int256(expectToken));
        }
    }

    function _approve(uint256 actor, uint256 amount) private {
        (bool ok, ) = _actors[actor].exec(address(_token), 0, abi.encodeCall(_token.approve, (address(_htlc), amount)));
        assert(ok);
    }

    function _secret(uint256 i) private pure returns (bytes32) {
        return keccak256(abi.encode("peerpay.fuzz.htlc.secret", i));
    }

    function _hashlock(uint256 i) private pure returns (bytes32) {
        return sha256(abi.encodePacked(_secret(i)));
    }
}
