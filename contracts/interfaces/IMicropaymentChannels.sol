// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "./IPullPayments.sol";

/// @title PeerPay micropayment channels: one deposit, thousands of off-chain payments by cumulative vouchers
/// @notice One contract holds every channel. A channel's id is the hash of the chain id, this contract and its
/// immutable terms (`Channel`), which callers pass with each action; its state is one storage slot.
/// Specification: docs/micropayments.md.
interface IMicropaymentChannels is IPullPayments {
    /// @notice A channel's status. `None`: no channel has this id.
    enum Status {
        None,
        Open,
        Closed
    }

    /// @notice The immutable terms of a channel.
    /// @param payer Deposits and signs vouchers (an EOA or an ERC-1271 wallet).
    /// @param payee Receives payments.
    /// @param token The ERC20, or address(0) for ETH.
    /// @param signer The session key authorised at open, or address(0) for none.
    /// @param challengePeriod Seconds the payee has to claim after the payer asks to close.
    /// @param salt Any value; only makes otherwise identical channels distinct.
    struct Channel {
        address payer;
        address payee;
        address token;
        address signer;
        uint32 challengePeriod;
        uint32 salt;
    }

    /// @notice The state of a channel, one storage slot: 96 + 96 + 40 + 8 + 8 = 248 bits.
    /// @param deposit Total deposited.
    /// @param claimed Total paid to the payee.
    /// @param closesAt 0, or the last second of the challenge period after the payer's close request.
    /// @param signerChanged Whether `setSigner` was ever called (the keys then live in `signerChangeOf`).
    struct ChannelState {
        uint96 deposit;
        uint96 claimed;
        uint40 closesAt;
        Status status;
        bool signerChanged;
    }

    /// @notice The session keys after a rotation: `current` from `changedAt` on, `previous` until
    /// `changedAt + challengePeriod` (its grace period).
    struct SignerChange {
        address current;
        uint40 changedAt;
        address previous;
    }

    /// @notice What a payer chooses at open. Numbers are uint256 so that an out-of-range value gets a named error.
    struct OpenParams {
        address payee;
        address token;
        address signer;
        uint256 amount;
        uint256 challengePeriod;
        uint256 salt;
    }

    /// @notice One voucher of a `claimMany` batch: the channel's terms without the payee and token, which the whole
    /// batch shares (passing them once saves ~500 gas of calldata per channel).
    struct BatchClaim {
        address payer;
        address signer;
        uint32 challengePeriod;
        uint32 salt;
        uint256 amount;
        bytes signature;
    }

    // ------------------------------------------------------------------ events

    event ChannelOpened(
        bytes32 indexed channelId,
        address indexed payer,
        address indexed payee,
        Channel channel,
        uint256 deposit
    );
    event ChannelToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit);
    /// @notice A claim paid the payee up to `claimed` in all on this channel. What it paid now is `claimed` minus the
    /// previous total (0 at open): the event carries the state, not the delta, which saves 256 gas per claim.
    event ChannelClaimed(bytes32 indexed channelId, uint256 claimed);
    event ChannelCloseRequested(bytes32 indexed channelId, uint256 closesAt);
    /// @notice The payee closed the channel: `toPayee` paid with its last voucher, `toPayer` returned.
    event ChannelClosed(bytes32 indexed channelId, uint256 toPayee, uint256 toPayer);
    /// @notice The challenge period ended: the payer took `toPayer`.
    event ChannelFinalized(bytes32 indexed channelId, uint256 toPayer);
    event SignerChanged(bytes32 indexed channelId, address previous, address current, uint256 graceEndsAt);

    // ------------------------------------------------------------------ errors

    error ChannelInvalidPayee(address payee);
    error ChannelInvalidSigner(address signer);
    error ChannelInvalidAmount(uint256 amount);
    error ChannelInvalidChallengePeriod(uint256 challengePeriod);
    error ChannelInvalidSalt(uint256 salt);
    error ChannelValueMismatch(uint256 sent, uint256 expected);
    error ChannelTokenNotContract(address token);
    error ChannelTokenTransferMismatch(uint256 expected, uint256 received);
    error ChannelExists(bytes32 channelId);
    error ChannelNotFound(bytes32 channelId);
    error ChannelNotOpen(bytes32 channelId);
    error ChannelUnauthorized(bytes32 channelId, address caller);
    error ChannelClosing(bytes32 channelId, uint256 closesAt);
    error ChannelChallengeOver(bytes32 channelId, uint256 closesAt);
    error ChannelChallengeNotOver(bytes32 channelId, uint256 closesAt);
    error ChannelNothingToClaim(bytes32 channelId, uint256 claimable, uint256 claimed);
    error ChannelInvalidSignature(bytes32 channelId);
    error ChannelSignerChangePending(bytes32 channelId, uint256 graceEndsAt);
    error ChannelEmptyBatch();

    // ------------------------------------------------------------------ actions

    /// @notice Opens and funds a channel from `msg.sender`: ETH by `msg.value`, an ERC20 by allowance.
    /// @return channelId The id of the new channel.
    function open(OpenParams calldata params) external payable returns (bytes32 channelId);

    /// @notice As `open` for an ERC20, calling the token's EIP-2612 `permit` for `params.amount` first.
    /// @dev A failing permit is ignored, so a front-run permit cannot block a deposit whose allowance is in place.
    function openWithPermit(
        OpenParams calldata params,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 channelId);

    /// @notice The payer adds `amount` to the deposit (ETH by value, an ERC20 by allowance).
    function topUp(Channel calldata channel, uint256 amount) external payable;

    /// @notice Pays the payee what the voucher `(channelId, amount)` adds to what it already claimed. Anyone may submit.
    function claim(Channel calldata channel, uint256 amount, bytes calldata signature) external;

    /// @notice Claims a batch of vouchers of channels to `payee` in `token`, paying the sum once. Anyone may submit.
    function claimMany(address payee, address token, BatchClaim[] calldata claims) external;

    /// @notice The payee closes with its best voucher: it is paid, the payer gets the rest, at once.
    /// @dev With `amount` at or below what was claimed, no signature is needed (it may be empty).
    function close(Channel calldata channel, uint256 amount, bytes calldata signature) external;

    /// @notice The payer asks to close; the payee can still claim or close until `closesAt`.
    function requestClose(Channel calldata channel) external;

    /// @notice After the challenge period, pays the payer what the payee did not claim and closes. Anyone may call.
    function finalize(Channel calldata channel) external;

    /// @notice The payer rotates (or, with address(0), revokes) the session key. The previous key stays valid for
    /// one challenge period.
    function setSigner(Channel calldata channel, address newSigner) external;

    // ------------------------------------------------------------------ views

    /// @notice The state of channel `channelId` (status `None` if there is none).
    function getChannelState(bytes32 channelId) external view returns (ChannelState memory);

    /// @notice The session keys after a rotation (all zero if `setSigner` was never called).
    function signerChangeOf(bytes32 channelId) external view returns (SignerChange memory);

    /// @notice The id of a channel with these terms on this chain and contract.
    function computeChannelId(Channel calldata channel) external view returns (bytes32);

    /// @notice The EIP-712 digest a voucher `(channelId, amount)` signs.
    function voucherDigest(bytes32 channelId, uint256 amount) external view returns (bytes32);
}
