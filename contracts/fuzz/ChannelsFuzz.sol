// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MicropaymentChannels} from "../MicropaymentChannels.sol";
import {IMicropaymentChannels} from "../interfaces/IMicropaymentChannels.sol";
import {FuzzActor} from "./FuzzActor.sol";
import {FuzzBase} from "./FuzzBase.sol";

/// @dev Test-only (fuzzing): the MicropaymentChannels harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Payers are actors that sign vouchers by ERC-1271 while their `signing` is on;
/// every action may be called by any actor. Each action asserts who may have received what, and `_afterAction`
/// that deposits and claims only grow and a closed channel never changes again. Rules: docs/security.md §4.
contract ChannelsFuzz is FuzzBase {
    uint256 private constant MAX_CHANNELS = 12;
    bytes private constant SIGNATURE = hex"01"; // recovers nobody: the payer's ERC-1271 answer decides

    struct Tracked {
        IMicropaymentChannels.Channel channel;
        uint256 payer;
        uint256 payee;
    }

    MicropaymentChannels private immutable _channels;
    Tracked[] private _tracked;
    /// @dev The state of each channel as last seen, to check that totals only grow and a closed one stays as it was.
    IMicropaymentChannels.ChannelState[] private _seen;

    constructor() payable {
        _channels = new MicropaymentChannels();
    }

    // ------------------------------------------------------------------ opening and funding

    /// @param seed Picks the payer, the payee, the session key and the asset.
    function open(uint256 seed, uint256 amount, uint256 period) external {
        if (_tracked.length == MAX_CHANNELS) return;
        uint256 payer = seed % ACTORS;
        uint256 payee = (payer + 1 + ((seed >> 8) % (ACTORS - 1))) % ACTORS;
        IMicropaymentChannels.OpenParams memory p;
        p.payee = address(_actors[payee]);
        p.token = _asset(seed >> 16);
        p.signer = address(_actor(seed >> 24)); // an actor signs by ERC-1271 only: a key that never signs a voucher
        p.amount = _bound(amount, 1, p.token == address(0) ? 10 ether : MAX_AMOUNT);
        p.challengePeriod = _bound(period, 1 hours, 3 days);
        p.salt = _tracked.length;
        uint256 value = p.token == address(0) ? p.amount : 0;
        if (value > address(_actors[payer]).balance) return;
        if (value == 0) _approve(payer, p.amount);
        Snapshot memory before = _snapshot(p.token);
        (bool ok, bytes memory result) = _actors[payer].exec(
            address(_channels),
            value,
            abi.encodeCall(IMicropaymentChannels.open, (p))
        );
        int256[ACTORS] memory received = _account(p.token, before);
        for (uint256 i; i < ACTORS; ++i) {
            assert(received[i] == (ok && i == payer ? -int256(p.amount) : int256(0)));
        }
        if (!ok) return;
        IMicropaymentChannels.Channel memory channel = IMicropaymentChannels.Channel({
            payer: address(_actors[payer]),
            payee: p.payee,
            token: p.token,
            signer: p.signer,
            challengePeriod: uint32(p.challengePeriod),
            salt: uint32(p.salt)
        });
        bytes32 id = _channels.computeChannelId(channel);
        assert(abi.decode(result, (bytes32)) == id);
        _tracked.push(Tracked(channel, payer, payee));
        _seen.push(_channels.getChannelState(id));
        _afterAction();
    }

    /// @notice Only the payer tops up; the channel's debt grows by exactly what the payer paid in.
    function topUp(uint256 index, uint256 caller, uint256 amount) external {
        if (_tracked.length == 0) return;
        index %= _tracked.length;
        Tracked memory t = _tracked[index];
        caller = _caller(caller, t.payer);
        amount = _bound(amount, 1, t.channel.token == address(0) ? 10 ether : MAX_AMOUNT);
        FuzzActor who = _actor(caller);
        uint256 value = t.channel.token == address(0) ? amount : 0;
        if (value > address(who).balance) return;
        if (value == 0) _approve(caller, amount);
        uint256 debtBefore = _debt(index);
        Snapshot memory before = _snapshot(t.channel.token);
        bytes memory data = abi.encodeCall(IMicropaymentChannels.topUp, (t.channel, amount));
        (bool ok, ) = who.exec(address(_channels), value, data);
        int256[ACTORS] memory received = _account(t.channel.token, before);
        for (uint256 i; i < ACTORS; ++i) {
            assert(received[i] == (ok && i == t.payer ? -int256(amount) : int256(0)));
        }
        if (ok) assert(caller == t.payer && _debt(index) == debtBefore + amount);
        else assert(_debt(index) == debtBefore);
        _afterAction();
    }

    // ------------------------------------------------------------------ claiming and closing

    /// @notice Anyone submits a voucher; only the payee receives, and only what the payer signed for.
    function claim(uint256 index, uint256 caller, uint256 amount) external {
        if (_tracked.length == 0) return;
        Tracked memory t = _tracked[index % _tracked.length];
        caller = _caller(caller, t.payee);
        amount = _bound(amount, 1, 2 * MAX_AMOUNT);
        bytes memory data = abi.encodeCall(IMicropaymentChannels.claim, (t.channel, amount, SIGNATURE));
        (bool ok, ) = _act(index, caller, data, _bit(t.payee));
        if (ok) assert(_actors[t.payer].signing());
    }

    /// @notice A batch over two channels of one payee and token (the same one twice when there is no other).
    function claimMany(uint256 index, uint256 caller, uint256 amountA, uint256 amountB) external {
        if (_tracked.length == 0) return;
        index %= _tracked.length;
        Tracked memory a = _tracked[index];
        Tracked memory b = a;
        for (uint256 i = 1; i < _tracked.length; ++i) {
            Tracked memory other = _tracked[(index + i) % _tracked.length];
            if (other.payee == a.payee && other.channel.token == a.channel.token) {
                b = other;
                break;
            }
        }
        IMicropaymentChannels.BatchClaim[] memory claims = new IMicropaymentChannels.BatchClaim[](2);
        claims[0] = _batchClaim(a.channel, _bound(amountA, 1, 2 * MAX_AMOUNT));
        claims[1] = _batchClaim(b.channel, _bound(amountB, 1, 2 * MAX_AMOUNT));
        uint256 debtB = _debtOf(b.channel);
        Snapshot memory before = _snapshot(a.channel.token);
        uint256 debtA = _debt(index);
        bytes memory data = abi.encodeCall(
            IMicropaymentChannels.claimMany,
            (a.channel.payee, a.channel.token, claims)
        );
        (bool ok, ) = _actor(caller).exec(address(_channels), 0, data);
        int256[ACTORS] memory received = _account(a.channel.token, before);
        uint256 total = _onlyReceived(received, ok ? _bit(a.payee) : 0);
        uint256 drop = debtA - _debt(index);
        if (keccak256(abi.encode(b.channel)) != keccak256(abi.encode(a.channel))) drop += debtB - _debtOf(b.channel);
        assert(total == drop);
        if (drop != 0) assert(_actors[a.payer].signing() || _actors[b.payer].signing());
        _afterAction();
    }

    function close(uint256 index, uint256 caller, uint256 amount) external {
        if (_tracked.length == 0) return;
        Tracked memory t = _tracked[index % _tracked.length];
        caller = _caller(caller, t.payee);
        amount = _bound(amount, 0, 2 * MAX_AMOUNT);
        bytes memory data = abi.encodeCall(IMicropaymentChannels.close, (t.channel, amount, SIGNATURE));
        (bool ok, ) = _act(index, caller, data, _bit(t.payee) | _bit(t.payer));
        if (ok) assert(caller == t.payee);
    }

    function requestClose(uint256 index, uint256 caller) external {
        if (_tracked.length == 0) return;
        Tracked memory t = _tracked[index % _tracked.length];
        caller = _caller(caller, t.payer);
        (bool ok, ) = _act(index, caller, abi.encodeCall(IMicropaymentChannels.requestClose, (t.channel)), 0);
        if (ok) assert(caller == t.payer);
    }

    /// @notice Anyone finalizes after the challenge period; only the payer receives (the unclaimed deposit).
    function finalize(uint256 index, uint256 caller) external {
        if (_tracked.length == 0) return;
        Tracked memory t = _tracked[index % _tracked.length];
        caller = _caller(caller, t.payer);
        _act(index, caller, abi.encodeCall(IMicropaymentChannels.finalize, (t.channel)), _bit(t.payer));
    }

    function setSigner(uint256 index, uint256 caller, uint256 signer) external {
        if (_tracked.length == 0) return;
        Tracked memory t = _tracked[index % _tracked.length];
        caller = _caller(caller, t.payer);
        bytes memory data = abi.encodeCall(IMicropaymentChannels.setSigner, (t.channel, address(_actor(signer))));
        (bool ok, ) = _act(index, caller, data, 0);
        if (ok) assert(caller == t.payer);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Calls a channel action as `caller` and checks the money: nothing moves when the call fails; otherwise
    /// only the `allowed` actors receive, exactly what the channel's debt fell by.
    function _act(
        uint256 index,
        uint256 caller,
        bytes memory data,
        uint256 allowed
    ) private returns (bool ok, uint256 drop) {
        index %= _tracked.length;
        address asset = _tracked[index].channel.token;
        uint256 debtBefore = _debt(index);
        Snapshot memory before = _snapshot(asset);
        (ok, ) = _actor(caller).exec(address(_channels), 0, data);
        int256[ACTORS] memory received = _account(asset, before);
        uint256 debtAfter = _debt(index);
        assert(debtAfter <= debtBefore);
        drop = debtBefore - debtAfter;
        assert(_onlyReceived(received, ok ? allowed : 0) == drop);
        _afterAction();
    }

    function _debt(uint256 index) private view returns (uint256) {
        return _debtOf(_tracked[index].channel);
    }

    /// @dev What the contract owes for a channel: the unclaimed deposit while open, nothing once closed.
    function _debtOf(IMicropaymentChannels.Channel memory channel) private view returns (uint256) {
        IMicropaymentChannels.ChannelState memory s = _channels.getChannelState(_channels.computeChannelId(channel));
        return s.status == IMicropaymentChannels.Status.Open ? s.deposit - s.claimed : 0;
    }

    /// @dev Deposits and claims only grow, claims never pass the deposit, a close request is never moved, and a
    /// closed channel never changes.
    function _afterAction() internal override {
        for (uint256 i; i < _tracked.length; ++i) {
            IMicropaymentChannels.ChannelState memory s = _channels.getChannelState(
                _channels.computeChannelId(_tracked[i].channel)
            );
            IMicropaymentChannels.ChannelState memory seen = _seen[i];
            if (seen.status == IMicropaymentChannels.Status.Closed) {
                assert(keccak256(abi.encode(s)) == keccak256(abi.encode(seen)));
            }
            assert(s.status != IMicropaymentChannels.Status.None);
            assert(s.deposit >= seen.deposit && s.claimed >= seen.claimed && s.claimed <= s.deposit);
            assert(seen.closesAt == 0 || s.closesAt == seen.closesAt);
            _seen[i] = s;
        }
    }

    function _ledger(address asset) internal view override returns (uint256 owed) {
        for (uint256 i; i < _tracked.length; ++i) if (_tracked[i].channel.token == asset) owed += _debt(i);
        owed += _credits(asset);
    }

    function _target() internal view override returns (address) {
        return address(_channels);
    }

    function _batchClaim(
        IMicropaymentChannels.Channel memory channel,
        uint256 amount
    ) private pure returns (IMicropaymentChannels.BatchClaim memory) {
        return
            IMicropaymentChannels.BatchClaim({
                payer: channel.payer,
                signer: channel.signer,
                challengePeriod: channel.challengePeriod,
                salt: channel.salt,
                amount: amount,
                signature: SIGNATURE
            });
    }

    function _approve(uint256 actor, uint256 amount) private {
        (bool ok, ) = _actors[actor].exec(
            address(_token),
            0,
            abi.encodeCall(_token.approve, (address(_channels), amount))
        );
        assert(ok);
    }

    function _bit(uint256 actor) private pure returns (uint256) {
        return 1 << actor;
    }
}
