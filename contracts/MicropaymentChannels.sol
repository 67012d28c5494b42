// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IMicropaymentChannels} from "./interfaces/IMicropaymentChannels.sol";
import {PermitDeposits} from "./base/PermitDeposits.sol";
import {PullPayments} from "./base/PullPayments.sol";

/// @title PeerPay micropayment channels
/// @notice Unidirectional channels in ETH or any ERC20: the payer deposits once and pays the payee off-chain with
/// cumulative EIP-712 vouchers, signed by the payer or a session key. No owner, no fee, no pause.
/// Specification: docs/micropayments.md.
contract MicropaymentChannels is IMicropaymentChannels, PullPayments, PermitDeposits, EIP712 {
    uint256 public constant MIN_CHALLENGE_PERIOD = 1 hours;
    uint256 public constant MAX_CHALLENGE_PERIOD = 30 days;

    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint256 amount)");

    mapping(bytes32 channelId => ChannelState state) private _channels;
    mapping(bytes32 channelId => SignerChange change) private _signerChanges;

    constructor() EIP712("PeerPay Micropayments", "1") {}

    // ------------------------------------------------------------------ opening and funding

    /// @inheritdoc IMicropaymentChannels
    /// @dev Not `nonReentrant` as a whole: the ETH path makes no external call, and the token pull is guarded.
    function open(OpenParams calldata params) external payable returns (bytes32) {
        return _open(params);
    }

    /// @inheritdoc IMicropaymentChannels
    function openWithPermit(
        OpenParams calldata params,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32) {
        if (!_tryPermit(params.token, params.amount, permitDeadline, v, r, s)) {
            revert ChannelTokenNotContract(params.token);
        }
        return _open(params);
    }

    function _open(OpenParams calldata p) private returns (bytes32 channelId) {
        if (p.payee == address(0) || p.payee == msg.sender || p.payee == address(this)) {
            revert ChannelInvalidPayee(p.payee);
        }
        // The payee must never be able to sign its own vouchers.
        if (p.signer == p.payee) revert ChannelInvalidSigner(p.signer);
        if (p.amount == 0 || p.amount > type(uint96).max) revert ChannelInvalidAmount(p.amount);
        if (p.challengePeriod < MIN_CHALLENGE_PERIOD || p.challengePeriod > MAX_CHALLENGE_PERIOD) {
            revert ChannelInvalidChallengePeriod(p.challengePeriod);
        }
        if (p.salt > type(uint32).max) revert ChannelInvalidSalt(p.salt);
        _requireValue(p.token, p.amount);

        Channel memory channel = Channel({
            payer: msg.sender,
            payee: p.payee,
            token: p.token,
            signer: p.signer,
            // Cannot truncate: both checked just above.
            challengePeriod: uint32(p.challengePeriod),
            salt: uint32(p.salt)
        });
        channelId = _channelId(channel);
        if (_channels[channelId].status != Status.None) revert ChannelExists(channelId);
        _channels[channelId] = ChannelState({
            // Cannot truncate: checked above.
            deposit: uint96(p.amount),
            claimed: 0,
            closesAt: 0,
            status: Status.Open,
            signerChanged: false
        });
        emit ChannelOpened(channelId, msg.sender, p.payee, channel, p.amount);
        _pullExact(p.token, p.amount);
    }

    /// @inheritdoc IMicropaymentChannels
    function topUp(Channel calldata channel, uint256 amount) external payable {
        (bytes32 channelId, , ChannelState memory state) = _load(channel);
        if (msg.sender != channel.payer) revert ChannelUnauthorized(channelId, msg.sender);
        if (state.closesAt != 0) revert ChannelClosing(channelId, state.closesAt);
        if (amount == 0 || amount > type(uint96).max - state.deposit) revert ChannelInvalidAmount(amount);
        _requireValue(channel.token, amount);
        // Cannot truncate: checked above.
        state.deposit += uint96(amount);
        _channels[channelId] = state;
        emit ChannelToppedUp(channelId, amount, state.deposit);
        _pullExact(channel.token, amount);
    }

    // ------------------------------------------------------------------ claiming and closing

    /// @inheritdoc IMicropaymentChannels
    function claim(Channel calldata channel, uint256 amount, bytes calldata signature) external nonReentrant {
        _payout(channel.token, channel.payee, _claim(channel, amount, signature, false));
    }

    /// @inheritdoc IMicropaymentChannels
    function claimMany(address payee, address token, BatchClaim[] calldata claims) external nonReentrant {
        uint256 count = claims.length;
        if (count == 0) revert ChannelEmptyBatch();
        uint256 total;
        for (uint256 i; i < count; ++i) {
            BatchClaim calldata c = claims[i];
            Channel memory channel = Channel(c.payer, payee, token, c.signer, c.challengePeriod, c.salt);
            // A claim someone already made (anyone may claim for the payee) is skipped, not reverted: otherwise a
            // front-run of one claim could sink the batch and, near a deadline, the payee's other claims with it.
            total += _claim(channel, c.amount, c.signature, true);
        }
        _payout(token, payee, total);
    }

    /// @inheritdoc IMicropaymentChannels
    function close(Channel calldata channel, uint256 amount, bytes calldata signature) external nonReentrant {
        (bytes32 channelId, , ChannelState memory state) = _load(channel);
        if (msg.sender != channel.payee) revert ChannelUnauthorized(channelId, msg.sender);
        _requireClaimWindow(channelId, state);
        uint256 claimable = _claimable(state, amount);
        uint256 toPayee;
        if (claimable > state.claimed) {
            _requireVoucher(channelId, channel, state, amount, signature);
            toPayee = claimable - state.claimed;
        }
        uint256 toPayer = state.deposit - state.claimed - toPayee;
        // Cannot truncate: claimable <= deposit, a uint96.
        state.claimed += uint96(toPayee);
        state.status = Status.Closed;
        _channels[channelId] = state;
        emit ChannelClosed(channelId, toPayee, toPayer);
        _payout(channel.token, channel.payee, toPayee);
        _payout(channel.token, channel.payer, toPayer);
    }

    /// @inheritdoc IMicropaymentChannels
    function requestClose(Channel calldata channel) external nonReentrant {
        (bytes32 channelId, , ChannelState memory state) = _load(channel);
        if (msg.sender != channel.payer) revert ChannelUnauthorized(channelId, msg.sender);
        if (state.closesAt != 0) revert ChannelClosing(channelId, state.closesAt);
        // Cannot truncate: a uint40 timestamp lasts until the year 36,812.
        state.closesAt = uint40(block.timestamp + channel.challengePeriod);
        _channels[channelId] = state;
        emit ChannelCloseRequested(channelId, state.closesAt);
    }

    /// @inheritdoc IMicropaymentChannels
    function finalize(Channel calldata channel) external nonReentrant {
        (bytes32 channelId, , ChannelState memory state) = _load(channel);
        if (state.closesAt == 0 || block.timestamp <= state.closesAt) {
            revert ChannelChallengeNotOver(channelId, state.closesAt);
        }
        uint256 toPayer = state.deposit - state.claimed;
        state.status = Status.Closed;
        _channels[channelId] = state;
        emit ChannelFinalized(channelId, toPayer);
        _payout(channel.token, channel.payer, toPayer);
    }

    // ------------------------------------------------------------------ session keys

    /// @inheritdoc IMicropaymentChannels
    function setSigner(Channel calldata channel, address newSigner) external nonReentrant {
        (bytes32 channelId, , ChannelState memory state) = _load(channel);
        if (msg.sender != channel.payer) revert ChannelUnauthorized(channelId, msg.sender);
        if (state.closesAt != 0) revert ChannelClosing(channelId, state.closesAt);
        if (newSigner == channel.payee) revert ChannelInvalidSigner(newSigner);
        address previous = channel.signer;
        if (state.signerChanged) {
            SignerChange memory last = _signerChanges[channelId];
            uint256 graceEndsAt = uint256(last.changedAt) + channel.challengePeriod;
            // A second change during the grace period would end the previous key's grace early.
            if (block.timestamp <= graceEndsAt) revert ChannelSignerChangePending(channelId, graceEndsAt);
            previous = last.current;
        } else {
            state.signerChanged = true;
            _channels[channelId] = state;
        }
        _signerChanges[channelId] = SignerChange({
            current: newSigner,
            changedAt: uint40(block.timestamp),
            previous: previous
        });
        emit SignerChanged(channelId, previous, newSigner, block.timestamp + channel.challengePeriod);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IMicropaymentChannels
    function getChannelState(bytes32 channelId) external view returns (ChannelState memory) {
        return _channels[channelId];
    }

    /// @inheritdoc IMicropaymentChannels
    function signerChangeOf(bytes32 channelId) external view returns (SignerChange memory) {
        return _signerChanges[channelId];
    }

    /// @inheritdoc IMicropaymentChannels
    function computeChannelId(Channel calldata channel) external view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), channel));
    }

    /// @inheritdoc IMicropaymentChannels
    function voucherDigest(bytes32 channelId, uint256 amount) external view returns (bytes32) {
        return _voucherDigest(channelId, amount);
    }

    // ------------------------------------------------------------------ internals

    /// @dev The id and state of an open channel with these terms; reverts if there is none or it is closed.
    /// The storage reference spares a caller that writes one field a second hash of the mapping slot.
    function _load(
        Channel memory channel
    ) private view returns (bytes32 channelId, ChannelState storage ref, ChannelState memory state) {
        channelId = _channelId(channel);
        ref = _channels[channelId];
        state = ref;
        if (state.status == Status.None) revert ChannelNotFound(channelId);
        if (state.status == Status.Closed) revert ChannelNotOpen(channelId);
    }

    /// @dev keccak256(abi.encode(block.chainid, address(this), channel)), without copying through a new buffer: the
    /// six fields of a memory `Channel` are six clean words, in order.
    function _channelId(Channel memory channel) private view returns (bytes32 id) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, chainid())
            mstore(add(ptr, 0x20), address())
            mcopy(add(ptr, 0x40), channel, 0xc0)
            id := keccak256(ptr, 0x100)
        }
    }

    /// @dev Checks and records a claim; returns what it pays the payee (the caller pays it out). A claim that would
    /// pay nothing reverts, or returns 0 with `skipIfNothing` (batches).
    function _claim(
        Channel memory channel,
        uint256 amount,
        bytes calldata signature,
        bool skipIfNothing
    ) private returns (uint256 paid) {
        (bytes32 channelId, ChannelState storage ref, ChannelState memory state) = _load(channel);
        _requireClaimWindow(channelId, state);
        uint256 claimable = _claimable(state, amount);
        if (claimable <= state.claimed) {
            if (skipIfNothing) return 0;
            revert ChannelNothingToClaim(channelId, claimable, state.claimed);
        }
        _requireVoucher(channelId, channel, state, amount, signature);
        paid = claimable - state.claimed;
        // Cannot truncate: claimable <= deposit, a uint96.
        ref.claimed = uint96(claimable);
        emit ChannelClaimed(channelId, claimable);
    }

    /// @dev What a voucher for `amount` can have paid in all: capped at the deposit (a voucher above it was a
    /// promise beyond the funds; the payee gets everything there is).
    function _claimable(ChannelState memory state, uint256 amount) private pure returns (uint256) {
        return amount < state.deposit ? amount : state.deposit;
    }

    /// @dev After a close request, the payee may claim up to and including `closesAt`.
    function _requireClaimWindow(bytes32 channelId, ChannelState memory state) private view {
        if (state.closesAt != 0 && block.timestamp > state.closesAt) {
            revert ChannelChallengeOver(channelId, state.closesAt);
        }
    }

    /// @dev Reverts unless the voucher is signed by the payer (ECDSA, or ERC-1271 for a contract payer) or by a
    /// session key valid now (docs/micropayments.md §2, §3).
    function _requireVoucher(
        bytes32 channelId,
        Channel memory channel,
        ChannelState memory state,
        uint256 amount,
        bytes calldata signature
    ) private view {
        bytes32 digest = _voucherDigest(channelId, amount);
        address recovered = _recover(digest, signature);
        // The payer's own signature, the common case, needs nothing more (the payer is never address(0)).
        if (recovered != channel.payer)
            _requireDelegatedSignature(channelId, channel, state, digest, recovered, signature);
    }

    /// @dev The rest of {_requireVoucher}: a session key valid now, or the ERC-1271 approval of a contract payer.
    function _requireDelegatedSignature(
        bytes32 channelId,
        Channel memory channel,
        ChannelState memory state,
        bytes32 digest,
        address recovered,
        bytes calldata signature
    ) private view {
        if (recovered != address(0) && _isSessionKey(channelId, channel, state, recovered)) return;
        if (
            channel.payer.code.length != 0 &&
            SignatureChecker.isValidERC1271SignatureNow(channel.payer, digest, signature)
        ) return;
        revert ChannelInvalidSignature(channelId);
    }

    /// @dev The signer of `digest` for a 65-byte (r, s, v) signature or a 64-byte EIP-2098 (r, yParity ‖ s)
    /// signature with a low `s`; address(0) for any other signature (another length, a high `s`, `v` other than
    /// 27 or 28, or one that recovers no key). Both forms of one signature name the same signer; vouchers are never
    /// identified by their signature bytes, so the two encodings cannot be replayed against each other.
    /// The compact form saves a payee 92 to 101 gas per channel of a batch claim (no padding, no `v` byte).
    /// Why not OpenZeppelin's `ECDSA.parseCalldata` and `tryRecover` (measured on gas/snapshot.json): both together
    /// cost 99 to 114 gas more per voucher (over the batch target); the parser alone with this precompile call costs
    /// +12 per 65-byte voucher and sends every other length through a 3,000-gas precompile call, unless a `v == 0`
    /// check is added, which costs +22 to +37. The two lengths are parsed here, as the parser does.
    function _recover(bytes32 digest, bytes calldata signature) private view returns (address signer) {
        bytes32 r;
        bytes32 s;
        uint256 v;
        if (signature.length == 65) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                s := calldataload(add(signature.offset, 0x20))
                v := byte(0, calldataload(add(signature.offset, 0x40)))
            }
        } else if (signature.length == 64) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                let vs := calldataload(add(signature.offset, 0x20))
                s := and(vs, 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff)
                v := add(shr(255, vs), 27)
            }
        } else {
            return address(0);
        }
        // Upper bound of a low s: secp256k1n / 2 (a high s is the other, malleable form of a signature).
        if (uint256(s) > 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0) return address(0);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, digest)
            mstore(add(ptr, 0x20), v)
            mstore(add(ptr, 0x40), r)
            mstore(add(ptr, 0x60), s)
            // The precompile returns no data when nothing recovers (bad v, r or s out of range).
            let ok := staticcall(gas(), 1, ptr, 0x80, 0x00, 0x20)
            if and(ok, eq(returndatasize(), 0x20)) {
                signer := mload(0x00)
            }
        }
    }

    /// @dev Whether `key` (a recovered, non-zero address) is a session key of the channel now.
    function _isSessionKey(
        bytes32 channelId,
        Channel memory channel,
        ChannelState memory state,
        address key
    ) private view returns (bool) {
        // The common case needs no second storage read: the key authorised at open, never rotated.
        if (!state.signerChanged) return key == channel.signer;
        SignerChange memory change = _signerChanges[channelId];
        if (key == change.current) return true;
        return key == change.previous && block.timestamp <= uint256(change.changedAt) + channel.challengePeriod;
    }

    function _voucherDigest(bytes32 channelId, uint256 amount) private view returns (bytes32) {
        bytes32 structHash;
        bytes32 typeHash = VOUCHER_TYPEHASH;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), channelId)
            mstore(add(ptr, 0x40), amount)
            structHash := keccak256(ptr, 0x60)
        }
        return _hashTypedDataV4(structHash);
    }

    /// @dev ETH comes by value; an ERC20 by allowance, with no value and from a contract.
    function _requireValue(address token, uint256 amount) private view {
        if (token == address(0)) {
            if (msg.value != amount) revert ChannelValueMismatch(msg.value, amount);
        } else {
            if (msg.value != 0) revert ChannelValueMismatch(msg.value, 0);
            if (token.code.length == 0) revert ChannelTokenNotContract(token);
        }
    }

    /// @dev Pulls an ERC20 deposit and rejects fee-on-transfer tokens; nothing to do for ETH (it came by value).
    function _pullExact(address token, uint256 amount) private {
        if (token == address(0)) return;
        uint256 received = _pullFrom(IERC20(token), amount);
        if (received != amount) revert ChannelTokenTransferMismatch(amount, received);
    }
}
