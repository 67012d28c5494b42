// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Escrow} from "../Escrow.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {DealLib, Terms} from "../libraries/DealLib.sol";
import {FuzzBase} from "./FuzzBase.sol";

/// @dev Test-only (fuzzing): the Escrow harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Actors create deals and call every action on them, in any order, as any actor;
/// each action asserts who may have received what, and `_afterAction` that totals only grow and a closed deal
/// never changes again. The inherited properties check solvency and the books. Rules: docs/security.md §3.
contract EscrowFuzz is FuzzBase {
    using DealLib for Terms;

    uint256 private constant MAX_DEALS = 12;
    uint256 private constant NO_ARBITER = type(uint256).max;
    bytes private constant SIGNATURE = hex"01"; // not ECDSA: the actors answer by ERC-1271

    struct Tracked {
        IEscrow.Deal deal;
        uint256 depositor;
        uint256 beneficiary;
        uint256 arbiter;
    }

    Escrow private immutable _escrow;
    Tracked[] private _deals;
    uint256[][] private _milestones;
    /// @dev The state of each deal as last seen, to check that totals only grow and a closed deal stays as it was.
    IEscrow.DealState[] private _seen;
    uint256 private _feeRecipient;

    constructor() payable {
        _escrow = new Escrow(address(this));
        _feeRecipient = ACTORS - 1;
        _escrow.setProtocolFee(50, address(_actors[_feeRecipient]));
    }

    // ------------------------------------------------------------------ creation

    /// @param seed Picks the parties, the asset, the default outcome and the milestones.
    function createDeal(uint256 seed, uint256 amount, uint256 duration, uint256 window, uint256 bps) external {
        if (_deals.length == MAX_DEALS) return;
        uint256 depositor = seed % ACTORS;
        uint256 beneficiary = (depositor + 1 + ((seed >> 8) % (ACTORS - 1))) % ACTORS;
        uint256 arbiter = NO_ARBITER;
        if ((seed >> 16) % 3 != 0) {
            arbiter = (beneficiary + 1) % ACTORS;
            if (arbiter == depositor) arbiter = (arbiter + 1) % ACTORS;
        }
        IEscrow.DealParams memory p;
        p.beneficiary = address(_actors[beneficiary]);
        p.token = _asset(seed >> 24);
        p.amount = _bound(amount, 1, p.token == address(0) ? 10 ether : MAX_AMOUNT);
        p.deadline = block.timestamp + _bound(duration, 1 hours, 20 days);
        p.defaultOutcome = IEscrow.Outcome((seed >> 32) % 2);
        p.salt = _deals.length;
        if (arbiter != NO_ARBITER) {
            p.arbiter = address(_actors[arbiter]);
            p.disputeWindow = _bound(window, 1 hours, 10 days);
            p.fallbackBps = bps % 10_001;
            p.arbiterFeeBps = (bps >> 16) % 1_001;
        }
        uint256[] memory milestones = _split(p.amount, (seed >> 40) % 4);
        _create(depositor, beneficiary, arbiter, p, milestones);
    }

    function _create(
        uint256 depositor,
        uint256 beneficiary,
        uint256 arbiter,
        IEscrow.DealParams memory p,
        uint256[] memory milestones
    ) private {
        uint256 value = p.token == address(0) ? p.amount : 0;
        if (value > address(_actors[depositor]).balance) return;
        if (value == 0) _approve(depositor, p.amount);
        Snapshot memory before = _snapshot(p.token);
        (bool ok, bytes memory result) = _actors[depositor].exec(
            address(_escrow),
            value,
            abi.encodeCall(IEscrow.createDeal, (p, milestones))
        );
        int256[ACTORS] memory received = _account(p.token, before);
        for (uint256 i; i < ACTORS; ++i) {
            assert(received[i] == (ok && i == depositor ? -int256(p.amount) : int256(0)));
        }
        if (!ok) return;
        IEscrow.Deal memory deal = IEscrow.Deal({
            depositor: address(_actors[depositor]),
            beneficiary: p.beneficiary,
            arbiter: p.arbiter,
            token: p.token,
            terms: _escrow.packTerms(p),
            milestonesHash: milestones.length == 0 ? bytes32(0) : keccak256(abi.encodePacked(milestones))
        });
        assert(abi.decode(result, (bytes32)) == _escrow.computeDealId(deal));
        _deals.push(Tracked(deal, depositor, beneficiary, arbiter));
        _milestones.push(milestones);
        _seen.push(_escrow.getDealState(_escrow.computeDealId(deal)));
        _afterAction();
    }

    // ------------------------------------------------------------------ deal actions

    function release(uint256 index, uint256 caller, uint256 amount) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.depositor);
        amount = _bound(amount, 1, t.deal.terms.amount());
        (bool ok, uint256 drop) = _act(index, caller, abi.encodeCall(IEscrow.release, (t.deal, amount)), _bit(t.beneficiary));
        if (ok) assert(caller == t.depositor && drop == amount);
    }

    function refund(uint256 index, uint256 caller, uint256 amount) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.beneficiary);
        amount = _bound(amount, 1, t.deal.terms.amount());
        (bool ok, uint256 drop) = _act(index, caller, abi.encodeCall(IEscrow.refund, (t.deal, amount)), _bit(t.depositor));
        if (ok) assert(caller == t.beneficiary && drop == amount);
    }

    function releaseMilestone(uint256 index, uint256 caller, uint256 milestone) external {
        if (_deals.length == 0) return;
        uint256 i = index % _deals.length;
        Tracked memory t = _deals[i];
        caller = _caller(caller, t.depositor);
        uint256[] memory milestones = _milestones[i];
        milestone = milestones.length == 0 ? 0 : milestone % (milestones.length + 1);
        bytes memory data = abi.encodeCall(IEscrow.releaseMilestone, (t.deal, milestones, milestone));
        (bool ok, ) = _act(index, caller, data, _bit(t.beneficiary));
        if (ok) assert(caller == t.depositor);
    }

    function releaseWithSig(uint256 index, uint256 caller, uint256 amount) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.depositor);
        amount = _bound(amount, 1, t.deal.terms.amount());
        bytes memory data = abi.encodeCall(IEscrow.releaseWithSig, (t.deal, amount, block.timestamp, SIGNATURE));
        (bool ok, uint256 drop) = _act(index, caller, data, _bit(t.beneficiary));
        if (ok) assert(_actors[t.depositor].signing() && drop == amount);
    }

    function refundWithSig(uint256 index, uint256 caller, uint256 amount) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.beneficiary);
        amount = _bound(amount, 1, t.deal.terms.amount());
        bytes memory data = abi.encodeCall(IEscrow.refundWithSig, (t.deal, amount, block.timestamp, SIGNATURE));
        (bool ok, uint256 drop) = _act(index, caller, data, _bit(t.depositor));
        if (ok) assert(_actors[t.beneficiary].signing() && drop == amount);
    }

    function settle(uint256 index, uint256 caller, uint256 toBeneficiary) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.depositor);
        toBeneficiary = _bound(toBeneficiary, 0, t.deal.terms.amount());
        bytes memory data = abi.encodeCall(
            IEscrow.settle,
            (t.deal, toBeneficiary, block.timestamp, SIGNATURE, SIGNATURE)
        );
        (bool ok, ) = _act(index, caller, data, _bit(t.beneficiary) | _bit(t.depositor));
        if (ok) {
            assert(caller == t.depositor || _actors[t.depositor].signing());
            assert(caller == t.beneficiary || _actors[t.beneficiary].signing());
        }
    }

    function markPaid(uint256 index, uint256 caller) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.beneficiary);
        (bool ok, ) = _act(index, caller, abi.encodeCall(IEscrow.markPaid, (t.deal)), 0);
        if (ok) assert(caller == t.beneficiary);
    }

    function dispute(uint256 index, uint256 caller) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.depositor);
        (bool ok, ) = _act(index, caller, abi.encodeCall(IEscrow.dispute, (t.deal)), 0);
        if (ok) assert(caller == t.depositor || caller == t.beneficiary);
    }

    function resolve(uint256 index, uint256 caller, uint256 toBeneficiary) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.arbiter);
        toBeneficiary = _bound(toBeneficiary, 0, t.deal.terms.amount());
        uint256 allowed = _bit(t.beneficiary) | _bit(t.depositor) | _bit(t.arbiter);
        (bool ok, ) = _act(index, caller, abi.encodeCall(IEscrow.resolve, (t.deal, toBeneficiary)), allowed);
        if (ok) assert(caller == t.arbiter);
    }

    function triggerTimeout(uint256 index, uint256 caller) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.depositor);
        _act(index, caller, abi.encodeCall(IEscrow.triggerTimeout, (t.deal)), _bit(t.beneficiary) | _bit(t.depositor));
    }

    function revokeSignatures(uint256 index, uint256 caller) external {
        if (_deals.length == 0) return;
        Tracked memory t = _deals[index % _deals.length];
        caller = _caller(caller, t.beneficiary);
        (bool ok, ) = _act(index, caller, abi.encodeCall(IEscrow.revokeSignatures, (t.deal)), 0);
        if (ok) assert(caller == t.depositor || caller == t.beneficiary);
    }

    // ------------------------------------------------------------------ protocol fees

    /// @notice The owner (this harness) changes the fee; deals keep the fee they were created with.
    function setProtocolFee(uint256 bps, uint256 recipient) external {
        _feeRecipient = recipient % ACTORS;
        _escrow.setProtocolFee(bps % 101, address(_actors[_feeRecipient]));
    }

    /// @notice Anyone collects; only the fee recipient receives, exactly the fees accrued.
    function collectProtocolFees(uint256 assetSeed, uint256 caller) external {
        address asset = _asset(assetSeed);
        uint256 fees = _escrow.protocolFeesOf(asset);
        Snapshot memory before = _snapshot(asset);
        (bool ok, ) = _actor(caller).exec(address(_escrow), 0, abi.encodeCall(IEscrow.collectProtocolFees, (asset)));
        int256[ACTORS] memory received = _account(asset, before);
        uint256 total = _onlyReceived(received, ok ? _bit(_feeRecipient) : 0);
        assert(total == (ok ? fees : 0));
        if (ok) assert(_escrow.protocolFeesOf(asset) == 0);
        _afterAction();
    }

    // ------------------------------------------------------------------ internals

    /// @dev Calls a deal action as `caller` and checks the money: nothing moves when the call fails; otherwise only
    /// the `allowed` actors receive, and what they received plus the fee accrued is what the deal's debt fell by.
    function _act(
        uint256 index,
        uint256 caller,
        bytes memory data,
        uint256 allowed
    ) private returns (bool ok, uint256 drop) {
        index %= _deals.length;
        address asset = _deals[index].deal.token;
        uint256 debtBefore = _debt(index);
        uint256 feesBefore = _escrow.protocolFeesOf(asset);
        Snapshot memory before = _snapshot(asset);
        (ok, ) = _actor(caller).exec(address(_escrow), 0, data);
        int256[ACTORS] memory received = _account(asset, before);
        uint256 debtAfter = _debt(index);
        uint256 feesAfter = _escrow.protocolFeesOf(asset);
        assert(debtAfter <= debtBefore && feesAfter >= feesBefore);
        uint256 total = _onlyReceived(received, ok ? allowed : 0);
        drop = debtBefore - debtAfter;
        assert(total + (feesAfter - feesBefore) == drop);
        _afterAction();
    }

    /// @dev What the contract owes for deal `index`: its remainder while open, nothing once closed.
    function _debt(uint256 index) private view returns (uint256) {
        IEscrow.Deal memory deal = _deals[index].deal;
        IEscrow.DealState memory s = _escrow.getDealState(_escrow.computeDealId(deal));
        if (s.status == IEscrow.Status.Closed) return 0;
        return deal.terms.amount() - s.released - s.refunded;
    }

    /// @dev Totals only grow, a deal never returns to a status before its own, and a closed deal never changes.
    function _afterAction() internal override {
        for (uint256 i; i < _deals.length; ++i) {
            IEscrow.Deal memory deal = _deals[i].deal;
            IEscrow.DealState memory s = _escrow.getDealState(_escrow.computeDealId(deal));
            IEscrow.DealState memory seen = _seen[i];
            if (seen.status == IEscrow.Status.Closed) {
                assert(keccak256(abi.encode(s)) == keccak256(abi.encode(seen)));
            }
            assert(s.status != IEscrow.Status.None);
            assert(s.released >= seen.released && s.refunded >= seen.refunded && s.nonce >= seen.nonce);
            assert(uint256(s.released) + s.refunded <= deal.terms.amount());
            _seen[i] = s;
        }
    }

    function _ledger(address asset) internal view override returns (uint256 owed) {
        for (uint256 i; i < _deals.length; ++i) if (_deals[i].deal.token == asset) owed += _debt(i);
        owed += _escrow.protocolFeesOf(asset) + _credits(asset);
    }

    function _target() internal view override returns (address) {
        return address(_escrow);
    }

    function _approve(uint256 actor, uint256 amount) private {
        (bool ok, ) = _actors[actor].exec(
            address(_token),
            0,
            abi.encodeCall(_token.approve, (address(_escrow), amount))
        );
        assert(ok);
    }

    /// @dev `count` milestones summing to `amount` (none when the amount is too small to split).
    function _split(uint256 amount, uint256 count) private pure returns (uint256[] memory milestones) {
        if (count == 0 || amount < count) return milestones;
        milestones = new uint256[](count);
        for (uint256 i; i < count; ++i) milestones[i] = amount / count;
        milestones[count - 1] = amount - (amount / count) * (count - 1);
    }

    function _bit(uint256 actor) private pure returns (uint256) {
        return actor == NO_ARBITER ? 0 : 1 << actor;
    }
}
