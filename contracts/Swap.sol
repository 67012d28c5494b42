// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {PullPayments} from "./base/PullPayments.sol";
import {ISwap} from "./interfaces/ISwap.sol";
import {Signatures} from "./libraries/Signatures.sol";

/// @title PeerPay signed-order swaps
/// @notice A maker signs an order off-chain; a taker fills it, whole or in parts, in one transaction. The contract
/// holds no tokens: each leg goes straight from its payer to its receiver. Specification: docs/swaps.md (`SW-…`).
contract Swap is ISwap, PullPayments, Ownable2Step, EIP712 {
    using SafeERC20 for IERC20;

    /// @notice The highest protocol fee the owner can set: 1%.
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 100;

    /// @notice The EIP-712 type hash of `Order` (docs/swaps.md §3).
    bytes32 public constant ORDER_TYPEHASH = keccak256(
        "Order(address maker,address makerToken,uint256 makerAmount,address takerToken,uint256 takerAmount,"
        "address taker,address recipient,uint256 minFill,uint64 expiry,uint256 nonce,uint16 feeBps)"
    );

    uint256 private constant BPS = 10_000;

    /// @dev Gas `check` gives each token view and the maker's ERC-1271 wallet, so that a token or wallet burning all
    /// it gets cannot make `check` run out (fill forwards all gas: there the caller bears it). Honest token views use
    /// a few thousand; a multi-owner Safe's check well under the wallet cap.
    uint256 private constant CHECK_VIEW_GAS = 100_000;
    uint256 private constant CHECK_WALLET_GAS = 1_000_000;

    /// @dev Everything a fill reads about the fee, in one slot (recipient 160 bits, bps 16 bits).
    struct FeeConfig {
        address recipient;
        uint16 bps;
    }

    /// @dev Bit 255 of a nonce says which kind of order it belongs to: clear for fill-or-kill, set for partial
    /// (SW-N1), so a fill-or-kill order and a partial order never share a nonce.
    uint256 private constant PARTIAL_NONCE_FLAG = 1 << 255;

    FeeConfig private _fee;
    /// @dev Read by a fill only when the recovered signer is not the maker.
    mapping(address maker => address delegate) private _delegates;
    /// @dev Every address that was once the maker's delegate and was replaced or revoked (SW-D1). Fill never reads it.
    mapping(address maker => mapping(address delegate => bool)) private _retired;
    mapping(address maker => mapping(uint256 wordIndex => uint256 bits)) private _nonceWords;
    /// @dev Maker amount filled under a partial nonce, shared by every order signed with it (SW-N2).
    mapping(address maker => mapping(uint256 nonce => uint256 makerAmount)) private _filled;

    constructor(address initialOwner) Ownable(initialOwner) EIP712("PeerPay Swap", "1") {}

    // ------------------------------------------------------------------ filling

    /// @inheritdoc ISwap
    function fill(
        Order calldata order,
        bytes calldata signature,
        uint256 makerFill
    ) external payable returns (uint256 takerFill) {
        address maker = order.maker;
        uint256 makerAmount = order.makerAmount;
        uint256 minFill = order.minFill;
        if (!_wellFormed(order)) revert SwapInvalidOrder();
        if (block.timestamp >= order.expiry) revert SwapExpired(order.expiry);
        address taker = order.taker;
        if (taker != address(0) && taker != msg.sender) revert SwapUnauthorizedTaker(taker, msg.sender);
        FeeConfig memory cfg = _fee;
        if (order.feeBps < cfg.bps) revert SwapFeeTooLow(order.feeBps, cfg.bps);
        uint256 nonce = order.nonce;
        uint256 word = _nonceWords[maker][nonce >> 8];
        uint256 bit = 1 << (nonce & 255);
        if (word & bit != 0) revert SwapNonceUsed(maker, nonce);
        bytes32 orderHash = _hashOrder(order);
        if (!_validSignature(maker, orderHash, signature, gasleft())) {
            revert SwapInvalidSignature(maker);
        }

        // Effects, all before the first external call (SW-R1).
        if (minFill == makerAmount) {
            // Fill-or-kill: the nonce bit is the whole record (SW-P1).
            if (makerFill != makerAmount) revert SwapInvalidFillAmount(makerFill, minFill, makerAmount);
            _nonceWords[maker][nonce >> 8] = word | bit;
        } else {
            // Every order under this nonce draws on one counter: together they never give more than the largest.
            uint256 filled = _filled[maker][nonce];
            uint256 remaining = filled < makerAmount ? makerAmount - filled : 0;
            if (!_validPartialFill(makerFill, minFill, remaining)) {
                revert SwapInvalidFillAmount(makerFill, minFill, remaining);
            }
            _filled[maker][nonce] = filled + makerFill;
            // The fill that completes the order sets its bit, so a completed order fails as a used nonce (SW-N2).
            if (makerFill == remaining) _nonceWords[maker][nonce >> 8] = word | bit;
        }
        takerFill = _takerFill(makerFill, makerAmount, order.takerAmount);
        uint256 fee = _feeOf(makerFill, cfg.bps);

        address takerToken = order.takerToken;
        uint256 expectedValue = takerToken == address(0) ? takerFill : 0;
        if (msg.value != expectedValue) revert SwapValueMismatch(msg.value, expectedValue);
        address makerToken = order.makerToken;
        if (makerToken.code.length == 0) revert SwapTokenNotContract(makerToken);
        if (takerToken != address(0) && takerToken.code.length == 0) revert SwapTokenNotContract(takerToken);
        address recipient = order.recipient == address(0) ? maker : order.recipient;

        emit OrderFilled(orderHash, maker, msg.sender, makerFill, takerFill);
        _move(makerToken, maker, msg.sender, makerFill);
        if (fee != 0) _move(makerToken, maker, cfg.recipient, fee);
        if (takerToken == address(0)) {
            // A recipient that refuses the ETH is credited; it never blocks the fill (SW-V3).
            _payout(address(0), recipient, takerFill);
        } else {
            _move(takerToken, msg.sender, recipient, takerFill);
        }
    }

    // ------------------------------------------------------------------ cancelling and delegating

    /// @inheritdoc ISwap
    function cancel(uint256[] calldata nonces) external {
        mapping(uint256 => uint256) storage words = _nonceWords[msg.sender];
        uint256 length = nonces.length;
        for (uint256 i; i < length; ++i) {
            uint256 nonce = nonces[i];
            uint256 bit = 1 << (nonce & 255);
            uint256 word = words[nonce >> 8];
            // A set bit is skipped, so a cancel racing a fill of the same order does not revert (SW-N3).
            if (word & bit == 0) {
                words[nonce >> 8] = word | bit;
                emit NonceCancelled(msg.sender, nonce);
            }
        }
    }

    /// @inheritdoc ISwap
    function cancelRange(uint256 from, uint256 to) external {
        if (to <= from) revert SwapInvalidNonceRange(from, to);
        mapping(uint256 => uint256) storage words = _nonceWords[msg.sender];
        uint256 last = to - 1;
        uint256 firstWord = from >> 8;
        uint256 lastWord = last >> 8;
        // One write per bitmap word: whole words become all ones, the edge words get only the bits in range.
        for (uint256 w = firstWord; w <= lastWord; ++w) {
            uint256 mask = type(uint256).max;
            if (w == firstWord) mask &= type(uint256).max << (from & 255);
            if (w == lastWord) mask &= type(uint256).max >> (255 - (last & 255));
            words[w] |= mask;
        }
        emit NoncesCancelled(msg.sender, from, to);
    }

    /// @inheritdoc ISwap
    function setDelegate(address delegate) external {
        address previous = _delegates[msg.sender];
        if (delegate == previous) return;
        // A delegate replaced or revoked never signs for this maker again, so its old orders stay dead (SW-D1).
        if (_retired[msg.sender][delegate]) revert SwapDelegateRetired(delegate);
        if (previous != address(0)) _retired[msg.sender][previous] = true;
        _delegates[msg.sender] = delegate;
        emit DelegateSet(msg.sender, delegate);
    }

    // ------------------------------------------------------------------ owner

    /// @inheritdoc ISwap
    function setProtocolFee(uint256 bps, address recipient) external onlyOwner {
        if (bps > MAX_PROTOCOL_FEE_BPS) revert SwapProtocolFeeTooHigh(bps, MAX_PROTOCOL_FEE_BPS);
        // The fee goes straight from the maker to the recipient: the contract itself must never receive tokens.
        if ((bps != 0 && recipient == address(0)) || recipient == address(this)) revert SwapInvalidFeeRecipient();
        _fee = FeeConfig({recipient: recipient, bps: uint16(bps)});
        emit ProtocolFeeUpdated(bps, recipient);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ISwap
    function hashOrder(Order calldata order) external view returns (bytes32) {
        if (!_canonical(order)) revert SwapInvalidOrder();
        return _hashOrder(order);
    }

    /// @inheritdoc ISwap
    function check(
        Order calldata order,
        bytes calldata signature,
        uint256 makerFill,
        address taker
    ) external view returns (bytes4[] memory errors) {
        errors = new bytes4[](16);
        uint256 count;
        address maker = order.maker;
        bool wellFormed = _wellFormed(order);
        if (!wellFormed) errors[count++] = SwapInvalidOrder.selector;
        if (block.timestamp >= order.expiry) errors[count++] = SwapExpired.selector;
        if (taker != address(0) && order.taker != address(0) && order.taker != taker) {
            errors[count++] = SwapUnauthorizedTaker.selector;
        }
        FeeConfig memory cfg = _fee;
        if (order.feeBps < cfg.bps) errors[count++] = SwapFeeTooLow.selector;
        if (_nonceWords[maker][order.nonce >> 8] & (1 << (order.nonce & 255)) != 0) {
            errors[count++] = SwapNonceUsed.selector;
        }
        bytes32 orderHash = _hashOrder(order);
        // A zero maker would match the address(0) an invalid signature recovers; fill refuses it earlier (SW-O1).
        if (maker == address(0) || !_validSignature(maker, orderHash, signature, CHECK_WALLET_GAS)) {
            errors[count++] = SwapInvalidSignature.selector;
        }
        bool amountOk;
        uint256 takerFill;
        uint256 fee;
        if (wellFormed) {
            uint256 remaining = _remainingOf(order);
            amountOk =
                order.minFill == order.makerAmount
                    ? makerFill == order.makerAmount
                    : _validPartialFill(makerFill, order.minFill, remaining);
            if (amountOk) {
                takerFill = _takerFill(makerFill, order.makerAmount, order.takerAmount);
                fee = _feeOf(makerFill, cfg.bps);
            } else {
                errors[count++] = SwapInvalidFillAmount.selector;
            }
        }
        bool makerTokenOk = order.makerToken.code.length != 0;
        bool takerTokenOk = order.takerToken == address(0) || order.takerToken.code.length != 0;
        if ((order.makerToken != address(0) && !makerTokenOk) || !takerTokenOk) {
            errors[count++] = SwapTokenNotContract.selector;
        }
        if (amountOk) {
            count = _checkFunds(order, taker, makerFill, takerFill, fee, makerTokenOk && takerTokenOk, errors, count);
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(errors, count)
        }
    }

    /// @inheritdoc ISwap
    function quote(Order calldata order, uint256 makerFill) external view returns (Quote memory) {
        if (!_wellFormed(order) || !_canonical(order)) revert SwapInvalidOrder();
        uint256 makerAmount = order.makerAmount;
        uint256 minFill = order.minFill;
        uint256 remaining = _remainingOf(order);
        if (minFill == makerAmount ? makerFill != makerAmount : !_validPartialFill(makerFill, minFill, remaining)) {
            revert SwapInvalidFillAmount(makerFill, minFill, remaining);
        }
        return
            Quote({
                makerFill: makerFill,
                takerFill: _takerFill(makerFill, makerAmount, order.takerAmount),
                fee: _feeOf(makerFill, _fee.bps),
                remaining: remaining - makerFill
            });
    }

    /// @inheritdoc ISwap
    function filledOf(address maker, uint256 nonce) external view returns (uint256) {
        return _filled[maker][nonce];
    }

    /// @inheritdoc ISwap
    function isNonceUsed(address maker, uint256 nonce) external view returns (bool) {
        return _nonceWords[maker][nonce >> 8] & (1 << (nonce & 255)) != 0;
    }

    /// @inheritdoc ISwap
    function nonceBitmap(address maker, uint256 wordIndex) external view returns (uint256) {
        return _nonceWords[maker][wordIndex];
    }

    /// @inheritdoc ISwap
    function delegateOf(address maker) external view returns (address) {
        return _delegates[maker];
    }

    /// @inheritdoc ISwap
    function isRetiredDelegate(address maker, address delegate) external view returns (bool) {
        return _retired[maker][delegate];
    }

    /// @inheritdoc ISwap
    function protocolFee() external view returns (uint256 bps, address recipient) {
        FeeConfig memory cfg = _fee;
        return (cfg.bps, cfg.recipient);
    }

    // ------------------------------------------------------------------ internals

    /// @dev SW-O1: the fields every fill needs, non-zero and consistent; the nonce of the order's kind (bit 255 clear
    /// for fill-or-kill, set for partial); the recipient is never this contract (which must hold no tokens).
    function _wellFormed(Order calldata order) private view returns (bool) {
        uint256 minFill = order.minFill;
        uint256 makerAmount = order.makerAmount;
        return
            order.maker != address(0) &&
            order.makerToken != address(0) &&
            makerAmount != 0 &&
            order.takerAmount != 0 &&
            minFill != 0 &&
            minFill <= makerAmount &&
            (minFill == makerAmount) == (order.nonce & PARTIAL_NONCE_FLAG == 0) &&
            order.recipient != address(this);
    }

    /// @dev Whether every field of `order` is a clean ABI value (addresses, uint64 and uint16 with zero upper bits).
    /// `fill` gets this from the ABI decoder as it reads each field; the views that only hash need it said.
    function _canonical(Order calldata order) private pure returns (bool clean) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let dirty := shr(160, calldataload(order))
            dirty := or(dirty, shr(160, calldataload(add(order, 0x20))))
            dirty := or(dirty, shr(160, calldataload(add(order, 0x60))))
            dirty := or(dirty, shr(160, calldataload(add(order, 0xa0))))
            dirty := or(dirty, shr(160, calldataload(add(order, 0xc0))))
            dirty := or(dirty, shr(64, calldataload(add(order, 0x100))))
            dirty := or(dirty, shr(16, calldataload(add(order, 0x140))))
            clean := iszero(dirty)
        }
    }

    /// @dev SW-P2: at least `minFill` unless it is exactly the rest, never zero, never more than the rest.
    function _validPartialFill(uint256 makerFill, uint256 minFill, uint256 remaining) private pure returns (bool) {
        return makerFill != 0 && makerFill <= remaining && (makerFill >= minFill || makerFill == remaining);
    }

    /// @dev What remains of a well-formed order: all of a fill-or-kill order (its bit is the record), else its
    /// amount less what its nonce's orders filled, floored at 0.
    function _remainingOf(Order calldata order) private view returns (uint256) {
        uint256 makerAmount = order.makerAmount;
        if (order.minFill == makerAmount) return makerAmount;
        uint256 filled = _filled[order.maker][order.nonce];
        return filled < makerAmount ? makerAmount - filled : 0;
    }

    /// @dev SW-P3: rounded up, in the maker's favour; the whole order costs exactly `takerAmount`.
    function _takerFill(uint256 makerFill, uint256 makerAmount, uint256 takerAmount) private pure returns (uint256) {
        if (makerFill == makerAmount) return takerAmount;
        return Math.mulDiv(makerFill, takerAmount, makerAmount, Math.Rounding.Ceil);
    }

    /// @dev The fee the maker pays on top of `makerFill`, rounded down (in the maker's favour).
    function _feeOf(uint256 makerFill, uint256 bps) private pure returns (uint256) {
        return bps == 0 ? 0 : Math.mulDiv(makerFill, bps, BPS);
    }

    /// @dev The EIP-712 digest of `order`. Its eleven fields are static, so the struct hash is keccak256 of the type
    /// hash and the order's calldata words as they are. Solidity validates each field where `fill` reads it (all of
    /// them, before any state changes), so an order whose words are not clean ABI values never fills.
    function _hashOrder(Order calldata order) private view returns (bytes32) {
        bytes32 typeHash = ORDER_TYPEHASH;
        bytes32 structHash;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            calldatacopy(add(ptr, 0x20), order, 0x160)
            structHash := keccak256(ptr, 0x180)
        }
        return _hashTypedDataV4(structHash);
    }

    /// @dev SW-S1: the maker's own key, else its delegate's (never address(0)), else the maker's ERC-1271 wallet,
    /// called with at most `walletGas`.
    function _validSignature(
        address maker,
        bytes32 digest,
        bytes calldata signature,
        uint256 walletGas
    ) private view returns (bool valid) {
        address signer = Signatures.recover(digest, signature);
        if (signer == maker) return true;
        // The delegate slot is read only here: a maker signing for itself never pays for it.
        if (signer != address(0) && signer == _delegates[maker]) return true;
        if (maker.code.length == 0) return false;
        bytes4 magic = IERC1271.isValidSignature.selector;
        // isValidSignature(digest, signature), built from calldata without an intermediate copy; the wallet must
        // return at least one word whose first four bytes are the magic value and the rest zero.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, magic)
            mstore(add(ptr, 0x04), digest)
            mstore(add(ptr, 0x24), 0x40)
            mstore(add(ptr, 0x44), signature.length)
            calldatacopy(add(ptr, 0x64), signature.offset, signature.length)
            let ok := staticcall(walletGas, maker, ptr, add(signature.length, 0x64), 0x00, 0x20)
            valid := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), magic)))
        }
    }

    /// @dev Moves `amount` of `token` from `from` to `to` and requires that `to` received all of it (SW-V2). A move to
    /// oneself changes no balance, so it is not measured.
    function _move(address token, address from, address to, uint256 amount) private {
        if (from == to) {
            IERC20(token).safeTransferFrom(from, to, amount);
            return;
        }
        uint256 balanceBefore = _balanceOf(token, to);
        IERC20(token).safeTransferFrom(from, to, amount);
        uint256 balanceAfter = _balanceOf(token, to);
        uint256 received = balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0;
        if (received < amount) revert SwapTransferShortfall(token, amount, received);
    }

    /// @dev SW-C1, the funds part of `check`: the maker covers makerFill + fee, the taker (if given) takerFill.
    function _checkFunds(
        Order calldata order,
        address taker,
        uint256 makerFill,
        uint256 takerFill,
        uint256 fee,
        bool tokensOk,
        bytes4[] memory errors,
        uint256 count
    ) private view returns (uint256) {
        if (!tokensOk) return count;
        address maker = order.maker;
        // Saturating: makerFill near 2^256 must not make check revert.
        uint256 need = makerFill > type(uint256).max - fee ? type(uint256).max : makerFill + fee;
        if (_tryRead(order.makerToken, abi.encodeCall(IERC20.balanceOf, (maker))) < need) {
            errors[count++] = SwapMakerBalanceTooLow.selector;
        }
        if (_tryRead(order.makerToken, abi.encodeCall(IERC20.allowance, (maker, address(this)))) < need) {
            errors[count++] = SwapMakerAllowanceTooLow.selector;
        }
        if (taker == address(0)) return count;
        if (order.takerToken == address(0)) {
            if (taker.balance < takerFill) errors[count++] = SwapTakerBalanceTooLow.selector;
            return count;
        }
        uint256 takerBalance = _tryRead(order.takerToken, abi.encodeCall(IERC20.balanceOf, (taker)));
        // The taker is paid first: in a same-token order the maker's makerFill counts towards what it pays.
        if (order.takerToken == order.makerToken && taker != maker) {
            takerBalance = takerBalance > type(uint256).max - makerFill ? type(uint256).max : takerBalance + makerFill;
        }
        if (takerBalance < takerFill) errors[count++] = SwapTakerBalanceTooLow.selector;
        if (_tryRead(order.takerToken, abi.encodeCall(IERC20.allowance, (taker, address(this)))) < takerFill) {
            errors[count++] = SwapTakerAllowanceTooLow.selector;
        }
        return count;
    }

    /// @dev `token.balanceOf(account)`, reverting as a high-level call would (bubbling the token's revert) and
    /// requiring a full word back, without the ABI encoder's memory traffic.
    function _balanceOf(address token, address account) private view returns (uint256 amount) {
        bytes4 selector = IERC20.balanceOf.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, account)
            if iszero(staticcall(gas(), token, 0x00, 0x24, 0x00, 0x20)) {
                let ptr := mload(0x40)
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0x20) {
                revert(0, 0)
            }
            amount := mload(0x00)
        }
    }

    /// @dev A uint256 view of `token`, or 0 when the call fails or returns too little: `check` must never revert.
    function _tryRead(address token, bytes memory data) private view returns (uint256 value) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ok := staticcall(CHECK_VIEW_GAS, token, add(data, 0x20), mload(data), 0x00, 0x20)
            if and(ok, gt(returndatasize(), 0x1f)) {
                value := mload(0x00)
            }
        }
    }
}
