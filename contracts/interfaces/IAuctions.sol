// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPullPayments} from "./IPullPayments.sol";

/// @title PeerPay auctions: English, Dutch and sealed-bid second price
/// @notice A seller escrows a lot (an ERC721, an ERC1155 amount or an ERC20 amount) and sells it for ETH or an ERC20.
/// Specification: docs/auctions.md (rules `AU-…`).
interface IAuctions is IPullPayments {
    /// @notice The three kinds of auction.
    enum Kind {
        None,
        English,
        Dutch,
        Sealed
    }

    /// @notice What a lot is.
    enum LotKind {
        ERC721,
        ERC1155,
        ERC20
    }

    /// @notice An auction's state: `Open`, then exactly one terminal state (docs/auctions.md §3).
    enum State {
        None,
        Open,
        Settled,
        Cancelled,
        Unsold
    }

    /// @notice A sealed commit's state.
    enum CommitStatus {
        None,
        Committed,
        Revealed,
        Closed
    }

    /// @notice The lot to escrow. `id` is ignored for ERC20; `amount` must be 1 for ERC721.
    struct LotSpec {
        LotKind kind;
        address token;
        uint256 id;
        uint256 amount;
    }

    /// @notice An English auction's terms (AU-E1…AU-E4). `bidToken` address(0) is ETH.
    struct EnglishParams {
        address bidToken;
        uint96 reserve;
        uint16 incrementBps;
        uint40 duration;
        uint24 extension;
    }

    /// @notice A Dutch auction's terms (AU-D1): the price falls from `startPrice` to `floorPrice` over `duration`
    /// from creation, then stays at the floor for `floorDuration` more seconds.
    struct DutchParams {
        address bidToken;
        uint96 startPrice;
        uint96 floorPrice;
        uint40 duration;
        uint40 floorDuration;
    }

    /// @notice A sealed-bid auction's terms (AU-V1…AU-V5): commits for `commitDuration` from creation, then reveals
    /// for `revealDuration`.
    struct SealedParams {
        address bidToken;
        uint96 reserve;
        uint40 commitDuration;
        uint40 revealDuration;
    }

    /// @notice The lot of an auction, as stored (docs/auctions.md §2).
    struct Lot {
        address token;
        LotKind lotKind;
        Kind kind;
        uint16 feeBps;
        uint256 id;
        uint256 amount;
    }

    /// @notice An English auction, as stored. Before the first bid `end` holds the duration (AU-E2).
    struct English {
        address bidToken;
        uint40 end;
        uint24 extension;
        uint16 incrementBps;
        State state;
        address bidder;
        uint96 amount;
        address seller;
        uint96 reserve;
    }

    /// @notice A Dutch auction, as stored. `price` is what the taker paid, 0 until the auction is `Settled` (AU-D4).
    struct Dutch {
        address bidToken;
        uint40 start;
        uint40 duration;
        State state;
        address seller;
        uint96 floorPrice;
        uint96 startPrice;
        uint40 end;
        uint96 price;
    }

    /// @notice A sealed-bid auction, as stored.
    struct Sealed {
        address bidToken;
        uint40 commitEnd;
        uint40 revealEnd;
        State state;
        address seller;
        uint96 reserve;
        address bidder;
        uint96 highest;
        uint96 second;
        uint32 highestSeq;
        uint32 commits;
    }

    /// @notice A sealed-bid commit, as stored.
    struct Commit {
        bytes32 hash;
        uint96 deposit;
        uint32 seq;
        CommitStatus status;
    }

    // ------------------------------------------------------------------ events

    /// @notice A seller listed a lot. A user's auctions are the events with their `seller`.
    event AuctionCreated(
        uint256 indexed auctionId,
        address indexed seller,
        Kind kind,
        address indexed lotToken,
        LotKind lotKind,
        uint256 lotId,
        uint256 lotAmount,
        address bidToken
    );
    /// @notice An English bid became the highest; `end` is the auction's end after it (AU-E2, AU-E4).
    event BidPlaced(uint256 indexed auctionId, address indexed bidder, uint256 amount, uint256 end);
    /// @notice A sealed bid was committed with `deposit`.
    event Committed(uint256 indexed auctionId, address indexed bidder, uint256 deposit);
    /// @notice A sealed bid was revealed.
    event Revealed(uint256 indexed auctionId, address indexed bidder, uint256 amount);
    /// @notice The auction was sold to `winner` for `price`, of which `fee` accrued to the platform.
    event AuctionSettled(uint256 indexed auctionId, address indexed winner, uint256 price, uint256 fee);
    /// @notice A sealed-bid auction ended without a revealed bid at or above its reserve; the lot went back.
    event AuctionUnsold(uint256 indexed auctionId);
    /// @notice The seller cancelled; the lot went back.
    event AuctionCancelled(uint256 indexed auctionId);
    /// @notice A committer took back its deposit, less `forfeit` if it never revealed (AU-V6).
    event DepositReclaimed(uint256 indexed auctionId, address indexed bidder, uint256 refund, uint256 forfeit);
    /// @notice The lot could not be delivered to `claimant`; it is theirs to claim (AU-L3).
    event LotClaimable(uint256 indexed auctionId, address indexed claimant);
    /// @notice `claimant` took its lot to `to`.
    event LotClaimed(uint256 indexed auctionId, address indexed claimant, address to);
    /// @notice `account` spent `amount` of its credit in `token` on a bid (AU-E6).
    event CreditUsed(address indexed account, address indexed token, uint256 amount);
    /// @notice Accrued fees in `token` went to the fee recipient.
    event FeesCollected(address indexed token, address recipient, uint256 amount);
    /// @notice The owner set the fee for auctions created from now on.
    event FeeUpdated(uint256 bps, address recipient);

