// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "./IPullPayments.sol";

/// @title PeerPay signed-order swaps: a maker signs an order off-chain, a taker fills it atomically on-chain
/// @notice The maker's asset is an ERC20; the taker's is an ERC20 or native ETH (`takerToken == address(0)`). An order
/// whose `minFill` equals its `makerAmount` fills whole, once; a smaller `minFill` lets it fill in parts. Each order
/// names a `nonce` of its maker; a nonce's bit in the maker's bitmap is set when the order is filled completely or
/// cancelled, and an order whose nonce lies in a range the maker cancelled is cancelled too. Nonces are split by bit 255: clear for
/// fill-or-kill orders, set for partial orders; the orders sharing a partial nonce share one filled amount. Specification:
/// docs/swaps.md (rule ids `SW-…`).
interface ISwap is IPullPayments {
    /// @notice An order, signed by its maker (EIP-712 `Order`, domain "PeerPay Swap", version "1").
    /// @param maker Who gives `makerToken` and receives `takerToken` (an EOA, or an ERC-1271 wallet).
    /// @param makerToken The ERC20 the maker gives.
    /// @param makerAmount How much the maker gives when the order fills whole.
    /// @param takerToken The ERC20 the taker gives, or address(0) for native ETH (sent as `msg.value`).
    /// @param takerAmount How much the taker gives when the order fills whole.
    /// @param taker The only account that may fill, or address(0) for anyone.
    /// @param recipient Where the taker's asset goes, or address(0) for the maker.
    /// @param minFill The least maker amount one fill may take (the last fill may take a smaller rest);
    /// `minFill == makerAmount` makes a fill-or-kill order.
    /// @param expiry Fillable while `block.timestamp < expiry`.
    /// @param nonce The maker's nonce for this order; also what cancels it.
    /// @param feeBps The highest protocol fee, in basis points, the maker accepts; the fee charged is the current one.
    struct Order {
        address maker;
        address makerToken;
        uint256 makerAmount;
        address takerToken;
        uint256 takerAmount;
        address taker;
        address recipient;
        uint256 minFill;
        uint64 expiry;
        uint256 nonce;
        uint16 feeBps;
    }

    /// @notice What a fill of `makerFill` would move, exactly (see `quote`).
    /// @param makerFill The maker amount the taker receives.
    /// @param takerFill What the taker pays the recipient: `ceil(makerFill * takerAmount / makerAmount)`.
    /// @param fee The protocol fee the maker pays on top, in `makerToken`: `floor(makerFill * feeBps / 10_000)` at
    /// the current fee.
    /// @param remaining The order's maker amount left to fill after this fill.
    struct Quote {
        uint256 makerFill;
        uint256 takerFill;
        uint256 fee;
        uint256 remaining;
    }

    // ------------------------------------------------------------------ events

    /// @notice `taker` filled `makerFill` of the order `orderHash`, paying `takerFill` to the order's recipient; the
    /// maker paid the fee on top (`makerFill * bps / 10_000` at the bps of the last ProtocolFeeUpdated).
    event OrderFilled(
        bytes32 indexed orderHash,
        address indexed maker,
        address indexed taker,
        uint256 makerFill,
        uint256 takerFill
    );
    /// @notice `maker` cancelled the order with `nonce` (its bit is set).
    event NonceCancelled(address indexed maker, uint256 nonce);
    /// @notice `maker` cancelled every order with a nonce in [from, to).
    event NoncesCancelled(address indexed maker, uint256 from, uint256 to);
    /// @notice `maker` lets `delegate` sign orders for it (address(0): nobody).
    event DelegateSet(address indexed maker, address indexed delegate);
    event ProtocolFeeUpdated(uint256 bps, address recipient);

    // ------------------------------------------------------------------ errors

    /// @notice A malformed order: a zero maker, maker token, maker amount, taker amount or `minFill`;
    /// `minFill > makerAmount`; a nonce of the wrong kind (bit 255 set on a fill-or-kill order, clear on a partial
    /// one); the recipient is this contract; or (views) a field that is not a clean ABI value.
    error SwapInvalidOrder();
    error SwapTokenNotContract(address token);
    error SwapExpired(uint256 expiry);
    /// @notice The signature is neither the maker's, nor its delegate's, nor accepted by the maker's ERC-1271 wallet.
    error SwapInvalidSignature(address maker);
    /// @notice The nonce's bit is set: the order was filled completely or cancelled.
    error SwapNonceUsed(address maker, uint256 nonce);
    error SwapUnauthorizedTaker(address taker, address caller);
    /// @notice The order's signed fee is below the current protocol fee.
    error SwapFeeTooLow(uint256 signedBps, uint256 currentBps);
    /// @notice `amount` is zero, below `minFill` while more than it remains, or above what remains.
    error SwapInvalidFillAmount(uint256 amount, uint256 minFill, uint256 remaining);
    error SwapValueMismatch(uint256 sent, uint256 expected);
    /// @notice A token moved less than asked to the account that should receive it (a fee-on-transfer token).
    error SwapTransferShortfall(address token, uint256 expected, uint256 received);
    error SwapProtocolFeeTooHigh(uint256 bps, uint256 max);
    error SwapInvalidFeeRecipient();
    /// @notice `cancelRange` needs `to > from`.
    error SwapInvalidNonceRange(uint256 from, uint256 to);
    /// @notice The address was the caller's delegate before and was replaced or revoked: it can never be set again.
    error SwapDelegateRetired(address delegate);
    /// @notice Reported by `check` only (a fill would revert inside the token): the maker's balance of the maker
    /// token is below `makerFill + fee`.
    error SwapMakerBalanceTooLow();
    /// @notice Reported by `check` only: the maker's allowance to this contract is below `makerFill + fee`.
    error SwapMakerAllowanceTooLow();
    /// @notice Reported by `check` only: the taker's balance of the taker asset (ETH included) is below `takerFill`.
    error SwapTakerBalanceTooLow();
    /// @notice Reported by `check` only: the taker's allowance of the taker token is below `takerFill`.
    error SwapTakerAllowanceTooLow();

