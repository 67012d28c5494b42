// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Crowdfunding} from "../Crowdfunding.sol";
import {ICrowdfunding} from "../interfaces/ICrowdfunding.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {FuzzBase} from "./FuzzBase.sol";

/// @dev Test-only (fuzzing): the Crowdfunding harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Actors create direct campaigns in ETH or the harness token (caps, minimums, fees
/// to an actor), pledge, withdraw, refund by pull and by batch, claim and cancel, under random time jumps; some
/// refuse ETH, which drives payouts into credits. Each action asserts who received what (docs/crowdfunding.md §4–§5);
/// `_afterAction` that each live campaign's total is the sum of its backers' pledges and that terminal states never
/// change. The inherited properties check solvency and that the books equal the harness's own count exactly, with
/// donated tokens and forced ETH counted by nothing (CF-I1, CF-I2, CF-S3). Milestone campaigns need the Escrow,
/// whose code with this contract's would pass the initcode limit: test/crowdfunding/milestones.test.ts covers them.
contract CrowdfundingFuzz is FuzzBase {
    uint256 private constant MAX_CAMPAIGNS = 10;

    Crowdfunding private immutable _cf;
    uint256[] private _ids;
    /// @dev The terminal state each campaign reached (0 while it has none): it may never change.
    mapping(uint256 id => ICrowdfunding.State) private _terminal;

    constructor() payable {
        // Direct campaigns never call the Escrow: any contract will do for the constructor's code check.
        _cf = new Crowdfunding(address(this), IEscrow(address(_token)));
        for (uint256 i; i < ACTORS; ++i) {
            (bool ok, ) = _actors[i].exec(
                address(_token),
                0,
                abi.encodeCall(_token.approve, (address(_cf), type(uint256).max - 1))
            );
            assert(ok);
        }
    }

    // ------------------------------------------------------------------ actions

    /// @param seed Picks the creator, the asset, a cap, a delayed start, a minimum and a fee to an actor.
    function createCampaign(uint256 seed, uint256 goal, uint256 duration) external {
        if (_ids.length == MAX_CAMPAIGNS) return;
        seed = uint256(keccak256(abi.encode(seed, _ids.length)));
        ICrowdfunding.CampaignParams memory p;
        p.token = _asset(seed);
        p.goal = _bound(goal, 1, p.token == address(0) ? 20 ether : MAX_AMOUNT);
        p.cap = (seed >> 8) % 3 == 0 ? p.goal + _bound(seed >> 16, 0, p.goal) : 0;
        p.start = (seed >> 32) % 8 == 0 ? block.timestamp + _bound(seed >> 40, 1, 1 days) : 0;
        // Seconds, hours to days, or weeks, against the driver's jumps: every deadline edge and both outcomes occur.
        uint256 kind = duration % 4;
        p.deadline =
            (p.start == 0 ? block.timestamp : p.start) +
            (kind == 0 ? _bound(duration >> 2, 1, 60) : kind == 3 ? _bound(duration, 7 days, 60 days) : _bound(duration, 1 hours, 3 days));
        p.minPledge = (seed >> 48) % 3 == 0 ? _bound(seed >> 56, 0, p.goal / 10) : 0;
        if ((seed >> 64) % 2 == 0) {
            p.feeBps = _bound(seed >> 72, 1, _cf.MAX_FEE_BPS());
            p.feeRecipient = address(_actor(seed >> 88));
        }
        (bool ok, bytes memory ret) = _actor(seed >> 96).exec(address(_cf), 0, abi.encodeCall(_cf.createCampaign, (p)));
        assert(ok);
        _ids.push(abi.decode(ret, (uint256)));
        _afterAction();
    }

    function pledge(uint256 index, uint256 actor, uint256 amount) external {
        if (_ids.length == 0) return;
        uint256 id = _pickIn(index, ICrowdfunding.State.Running);
        address asset = _tokenOf(id);
        uint256 who = actor % ACTORS;
        // Mostly a share of the goal (a half to all of it: one or two pledges reach it), else anything.
        uint256 goal = _cf.campaign(id).goal;
        amount = amount % 4 == 0
            ? _bound(amount >> 2, 0, asset == address(0) ? 10 ether : MAX_AMOUNT)
            : _bound(amount, goal / 2 + 1, goal);
        if (asset == address(0) && amount > address(_actors[who]).balance) return;
        uint256 totalBefore = _cf.campaign(id).total;
        (uint256 pledgedBefore, , ) = _cf.pledgeOf(id, address(_actors[who]));
        Snapshot memory before = _snapshot(asset);
        (bool ok, ) = asset == address(0)
            ? _actors[who].exec(address(_cf), amount, abi.encodeCall(_cf.pledge, (id)))
            : _actors[who].exec(address(_cf), 0, abi.encodeCall(_cf.pledgeToken, (id, amount)));
        int256[ACTORS] memory received = _account(asset, before);
        (uint256 pledgedNow, , ) = _cf.pledgeOf(id, address(_actors[who]));
        if (ok) {
            assert(received[who] == -int256(amount));
            assert(_cf.campaign(id).total == totalBefore + amount);
            assert(pledgedNow == pledgedBefore + amount);
            assert(_cf.stateOf(id) == ICrowdfunding.State.Running);
        } else {
            assert(received[who] == 0 && pledgedNow == pledgedBefore);
        }
        for (uint256 i; i < ACTORS; ++i) if (i != who) assert(received[i] == 0);
        _afterAction();
    }

    function unpledge(uint256 index, uint256 actor, uint256 amount) external {
        if (_ids.length == 0) return;
        uint256 id = _pickIn(index, ICrowdfunding.State.Running);
        uint256 who = _backer(id, actor);
        (uint256 pledged, , ) = _cf.pledgeOf(id, address(_actors[who]));
        amount = amount % 4 == 0 ? _bound(amount, 0, MAX_AMOUNT) : _bound(amount, 1, pledged);
        Snapshot memory before = _snapshot(_tokenOf(id));
        (bool ok, ) = _actors[who].exec(address(_cf), 0, abi.encodeCall(_cf.unpledge, (id, amount)));
        uint256 total = _onlyReceived(_account(_tokenOf(id), before), 1 << who);
        assert(total == (ok ? amount : 0));
        _afterAction();
    }

    function refund(uint256 index, uint256 actor) external {
        if (_ids.length == 0) return;
        uint256 id = _pickIn(index, ICrowdfunding.State.Failed);
        uint256 who = _backer(id, actor);
        (uint256 pledged, , ) = _cf.pledgeOf(id, address(_actors[who]));
        Snapshot memory before = _snapshot(_tokenOf(id));
        (bool ok, ) = _actors[who].exec(address(_cf), 0, abi.encodeCall(_cf.refund, (id)));
        uint256 total = _onlyReceived(_account(_tokenOf(id), before), 1 << who);
        assert(total == (ok ? pledged : 0));
        if (ok) assert(_cf.stateOf(id) == ICrowdfunding.State.Failed);
        _afterAction();
    }

    function refundMany(uint256 index, uint256 caller, uint256 mask) external {
        if (_ids.length == 0) return;
        uint256 id = _pickIn(index, ICrowdfunding.State.Failed);
        address[] memory backers = new address[](ACTORS);
        uint256 listed;
        for (uint256 i; i < ACTORS; ++i) {
            uint256 a = (mask >> i) % 2 == 0 ? i : (i + 1) % ACTORS;
            backers[i] = address(_actors[a]);
            listed |= 1 << a;
        }
        uint256[ACTORS] memory pledged;
        for (uint256 i; i < ACTORS; ++i) (pledged[i], , ) = _cf.pledgeOf(id, address(_actors[i]));
        Snapshot memory before = _snapshot(_tokenOf(id));
        (bool ok, ) = _actor(caller).exec(address(_cf), 0, abi.encodeCall(_cf.refundMany, (id, backers)));
        int256[ACTORS] memory received = _account(_tokenOf(id), before);
        // Each listed backer got exactly its whole pledge back (pushed or credited), once even if listed twice; an
        // unlisted one got nothing.
        for (uint256 i; i < ACTORS; ++i) {
            assert(received[i] == (ok && listed & (1 << i) != 0 ? int256(pledged[i]) : int256(0)));
        }
        _afterAction();
    }

    function claim(uint256 index, uint256 caller) external {
        if (_ids.length == 0) return;
        uint256 id = _pickIn(index, ICrowdfunding.State.Succeeded);
        ICrowdfunding.CampaignView memory c = _cf.campaign(id);
        uint256 who = _caller(caller, _indexOf(c.creator));
        Snapshot memory before = _snapshot(c.token);
        (bool ok, ) = _actors[who].exec(address(_cf), 0, abi.encodeCall(_cf.claim, (id)));
        uint256 allowed = (1 << _indexOf(c.creator)) | (c.feeRecipient == address(0) ? 0 : 1 << _indexOf(c.feeRecipient));
        uint256 total = _onlyReceived(_account(c.token, before), allowed);
        assert(total == (ok ? c.total : 0));
        if (ok) assert(who == _indexOf(c.creator) && c.state == ICrowdfunding.State.Succeeded);
        _afterAction();
    }

    function cancel(uint256 index, uint256 caller) external {
        // Rarely: a cancel succeeds on most fresh campaigns, which would leave little to pledge to.
        if (_ids.length == 0 || caller % 4 != 0) return;
        uint256 id = _pick(index);
        ICrowdfunding.CampaignView memory c = _cf.campaign(id);
        (bool ok, ) = _actors[_caller(caller, _indexOf(c.creator))].exec(address(_cf), 0, abi.encodeCall(_cf.cancel, (id)));
        if (ok) assert(c.total == 0 && _cf.stateOf(id) == ICrowdfunding.State.Cancelled);
        _afterAction();
    }

    // ------------------------------------------------------------------ FuzzBase

    function _target() internal view override returns (address) {
        return address(_cf);
    }

    /// @dev Unclaimed campaigns' totals plus the actors' credits: what the contract's views say it owes.
    function _ledger(address asset) internal view override returns (uint256 owed) {
        for (uint256 i; i < _ids.length; ++i) {
            if (_tokenOf(_ids[i]) != asset) continue;
            ICrowdfunding.CampaignView memory c = _cf.campaign(_ids[i]);
            if (c.state != ICrowdfunding.State.Claimed) owed += c.total;
        }
        owed += _credits(asset);
    }

    function _afterAction() internal override {
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            ICrowdfunding.CampaignView memory c = _cf.campaign(id);
            if (c.state != ICrowdfunding.State.Claimed) {
                uint256 sum;
                for (uint256 a; a < ACTORS; ++a) {
                    (uint256 p, , ) = _cf.pledgeOf(id, address(_actors[a]));
                    sum += p;
                }
                assert(sum == c.total);
            }
            ICrowdfunding.State seen = _terminal[id];
            if (seen != ICrowdfunding.State.None) assert(c.state == seen);
            else if (
                c.state == ICrowdfunding.State.Claimed ||
                c.state == ICrowdfunding.State.Cancelled ||
                c.state == ICrowdfunding.State.Failed
            ) _terminal[id] = c.state;
        }
    }

    /// @dev Mostly one of the two newest campaigns (older ones have mostly ended under the time jumps), else any.
    function _pick(uint256 index) private view returns (uint256) {
        uint256 n = _ids.length;
        if (index % 4 == 0 || n < 2) return _ids[(index >> 2) % n];
        return _ids[n - 1 - (index % 2)];
    }

    /// @dev Mostly a campaign in `state` if there is one (pledges need a running one, refunds a failed one, claims a
    /// succeeded one), else `_pick`.
    function _pickIn(uint256 index, ICrowdfunding.State state) private view returns (uint256) {
        if (index % 4 != 0) {
            for (uint256 i; i < _ids.length; ++i) {
                uint256 id = _ids[(i + (index >> 1)) % _ids.length];
                if (_cf.stateOf(id) == state) return id;
            }
        }
        return _pick(index >> 1);
    }

    /// @dev Mostly an actor with a pledge in `id` (searching from `seed`), else the actor `seed` names.
    function _backer(uint256 id, uint256 seed) private view returns (uint256) {
        if (seed % 4 != 0) {
            for (uint256 i; i < ACTORS; ++i) {
                uint256 who = (seed % ACTORS + i) % ACTORS;
                (uint256 p, , ) = _cf.pledgeOf(id, address(_actors[who]));
                if (p != 0) return who;
            }
        }
        return seed % ACTORS;
    }

    function _tokenOf(uint256 id) private pure returns (address) {
        return address(uint160(id >> 96));
    }

    function _indexOf(address account) private view returns (uint256) {
        for (uint256 i; i < ACTORS; ++i) if (address(_actors[i]) == account) return i;
        assert(false);
        return 0;
    }
}