    // ------------------------------------------------------------------ errors

    /// @notice The lot spec is unusable (AU-L1).
    error AuctionsInvalidLot();
    /// @notice A duration, extension, increment, price or bid token is out of bounds (AU-L5).
    error AuctionsInvalidParameters();
    /// @notice An amount does not fit 96 bits.
    error AuctionsAmountTooLarge(uint256 amount);
    /// @notice Fewer tokens arrived than were sent (a fee-on-transfer token).
    error AuctionsTransferShortfall(address token, uint256 expected, uint256 received);
    /// @notice A token was sent to this contract by a transfer it did not initiate (AU-L2).
    error AuctionsUnsolicitedTransfer();
    /// @notice The auction is not of the kind this function handles (or does not exist).
    error AuctionsWrongKind(uint256 auctionId);
    /// @notice The auction is not open.
    error AuctionsNotOpen(uint256 auctionId);
    /// @notice The bidding deadline `end` has passed.
    error AuctionsEnded(uint256 end);
    /// @notice The auction ends at `end`, not yet.
    error AuctionsNotEnded(uint256 end);
    /// @notice The bid is below `minimum`.
    error AuctionsBidTooLow(uint256 amount, uint256 minimum);
    /// @notice The ETH sent is not what the call needs.
    error AuctionsValueMismatch(uint256 value, uint256 expected);
    /// @notice The caller's credit is below what it wants to spend.
    error AuctionsInsufficientCredit(uint256 credit, uint256 needed);
    /// @notice The English auction has no bid to settle.
    error AuctionsNoBids(uint256 auctionId);
    /// @notice Only the seller may do this.
    error AuctionsNotSeller(uint256 auctionId);
    /// @notice The auction already has a bid, a taker or a commit.
    error AuctionsHasBids(uint256 auctionId);
    /// @notice The commit phase ended at `commitEnd`.
    error AuctionsCommitClosed(uint256 commitEnd);
    /// @notice Reveals are accepted in [commitEnd, revealEnd) only.
    error AuctionsRevealClosed(uint256 commitEnd, uint256 revealEnd);
    /// @notice The bidder already committed to this auction.
    error AuctionsAlreadyCommitted(uint256 auctionId, address bidder);
    /// @notice The bidder has no open commit in this auction.
    error AuctionsNoCommit(uint256 auctionId, address bidder);
    /// @notice The amount and salt do not match the commit.
    error AuctionsInvalidReveal(uint256 auctionId, address bidder);
    /// @notice The commit was already revealed.
    error AuctionsAlreadyRevealed(uint256 auctionId, address bidder);
    /// @notice The revealed bid exceeds the deposit.
    error AuctionsBidExceedsDeposit(uint256 amount, uint256 deposit);
    /// @notice The winner's deposit is settled by `settle`, not reclaimed.
    error AuctionsWinnerMustSettle(uint256 auctionId);
    /// @notice There is nothing for the caller to claim.
    error AuctionsNothingToClaim(uint256 auctionId);
    /// @notice Too little gas was left to attempt the lot delivery in full (AU-L3).
    error AuctionsInsufficientGas();
    /// @notice The fee exceeds `max` bps.
    error AuctionsFeeTooHigh(uint256 bps, uint256 max);
    /// @notice The fee recipient is the zero address or this contract.
    error AuctionsInvalidFeeRecipient();

    // ------------------------------------------------------------------ creating

    /// @notice Escrows `lot` from the caller and opens an English auction (AU-L1, AU-E1…AU-E4).
    /// @return auctionId The new auction's id.
    function createEnglish(LotSpec calldata lot, EnglishParams calldata params) external returns (uint256 auctionId);

