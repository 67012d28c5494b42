// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {Auctions} from "../Auctions.sol";
import {IAuctions} from "../interfaces/IAuctions.sol";
import {AuctionLeanNFT} from "../mocks/AuctionMocks.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {BlocklistToken} from "../mocks/MockTokens.sol";
import {FuzzBase} from "./FuzzBase.sol";

/// @dev Test-only (fuzzing): the Auctions harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Actors sell ERC721 lots (which they cannot receive back: FuzzActor has no
/// `onERC721Received`, so every NFT delivery becomes a claim, taken to this harness) or ERC20 lots (a second token),
/// in English, Dutch and sealed auctions for ETH or the harness token; any actor bids (also from its credit), buys,
/// commits, reveals, reclaims, settles and cancels at any time. Each action asserts who received what (docs/auctions.md
/// AU-E5, AU-E7, AU-D2, AU-V5, AU-V6) or that nobody moved; `_afterAction` that terminal states never change and that
/// every lot still owed is held. The inherited properties compare the books (bids, deposits, credits, fees) with
/// the harness's own count and the balance. Rules: docs/security.md, Auctions.
contract AuctionsFuzz is FuzzBase, IERC721Receiver {
    uint256 private constant MAX_AUCTIONS = 16;
    uint256 private constant MAX_PRICE = 10 ether;

    Auctions private immutable _auctions;
    AuctionLeanNFT private immutable _nft;
    BlocklistToken private immutable _lotToken;
    uint256[] private _ids;
    /// @dev The state each auction was last seen in (terminal states must never change).
    mapping(uint256 id => IAuctions.State) private _seen;
    mapping(uint256 id => mapping(uint256 actor => uint256 amount)) private _sealedBid;
    uint256 private _nextNft = 1;

    constructor() payable {
        _auctions = new Auctions(address(this));
        _nft = new AuctionLeanNFT();
        _lotToken = new BlocklistToken();
        _auctions.setFee(100, address(_actors[ACTORS - 1]));
        for (uint256 i; i < ACTORS; ++i) {
            _lotToken.mint(address(_actors[i]), ACTOR_TOKENS);
            _exec(i, address(_token), abi.encodeCall(_token.approve, (address(_auctions), type(uint256).max)));
            _exec(i, address(_lotToken), abi.encodeCall(_token.approve, (address(_auctions), type(uint256).max)));
            _exec(i, address(_nft), abi.encodeCall(_nft.setApprovalForAll, (address(_auctions), true)));
        }
    }

    /// @dev A token without permit (both assets share its code): the harness embeds Auctions and would pass the
    /// EIP-3860 initcode limit with two permit tokens.
    function _newToken() internal override returns (MockERC20) {
        return MockERC20(address(new BlocklistToken()));
    }

    // ------------------------------------------------------------------ creating

    /// @param seed Picks the seller, the kind, the lot (an NFT or lot tokens) and the bid asset.
    function create(uint256 seed, uint256 price, uint256 duration, uint256 other) external {
        if (_ids.length == MAX_AUCTIONS) return;
        seed = uint256(keccak256(abi.encode(seed, _ids.length)));
        uint256 seller = seed % ACTORS;
        IAuctions.LotSpec memory lot;
        if ((seed >> 8) % 2 == 0) {
            _nft.mint(address(_actors[seller]), _nextNft);
            lot = IAuctions.LotSpec(IAuctions.LotKind.ERC721, address(_nft), _nextNft++, 1);
        } else {
            lot = IAuctions.LotSpec(IAuctions.LotKind.ERC20, address(_lotToken), 0, _bound(other, 1, MAX_AMOUNT));
        }
        address bidToken = _asset(seed >> 16);
        uint40 d = uint40(1 days + (duration % 5 days));
        uint96 p = uint96(_bound(price, 0, MAX_PRICE));
        bytes memory data;
        uint256 kind = (seed >> 24) % 3;
        if (kind == 0) {
            uint24 ext = uint24(_bound(other, 0, d < 1 days ? d : 1 days));
            data = abi.encodeCall(
                IAuctions.createEnglish,
                (lot, IAuctions.EnglishParams(bidToken, p, uint16((seed >> 32) % 2_001), d, ext))
            );
        } else if (kind == 1) {
            uint96 floorPrice = p == 0 ? 1 : p;
            data = abi.encodeCall(
                IAuctions.createDutch,
                (lot, IAuctions.DutchParams(bidToken, floorPrice + uint96(other % MAX_PRICE), floorPrice, d, d))
            );
        } else {
            data = abi.encodeCall(IAuctions.createSealed, (lot, IAuctions.SealedParams(bidToken, p, d, d)));
        }
        uint256 id = _auctions.nextAuctionId();
        (bool ok, ) = _actors[seller].exec(address(_auctions), 0, data);
        assert(ok);
        _ids.push(id);
        _seen[id] = IAuctions.State.Open;
        _afterAction();
    }

    // ------------------------------------------------------------------ bidding

    /// @param amount Mostly the minimum bid plus a little, sometimes anything.
    function bid(uint256 index, uint256 caller, uint256 amount, bool fromCredit) external {
        uint256 id = _pick(index, IAuctions.Kind.English);
        if (id == 0) return;
        caller %= ACTORS;
        IAuctions.English memory e = _auctions.englishOf(id);
        uint256 minimum = e.state == IAuctions.State.Open ? _auctions.minimumBidOf(id) : 1;
        amount = amount % 4 == 0 ? _bound(amount >> 2, 0, MAX_PRICE * 2) : minimum + ((amount >> 2) % 1 ether);
        address asset = e.bidToken;
        uint256 credit = fromCredit ? _auctions.creditOf(asset, address(_actors[caller])) : 0;
        if (credit > amount) credit = amount;
        uint256 value = asset == address(0) ? amount - credit : 0;
        if (value > address(_actors[caller]).balance) return;
        Snapshot memory before = _snapshot(asset);
        (bool ok, ) = _actors[caller].exec(
            address(_auctions),
            value,
            abi.encodeCall(IAuctions.bid, (id, amount, credit))
        );
        int256[ACTORS] memory received = _account(asset, before);
        if (ok) {
            // AU-E5, AU-E6: the bidder paid the bid; the previous bidder got its bid back (or credit); nobody else.
            uint256 prev = e.bidder == address(0) ? ACTORS : _indexOf(e.bidder);
            if (prev == caller) {
                assert(received[caller] == int256(uint256(e.amount)) - int256(amount));
            } else {
                assert(received[caller] == -int256(amount));
                if (prev < ACTORS) assert(received[prev] == int256(uint256(e.amount)));
            }
            for (uint256 i; i < ACTORS; ++i) if (i != caller && i != prev) assert(received[i] == 0);
            assert(amount >= minimum && block.timestamp < (e.bidder == address(0) ? type(uint256).max : e.end));
        } else {
            _onlyReceived(received, 0);
        }
        _afterAction();
    }

    /// @param extra ETH above the price (a Dutch ETH auction); the excess must come back.
    function buy(uint256 index, uint256 caller, uint256 extra) external {
        uint256 id = _pick(index, IAuctions.Kind.Dutch);
        if (id == 0) return;
        caller %= ACTORS;
        IAuctions.Dutch memory d = _auctions.dutchOf(id);
        uint256 price = _auctions.priceOf(id);
        uint256 value = d.bidToken == address(0) ? price + (extra % 1 ether) : 0;
        if (value > address(_actors[caller]).balance) return;
        uint256 seller = _indexOf(d.seller);
        Snapshot memory before = _snapshot(d.bidToken);
        (bool ok, ) = _actors[caller].exec(address(_auctions), value, abi.encodeCall(IAuctions.buy, (id)));
        int256[ACTORS] memory received = _account(d.bidToken, before);
        if (ok) {
            // AU-D2: the buyer paid exactly the price (its excess back), the seller got it less the fee.
            uint256 fee = (price * _auctions.lotOf(id).feeBps) / 10_000;
            if (seller == caller) assert(received[caller] == -int256(fee));
            else {
                assert(received[caller] == -int256(price));
                assert(received[seller] == int256(price - fee));
            }
            IAuctions.Dutch memory sold = _auctions.dutchOf(id);
            // AU-D4: the record is the price paid, whatever ETH came along.
            assert(sold.state == IAuctions.State.Settled && sold.price == price);
        } else {
            _onlyReceived(received, 0);
        }
        _afterAction();
    }

    function commit(uint256 index, uint256 caller, uint256 amount, uint256 cover) external {
        uint256 id = _pick(index, IAuctions.Kind.Sealed);
        if (id == 0) return;
        caller = _withCommit(id, caller, IAuctions.CommitStatus.None);
        amount = _bound(amount, 0, MAX_PRICE);
        uint256 deposit = amount + (cover % 1 ether);
        address asset = _auctions.sealedOf(id).bidToken;
        uint256 value = asset == address(0) ? deposit : 0;
        if (value > address(_actors[caller]).balance) return;
        bytes32 hash = _auctions.commitHashOf(id, address(_actors[caller]), amount, _salt(id, caller));
        Snapshot memory before = _snapshot(asset);
        (bool ok, ) = _actors[caller].exec(
            address(_auctions),
            value,
            abi.encodeCall(IAuctions.commit, (id, hash, deposit))
        );
        int256[ACTORS] memory received = _account(asset, before);
        if (ok) _sealedBid[id][caller] = amount;
        // The committer paid the deposit, nobody else moved.
        for (uint256 i; i < ACTORS; ++i) assert(received[i] == (ok && i == caller ? -int256(deposit) : int256(0)));
        _afterAction();
    }

    function reveal(uint256 index, uint256 caller) external {
        uint256 id = _pick(index, IAuctions.Kind.Sealed);
        if (id == 0) return;
        caller = _withCommit(id, caller, IAuctions.CommitStatus.Committed);
        _exec(caller, address(_auctions), abi.encodeCall(IAuctions.reveal, (id, _sealedBid[id][caller], _salt(id, caller))));
        _afterAction();
    }

    /// @dev AU-V6: a loser gets its deposit back, less 10% to the winner (or seller) when it never revealed.
    function reclaim(uint256 index, uint256 caller) external {
        uint256 id = _pick(index, IAuctions.Kind.Sealed);
        if (id == 0) return;
        caller = _withCommit(id, caller, caller % 2 == 0 ? IAuctions.CommitStatus.Committed : IAuctions.CommitStatus.Revealed);
        IAuctions.Sealed memory s = _auctions.sealedOf(id);
        IAuctions.Commit memory c = _auctions.commitOf(id, address(_actors[caller]));
        Snapshot memory before = _snapshot(s.bidToken);
        (bool ok, ) = _actors[caller].exec(address(_auctions), 0, abi.encodeCall(IAuctions.reclaim, (id)));
        int256[ACTORS] memory received = _account(s.bidToken, before);
        uint256 total = _onlyReceived(received, type(uint256).max);
        if (ok) assert(total == c.deposit && received[caller] >= int256((uint256(c.deposit) * 9_000) / 10_000));
        else assert(total == 0);
        _afterAction();
    }

    // ------------------------------------------------------------------ ending

    /// @dev AU-E7, AU-V5: what the winner put in (its bid, or its deposit) went to actors (seller, the winner's
    /// change) and to the fees, exactly; an unsold or refused settle moves nothing.
    function settle(uint256 index, uint256 caller) external {
        if (_ids.length == 0) return;
        uint256 id = _ids[index % _ids.length];
        IAuctions.Kind kind = _auctions.kindOf(id);
        if (kind != IAuctions.Kind.English && kind != IAuctions.Kind.Sealed) return;
        address asset;
        uint256 stake;
        if (kind == IAuctions.Kind.English) {
            IAuctions.English memory e = _auctions.englishOf(id);
            (asset, stake) = (e.bidToken, e.amount);
        } else {
            IAuctions.Sealed memory s = _auctions.sealedOf(id);
            asset = s.bidToken;
            if (s.bidder != address(0)) stake = _auctions.commitOf(id, s.bidder).deposit;
        }
        uint256 feesBefore = _auctions.feesOf(asset);
        Snapshot memory before = _snapshot(asset);
        (bool ok, ) = _actor(caller).exec(address(_auctions), 0, abi.encodeCall(IAuctions.settle, (id)));
        int256[ACTORS] memory received = _account(asset, before);
        uint256 total = _onlyReceived(received, type(uint256).max);
        assert(total + (_auctions.feesOf(asset) - feesBefore) == (ok ? stake : 0));
        _afterAction();
    }

    /// @dev Rarely (a quarter of the calls): a seller cancelling every auction it can would leave nothing to bid on.
    function cancel(uint256 index) external {
        if (_ids.length == 0 || index % 4 != 0) return;
        uint256 id = _ids[index % _ids.length];
        IAuctions.Kind kind = _auctions.kindOf(id);
        address seller = kind == IAuctions.Kind.English
            ? _auctions.englishOf(id).seller
            : kind == IAuctions.Kind.Dutch
                ? _auctions.dutchOf(id).seller
                : _auctions.sealedOf(id).seller;
        _exec(_indexOf(seller), address(_auctions), abi.encodeCall(IAuctions.cancel, (id)));
        _afterAction();
    }

    /// @dev An actor's undeliverable NFT goes to this harness (which accepts NFTs).
    function claimLot(uint256 index) external {
        if (_ids.length == 0) return;
        uint256 id = _ids[index % _ids.length];
        address claimant = _auctions.lotClaimantOf(id);
        if (claimant == address(0)) return;
        _exec(_indexOf(claimant), address(_auctions), abi.encodeCall(IAuctions.claimLot, (id, address(this))));
        assert(_auctions.lotClaimantOf(id) == address(0));
        _afterAction();
    }

    function setFee(uint256 bps) external {
        _auctions.setFee(bps % 501, address(_actors[ACTORS - 1]));
        _afterAction();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    // ------------------------------------------------------------------ checks

    /// @dev Terminal states never change; every lot still owed (open, or a pending claim) is held.
    function _afterAction() internal override {
        uint256 lotTokensOwed;
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            IAuctions.State state = _stateOf(id);
            if (_seen[id] != IAuctions.State.Open) assert(state == _seen[id]);
            _seen[id] = state;
            if (state == IAuctions.State.Open || _auctions.lotClaimantOf(id) != address(0)) {
                IAuctions.Lot memory lot = _auctions.lotOf(id);
                if (lot.lotKind == IAuctions.LotKind.ERC721) assert(_nft.ownerOf(lot.id) == address(_auctions));
                else lotTokensOwed += lot.amount;
            }
        }
        assert(_lotToken.balanceOf(address(_auctions)) == lotTokensOwed);
    }

    /// @dev The books: open English bids, unreclaimed deposits, credits and accrued fees (AU-S1).
    function _ledger(address asset) internal view override returns (uint256 sum) {
        sum = _credits(asset) + _auctions.feesOf(asset);
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            IAuctions.Kind kind = _auctions.kindOf(id);
            if (kind == IAuctions.Kind.English) {
                IAuctions.English memory e = _auctions.englishOf(id);
                if (e.bidToken == asset && e.state == IAuctions.State.Open) sum += e.amount;
            } else if (kind == IAuctions.Kind.Sealed && _auctions.sealedOf(id).bidToken == asset) {
                for (uint256 a; a < ACTORS; ++a) {
                    IAuctions.Commit memory c = _auctions.commitOf(id, address(_actors[a]));
                    if (c.status == IAuctions.CommitStatus.Committed || c.status == IAuctions.CommitStatus.Revealed) {
                        sum += c.deposit;
                    }
                }
            }
        }
    }

    function _target() internal view override returns (address) {
        return address(_auctions);
    }

    /// @dev The first actor from `seed` on whose commit in `id` has `status` (else `seed`'s actor): most calls then
    /// reach a commit they can act on.
    function _withCommit(uint256 id, uint256 seed, IAuctions.CommitStatus status) private view returns (uint256) {
        for (uint256 k; k < ACTORS; ++k) {
            uint256 a = ((seed % ACTORS) + k) % ACTORS;
            if (_auctions.commitOf(id, address(_actors[a])).status == status) return a;
        }
        return seed % ACTORS;
    }

    /// @dev The first auction of `kind` from `index` on (cyclically), 0 if none: most calls then reach their kind.
    function _pick(uint256 index, IAuctions.Kind kind) private view returns (uint256) {
        uint256 n = _ids.length;
        for (uint256 k; k < n; ++k) {
            uint256 id = _ids[((index % n) + k) % n];
            if (_auctions.kindOf(id) == kind) return id;
        }
        return 0;
    }

    function _stateOf(uint256 id) private view returns (IAuctions.State) {
        IAuctions.Kind kind = _auctions.kindOf(id);
        if (kind == IAuctions.Kind.English) return _auctions.englishOf(id).state;
        if (kind == IAuctions.Kind.Dutch) return _auctions.dutchOf(id).state;
        return _auctions.sealedOf(id).state;
    }

    function _salt(uint256 id, uint256 actor) private pure returns (bytes32) {
        return keccak256(abi.encode(id, actor));
    }

    function _exec(uint256 actor, address target, bytes memory data) private {
        _actors[actor].exec(target, 0, data);
    }

    function _indexOf(address actor) private view returns (uint256) {
        for (uint256 i; i < ACTORS; ++i) if (address(_actors[i]) == actor) return i;
        return ACTORS;
    }
}
