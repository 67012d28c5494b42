// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "../interfaces/IPullPayments.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {FuzzActor} from "./FuzzActor.sol";
import {ForceSend} from "./ForceSend.sol";

/// @dev Test-only (fuzzing): what the harnesses of every product share. Five actors (parties, strangers and the fee
/// recipient alike), two assets (ETH and a standard ERC20), a donor that gives the contract under test tokens and
/// forces ETH into it, and the harness's own count of what the contract owes.
///
/// The count (`_ghost`) never reads the contract's books: it adds what actors deposit and subtracts what reaches
/// actors' balances, both measured on the actors. The properties then compare it with the books and the balance.
/// Actions never revert (a refused call is recorded, not bubbled) except on a failed `assert`, so that both medusa
/// (assertion mode) and the Hardhat driver (test/fuzz/harnesses.test.ts) read a revert as a broken rule.
abstract contract FuzzBase {
    uint256 internal constant ACTORS = 5;
    uint256 internal constant ASSETS = 2;
    uint256 internal constant ACTOR_TOKENS = 1e30;
    uint256 internal constant MAX_AMOUNT = 1e24;

    /// @dev Balances and credits of every actor in one asset, before or after an action.
    struct Snapshot {
        uint256[ACTORS] balances;
        uint256[ACTORS] credits;
    }

    MockERC20 internal immutable _token;
    FuzzActor[ACTORS] internal _actors;
    /// @dev Per asset (0 ETH, 1 token): what the harness counts the contract under test as owing.
    uint256[ASSETS] internal _ghost;
    /// @dev Per asset: what was donated or forced in, owed to nobody.
    uint256[ASSETS] internal _donated;

    /// @dev The value is split between the actors and the harness (which funds the forced sends).
    constructor() payable {
        _token = _newToken();
        uint256 share = msg.value / (ACTORS + 1);
        for (uint256 i; i < ACTORS; ++i) {
            _actors[i] = new FuzzActor{value: share}();
            _token.mint(address(_actors[i]), ACTOR_TOKENS);
        }
    }

    /// @dev The harness's ERC20. A harness whose initcode nears the EIP-3860 limit (it embeds the contract under
    /// test) may create a smaller token with the same functions (`mint`, and ERC20's).
    function _newToken() internal virtual returns (MockERC20) {
        return new MockERC20("Fuzz Token", "FUZZ", 18);
    }

    // ------------------------------------------------------------------ actions shared by every harness

    /// @notice A donor sends tokens straight to the contract under test: owed to nobody, so solvency must survive it.
    function donateToken(uint256 amount) external {
        amount = _bound(amount, 1, MAX_AMOUNT);
        _token.mint(address(this), amount);
        _donated[1] += amount;
        assert(_token.transfer(_target(), amount));
        _afterAction();
    }

    /// @notice A donor forces ETH into the contract under test (which has no `receive`) by self-destruction.
    function forceEth(uint256 amount) external {
        uint256 available = address(this).balance;
        if (available == 0) return;
        amount = _bound(amount, 1, available < 1 ether ? available : 1 ether);
        new ForceSend{value: amount}(payable(_target()));
        _donated[0] += amount;
        _afterAction();
    }

    function setRefuseEth(uint256 actor, bool value) external {
        _actor(actor).setRefuseEth(value);
    }

    function setSigning(uint256 actor, bool value) external {
        _actor(actor).setSigning(value);
    }

    /// @notice An actor withdraws its credit to itself: receipts move from credit to balance, nobody gains.
    function withdraw(uint256 actor, uint256 assetSeed) external {
        address asset = _asset(assetSeed);
        FuzzActor who = _actor(actor);
        uint256 credit = IPullPayments(_target()).creditOf(asset, address(who));
        Snapshot memory before = _snapshot(asset);
        (bool ok, ) = who.exec(_target(), 0, abi.encodeCall(IPullPayments.withdraw, (asset, address(who))));
        int256[ACTORS] memory received = _account(asset, before);
        for (uint256 i; i < ACTORS; ++i) assert(received[i] == 0);
        if (ok) {
            assert(credit != 0);
            assert(IPullPayments(_target()).creditOf(asset, address(who)) == 0);
            assert(_balance(asset, address(who)) == before.balances[actor % ACTORS] + credit);
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ properties (medusa's `property_` prefix)

    /// @notice Solvency: for every asset the contract holds at least what its books say it owes.
    // solhint-disable-next-line func-name-mixedcase
    function property_solvent() external view returns (bool) {
        for (uint256 a; a < ASSETS; ++a) {
            address asset = _asset(a);
            if (_balance(asset, _target()) < _ledger(asset)) return false;
        }
        return true;
    }

    /// @notice The books equal the harness's independent count exactly, and the balance is that count plus donations.
    // solhint-disable-next-line func-name-mixedcase
    function property_ledgerMatchesCount() external view returns (bool) {
        for (uint256 a; a < ASSETS; ++a) {
            address asset = _asset(a);
            if (_ledger(asset) != _ghost[a]) return false;
            if (_balance(asset, _target()) != _ghost[a] + _donated[a]) return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ for the product harnesses

    /// @dev The contract under test.
    function _target() internal view virtual returns (address);

    /// @dev What the contract's books say it owes in `asset`, read through its views only.
    function _ledger(address asset) internal view virtual returns (uint256);

    /// @dev Checks run after every action (monotonic totals, one terminal state per object).
    function _afterAction() internal virtual;

    function _actor(uint256 seed) internal view returns (FuzzActor) {
        return _actors[seed % ACTORS];
    }

    /// @dev The actor calling an action: half the time the one entitled to it (else most calls would only revert),
    /// otherwise any actor.
    function _caller(uint256 seed, uint256 entitled) internal pure returns (uint256) {
        return seed % 2 == 0 ? entitled % ACTORS : (seed >> 1) % ACTORS;
    }

    function _asset(uint256 seed) internal view returns (address) {
        return seed % ASSETS == 0 ? address(0) : address(_token);
    }

    function _assetIndex(address asset) internal pure returns (uint256) {
        return asset == address(0) ? 0 : 1;
    }

    function _balance(address asset, address who) internal view returns (uint256) {
        return asset == address(0) ? who.balance : _token.balanceOf(who);
    }

    /// @dev The sum of every actor's credit (every payout of the harnesses goes to an actor).
    function _credits(address asset) internal view returns (uint256 sum) {
        for (uint256 i; i < ACTORS; ++i) sum += IPullPayments(_target()).creditOf(asset, address(_actors[i]));
    }

    function _snapshot(address asset) internal view returns (Snapshot memory s) {
        for (uint256 i; i < ACTORS; ++i) {
            s.balances[i] = _balance(asset, address(_actors[i]));
            s.credits[i] = IPullPayments(_target()).creditOf(asset, address(_actors[i]));
        }
    }

    /// @dev What each actor received (balance plus credit) since `before`, negative for a deposit; moves the count
    /// by what the actors' balances lost (deposits) or gained (payouts that left the contract).
    function _account(address asset, Snapshot memory before) internal returns (int256[ACTORS] memory received) {
        Snapshot memory now_ = _snapshot(asset);
        int256 outflow;
        for (uint256 i; i < ACTORS; ++i) {
            int256 moved = int256(now_.balances[i]) - int256(before.balances[i]);
            outflow += moved;
            received[i] = moved + int256(now_.credits[i]) - int256(before.credits[i]);
        }
        int256 count = int256(_ghost[_assetIndex(asset)]) - outflow;
        assert(count >= 0);
        _ghost[_assetIndex(asset)] = uint256(count);
    }

    /// @dev Asserts that only the actors in `allowed` (a bit per actor index) received, and returns the total received.
    function _onlyReceived(int256[ACTORS] memory received, uint256 allowed) internal pure returns (uint256 total) {
        for (uint256 i; i < ACTORS; ++i) {
            if (allowed & (1 << i) == 0) assert(received[i] == 0);
            else assert(received[i] >= 0);
            total += uint256(received[i] < 0 ? int256(0) : received[i]);
        }
    }

    function _bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        if (hi <= lo) return lo;
        uint256 span = hi - lo;
        return span == type(uint256).max ? x : lo + (x % (span + 1));
    }
}