    // ------------------------------------------------------------------ filling

    /// @notice Fills `makerFill` of `order`: the caller receives `makerFill` of the maker token, the recipient
    /// receives `ceil(makerFill * takerAmount / makerAmount)` of the taker asset, the maker pays the current
    /// protocol fee on top. For an ETH taker leg, `msg.value` must equal that amount exactly; otherwise it must be 0.
    /// @param order The signed order.
    /// @param signature 65-byte or 64-byte (EIP-2098) ECDSA by the maker or its delegate, or the maker's ERC-1271
    /// signature.
    /// @param makerFill The maker amount to take: `makerAmount` for a fill-or-kill order; for a partial order at
    /// least `minFill`, or exactly what remains, and never more than what remains.
    /// @return takerFill What the caller paid.
    function fill(
        Order calldata order,
        bytes calldata signature,
        uint256 makerFill
    ) external payable returns (uint256 takerFill);

    // ------------------------------------------------------------------ cancelling and delegating (by the maker)

    /// @notice Cancels the caller's orders with these nonces (sets their bits); a nonce already used is skipped.
    function cancel(uint256[] calldata nonces) external;

    /// @notice Cancels every order of the caller with a nonce in [from, to) (`to > from`), by setting their bits one
    /// bitmap word at a time: gas grows with (to - from) / 256. "Everything below n" is `cancelRange(low, n)` from the
    /// lowest nonce that may still be open (0 at worst); partial nonces start at 2^255.
    function cancelRange(uint256 from, uint256 to) external;

    /// @notice Lets `delegate` sign orders for the caller, replacing any previous delegate; address(0) revokes.
    /// Orders a delegate signed stop being fillable the moment it is replaced or revoked, for good: a replaced or
    /// revoked delegate can never be set again (SwapDelegateRetired). Setting the current delegate is a no-op.
    function setDelegate(address delegate) external;

    // ------------------------------------------------------------------ owner

    /// @notice Sets the protocol fee (at most `MAX_PROTOCOL_FEE_BPS`) and its recipient (non-zero when bps > 0).
    /// Open orders signed with a fee at least the new one stay fillable; the others stop being fillable.
    function setProtocolFee(uint256 bps, address recipient) external;

    // ------------------------------------------------------------------ views

    /// @notice The EIP-712 hash of `order` (what the maker signs), under this contract's domain on this chain. Reverts
    /// SwapInvalidOrder for a field that is not a clean ABI value (fill would not accept it either).
    function hashOrder(Order calldata order) external view returns (bytes32);

    /// @notice Every reason `fill(order, signature, makerFill)` sent by `taker` would revert now, as the selectors
    /// of the errors above (empty: it would succeed), including the maker's and the taker's balances and
    /// allowances. A taker of address(0) skips the taker's checks.
    function check(
        Order calldata order,
        bytes calldata signature,
        uint256 makerFill,
        address taker
    ) external view returns (bytes4[] memory errors);

    /// @notice What `fill(order, _, makerFill)` would move now. Does not check the signature or the nonce.
    function quote(Order calldata order, uint256 makerFill) external view returns (Quote memory);

    /// @notice The maker amount filled so far under the maker's partial `nonce`, by all orders signed with it (each
    /// order's remaining is its makerAmount less this, floored at 0); 0 for a fill-or-kill nonce.
    function filledOf(address maker, uint256 nonce) external view returns (uint256);

    /// @notice Whether the maker's `nonce` is used: its bit is set (filled completely or cancelled).
    function isNonceUsed(address maker, uint256 nonce) external view returns (bool);

    /// @notice The maker's bitmap word `wordIndex` (bit `nonce % 256` of word `nonce / 256`).
    function nonceBitmap(address maker, uint256 wordIndex) external view returns (uint256);

    /// @notice The maker's delegate, or address(0).
    function delegateOf(address maker) external view returns (address);

    /// @notice Whether `delegate` was the maker's delegate once and was replaced or revoked (it can't be set again).
    function isRetiredDelegate(address maker, address delegate) external view returns (bool);

    /// @notice The current protocol fee and its recipient.
    function protocolFee() external view returns (uint256 bps, address recipient);
}