    /// @notice Escrows `lot` from the caller and opens a Dutch auction starting now (AU-L1, AU-D1).
    /// @return auctionId The new auction's id.
    function createDutch(LotSpec calldata lot, DutchParams calldata params) external returns (uint256 auctionId);

    /// @notice Escrows `lot` from the caller and opens a sealed-bid second-price auction (AU-L1, AU-V1).
    /// @return auctionId The new auction's id.
    function createSealed(LotSpec calldata lot, SealedParams calldata params) external returns (uint256 auctionId);

    // ------------------------------------------------------------------ bidding

    /// @notice Bids `amount` in an English auction: `fromCredit` from the caller's credit, the rest as `msg.value` (ETH)
    /// or pulled (ERC20). Refunds the bid it outbids (pushed, credited on failure) (AU-E1…AU-E6).
    /// @param auctionId The auction.
    /// @param amount The whole bid.
    /// @param fromCredit The part of `amount` taken from the caller's credit in the bid token.
    function bid(uint256 auctionId, uint256 amount, uint256 fromCredit) external payable;

    /// @notice Buys a Dutch auction's lot at the current price; excess ETH is paid back (AU-D2).
    /// @return price What the lot cost.
    function buy(uint256 auctionId) external payable returns (uint256 price);

    /// @notice Commits a sealed bid with `deposit` (≥ the bid) as `msg.value` (ETH) or pulled (ERC20) (AU-V1, AU-V2).
    /// @param hash `commitHashOf(auctionId, msg.sender, amount, salt)`.
    function commit(uint256 auctionId, bytes32 hash, uint256 deposit) external payable;

    /// @notice Reveals the caller's sealed bid (AU-V3, AU-V4).
    function reveal(uint256 auctionId, uint256 amount, bytes32 salt) external;

    /// @notice Takes back the caller's deposit after the reveal window, less the forfeit if unrevealed (AU-V6).
    /// @return refund What was paid back.
    function reclaim(uint256 auctionId) external returns (uint256 refund);

    // ------------------------------------------------------------------ ending

    /// @notice Ends an English auction after its end, or a sealed-bid auction after its reveal window (AU-E7, AU-V5).
    function settle(uint256 auctionId) external;

    /// @notice The seller withdraws its auction before the first bid, taker or commit (AU-X1).
    function cancel(uint256 auctionId) external;

    /// @notice The claimant of an undeliverable lot takes it to `to` (AU-L4).
    function claimLot(uint256 auctionId, address to) external;

    /// @notice Sends the fees accrued in `token` to the fee recipient (AU-X3).
    /// @return amount What was sent.
    function collectFees(address token) external returns (uint256 amount);

    /// @notice Owner: the fee (≤ MAX_FEE_BPS) for auctions created from now on, and its recipient (AU-X3).
    function setFee(uint256 bps, address recipient) external;

    // ------------------------------------------------------------------ views

    /// @notice The id the next auction gets.
    function nextAuctionId() external view returns (uint256);

    /// @notice The kind of `auctionId` (None if it does not exist).
    function kindOf(uint256 auctionId) external view returns (Kind);

    /// @notice The lot of `auctionId`.
    function lotOf(uint256 auctionId) external view returns (Lot memory);

    /// @notice An English auction.
    function englishOf(uint256 auctionId) external view returns (English memory);

    /// @notice A Dutch auction.
    function dutchOf(uint256 auctionId) external view returns (Dutch memory);

    /// @notice A sealed-bid auction.
    function sealedOf(uint256 auctionId) external view returns (Sealed memory);

    /// @notice A bidder's commit in a sealed-bid auction.
    function commitOf(uint256 auctionId, address bidder) external view returns (Commit memory);

    /// @notice The Dutch price at the current block's timestamp (AU-D1).
    function priceOf(uint256 auctionId) external view returns (uint256);

    /// @notice The smallest bid an English auction accepts now (AU-E1, AU-E3).
    function minimumBidOf(uint256 auctionId) external view returns (uint256);

    /// @notice Who may claim the undelivered lot of `auctionId` (address(0) if none).
    function lotClaimantOf(uint256 auctionId) external view returns (address);

    /// @notice The fees accrued in `token`, not yet collected.
    function feesOf(address token) external view returns (uint256);

    /// @notice The fee for new auctions and its recipient.
    function fee() external view returns (uint256 bps, address recipient);

    /// @notice The commit hash of AU-V2 for `bidder` bidding `amount` with `salt`.
    function commitHashOf(
        uint256 auctionId,
        address bidder,
        uint256 amount,
        bytes32 salt
    ) external view returns (bytes32);
}
