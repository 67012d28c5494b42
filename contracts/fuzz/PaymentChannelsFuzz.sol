// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {PaymentChannels} from "../PaymentChannels.sol";
import {IPaymentChannels} from "../interfaces/IPaymentChannels.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {BlocklistToken} from "../mocks/MockTokens.sol";
import {FuzzBase} from "./FuzzBase.sol";

/// @dev Test-only (fuzzing): the PaymentChannels harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Participants are actors; their signatures are real ECDSA signatures of two session
/// keys whose private keys the harness holds (participant1's `key1` at open, either side's `setSessionKey`), computed
/// here with a fixed nonce (fine for a test key, fatal for a real one), or ERC-1271 answers of the actor (`signing`).
/// Balance proofs are signed off-chain by the harness for either direction with any amounts (also more than the
/// sender has, which solvency must survive), with up to four hash locks. The harness mirrors every channel's record
/// and pending locks and checks them against the on-chain commitments after each call (the ledger is exact); each
/// action asserts who received what (nobody but a participant, a rewarded watchtower or a credited account, and
/// exactly what the channel's debt fell by), and `_afterAction` that deposits, withdrawals and recorded nonces only
/// grow and that a channel moves Open → Closed → Settled once. Rules: docs/security.md §4, docs/payment-channels.md §9.
contract PaymentChannelsFuzz is FuzzBase {
    uint256 private constant MAX_CHANNELS = 10;
    uint256 private constant MAX_LOCKS = 4;
    uint256 private constant ETH_CAP = 10 ether;
    bytes private constant ERC1271 = hex"01"; // recovers nobody: the participant's ERC-1271 answer decides
    bytes32 private constant BALANCE_PROOF_TYPEHASH =
        keccak256("BalanceProof(bytes32 channelId,uint64 nonce,uint256 transferred,uint256 locked,bytes32 locksRoot)");
    uint256 private constant COMMITMENT_MASK = ~uint256((1 << 56) - 1);

    // secp256k1, and the fixed signing nonce k: R = k·G has x = R_X (< N) and an odd y; K_INV = k^-1 mod N.
    uint256 private constant N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;
    uint256 private constant R_X = 0x1f8dd6fcc3fb1b383924846bf947f196afdbae38870862153fa2630ca4e4f8c2;
    uint256 private constant K_INV = 0x105b2e73634a7327b54e319fe81255622b421108e3c2d7aff8c072dd4692168d;
    uint256 private constant R_Y_PARITY = 1;
    // The two session keys: private keys and their addresses (keccak256("peerpay.fuzz.key1"), "...key2", mod N).
    uint256 private constant KEY1_SECRET = 0x6fec20589b6ebc47fb4d372f7dfdf8324829f65809cb9f969d293abb2ac388a3;
    uint256 private constant KEY2_SECRET = 0x386a733e0356386608079ca16af222c90acdafe121f05c3c8554e62f84b4dbdd;
    address private constant KEY1 = 0x376d49fC103f62c2B1543c26a3770aeBA4B8bFCb;
    address private constant KEY2 = 0x7ba46eB792eeACC31C8A12359fD8c721A5113183;

    struct Tracked {
        IPaymentChannels.Channel channel;
        bytes32 id;
        uint256 p1;
        uint256 p2;
    }

    /// @dev The harness's mirror of a channel (checked against the chain after every call).
    struct Mirror {
        IPaymentChannels.Status status;
        IPaymentChannels.Record record; // deposits and withdrawals always; directions once closed
        IPaymentChannels.PendingLocks pending; // once settled
        uint256[2] keys; // per side: 0 none, 1 KEY1, 2 KEY2 (the current session key)
    }

    PaymentChannels private immutable _channels;
    Tracked[] private _tracked;
    Mirror[] private _mirror;
    /// @dev Per channel and direction (index * 2 + dir): the sender's latest signed proof and its locks.
    mapping(uint256 slot => IPaymentChannels.BalanceProof proof) private _proofs;
    mapping(uint256 slot => IPaymentChannels.Lock[] locks) private _locks;
    /// @dev Per lock list root: the list, for unlocks.
    mapping(bytes32 root => IPaymentChannels.Lock[] locks) private _lists;

    constructor() payable {
        _channels = new PaymentChannels();
    }

    /// @dev A plain ERC20 with `mint` (nobody is ever blocked): MockERC20 without its permit, 2.6 kB less initcode,
    /// which keeps this harness (it embeds PaymentChannels) under EIP-3860's 49,152 bytes.
    function _newToken() internal override returns (MockERC20) {
        return MockERC20(address(new BlocklistToken()));
    }

    // ------------------------------------------------------------------ opening and funding

    /// @param seed Picks the participants, the asset, whether participant1 names KEY1, and the salt.
    function open(uint256 seed, uint256 amount, uint256 period) external {
        if (_tracked.length == MAX_CHANNELS) return;
        uint256 p1 = seed % ACTORS;
        uint256 p2 = (p1 + 1 + ((seed >> 8) % (ACTORS - 1))) % ACTORS;
        IPaymentChannels.Channel memory channel = IPaymentChannels.Channel({
            participant1: address(_actors[p1]),
            participant2: address(_actors[p2]),
            token: _asset(seed >> 16),
            key1: (seed >> 24) % 2 == 0 ? KEY1 : address(0),
            // One second too short (refused), the minimum, a day, or up to three days (updates need time to land).
            challengePeriod: uint32(
                period % 4 == 0 ? 1 hours - 1 : period % 4 == 1 ? 1 hours : period % 4 == 2 ? 1 days : _bound(period, 1 days, 3 days)
            ),
            salt: uint32(_tracked.length)
        });
        amount = _bound(amount, 0, channel.token == address(0) ? ETH_CAP : MAX_AMOUNT);
        uint256 value = channel.token == address(0) ? amount : 0;
        if (value > address(_actors[p1]).balance) return;
        if (value == 0) _approve(p1, amount);
        Snapshot memory before = _snapshot(channel.token);
        (bool ok, bytes memory result) = _actors[p1].exec(
            address(_channels),
            value,
            abi.encodeCall(IPaymentChannels.open, (channel, amount))
        );
        int256[ACTORS] memory received = _account(channel.token, before);
        for (uint256 i; i < ACTORS; ++i) assert(received[i] == (ok && i == p1 ? -int256(amount) : int256(0)));
        if (!ok) return;
        assert(amount != 0 && channel.challengePeriod >= 1 hours);
        bytes32 id = _channels.computeChannelId(channel);
        assert(abi.decode(result, (bytes32)) == id);
        _tracked.push(Tracked(channel, id, p1, p2));
        Mirror storage m = _mirror.push();
        m.status = IPaymentChannels.Status.Open;
        m.record.deposit1 = amount;
        m.keys[0] = channel.key1 == address(0) ? 0 : 1;
        _afterAction();
    }

    /// @notice Anyone deposits for a participant; the channel's debt grows by exactly what the payer paid in.
    function deposit(uint256 index, uint256 caller, bool second, uint256 amount) external {
        if (_tracked.length == 0) return;
        index %= _tracked.length;
        Tracked memory t = _tracked[index];
        caller = _caller(caller, second ? t.p2 : t.p1);
        amount = _bound(amount, 1, t.channel.token == address(0) ? ETH_CAP : MAX_AMOUNT);
        uint256 value = t.channel.token == address(0) ? amount : 0;
        if (value > address(_actor(caller)).balance) return;
        if (value == 0) _approve(caller, amount);
        uint256 debtBefore = _debt(index);
        Snapshot memory before = _snapshot(t.channel.token);
        address participant = second ? t.channel.participant2 : t.channel.participant1;
        (bool ok, ) = _actor(caller).exec(
            address(_channels),
            value,
            abi.encodeCall(IPaymentChannels.deposit, (t.channel, participant, amount))
        );
        int256[ACTORS] memory received = _account(t.channel.token, before);
        for (uint256 i; i < ACTORS; ++i) {
            assert(received[i] == (ok && i == caller % ACTORS ? -int256(amount) : int256(0)));
        }
        if (ok) {
            assert(_mirror[index].status == IPaymentChannels.Status.Open);
            if (second) _mirror[index].record.deposit2 += amount;
            else _mirror[index].record.deposit1 += amount;
            assert(_debt(index) == debtBefore + amount);
        } else {
            assert(_debt(index) == debtBefore);
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ off-chain payments

    /// @notice The sender of `second ? 2→1 : 1→2` signs a new proof: more transferred, maybe a new lock, or a lock
    /// resolved (paid or dropped). Amounts are not bounded by what the sender has: solvency must hold anyway.
    function pay(uint256 index, bool second, uint256 amount, uint256 lockAmount, uint256 seed) external {
        if (_tracked.length == 0) return;
        index %= _tracked.length;
        uint256 slot = index * 2 + (second ? 1 : 0);
        IPaymentChannels.BalanceProof storage p = _proofs[slot];
        IPaymentChannels.Lock[] storage locks = _locks[slot];
        p.transferred += _bound(amount, 0, MAX_AMOUNT / 100);
        if (seed % 3 == 0 && locks.length < MAX_LOCKS) {
            uint96 value = uint96(_bound(lockAmount, 1, MAX_AMOUNT / 100));
            locks.push(
                IPaymentChannels.Lock({
                    amount: value,
                    expiry: uint40(block.timestamp + _bound(seed >> 8, 1, 3 days)),
                    secretHash: sha256(abi.encode(_secret(seed >> 64)))
                })
            );
            p.locked += value;
        } else if (seed % 3 == 1 && locks.length != 0) {
            // The first lock resolved off-chain: paid (secret revealed) or dropped (expired).
            IPaymentChannels.Lock memory first = locks[0];
            locks[0] = locks[locks.length - 1];
            locks.pop();
            p.locked -= first.amount;
            if ((seed >> 8) % 2 == 0) p.transferred += first.amount;
        }
        ++p.nonce;
        IPaymentChannels.Lock[] memory list = locks;
        p.locksRoot = list.length == 0 ? bytes32(0) : keccak256(abi.encode(list));
        if (list.length != 0) {
            IPaymentChannels.Lock[] storage stored = _lists[p.locksRoot];
            if (stored.length == 0) for (uint256 i; i < list.length; ++i) stored.push(list[i]);
        }
    }

    // ------------------------------------------------------------------ while open

    /// @notice Both participants consent to a withdrawal; only the participant receives, exactly the increase.
    function cooperativeWithdraw(uint256 index, uint256 caller, bool second, uint256 amount, bool ecdsa) external {
        if (_tracked.length == 0) return;
        index = _pick(index, IPaymentChannels.Status.Open, false);
        Tracked memory t = _tracked[index];
        uint256 who = second ? t.p2 : t.p1;
        caller = _caller(caller, who);
        (uint256 w1, uint256 w2) = _channels.withdrawnOf(t.id);
        uint256 total = (second ? w2 : w1) + _bound(amount, 0, MAX_AMOUNT);
        uint256 expiry = block.timestamp + (amount % 7 == 0 ? 0 : 1 hours);
        bytes32 digest = _channels.withdrawDigest(t.id, address(_actors[who]), total, expiry);
        bytes memory data = abi.encodeCall(
            IPaymentChannels.cooperativeWithdraw,
            (t.channel, address(_actors[who]), total, expiry, _sign(index, 0, digest, ecdsa), _sign(index, 1, digest, ecdsa))
        );
        (bool ok, ) = _act(index, caller, data, _bit(who));
        if (ok) {
            if (second) _mirror[index].record.withdrawn2 = total;
            else _mirror[index].record.withdrawn1 = total;
        }
        _afterAction();
    }

    /// @notice Both participants agree on a split of everything the channel holds; only they receive.
    function cooperativeClose(uint256 index, uint256 caller, uint256 balance1, bool ecdsa) external {
        // One call in three: a cooperative close ends a channel at once, leaving fewer for closes, updates, settles.
        if (_tracked.length == 0 || balance1 % 3 != 0) return;
        index = _pick(index, IPaymentChannels.Status.Open, false);
        Tracked memory t = _tracked[index];
        caller = _caller(caller, balance1 % 2 == 0 ? t.p1 : t.p2);
        IPaymentChannels.Record memory r = _mirror[index].record;
        uint256 total = r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
        balance1 = _bound(balance1, 0, total);
        uint256 balance2 = total - balance1 + (balance1 % 11 == 0 ? 1 : 0); // sometimes one unit too many
        bytes32 digest = _channels.cooperativeCloseDigest(t.id, balance1, balance2, block.timestamp);
        bytes memory data = abi.encodeCall(
            IPaymentChannels.cooperativeClose,
            (t.channel, balance1, balance2, block.timestamp, _sign(index, 0, digest, ecdsa), _sign(index, 1, digest, ecdsa))
        );
        (bool ok, uint256 drop) = _act(index, caller, data, _bit(t.p1) | _bit(t.p2));
        if (ok) {
            assert(drop == total && balance1 + balance2 == total);
            _mirror[index].status = IPaymentChannels.Status.Settled;
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ unilateral close

    /// @notice A participant closes with the counterparty's latest proof (or none); nobody is paid.
    function close(uint256 index, uint256 caller, bool withProof, bool ecdsa) external {
        if (_tracked.length == 0) return;
        index = _pick(index, IPaymentChannels.Status.Open, false);
        Tracked memory t = _tracked[index];
        caller = _caller(caller, t.p1);
        bool closerFirst = caller % ACTORS == t.p1;
        uint256 dir = closerFirst ? 1 : 0; // the closer's incoming direction
        IPaymentChannels.BalanceProof memory proof;
        bytes memory signature;
        if (withProof) {
            proof = _proofs[index * 2 + dir];
            signature = _sign(index, dir, _channels.balanceProofDigest(t.id, proof), ecdsa);
        }
        bytes memory data = abi.encodeCall(IPaymentChannels.close, (t.channel, proof, signature));
        (bool ok, ) = _act(index, caller, data, 0);
        if (ok) {
            assert(caller % ACTORS == t.p1 || caller % ACTORS == t.p2);
            Mirror storage m = _mirror[index];
            m.status = IPaymentChannels.Status.Closed;
            if (proof.nonce != 0) _setDirection(m.record, dir, proof, address(0), 0);
            _checkRecord(index);
        }
        _afterAction();
    }

    /// @notice The receiver of a direction (`watchtower` off) or a watchtower holding the receiver's Reward naming it
    /// (`watchtower` on) records the sender's latest proof; nobody is paid, and the recorded nonce only grows.
    function update(uint256 index, uint256 caller, bool second, uint256 reward, bool ecdsa, bool watchtower) external {
        if (_tracked.length == 0) return;
        index = _pick(index, IPaymentChannels.Status.Closed, true);
        Tracked memory t = _tracked[index];
        uint256 dir = second ? 1 : 0;
        // Mostly the receiver (updates are rare enough: they need a closed channel within its challenge period).
        if (!watchtower) caller = reward % 8 == 0 ? caller : second ? t.p1 : t.p2;
        reward = _bound(reward, 0, MAX_AMOUNT / 10);
        uint256 recorded = second ? _mirror[index].record.d21.nonce : _mirror[index].record.d12.nonce;
        // Mostly a proof newer than the recorded one: the sender signs one more if it has none (a stale one else).
        if (reward % 4 != 0 && _proofs[index * 2 + dir].nonce <= recorded) {
            _proofs[index * 2 + dir].nonce = uint64(recorded + 1);
        }
        IPaymentChannels.BalanceProof memory proof = _proofs[index * 2 + dir];
        bytes memory signature = _sign(index, dir, _channels.balanceProofDigest(t.id, proof), ecdsa);
        address sender = second ? t.channel.participant2 : t.channel.participant1;
        bytes memory data;
        if (watchtower) {
            // The receiver signs the reward.
            bytes32 digest = _channels.rewardDigest(t.id, _proofHash(t.id, proof), address(_actor(caller)), reward);
            data = abi.encodeCall(
                IPaymentChannels.updateFor,
                (t.channel, _mirror[index].record, sender, proof, signature, reward, _sign(index, 1 - dir, digest, ecdsa))
            );
        } else {
            data = abi.encodeCall(IPaymentChannels.update, (t.channel, _mirror[index].record, sender, proof, signature));
        }
        (bool ok, ) = _act(index, caller, data, 0);
        if (ok) {
            assert(proof.nonce > recorded && (watchtower || caller % ACTORS == (second ? t.p1 : t.p2)));
            if (watchtower) _setDirection(_mirror[index].record, dir, proof, address(_actor(caller)), reward);
            else _setDirection(_mirror[index].record, dir, proof, address(0), 0);
            _checkRecord(index);
        }
        _afterAction();
    }

    /// @notice Anyone settles after the challenge; only the participants and the rewarded watchtowers receive, and
    /// what stays held is the locked amounts (§5).
    function settle(uint256 index, uint256 caller) external {
        if (_tracked.length == 0) return;
        index = _pick(index, IPaymentChannels.Status.Closed, false);
        Tracked memory t = _tracked[index];
        Mirror storage m = _mirror[index];
        IPaymentChannels.Record memory r = m.record;
        uint256 allowed = _bit(t.p1) | _bit(t.p2) | _actorBit(r.d12.rewardee) | _actorBit(r.d21.rewardee);
        bytes memory data = abi.encodeCall(IPaymentChannels.settle, (t.channel, r));
        (bool ok, uint256 drop) = _act(index, caller, data, allowed);
        if (ok) {
            IPaymentChannels.Settlement memory s = _channels.settlementOf(r);
            uint256 total = r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
            assert(s.amount1 + s.amount2 + s.reward12 + s.reward21 + s.held12 + s.held21 == total);
            assert(drop == total - s.held12 - s.held21);
            m.status = IPaymentChannels.Status.Settled;
            m.pending = IPaymentChannels.PendingLocks({
                locksRoot12: s.held12 == 0 ? bytes32(0) : r.d12.locksRoot,
                held12: s.held12,
                locksRoot21: s.held21 == 0 ? bytes32(0) : r.d21.locksRoot,
                held21: s.held21
            });
            _checkPending(index);
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ hash locks

    function registerSecret(uint256 seed) external {
        (bool ok, ) = _actor(seed).exec(
            address(_channels),
            0,
            abi.encodeCall(IPaymentChannels.registerSecret, (_secret(seed >> 8)))
        );
        if (ok) assert(_channels.secretRegisteredAt(sha256(abi.encode(_secret(seed >> 8)))) == block.timestamp);
        _afterAction();
    }

    /// @notice Anyone unlocks a direction after settlement; only the two participants receive, what was held.
    function unlock(uint256 index, uint256 caller, bool second) external {
        if (_tracked.length == 0) return;
        index = _pick(index, IPaymentChannels.Status.Settled, false);
        Tracked memory t = _tracked[index];
        Mirror storage m = _mirror[index];
        IPaymentChannels.PendingLocks memory pending = m.pending;
        bytes32 root = second ? pending.locksRoot21 : pending.locksRoot12;
        uint256 held = second ? pending.held21 : pending.held12;
        bytes memory data = abi.encodeCall(
            IPaymentChannels.unlock,
            (t.channel, second ? t.channel.participant2 : t.channel.participant1, _lists[root], pending)
        );
        (bool ok, uint256 drop) = _act(index, caller, data, _bit(t.p1) | _bit(t.p2));
        if (ok) {
            assert(drop == held && held != 0);
            if (second) (m.pending.locksRoot21, m.pending.held21) = (bytes32(0), 0);
            else (m.pending.locksRoot12, m.pending.held12) = (bytes32(0), 0);
            _checkPending(index);
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ session keys

    /// @param which 0 revokes, 1 names KEY1, 2 names KEY2.
    function setSessionKey(uint256 index, uint256 caller, uint256 which) external {
        if (_tracked.length == 0) return;
        index %= _tracked.length;
        Tracked memory t = _tracked[index];
        caller = _caller(caller, which % 2 == 0 ? t.p1 : t.p2);
        which %= 3;
        address key = which == 0 ? address(0) : which == 1 ? KEY1 : KEY2;
        bytes memory data = abi.encodeCall(IPaymentChannels.setSessionKey, (t.channel, key));
        (bool ok, ) = _act(index, caller, data, 0);
        if (ok) {
            assert(caller % ACTORS == t.p1 || caller % ACTORS == t.p2);
            _mirror[index].keys[caller % ACTORS == t.p1 ? 0 : 1] = which;
        }
        _afterAction();
    }

    // ------------------------------------------------------------------ internals

    /// @dev The channel `seed` names, or the next one in `status` (so that actions mostly land where they can act); a
    /// closed one preferably still within its challenge period (`challenge`: for an update) or past it (for a settle).
    function _pick(uint256 seed, IPaymentChannels.Status status, bool challenge) private view returns (uint256) {
        uint256 count = _tracked.length;
        uint256 fallback_ = seed % count;
        for (uint256 i; i < count; ++i) {
            uint256 index = (seed % count + i) % count;
            if (_mirror[index].status != status) continue;
            if (status != IPaymentChannels.Status.Closed) return index;
            fallback_ = index;
            if ((_channels.channelInfo(_tracked[index].id).closesAt >= block.timestamp) == challenge) return index;
        }
        return fallback_;
    }

    /// @dev Calls a channel action as `caller` and checks the money: nothing moves when the call fails; otherwise
    /// only the `allowed` actors receive, exactly what the channel's debt fell by.
    function _act(
        uint256 index,
        uint256 caller,
        bytes memory data,
        uint256 allowed
    ) private returns (bool ok, uint256 drop) {
        address asset = _tracked[index].channel.token;
        uint256 debtBefore = _debt(index);
        Snapshot memory before = _snapshot(asset);
        (ok, ) = _actor(caller).exec(address(_channels), 0, data);
        int256[ACTORS] memory received = _account(asset, before);
        uint256 debtAfter = _debt(index);
        assert(debtAfter <= debtBefore);
        drop = debtBefore - debtAfter;
        assert(_onlyReceived(received, ok ? allowed : 0) == drop);
    }

    /// @dev What the contract owes for a channel, read through its views (and the mirror, which `_checkRecord` and
    /// `_checkPending` tie to the on-chain commitments): deposits − withdrawals until settled, then what is held.
    function _debt(uint256 index) private view returns (uint256) {
        IPaymentChannels.ChannelInfo memory info = _channels.channelInfo(_tracked[index].id);
        if (info.status == IPaymentChannels.Status.Open) {
            (uint256 w1, uint256 w2) = _channels.withdrawnOf(_tracked[index].id);
            return info.deposit1 + info.deposit2 - w1 - w2;
        }
        Mirror storage m = _mirror[index];
        if (info.status == IPaymentChannels.Status.Closed) {
            IPaymentChannels.Record storage r = m.record;
            return r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
        }
        // A cooperative close leaves nothing pending (the mirror's pending stays zero).
        return m.pending.held12 + m.pending.held21;
    }

    function _setDirection(
        IPaymentChannels.Record storage r,
        uint256 dir,
        IPaymentChannels.BalanceProof memory proof,
        address rewardee,
        uint256 reward
    ) private {
        IPaymentChannels.Direction memory d = IPaymentChannels.Direction({
            nonce: proof.nonce,
            transferred: proof.transferred,
            locked: proof.locked,
            locksRoot: proof.locksRoot,
            rewardee: rewardee,
            reward: reward
        });
        if (dir == 0) r.d12 = d;
        else r.d21 = d;
    }

    /// @dev The ledger is exact: the mirror's record is the one the closed channel's slot commits to.
    function _checkRecord(uint256 index) private view {
        IPaymentChannels.ChannelInfo memory info = _channels.channelInfo(_tracked[index].id);
        assert(info.commitment == _channels.hashRecord(_mirror[index].record));
    }

    function _checkPending(uint256 index) private view {
        IPaymentChannels.PendingLocks memory p = _mirror[index].pending;
        uint256 expected = p.held12 == 0 && p.held21 == 0 ? 0 : uint256(keccak256(abi.encode(p))) & COMMITMENT_MASK;
        assert(uint256(_channels.channelInfo(_tracked[index].id).commitment) == expected);
    }

    /// @dev Deposits, withdrawals and recorded nonces only grow, the status only moves forward (Open → Closed →
    /// Settled, or Open → Settled) and agrees with the mirror, deposits and withdrawals agree with the mirror while
    /// open, and all withdrawals never pass all deposits.
    function _afterAction() internal view override {
        for (uint256 i; i < _tracked.length; ++i) {
            bytes32 id = _tracked[i].id;
            IPaymentChannels.ChannelInfo memory info = _channels.channelInfo(id);
            Mirror storage m = _mirror[i];
            assert(info.status == m.status);
            (uint256 w1, uint256 w2) = _channels.withdrawnOf(id);
            assert(w1 == m.record.withdrawn1 && w2 == m.record.withdrawn2);
            assert(w1 + w2 <= m.record.deposit1 + m.record.deposit2);
            if (info.status == IPaymentChannels.Status.Open) {
                assert(info.deposit1 == m.record.deposit1 && info.deposit2 == m.record.deposit2);
            }
        }
    }

    function _ledger(address asset) internal view override returns (uint256 owed) {
        for (uint256 i; i < _tracked.length; ++i) if (_tracked[i].channel.token == asset) owed += _debt(i);
        owed += _credits(asset);
    }

    function _target() internal view override returns (address) {
        return address(_channels);
    }

    /// @dev `side`'s signature over `digest`: an ECDSA signature of its current session key when it has one and
    /// `ecdsa` is set, else the ERC-1271 marker its actor answers for (while its `signing` is on).
    function _sign(uint256 index, uint256 side, bytes32 digest, bool ecdsa) private view returns (bytes memory) {
        uint256 key = _mirror[index].keys[side];
        if (!ecdsa || key == 0) return ERC1271;
        return _ecdsa(digest, key == 1 ? KEY1_SECRET : KEY2_SECRET);
    }

    /// @dev secp256k1 ECDSA with the fixed nonce: s = k^-1 (e + r·d) mod N, normalised to the low half.
    function _ecdsa(bytes32 digest, uint256 secret) private pure returns (bytes memory) {
        uint256 s = mulmod(K_INV, addmod(uint256(digest) % N, mulmod(R_X, secret, N), N), N);
        uint256 v = 27 + R_Y_PARITY;
        if (s > N / 2) {
            s = N - s;
            v = v == 27 ? 28 : 27;
        }
        return abi.encodePacked(bytes32(R_X), bytes32(s), uint8(v));
    }

    function _proofHash(bytes32 id, IPaymentChannels.BalanceProof memory p) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(BALANCE_PROOF_TYPEHASH, id, p.nonce, p.transferred, p.locked, p.locksRoot)
            );
    }

    /// @dev Eight secrets: few enough that locks and registrations meet.
    function _secret(uint256 seed) private pure returns (bytes32) {
        return keccak256(abi.encode("peerpay.fuzz.secret", seed % 8));
    }

    function _approve(uint256 actor, uint256 amount) private {
        (bool ok, ) = _actor(actor).exec(address(_token), 0, abi.encodeCall(_token.approve, (address(_channels), amount)));
        assert(ok);
    }

    function _bit(uint256 actor) private pure returns (uint256) {
        return 1 << (actor % ACTORS);
    }

    /// @dev The bit of the actor at `who`, or 0 for an address no actor has (0 for none).
    function _actorBit(address who) private view returns (uint256) {
        for (uint256 i; i < ACTORS; ++i) if (address(_actors[i]) == who) return 1 << i;
        return 0;
    }
}
