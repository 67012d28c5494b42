// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AuctionLots} from "./base/AuctionLots.sol";
import {IAuctions} from "./interfaces/IAuctions.sol";

/// @title PeerPay auctions
/// @notice English, Dutch and sealed-bid second-price auctions of an escrowed lot, for ETH or an ERC20. The owner sets
/// only the platform fee of future auctions; nobody can move a lot, a bid or a deposit outside the rules.
/// Specification: docs/auctions.md (`AU-…`).
contract Auctions is AuctionLots {
    /// @notice The share of an unrevealed sealed deposit that is forfeited (AU-V6): 10%.
    uint256 public constant FORFEIT_BPS = 1_000;
    /// @notice The longest duration of any phase.
    uint256 public constant MAX_DURATION = 365 days;
    /// @notice The longest anti-sniping extension (AU-E4).
    uint256 public constant MAX_EXTENSION = 1 days;

    // Layouts and widths: docs/auctions.md §2 (the structs in IAuctions pack as the table says).
    mapping(uint256 auctionId => English) private _english;
    mapping(uint256 auctionId => Dutch) private _dutch;
    mapping(uint256 auctionId => Sealed) private _sealed;
    mapping(uint256 auctionId => mapping(address bidder => Commit)) private _commits;

    constructor(address initialOwner) AuctionLots(initialOwner) {}

    // ------------------------------------------------------------------ creating

    /// @inheritdoc IAuctions
    function createEnglish(
        LotSpec calldata lot,
        EnglishParams calldata params
    ) external nonReentrant returns (uint256 auctionId) {
        uint256 duration = params.duration;
        uint256 extension = params.extension;
        if (
            duration == 0 ||
            duration > MAX_DURATION ||
            extension > duration ||
            extension > MAX_EXTENSION ||
            params.incrementBps > BPS
        ) revert AuctionsInvalidParameters();
        _checkBidToken(params.bidToken);
        auctionId = _openLot(lot, Kind.English, params.bidToken);
        _english[auctionId] = English({
            bidToken: params.bidToken,
            end: uint40(duration), // the timer starts with the first bid (AU-E2)
            extension: uint24(extension),
            incrementBps: params.incrementBps,
            state: State.Open,
            bidder: address(0),
            amount: 0,
            seller: msg.sender,
            reserve: params.reserve
        });
        _pullLot(lot);
    }

    /// @inheritdoc IAuctions
    function createDutch(
        LotSpec calldata lot,
        DutchParams calldata params
    ) external nonReentrant returns (uint256 auctionId) {
        uint256 duration = params.duration;
        uint256 floorDuration = params.floorDuration;
        if (
            duration == 0 ||
            duration > MAX_DURATION ||
            floorDuration > MAX_DURATION ||
            params.floorPrice == 0 ||
            params.startPrice < params.floorPrice
        ) revert AuctionsInvalidParameters();
        _checkBidToken(params.bidToken);
        auctionId = _openLot(lot, Kind.Dutch, params.bidToken);
        _dutch[auctionId] = Dutch({
            bidToken: params.bidToken,
            start: uint40(block.timestamp),
            duration: uint40(duration),
            state: State.Open,
            seller: msg.sender,
            floorPrice: params.floorPrice,
            startPrice: params.startPrice,
            end: uint40(block.timestamp + duration + floorDuration),
            price: 0
        });
        _pullLot(lot);
    }

    /// @inheritdoc IAuctions
    function createSealed(
        LotSpec calldata lot,
        SealedParams calldata params
    ) external nonReentrant returns (uint256 auctionId) {
        uint256 commitDuration = params.commitDuration;
        uint256 revealDuration = params.revealDuration;
        if (
            commitDuration == 0 || commitDuration > MAX_DURATION || revealDuration == 0 || revealDuration > MAX_DURATION
        ) {
            revert AuctionsInvalidParameters();
        }
        _checkBidToken(params.bidToken);
        auctionId = _openLot(lot, Kind.Sealed, params.bidToken);
        uint256 commitEnd = block.timestamp + commitDuration;
        Sealed storage s = _sealed[auctionId];
        s.bidToken = params.bidToken;
        s.commitEnd = uint40(commitEnd);
        s.revealEnd = uint40(commitEnd + revealDuration);
        s.state = State.Open;
        s.seller = msg.sender;
        s.reserve = params.reserve;
        _pullLot(lot);
    }

    // ------------------------------------------------------------------ English

    /// @inheritdoc IAuctions
    function bid(uint256 auctionId, uint256 amount, uint256 fromCredit) external payable nonReentrant {
        English storage a = _english[auctionId];
        _requireOpen(auctionId, a.state);
        if (amount > type(uint96).max) revert AuctionsAmountTooLarge(amount);
        address token = a.bidToken;
        uint256 end = a.end;
        address previous = a.bidder;
        uint256 previousAmount = a.amount;
        if (previous == address(0)) {
            // AU-E1, AU-E2: the first bid meets the reserve (and is never 0) and starts the timer.
            uint256 reserve = a.reserve;
            uint256 minimum = reserve == 0 ? 1 : reserve;
            if (amount < minimum) revert AuctionsBidTooLow(amount, minimum);
            end = block.timestamp + end;
            a.end = uint40(end);
        } else {
            if (block.timestamp >= end) revert AuctionsEnded(end);
            uint256 minimum = _nextMinimum(previousAmount, a.incrementBps);
            if (amount < minimum) revert AuctionsBidTooLow(amount, minimum);
            // AU-E4: a bid in the last `extension` seconds moves the end to now + extension.
            uint256 extended = block.timestamp + a.extension;
            if (extended > end) {
                end = extended;
                a.end = uint40(end);
            }
        }
        a.bidder = msg.sender;
        a.amount = uint96(amount);
        emit BidPlaced(auctionId, msg.sender, amount, end);
        _collect(token, amount, fromCredit);
        // AU-E5: pushed, credited if the push fails; never reverts because of the outbid bidder.
        if (previous != address(0)) _payout(token, previous, previousAmount);
    }

    // ------------------------------------------------------------------ Dutch

    /// @inheritdoc IAuctions
    function buy(uint256 auctionId) external payable nonReentrant returns (uint256 price) {
        Dutch storage d = _dutch[auctionId];
        _requireOpen(auctionId, d.state);
        uint256 end = d.end;
        if (block.timestamp >= end) revert AuctionsEnded(end);
        price = _dutchPrice(d);
        d.state = State.Settled;
        // AU-D4: recorded for a seller contract that settles against it (the collateral sales of docs/lending.md).
        // The slot is warm: `_dutchPrice` read startPrice and end from it. price <= startPrice < 2^96.
        d.price = uint96(price);
        address token = d.bidToken;
        address seller = d.seller;
        if (token == address(0)) {
            if (msg.value < price) revert AuctionsValueMismatch(msg.value, price);
        } else {
            if (msg.value != 0) revert AuctionsValueMismatch(msg.value, 0);
            _pull(token, price);
        }
        // AU-D2: the excess goes back in the same transaction (credited if the buyer refuses it), before the sale so
        // that the lot's delivery is the last call (AU-L3).
        if (msg.value > price) _payout(address(0), msg.sender, msg.value - price);
        _sell(auctionId, msg.sender, price, seller, token);
    }

    // ------------------------------------------------------------------ sealed bid

    /// @inheritdoc IAuctions
    function commit(uint256 auctionId, bytes32 hash, uint256 deposit) external payable nonReentrant {
        Sealed storage s = _sealed[auctionId];
        _requireOpen(auctionId, s.state);
        uint256 commitEnd = s.commitEnd;
        if (block.timestamp >= commitEnd) revert AuctionsCommitClosed(commitEnd);
        if (deposit == 0) revert AuctionsInvalidParameters();
        if (deposit > type(uint96).max) revert AuctionsAmountTooLarge(deposit);
        Commit storage c = _commits[auctionId][msg.sender];
        if (c.status != CommitStatus.None) revert AuctionsAlreadyCommitted(auctionId, msg.sender);
        uint32 seq = s.commits + 1;
        s.commits = seq;
        _commits[auctionId][msg.sender] = Commit({
            hash: hash,
            deposit: uint96(deposit),
            seq: seq,
            status: CommitStatus.Committed
        });
        emit Committed(auctionId, msg.sender, deposit);
        _collect(s.bidToken, deposit, 0);
    }

    /// @inheritdoc IAuctions
    function reveal(uint256 auctionId, uint256 amount, bytes32 salt) external {
        Sealed storage s = _sealed[auctionId];
        _requireOpen(auctionId, s.state);
        uint256 commitEnd = s.commitEnd;
        uint256 revealEnd = s.revealEnd;
        if (block.timestamp < commitEnd || block.timestamp >= revealEnd) {
            revert AuctionsRevealClosed(commitEnd, revealEnd);
        }
        Commit storage c = _commits[auctionId][msg.sender];
        CommitStatus status = c.status;
        if (status == CommitStatus.None) revert AuctionsNoCommit(auctionId, msg.sender);
        if (status != CommitStatus.Committed) revert AuctionsAlreadyRevealed(auctionId, msg.sender);
        if (_commitHash(auctionId, msg.sender, amount, salt) != c.hash)
            revert AuctionsInvalidReveal(auctionId, msg.sender);
        uint256 deposit = c.deposit;
        if (amount > deposit) revert AuctionsBidExceedsDeposit(amount, deposit);
        c.status = CommitStatus.Revealed;
        uint256 reserve = s.reserve;
        // AU-V4: only bids at or above the reserve (and above 0) compete; the earlier commit wins a tie.
        if (amount >= (reserve == 0 ? 1 : reserve)) {
            uint32 seq = c.seq;
            uint96 highest = s.highest;
            if (s.bidder == address(0)) {
                _setHighest(s, amount, seq);
            } else if (amount > highest || (amount == highest && seq < s.highestSeq)) {
                s.second = highest;
                _setHighest(s, amount, seq);
            } else if (amount > s.second) {
                s.second = uint96(amount);
            }
        }
        emit Revealed(auctionId, msg.sender, amount);
    }

    /// @inheritdoc IAuctions
    function reclaim(uint256 auctionId) external nonReentrant returns (uint256 refund) {
        Sealed storage s = _sealed[auctionId];
        if (s.state == State.None) revert AuctionsWrongKind(auctionId);
        uint256 revealEnd = s.revealEnd;
        if (block.timestamp < revealEnd) revert AuctionsNotEnded(revealEnd);
        Commit storage c = _commits[auctionId][msg.sender];
        CommitStatus status = c.status;
        if (status == CommitStatus.None || status == CommitStatus.Closed) revert AuctionsNothingToClaim(auctionId);
        address winner = s.bidder;
        if (msg.sender == winner) revert AuctionsWinnerMustSettle(auctionId);
        uint256 deposit = c.deposit;
        uint256 forfeit = status == CommitStatus.Revealed ? 0 : (deposit * FORFEIT_BPS) / BPS;
        refund = deposit - forfeit;
        c.status = CommitStatus.Closed;
        emit DepositReclaimed(auctionId, msg.sender, refund, forfeit);
        address token = s.bidToken;
        _payout(token, msg.sender, refund);
        // AU-V6: the forfeit compensates the winner (who a selective reveal can harm), else the seller.
        if (forfeit != 0) _payout(token, winner != address(0) ? winner : s.seller, forfeit);
    }

    // ------------------------------------------------------------------ ending

    /// @inheritdoc IAuctions
    function settle(uint256 auctionId) external nonReentrant {
        Kind kind = _lots[auctionId].kind;
        if (kind == Kind.English) {
            English storage a = _english[auctionId];
            _requireOpen(auctionId, a.state);
            address winner = a.bidder;
            if (winner == address(0)) revert AuctionsNoBids(auctionId);
            uint256 end = a.end;
            if (block.timestamp < end) revert AuctionsNotEnded(end);
            a.state = State.Settled;
            _sell(auctionId, winner, a.amount, a.seller, a.bidToken);
        } else if (kind == Kind.Sealed) {
            _settleSealed(auctionId);
        } else {
            revert AuctionsWrongKind(auctionId);
        }
    }

    /// @inheritdoc IAuctions
    function cancel(uint256 auctionId) external nonReentrant {
        Kind kind = _lots[auctionId].kind;
        // Set on every branch that does not revert; zero values are only the Dutch case's "no bids".
        address seller = address(0);
        bool hasBids = false;
        if (kind == Kind.English) {
            English storage a = _english[auctionId];
            _requireOpen(auctionId, a.state);
            (seller, hasBids) = (a.seller, a.bidder != address(0));
            a.state = State.Cancelled;
        } else if (kind == Kind.Dutch) {
            Dutch storage d = _dutch[auctionId];
            _requireOpen(auctionId, d.state);
            seller = d.seller;
            d.state = State.Cancelled;
        } else if (kind == Kind.Sealed) {
            Sealed storage s = _sealed[auctionId];
            _requireOpen(auctionId, s.state);
            (seller, hasBids) = (s.seller, s.commits != 0);
            s.state = State.Cancelled;
        } else {
            revert AuctionsWrongKind(auctionId);
        }
        if (msg.sender != seller) revert AuctionsNotSeller(auctionId);
        if (hasBids) revert AuctionsHasBids(auctionId);
        emit AuctionCancelled(auctionId);
        _deliverLot(auctionId, seller);
    }

    // ------------------------------------------------------------------ receiving lots (AU-L2)

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAuctions
    function englishOf(uint256 auctionId) external view returns (English memory) {
        return _english[auctionId];
    }

    /// @inheritdoc IAuctions
    function dutchOf(uint256 auctionId) external view returns (Dutch memory) {
        return _dutch[auctionId];
    }

    /// @inheritdoc IAuctions
    function sealedOf(uint256 auctionId) external view returns (Sealed memory) {
        return _sealed[auctionId];
    }

    /// @inheritdoc IAuctions
    function commitOf(uint256 auctionId, address bidder) external view returns (Commit memory) {
        return _commits[auctionId][bidder];
    }

    /// @inheritdoc IAuctions
    function priceOf(uint256 auctionId) external view returns (uint256) {
        Dutch storage d = _dutch[auctionId];
        if (d.state == State.None) revert AuctionsWrongKind(auctionId);
        return _dutchPrice(d);
    }

    /// @inheritdoc IAuctions
    function minimumBidOf(uint256 auctionId) external view returns (uint256) {
        English storage a = _english[auctionId];
        if (a.state == State.None) revert AuctionsWrongKind(auctionId);
        if (a.bidder == address(0)) return a.reserve == 0 ? 1 : a.reserve;
        return _nextMinimum(a.amount, a.incrementBps);
    }

    /// @inheritdoc IAuctions
    function commitHashOf(
        uint256 auctionId,
        address bidder,
        uint256 amount,
        bytes32 salt
    ) external view returns (bytes32) {
        return _commitHash(auctionId, bidder, amount, salt);
    }

    // ------------------------------------------------------------------ internals

    /// @dev AU-E3: the highest bid plus its increment, rounded up, at least 1.
    function _nextMinimum(uint256 highest, uint256 incrementBps) private pure returns (uint256) {
        // Cannot overflow: highest < 2^96 and incrementBps <= 10^4.
        unchecked {
            uint256 step = (highest * incrementBps + BPS - 1) / BPS;
            return highest + (step == 0 ? 1 : step);
        }
    }

    /// @dev AU-D1: linear from startPrice to floorPrice over `duration`, the drop rounded down.
    function _dutchPrice(Dutch storage d) private view returns (uint256) {
        uint256 start = d.start;
        uint256 duration = d.duration;
        uint256 floorPrice = d.floorPrice;
        uint256 startPrice = d.startPrice;
        if (block.timestamp <= start) return startPrice;
        uint256 elapsed = block.timestamp - start;
        if (elapsed >= duration) return floorPrice;
        return startPrice - ((startPrice - floorPrice) * elapsed) / duration;
    }

    /// @dev Records a revealed bid as the highest.
    function _setHighest(Sealed storage s, uint256 amount, uint32 seq) private {
        s.bidder = msg.sender;
        s.highest = uint96(amount);
        s.highestSeq = seq;
    }

    /// @dev AU-V5: after the reveal window, sells to the highest revealed bid at the second price, or returns the lot.
    function _settleSealed(uint256 auctionId) private {
        Sealed storage s = _sealed[auctionId];
        _requireOpen(auctionId, s.state);
        uint256 revealEnd = s.revealEnd;
        if (block.timestamp < revealEnd) revert AuctionsNotEnded(revealEnd);
        address winner = s.bidder;
        if (winner == address(0)) {
            s.state = State.Unsold;
            emit AuctionUnsold(auctionId);
            _deliverLot(auctionId, s.seller);
            return;
        }
        s.state = State.Settled;
        uint256 reserve = s.reserve;
        uint256 second = s.second;
        uint256 price = second > reserve ? second : reserve;
        Commit storage c = _commits[auctionId][winner];
        uint256 deposit = c.deposit;
        c.status = CommitStatus.Closed;
        address token = s.bidToken;
        // Cannot underflow: price <= highest <= deposit (AU-V3, AU-V4). Paid before the sale, so that the lot's
        // delivery is the last call (its fallback needs only the claim's gas, AU-L3).
        unchecked {
            _payout(token, winner, deposit - price);
        }
        _sell(auctionId, winner, price, s.seller, token);
    }

    /// @dev AU-V2.
    function _commitHash(
        uint256 auctionId,
        address bidder,
        uint256 amount,
        bytes32 salt
    ) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), auctionId, bidder, amount, salt));
    }
}
