// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {PullPayments} from "./PullPayments.sol";
import {IAuctions} from "../interfaces/IAuctions.sol";

/// @title What the three kinds of auction share: the lot's escrow and delivery, the bid's collection, the sale
/// @dev Lots are pulled and measured at creation (AU-L1), accepted only from pulls this contract makes (AU-L2),
/// delivered with a bounded call that falls back to a claim (AU-L3, AU-L4); bids are collected from credit, value or
/// a measured pull (AU-E6); a sale accrues the fee and pays the seller (AU-E7); the owner sets only the fee of future
/// auctions (AU-X3). Specification: docs/auctions.md.
abstract contract AuctionLots is IAuctions, PullPayments, Ownable2Step, IERC721Receiver, IERC1155Receiver {
    using SafeERC20 for IERC20;

    /// @notice The highest platform fee the owner can set: 5%.
    uint256 public constant MAX_FEE_BPS = 500;

    /// @notice The gas a lot delivery may use before it falls back to a claim (AU-L3).
    uint256 public constant LOT_DELIVERY_GAS = 300_000;

    uint256 internal constant BPS = 10_000;

    /// @dev What a settle needs after a failed delivery (the claim's slot and event). A delivery starved of gas leaves
    /// less than LOT_DELIVERY_GAS / 63 plus the callees' own 1/64 reserves (under 10,000 together), so a failure with
    /// this much more left had the whole cap (AU-L3).
    uint256 private constant DELIVERY_FALLBACK_GAS = 30_000;

    /// @dev `safeTransferFrom(address,address,uint256)`: overloaded in IERC721, so `abi.encodeCall` cannot name it.
    bytes4 private constant ERC721_SAFE_TRANSFER = 0x42842e0e;

    /// @dev The fee of new auctions and its recipient, in one slot.
    struct FeeConfig {
        address recipient;
        uint16 bps;
    }

    uint256 private _nextId = 1;

    FeeConfig private _fee;

    /// @dev Every kind's lot (docs/auctions.md §2); the kind-specific structs live in Auctions.
    mapping(uint256 auctionId => Lot) internal _lots;

    /// @dev Written only when a lot delivery fails (AU-L3).
    mapping(uint256 auctionId => address claimant) private _lotClaimant;

    /// @dev Accrued platform fees per token (address(0) for ETH), until `collectFees`.
    mapping(address token => uint256 amount) private _fees;

    constructor(address initialOwner) Ownable(initialOwner) {
        _fee = FeeConfig({recipient: initialOwner, bps: 0});
    }

    // ------------------------------------------------------------------ lots, fees and the owner

    /// @inheritdoc IAuctions
    function claimLot(uint256 auctionId, address to) external nonReentrant {
        if (_lotClaimant[auctionId] != msg.sender || msg.sender == address(0)) revert AuctionsNothingToClaim(auctionId);
        // Not this contract: its own transfer passes AU-L2, and a lot sent here has no record left to release it.
        if (to == address(0) || to == address(this)) revert AuctionsInvalidParameters();
        delete _lotClaimant[auctionId];
        emit LotClaimed(auctionId, msg.sender, to);
        Lot storage lot = _lots[auctionId];
        LotKind lotKind = lot.lotKind;
        if (lotKind == LotKind.ERC721) {
            IERC721(lot.token).safeTransferFrom(address(this), to, lot.id);
        } else if (lotKind == LotKind.ERC1155) {
            IERC1155(lot.token).safeTransferFrom(address(this), to, lot.id, lot.amount, "");
        } else {
            IERC20(lot.token).safeTransfer(to, lot.amount);
        }
    }

    /// @inheritdoc IAuctions
    function collectFees(address token) external nonReentrant returns (uint256 amount) {
        amount = _fees[token];
        if (amount == 0) revert AuctionsNothingToClaim(0);
        delete _fees[token];
        address recipient = _fee.recipient;
        emit FeesCollected(token, recipient, amount);
        _transferOut(token, recipient, amount);
    }

    /// @inheritdoc IAuctions
    function setFee(uint256 bps, address recipient) external onlyOwner {
        if (bps > MAX_FEE_BPS) revert AuctionsFeeTooHigh(bps, MAX_FEE_BPS);
        if (recipient == address(0) || recipient == address(this)) revert AuctionsInvalidFeeRecipient();
        _fee = FeeConfig({recipient: recipient, bps: uint16(bps)});
        emit FeeUpdated(bps, recipient);
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(address operator, address, uint256, bytes calldata) external view returns (bytes4) {
        if (operator != address(this)) revert AuctionsUnsolicitedTransfer();
        return IERC721Receiver.onERC721Received.selector;
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155Received(
        address operator,
        address,
        uint256,
        uint256,
        bytes calldata
    ) external view returns (bytes4) {
        if (operator != address(this)) revert AuctionsUnsolicitedTransfer();
        return IERC1155Receiver.onERC1155Received.selector;
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155BatchReceived(
        address,
        address,
        uint256[] calldata,
        uint256[] calldata,
        bytes calldata
    ) external pure returns (bytes4) {
        // This contract never pulls a batch.
        revert AuctionsUnsolicitedTransfer();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    /// @inheritdoc IAuctions
    function nextAuctionId() external view returns (uint256) {
        return _nextId;
    }

    /// @inheritdoc IAuctions
    function kindOf(uint256 auctionId) external view returns (Kind) {
        return _lots[auctionId].kind;
    }

    /// @inheritdoc IAuctions
    function lotOf(uint256 auctionId) external view returns (Lot memory) {
        return _lots[auctionId];
    }

    /// @inheritdoc IAuctions
    function lotClaimantOf(uint256 auctionId) external view returns (address) {
        return _lotClaimant[auctionId];
    }

    /// @inheritdoc IAuctions
    function feesOf(address token) external view returns (uint256) {
        return _fees[token];
    }

    /// @inheritdoc IAuctions
    function fee() external view returns (uint256 bps, address recipient) {
        FeeConfig memory cfg = _fee;
        return (cfg.bps, cfg.recipient);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Reverts unless the auction of this kind exists (`AuctionsWrongKind`) and is open (`AuctionsNotOpen`).
    function _requireOpen(uint256 auctionId, State state) internal pure {
        if (state != State.Open) {
            if (state == State.None) revert AuctionsWrongKind(auctionId);
            revert AuctionsNotOpen(auctionId);
        }
    }

    /// @dev AU-L5: ETH, or a contract other than this one.
    function _checkBidToken(address token) internal view {
        if (token != address(0) && (token.code.length == 0 || token == address(this))) {
            revert AuctionsInvalidParameters();
        }
    }

    /// @dev AU-L1: checks the lot spec, records it under a new id with the current fee, and announces the auction.
    function _openLot(LotSpec calldata lot, Kind kind, address bidToken) internal returns (uint256 auctionId) {
        address token = lot.token;
        LotKind lotKind = lot.kind;
        uint256 amount = lot.amount;
        if (
            token.code.length == 0 ||
            token == address(this) ||
            amount == 0 ||
            (lotKind == LotKind.ERC721 && amount != 1)
        ) revert AuctionsInvalidLot();
        auctionId = _nextId++;
        _lots[auctionId] = Lot({
            token: token,
            lotKind: lotKind,
            kind: kind,
            feeBps: _fee.bps,
            id: lotKind == LotKind.ERC20 ? 0 : lot.id,
            amount: amount
        });
        emit AuctionCreated(auctionId, msg.sender, kind, token, lotKind, lot.id, amount, bidToken);
    }

    /// @dev AU-L1: pulls the lot from the seller and checks that it arrived whole.
    function _pullLot(LotSpec calldata lot) internal {
        address token = lot.token;
        if (lot.kind == LotKind.ERC721) {
            IERC721(token).transferFrom(msg.sender, address(this), lot.id);
            if (IERC721(token).ownerOf(lot.id) != address(this)) revert AuctionsTransferShortfall(token, 1, 0);
        } else if (lot.kind == LotKind.ERC1155) {
            uint256 before = IERC1155(token).balanceOf(address(this), lot.id);
            IERC1155(token).safeTransferFrom(msg.sender, address(this), lot.id, lot.amount, "");
            uint256 received = IERC1155(token).balanceOf(address(this), lot.id) - before;
            if (received != lot.amount) revert AuctionsTransferShortfall(token, lot.amount, received);
        } else {
            _pull(token, lot.amount);
        }
    }

    /// @dev Pulls exactly `amount` of `token` from the caller, measured (fee-on-transfer tokens refused).
    function _pull(address token, uint256 amount) internal {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 balance = IERC20(token).balanceOf(address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received != amount) revert AuctionsTransferShortfall(token, amount, received);
    }

    /// @dev AU-E6: takes `amount` from the caller: `fromCredit` from its credit, the rest as msg.value or pulled.
    function _collect(address token, uint256 amount, uint256 fromCredit) internal {
        if (fromCredit > amount) revert AuctionsInvalidParameters();
        if (fromCredit != 0) {
            (bool ok, uint256 credit) = _spendCredit(token, msg.sender, fromCredit);
            if (!ok) revert AuctionsInsufficientCredit(credit, fromCredit);
            emit CreditUsed(msg.sender, token, fromCredit);
        }
        // Cannot underflow: fromCredit <= amount was checked above.
        uint256 rest;
        unchecked {
            rest = amount - fromCredit;
        }
        if (token == address(0)) {
            if (msg.value != rest) revert AuctionsValueMismatch(msg.value, rest);
        } else {
            if (msg.value != 0) revert AuctionsValueMismatch(msg.value, 0);
            if (rest != 0) _pull(token, rest);
        }
    }

    /// @dev AU-E7: the fee accrues, the seller is paid the rest, the lot goes to the winner (or becomes its claim).
    function _sell(uint256 auctionId, address winner, uint256 price, address seller, address token) internal {
        uint256 fee_ = (price * _lots[auctionId].feeBps) / BPS;
        if (fee_ != 0) _fees[token] += fee_;
        emit AuctionSettled(auctionId, winner, price, fee_);
        // Cannot underflow: fee_ <= price (feeBps <= MAX_FEE_BPS < BPS).
        unchecked {
            _payout(token, seller, price - fee_);
        }
        _deliverLot(auctionId, winner);
    }

    /// @dev AU-L3: delivers the lot with at most LOT_DELIVERY_GAS; a failure makes it `to`'s claim instead.
    function _deliverLot(uint256 auctionId, address to) internal {
        Lot storage lot = _lots[auctionId];
        address token = lot.token;
        LotKind lotKind = lot.lotKind;
        bytes memory data;
        if (lotKind == LotKind.ERC721) {
            data = abi.encodeWithSelector(ERC721_SAFE_TRANSFER, address(this), to, lot.id);
        } else if (lotKind == LotKind.ERC1155) {
            data = abi.encodeCall(IERC1155.safeTransferFrom, (address(this), to, lot.id, lot.amount, ""));
        } else {
            data = abi.encodeCall(IERC20.transfer, (to, lot.amount));
        }
        bool ok;
        bool isErc20 = lotKind == LotKind.ERC20;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, 0)
            ok := call(LOT_DELIVERY_GAS, token, 0, add(data, 0x20), mload(data), 0x00, 0x20)
            // An ERC20 succeeds by returning nothing or a word equal to 1 (as SafeERC20 accepts).
            if and(ok, isErc20) {
                ok := or(iszero(returndatasize()), and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
            }
        }
        if (ok) return;
        // A call that may have failed for want of gas must not turn a deliverable lot into a claim (EIP-150: had the
        // callee less than the cap, less than cap/63 plus the nested callees' 1/64 reserves would be left now).
        if (gasleft() < LOT_DELIVERY_GAS / 63 + DELIVERY_FALLBACK_GAS) revert AuctionsInsufficientGas();
        // Written after the call only when it failed (so nothing it did survived), under the caller's guard; writing
        // it before would cost every successful delivery a fresh slot.
        // solhint-disable-next-line reentrancy
        _lotClaimant[auctionId] = to;
        emit LotClaimable(auctionId, to);
    }
}
