// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Swap} from "../Swap.sol";
import {ISwap} from "../interfaces/ISwap.sol";
import {FuzzBase} from "./FuzzBase.sol";

/// @dev Test-only (fuzzing): the Swap harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Makers are actors that sign orders by ERC-1271 while their `signing` is on; the
/// maker's asset is the harness token, the taker's ETH or the token. Any actor fills any order with any amount and
/// value, makers cancel, cancel nonce ranges and change delegates, the owner (the harness) moves the fee up and
/// down. Each fill asserts that exactly the maker, the taker, the recipient and the fee recipient moved, by exactly
/// the amounts of docs/swaps.md §5, or nobody moved at all; `_afterAction` that filled amounts only grow and never
/// pass the order, and that a used nonce stays used. The inherited properties check solvency (the contract owes
/// only credits) and that it holds nothing else but donations. Rules: docs/security.md, Swap.
contract SwapFuzz is FuzzBase {
    uint256 private constant MAX_ORDERS = 16;

    error SwapFuzzNotAnActor(address account);
    bytes private constant SIGNATURE = hex"01"; // recovers nobody: the maker's ERC-1271 answer decides

    struct Tracked {
        ISwap.Order order;
        bytes32 hash;
        uint256 maker;
    }

    /// @dev Who received what in a fill, per actor, in the two assets a fill can move.
    struct Moves {
        int256[ACTORS] token;
        int256[ACTORS] eth;
    }

    Swap private immutable _swap;
    Tracked[] private _orders;
    uint256[] private _filledSeen;
    bool[] private _usedSeen;
    uint256 private _feeRecipient;

    constructor() payable {
        _swap = new Swap(address(this));
        _feeRecipient = ACTORS - 1;
        _swap.setProtocolFee(30, address(_actors[_feeRecipient]));
        for (uint256 i; i < ACTORS; ++i) _approve(i, type(uint256).max - 1);
    }

    // ------------------------------------------------------------------ orders (off-chain) and fills

    /// @param seed Picks the maker, the taker asset, a named taker, a recipient, the nonce and the signed fee.
    function makeOrder(uint256 seed, uint256 makerAmount, uint256 takerAmount, uint256 minFill, uint256 expiry) external {
        if (_orders.length == MAX_ORDERS) return;
        // The fuzzer's small words would make every order alike: spread the seed's bits first.
        seed = uint256(keccak256(abi.encode(seed, _orders.length)));
        uint256 maker = seed % ACTORS;
        ISwap.Order memory o;
        o.maker = address(_actors[maker]);
        o.makerToken = address(_token);
        o.makerAmount = _bound(makerAmount, 1, MAX_AMOUNT);
        o.takerToken = (seed >> 8) % 2 == 0 ? address(0) : address(_token);
        o.takerAmount = _bound(takerAmount, 1, o.takerToken == address(0) ? 10 ether : MAX_AMOUNT);
        o.taker = (seed >> 16) % 4 == 0 ? address(_actor(seed >> 20)) : address(0);
        o.recipient = (seed >> 24) % 3 == 0 ? address(_actor(seed >> 28)) : address(0);
        o.minFill = (seed >> 32) % 2 == 0 ? o.makerAmount : _bound(minFill, 1, o.makerAmount);
        o.expiry = uint64(block.timestamp + _bound(expiry, 1, 10 days));
        // Bit 255 marks a partial order's nonce (SW-N1); the low bits collide often, so orders share nonces.
        o.nonce = (seed >> 40) % 64;
        if (o.minFill != o.makerAmount) o.nonce |= 1 << 255;
        o.feeBps = uint16((seed >> 56) % 3 == 0 ? (seed >> 64) % 101 : 100);
        _orders.push(Tracked(o, _swap.hashOrder(o), maker));
        _filledSeen.push(0);
        _usedSeen.push(_swap.isNonceUsed(o.maker, o.nonce));
    }

    /// @param flaw 0: the right value; 1: one wei more; 2: one wei less (an ETH leg) or some ETH (a token leg).
    function fill(uint256 index, uint256 caller, uint256 amount, uint256 flaw) external {
        if (_orders.length == 0) return;
        Tracked memory t = _orders[index % _orders.length];
        ISwap.Order memory o = t.order;
        caller = t.order.taker != address(0) && caller % 2 == 0 ? _indexOf(o.taker) : caller % ACTORS;
        uint256 filledBefore = _filledOf(o);
        uint256 remaining = filledBefore < o.makerAmount ? o.makerAmount - filledBefore : 0;
        // Mostly an amount the rules allow (the whole of a fill-or-kill order; at least minFill or the rest of a
        // partial one), else anything up to what remains.
        uint256 makerFill = amount % 4 == 0 ? _bound(amount >> 2, 0, remaining) : o.minFill == o.makerAmount
            ? o.makerAmount
            : _bound(amount >> 2, o.minFill < remaining ? o.minFill : remaining, remaining);
        (uint256 takerFill, uint256 fee) = _amounts(o, makerFill);
        uint256 value = o.takerToken == address(0) ? takerFill : 0;
        flaw %= 8;
        if (flaw == 1) value += 1;
        if (flaw == 2) value = value == 0 ? 1 : value - 1;
        if (value > address(_actors[caller]).balance) return;

        (Moves memory moved, bool ok) = _fill(caller, o, makerFill, value);
        uint256 filledNow = _filledOf(o);
        _expectMoves(t, caller, makerFill, takerFill, fee, moved, ok);
        if (ok) {
            assert(o.minFill == o.makerAmount ? filledNow == 0 : filledNow == filledBefore + makerFill);
            assert(makerFill != 0 && makerFill <= remaining);
            assert(makerFill >= o.minFill || makerFill == remaining);
            assert(value == (o.takerToken == address(0) ? takerFill : 0));
            assert(block.timestamp < o.expiry);
            assert(o.taker == address(0) || o.taker == address(_actors[caller]));
            // A whole or completing fill uses the nonce; a fill of what remains is always completing.
            assert(_swap.isNonceUsed(o.maker, o.nonce) == (makerFill == remaining));
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ makers and the owner

    function cancel(uint256 maker, uint256 nonce) external {
        uint256[] memory nonces = new uint256[](1);
        nonces[0] = nonce % 64;
        (bool ok, ) = _actor(maker).exec(address(_swap), 0, abi.encodeCall(ISwap.cancel, (nonces)));
        assert(ok);
        assert(_swap.isNonceUsed(address(_actor(maker)), nonces[0]));
        _afterAction();
    }

    /// @param kind Even: a range of fill-or-kill nonces; odd: of partial nonces (bit 255 set).
    function cancelRange(uint256 maker, uint256 from, uint256 to, uint256 kind) external {
        uint256 base = kind % 2 == 0 ? 0 : 1 << 255;
        from = base + (from % 600);
        to = base + (to % 600);
        (bool ok, ) = _actor(maker).exec(address(_swap), 0, abi.encodeCall(ISwap.cancelRange, (from, to)));
        assert(ok == (to > from));
        if (ok) {
            address m = address(_actor(maker));
            assert(_swap.isNonceUsed(m, from) && _swap.isNonceUsed(m, to - 1));
        }
        _afterAction();
    }

    /// @dev A delegate the actors cannot sign for (they have no key): setting, replacing or revoking one changes
    /// nothing for ERC-1271 orders, which the fills keep checking.
    function setDelegate(uint256 maker, uint256 delegate) external {
        address d = delegate % 2 == 0 ? address(0) : address(uint160(delegate));
        (bool ok, ) = _actor(maker).exec(address(_swap), 0, abi.encodeCall(ISwap.setDelegate, (d)));
        assert(ok);
        _afterAction();
    }

    function setFee(uint256 bps, uint256 recipient) external {
        bps %= 102;
        try _swap.setProtocolFee(bps, address(_actor(recipient))) {
            assert(bps <= 100);
            _feeRecipient = recipient % ACTORS;
        } catch {
            assert(bps > 100);
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ checks

    /// @dev Fills as `caller` and returns who received what (balance plus credit), in both assets.
    function _fill(
        uint256 caller,
        ISwap.Order memory o,
        uint256 makerFill,
        uint256 value
    ) private returns (Moves memory m, bool ok) {
        Snapshot memory eth = _snapshot(address(0));
        Snapshot memory token = _snapshot(address(_token));
        (ok, ) = _actors[caller].exec(address(_swap), value, abi.encodeCall(ISwap.fill, (o, SIGNATURE, makerFill)));
        m.eth = _account(address(0), eth);
        m.token = _account(address(_token), token);
    }

    /// @dev Exactly the amounts of docs/swaps.md §5 to exactly the parties, or nothing to anybody.
    function _expectMoves(
        Tracked memory t,
        uint256 caller,
        uint256 makerFill,
        uint256 takerFill,
        uint256 fee,
        Moves memory moved,
        bool ok
    ) private view {
        int256[ACTORS] memory wantToken;
        int256[ACTORS] memory wantEth;
        if (ok) {
            uint256 recipient = t.order.recipient == address(0) ? t.maker : _indexOf(t.order.recipient);
            wantToken[t.maker] -= int256(makerFill + fee);
            wantToken[caller] += int256(makerFill);
            wantToken[_feeRecipient] += int256(fee);
            if (t.order.takerToken == address(0)) {
                wantEth[caller] -= int256(takerFill);
                wantEth[recipient] += int256(takerFill);
            } else {
                wantToken[caller] -= int256(takerFill);
                wantToken[recipient] += int256(takerFill);
            }
        }
        for (uint256 i; i < ACTORS; ++i) {
            assert(moved.token[i] == wantToken[i]);
            assert(moved.eth[i] == wantEth[i]);
        }
    }

    /// @dev Filled amounts only grow and never pass the order; a used nonce (its bit) stays used.
    function _afterAction() internal override {
        for (uint256 i; i < _orders.length; ++i) {
            Tracked memory t = _orders[i];
            uint256 filled = _filledOf(t.order);
            assert(filled >= _filledSeen[i] && filled <= MAX_AMOUNT);
            bool used = _swap.isNonceUsed(t.order.maker, t.order.nonce);
            assert(used || !_usedSeen[i]);
            _filledSeen[i] = filled;
            _usedSeen[i] = used;
        }
    }

    /// @dev What the order's nonce has filled (shared by the orders under a partial nonce; 0 for fill-or-kill).
    function _filledOf(ISwap.Order memory o) private view returns (uint256) {
        return o.minFill == o.makerAmount ? 0 : _swap.filledOf(o.maker, o.nonce);
    }

    /// @dev The contract owes only credits (of failed ETH pushes); it holds no tokens for anyone.
    function _ledger(address asset) internal view override returns (uint256) {
        return _credits(asset);
    }

    function _target() internal view override returns (address) {
        return address(_swap);
    }

    /// @dev docs/swaps.md §5, computed here without the contract: ceil for the taker, floor for the fee.
    function _amounts(ISwap.Order memory o, uint256 makerFill) private view returns (uint256 takerFill, uint256 fee) {
        takerFill = makerFill == o.makerAmount ? o.takerAmount : _ceilMulDiv(makerFill, o.takerAmount, o.makerAmount);
        (uint256 bps, ) = _swap.protocolFee();
        fee = (makerFill * bps) / 10_000;
    }

    /// @dev Amounts here are below 2^80, so the product cannot overflow.
    function _ceilMulDiv(uint256 a, uint256 b, uint256 d) private pure returns (uint256) {
        return (a * b + d - 1) / d;
    }

    function _indexOf(address actor) private view returns (uint256) {
        for (uint256 i; i < ACTORS; ++i) if (address(_actors[i]) == actor) return i;
        revert SwapFuzzNotAnActor(actor);
    }

    function _approve(uint256 actor, uint256 amount) private {
        (bool ok, ) = _actors[actor].exec(address(_token), 0, abi.encodeCall(_token.approve, (address(_swap), amount)));
        assert(ok);
    }
}
