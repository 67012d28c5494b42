// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Auctions} from "../Auctions.sol";
import {IAuctions} from "../interfaces/IAuctions.sol";
import {ILending} from "../interfaces/ILending.sol";
import {Lending} from "../Lending.sol";
import {AuctionNFT} from "../mocks/AuctionMocks.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {BlocklistToken} from "../mocks/MockTokens.sol";
import {FuzzBase} from "./FuzzBase.sol";
import {LendingFuzzMarket} from "./LendingFuzzMarket.sol";

/// @dev Test-only (fuzzing): the Lending harness, for medusa (medusa.json) and the Hardhat driver
/// (test/fuzz/harnesses.test.ts). Actors (FuzzActor, signing by ERC-1271 while the fuzzer lets them) offer and
/// request loans of ETH (from a deposit, or msg.value) or the harness token against ERC20 collateral (a blocklist
/// token) or an NFT, fixed or pro-rated, with or without a fee (to the last actor) and a sale; anyone repays in part
/// or in full, transfers positions, claims, starts, buys and settles sales, refinances with an offer or a request and
/// withdraws held collateral; actors are blocklisted by either token, refuse ETH, and withdraw their credits. Each
/// action asserts who received what (docs/lending.md LN-A4, LN-R3, LN-D4, LN-F3) or that nobody moved; `_afterAction`
/// that terminal states never change and positions exist while a loan is live. The properties compare the books (credits, deposits, unsettled sale proceeds;
/// collateral held) with the harness's own counts and the balances (LN-V1, LN-V2), and check the NFTs Lending must own.
contract LendingFuzz is FuzzBase {
    uint256 private constant MAX_LOANS = 12;
    uint256 private constant BPS = 10_000;
    uint256 private constant COLLATERAL = 5 ether;

    Lending private immutable _lending;
    Auctions private immutable _auctions;
    BlocklistToken private immutable _coll;
    AuctionNFT private immutable _nft;
    uint256 private immutable _auctionFeeBps;

    uint256[] private _ids;
    mapping(uint256 loanId => ILending.Terms) private _terms;
    mapping(uint256 loanId => ILending.Status) private _seen;
    uint256[ACTORS] private _nonce;
    uint256 private _nextNft = 1;
    /// @dev The collateral tokens Lending holds by the harness's count (what left actors and Auctions), and donations.
    uint256 private _collGhost;
    uint256 private _collDonated;

    constructor(LendingFuzzMarket market) payable {
        _lending = market.lending();
        _auctions = market.auctions();
        _auctionFeeBps = market.AUCTION_FEE_BPS();
        _coll = new BlocklistToken();
        _nft = new AuctionNFT();
        for (uint256 i; i < ACTORS; ++i) {
            _coll.mint(address(_actors[i]), ACTOR_TOKENS);
            _actors[i].exec(address(_token), 0, abi.encodeCall(_token.approve, (address(_lending), type(uint256).max)));
            _actors[i].exec(address(_token), 0, abi.encodeCall(_token.approve, (address(_auctions), type(uint256).max)));
            _actors[i].exec(address(_coll), 0, abi.encodeCall(_token.approve, (address(_lending), type(uint256).max)));
            _actors[i].exec(address(_nft), 0, abi.encodeCall(_nft.setApprovalForAll, (address(_lending), true)));
        }
    }

    /// @dev A blocklist token as the principal, so that actors can be refused it (credits, LN-R3).
    function _newToken() internal override returns (MockERC20) {
        return MockERC20(address(new BlocklistToken()));
    }

    /// @param seed Picks lender, borrower, offer or request, the assets, the interest, the fee and the sale.
    function openLoan(uint256 seed, uint256 principal, uint256 timing) external {
        if (_ids.length == MAX_LOANS) return;
        seed = uint256(keccak256(abi.encode(seed, _ids.length)));
        uint256 lender = seed % ACTORS;
        uint256 borrower = (lender + 1 + ((seed >> 8) % (ACTORS - 1))) % ACTORS;
        ILending.Terms memory t = _newTerms(seed, _bound(principal, 1e12, 10 ether), timing, borrower);
        bool isOffer = (seed >> 40) % 2 == 0;
        address asset = t.principalToken;
        uint256 value;
        bytes memory data;
        if (isOffer) {
            if (asset == address(0)) _exec(lender, address(_lending), abi.encodeCall(_lending.deposit, ()), t.principal);
            ILending.Offer memory o = ILending.Offer(_addr(lender), address(0), t, false, 0, ++_nonce[lender], uint40(block.timestamp + 1 days));
            data = abi.encodeCall(_lending.acceptOffer, (o, "", t.collateralId));
        } else {
            ILending.Request memory r = ILending.Request(_addr(borrower), address(0), t, 0, ++_nonce[borrower], uint40(block.timestamp + 1 days));
            data = abi.encodeCall(_lending.acceptRequest, (r, ""));
            value = asset == address(0) ? t.principal : 0;
        }
        uint256 caller = isOffer ? borrower : lender;
        if (value > address(_actors[caller]).balance) return;
        uint256 deposit = _lending.depositOf(_addr(lender));
        uint256 collBefore = _collOutside();
        Snapshot memory before = _snapshot(asset);
        (bool ok, bytes memory result) = _actors[caller].exec(address(_lending), value, data);
        int256[ACTORS] memory received = _account(asset, before);
        _countCollateral(collBefore);
        if (ok) {
            uint256 id = abi.decode(result, (uint256));
            _ids.push(id);
            _terms[id] = t;
            _seen[id] = ILending.Status.Active;
            // LN-A4: the borrower got the principal from the lender (its deposit, for an ETH offer).
            assert(received[borrower] == int256(uint256(t.principal)));
            if (isOffer && asset == address(0)) {
                assert(received[lender] == 0 && _lending.depositOf(_addr(lender)) == deposit - t.principal);
            } else {
                assert(received[lender] == -int256(uint256(t.principal)));
            }
            assert(_lending.ownerOf(id) == _addr(lender) && _lending.ownerOf(id + 1) == _addr(borrower));
        } else {
            _onlyReceived(received, 0);
        }
        _afterAction();
    }

    function _newTerms(
        uint256 seed,
        uint256 principal,
        uint256 timing,
        uint256 borrower
    ) private returns (ILending.Terms memory t) {
        t.principalToken = (seed >> 16) % 2 == 0 ? address(0) : address(_token);
        t.principal = uint96(principal);
        if ((seed >> 24) % 2 == 0) {
            t.collateralToken = address(_coll);
            t.collateralAmount = uint96(COLLATERAL);
        } else {
            t.collateralToken = address(_nft);
            t.collateralKind = ILending.CollateralKind.ERC721;
            t.collateralId = _nextNft++;
            _nft.mint(_addr(borrower), t.collateralId);
        }
        bool proRated = (seed >> 32) % 2 == 0;
        t.interestKind = proRated ? ILending.InterestKind.ProRated : ILending.InterestKind.Fixed;
        t.interest = uint96(proRated ? 1 + (seed >> 48) % 100_000 : principal / 10);
        t.duration = uint32(1 hours + (timing % 3 days));
        t.gracePeriod = uint32((timing >> 32) % 1 days);
        if ((seed >> 56) % 2 == 0) {
            t.feeBps = uint16(1 + ((seed >> 64) % 2_500));
            t.feeRecipient = _addr(ACTORS - 1);
        }
        if ((seed >> 80) % 2 == 0) {
            t.saleStartBps = 15_000;
            t.saleFloorBps = 8_000;
            t.saleDuration = uint32(1 hours + (timing >> 64) % 1 days);
            t.saleFloorDuration = uint32((timing >> 96) % 1 days);
        }
    }

    /// @param amount Mostly the whole debt or a share of it; sometimes anything (below the interest, above the debt).
    function repay(uint256 index, uint256 caller, uint256 amount) external {
        (uint256 id, ILending.Terms memory t) = _pick(index);
        if (id == 0) return;
        caller %= ACTORS;
        (, uint256 interest, uint256 total) = _owed(id, t);
        uint256 mode = amount % 4;
        amount >>= 2;
        amount = mode == 0 ? total : mode == 1 ? interest + (amount % (total + 1)) : mode == 2 ? total + (amount % 1 ether) : amount % (2 * total + 1);
        uint256 value = t.principalToken == address(0) ? amount : 0;
        if (value > address(_actors[caller]).balance) return;
        uint256 collBefore = _collOutside();
        Snapshot memory before = _snapshot(t.principalToken);
        bool ok = _call(caller, value, abi.encodeCall(_lending.repay, (t, id, amount)));
        int256[ACTORS] memory received = _account(t.principalToken, before);
        _countCollateral(collBefore);
        // LN-R3: the payment moved among actors (payer to lender holder and fee recipient); nothing stayed but credits.
        int256 sum;
        for (uint256 i; i < ACTORS; ++i) sum += received[i];
        assert(sum == 0);
        if (ok) {
            assert(amount != 0 && received[caller] <= 0);
            ILending.Loan memory loan = _lending.loanOf(id);
            if (amount >= total) assert(loan.status == ILending.Status.Repaid && loan.outstanding == 0);
        } else {
            _onlyReceived(received, 0);
        }
        _afterAction();
    }

    function claim(uint256 index, uint256 caller) external {
        (uint256 id, ILending.Terms memory t) = _pick(index);
        if (id == 0) return;
        uint256 holder = _indexOf(_lending.loanOf(id).lender);
        caller = _caller(caller, holder);
        uint256 collBefore = _collOutside();
        bool ok = _call(caller, 0, abi.encodeCall(_lending.claim, (t, id, _addr(caller))));
        _countCollateral(collBefore);
        if (ok) {
            assert(caller == holder && _lending.loanOf(id).status == ILending.Status.Claimed);
            if (t.collateralKind == ILending.CollateralKind.ERC721) assert(_nft.ownerOf(t.collateralId) == _addr(caller));
        }
        _afterAction();
    }

    function startSale(uint256 index, uint256 caller) external {
        (uint256 id, ILending.Terms memory t) = _pick(index);
        if (id == 0) return;
        uint256 collBefore = _collOutside();
        bool ok = _call(caller % ACTORS, 0, abi.encodeCall(_lending.startSale, (t, id)));
        _countCollateral(collBefore);
        if (ok) {
            // LN-D2: the collateral is on Auctions, the debt frozen and priced from it.
            ILending.Sale memory sale = _lending.saleOf(id);
            IAuctions.Dutch memory d = _auctions.dutchOf(sale.auctionId);
            assert(d.seller == address(_lending) && d.state == IAuctions.State.Open);
            assert(d.startPrice >= sale.debt && sale.debt >= sale.interest);
        }
        _afterAction();
    }

    /// @dev An actor buys a sale at its current price on Auctions (ETH: plus some excess, returned).
    function buy(uint256 index, uint256 caller, uint256 extra) external {
        (uint256 id, ILending.Terms memory t) = _pick(index);
        if (id == 0 || _lending.loanOf(id).status != ILending.Status.OnSale) return;
        caller %= ACTORS;
        uint256 auctionId = _lending.saleOf(id).auctionId;
        if (_auctions.dutchOf(auctionId).state != IAuctions.State.Open) return;
        uint256 price = _auctions.priceOf(auctionId);
        address asset = t.principalToken;
        // An actor refusing ETH would leave its excess as a credit on Auctions, which this count does not follow.
        uint256 value = asset == address(0) ? price + (_actors[caller].refuseEth() ? 0 : extra % 1 ether) : 0;
        if (value > address(_actors[caller]).balance) return;
        uint256 collBefore = _collOutside();
        Snapshot memory before = _snapshot(asset);
        (bool ok, ) = _actors[caller].exec(address(_auctions), value, abi.encodeCall(IAuctions.buy, (auctionId)));
        int256[ACTORS] memory received = _account(asset, before);
        _countCollateral(collBefore);
        if (ok) {
            // The buyer paid the price; Lending holds it less the lot fee (Auctions keeps that) until settled.
            assert(received[caller] == -int256(price));
            _ghost[_assetIndex(asset)] -= (price * _auctionFeeBps) / BPS;
        } else {
            _onlyReceived(received, 0);
        }
        _afterAction();
    }

    /// @dev LN-D4: a sold sale pays its proceeds out, exactly; LN-D5: an unsold one returns the collateral.
    function settleSale(uint256 index, uint256 caller) external {
        (uint256 id, ILending.Terms memory t) = _pick(index);
        if (id == 0) return;
        uint256 proceeds = _unsettled(id);
        uint256 collBefore = _collOutside();
        Snapshot memory before = _snapshot(t.principalToken);
        bool ok = _call(caller % ACTORS, 0, abi.encodeCall(_lending.settleSale, (t, id)));
        int256[ACTORS] memory received = _account(t.principalToken, before);
        _countCollateral(collBefore);
        uint256 total = _onlyReceived(received, type(uint256).max);
        assert(total == (ok ? proceeds : 0));
        if (ok) {
            ILending.Status s = _lending.loanOf(id).status;
            assert(proceeds == 0 ? s == ILending.Status.Claimed : s == ILending.Status.Sold);
        }
        _afterAction();
    }

    function withdrawCollateral(uint256 index, uint256 caller) external {
        (uint256 id, ILending.Terms memory t) = _pick(index);
        if (id == 0) return;
        ILending.Loan memory loan = _lending.loanOf(id);
        uint256 holder = _indexOf(loan.status == ILending.Status.Repaid ? loan.borrower : loan.lender);
        caller = _caller(caller, holder);
        uint256 collBefore = _collOutside();
        bool ok = _call(caller, 0, abi.encodeCall(_lending.withdrawCollateral, (t, id, _addr(caller))));
        _countCollateral(collBefore);
        loan = _lending.loanOf(id);
        if (ok) assert(caller == holder && loan.lender == address(0) && loan.borrower == address(0));
        _afterAction();
    }

    /// @param principal The new principal, mostly around what is owed; `byRequest` the new lender accepts the
    /// borrower's request instead of the borrower taking the new lender's offer.
    function refinance(uint256 index, uint256 newLender, uint256 principal, bool byRequest) external {
        (uint256 id, ILending.Terms memory old) = _pick(index);
        if (id == 0 || _lending.loanOf(id).status != ILending.Status.Active) return;
        uint256 borrower = _indexOf(_lending.loanOf(id).borrower);
        if (borrower == ACTORS) return;
        newLender %= ACTORS;
        (, , uint256 owed) = _owed(id, old);
        // A copy: memory structs assign by reference, and `old` must stay the loan's terms.
        ILending.Terms memory t = abi.decode(abi.encode(old), (ILending.Terms));
        t.principal = uint96(_bound(principal, owed / 2 + 1, owed * 2 + 1));
        if (t.interestKind == ILending.InterestKind.Fixed) t.interest = t.principal / 20;
        address asset = t.principalToken;
        uint256 shortfall = owed > t.principal ? owed - t.principal : 0;
        uint256 value;
        uint256 caller;
        bytes memory data;
        if (byRequest) {
            caller = newLender;
            value = asset == address(0) ? t.principal : 0;
            ILending.Request memory r = ILending.Request(_addr(borrower), address(0), t, id, ++_nonce[borrower], uint40(block.timestamp + 1 days));
            data = abi.encodeCall(_lending.refinanceWithRequest, (old, id, r, ""));
        } else {
            caller = borrower;
            if (asset == address(0)) {
                _exec(newLender, address(_lending), abi.encodeCall(_lending.deposit, ()), t.principal);
                value = shortfall;
            }
            ILending.Offer memory o = ILending.Offer(_addr(newLender), address(0), t, false, id, ++_nonce[newLender], uint40(block.timestamp + 1 days));
            data = abi.encodeCall(_lending.refinanceWithOffer, (old, id, o, "", shortfall));
        }
        if (value > address(_actors[caller]).balance) return;
        uint256 deposits = _lending.depositOf(_addr(newLender));
        Snapshot memory before = _snapshot(asset);
        bool ok = _call(caller, value, data);
        int256[ACTORS] memory received = _account(asset, before);
        int256 sum;
        for (uint256 i; i < ACTORS; ++i) sum += received[i];
        if (ok) {
            // LN-F3: money moved among actors only, plus the new lender's ETH deposit spent.
            uint256 spent = deposits - _lending.depositOf(_addr(newLender));
            assert(sum == int256(spent) && spent == (!byRequest && asset == address(0) ? t.principal : 0));
            assert(_lending.ownerOf(id) == _addr(newLender) && _lending.loanOf(id).start == block.timestamp);
            _terms[id] = t;
        } else {
            assert(sum == 0);
        }
        _afterAction();
    }

    function transferPosition(uint256 index, uint256 to, bool lenderSide) external {
        (uint256 id, ) = _pick(index);
        if (id == 0) return;
        uint256 tokenId = lenderSide ? id : id + 1;
        ILending.Loan memory loan = _lending.loanOf(id);
        uint256 holder = _indexOf(lenderSide ? loan.lender : loan.borrower);
        if (holder == ACTORS) return;
        to %= ACTORS;
        bool ok = _call(holder, 0, abi.encodeCall(_lending.transferFrom, (_addr(holder), _addr(to), tokenId))
        );
        assert(ok && _lending.ownerOf(tokenId) == _addr(to));
        _afterAction();
    }

    function depositEth(uint256 actor, uint256 amount) external {
        actor %= ACTORS;
        amount = _bound(amount, 0, 5 ether);
        if (amount > address(_actors[actor]).balance) return;
        uint256 before = _lending.depositOf(_addr(actor));
        Snapshot memory snap = _snapshot(address(0));
        bool ok = _call(actor, amount, abi.encodeCall(_lending.deposit, ()));
        _account(address(0), snap);
        assert(ok == (amount != 0) && _lending.depositOf(_addr(actor)) == before + (ok ? amount : 0));
        _afterAction();
    }

    function withdrawDeposit(uint256 actor, uint256 amount) external {
        actor %= ACTORS;
        uint256 before = _lending.depositOf(_addr(actor));
        amount = _bound(amount, 0, before + 1);
        Snapshot memory snap = _snapshot(address(0));
        bool ok = _call(actor, 0, abi.encodeCall(_lending.withdrawDeposit, (amount, _addr(actor)))
        );
        int256[ACTORS] memory received = _account(address(0), snap);
        if (ok) assert(amount != 0 && amount <= before && received[actor] == int256(amount));
        else _onlyReceived(received, 0);
        _afterAction();
    }

    /// @dev LN-O5: cancels the actor's next nonce (its next signed terms then fail) or all below it.
    function cancelNonce(uint256 actor, bool below) external {
        actor %= ACTORS;
        uint256 n = _nonce[actor] + 1;
        if (below) _exec(actor, address(_lending), abi.encodeCall(_lending.cancelNoncesBelow, (n + 1)), 0);
        else {
            uint256[] memory nonces = new uint256[](1);
            nonces[0] = n;
            _exec(actor, address(_lending), abi.encodeCall(_lending.cancelNonces, (nonces)), 0);
        }
        assert(_lending.nonceUsed(_addr(actor), n));
        _afterAction();
    }

    function setBlocked(uint256 actor, bool collateral, bool value) external {
        BlocklistToken(address(collateral ? MockERC20(address(_coll)) : _token)).setBlocked(_addr(actor % ACTORS), value);
    }

    function donateCollateral(uint256 amount) external {
        amount = _bound(amount, 1, MAX_AMOUNT);
        _coll.mint(address(this), amount);
        _collDonated += amount;
        assert(_coll.transfer(address(_lending), amount));
        _afterAction();
    }

    /// @notice LN-V1: the collateral tokens Lending holds are exactly the harness's count plus donations, and its books
    /// (Active loans' and held collateral) say the same; it owns every Active loan's NFT and every held one.
    // solhint-disable-next-line func-name-mixedcase
    function property_collateralHeld() external view returns (bool) {
        uint256 books;
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            ILending.Terms storage t = _terms[id];
            if (!_holdsCollateral(id)) continue;
            if (t.collateralKind == ILending.CollateralKind.ERC20) books += t.collateralAmount;
            else if (_nft.ownerOf(t.collateralId) != address(_lending)) return false;
        }
        return books == _collGhost && _coll.balanceOf(address(_lending)) == _collGhost + _collDonated;
    }

    // ------------------------------------------------------------------ internals

    function _target() internal view override returns (address) {
        return address(_lending);
    }

    /// @dev The books: actors' credits, ETH deposits, and the proceeds of sold sales not yet settled.
    function _ledger(address asset) internal view override returns (uint256 sum) {
        sum = _credits(asset);
        for (uint256 i; i < ACTORS; ++i) if (asset == address(0)) sum += _lending.depositOf(address(_actors[i]));
        for (uint256 i; i < _ids.length; ++i) if (_terms[_ids[i]].principalToken == asset) sum += _unsettled(_ids[i]);
    }

    /// @dev Terminal states never change (LN-D8); positions exist while the loan is live (LN-P2).
    function _afterAction() internal override {
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            ILending.Loan memory loan = _lending.loanOf(id);
            ILending.Status s = loan.status;
            ILending.Status seen = _seen[id];
            // LN-P2: both positions while live; after the end at most the token of the side whose collateral is held.
            bool live = s == ILending.Status.Active || s == ILending.Status.OnSale;
            if (live) assert(loan.lender != address(0) && loan.borrower != address(0));
            else assert(loan.lender == address(0) || loan.borrower == address(0));
            if (seen == ILending.Status.Repaid || seen == ILending.Status.Claimed || seen == ILending.Status.Sold) {
                assert(s == seen);
            }
            if (seen == ILending.Status.OnSale) assert(s != ILending.Status.Active && s != ILending.Status.Repaid);
            _seen[id] = s;
        }
    }

    /// @dev What a sold, unsettled sale holds in Lending: the price less the lot fee (0 otherwise).
    function _unsettled(uint256 id) private view returns (uint256) {
        if (_lending.loanOf(id).status != ILending.Status.OnSale) return 0;
        IAuctions.Dutch memory d = _auctions.dutchOf(_lending.saleOf(id).auctionId);
        if (d.state != IAuctions.State.Settled) return 0;
        return d.price - (uint256(d.price) * _auctionFeeBps) / BPS;
    }

    function _holdsCollateral(uint256 id) private view returns (bool) {
        ILending.Loan memory loan = _lending.loanOf(id);
        return
            loan.status == ILending.Status.Active ||
            (loan.status == ILending.Status.Repaid && loan.borrower != address(0)) ||
            (loan.status == ILending.Status.Claimed && loan.lender != address(0));
    }

    /// @dev Collateral tokens outside Lending: the actors' and Auctions'.
    function _collOutside() private view returns (uint256 sum) {
        sum = _coll.balanceOf(address(_auctions));
        for (uint256 i; i < ACTORS; ++i) sum += _coll.balanceOf(address(_actors[i]));
    }

    /// @dev Moves the collateral count by what left (or came back to) the actors and Auctions since `before`.
    function _countCollateral(uint256 before) private {
        uint256 afterwards = _collOutside();
        if (afterwards > before) _collGhost -= afterwards - before;
        else _collGhost += before - afterwards;
    }

    function _owed(uint256 id, ILending.Terms memory t) private view returns (uint256, uint256, uint256) {
        if (_lending.loanOf(id).status != ILending.Status.Active) return (0, 0, 1);
        return _lending.owedAt(t, id, block.timestamp);
    }

    function _pick(uint256 index) private view returns (uint256 id, ILending.Terms memory t) {
        if (_ids.length != 0) (id, t) = (_ids[index % _ids.length], _terms[_ids[index % _ids.length]]);
    }

    function _call(uint256 actor, uint256 value, bytes memory data) private returns (bool ok) {
        (ok, ) = _actors[actor].exec(address(_lending), value, data);
    }

    function _addr(uint256 actor) private view returns (address) {
        return address(_actors[actor]);
    }

    function _exec(uint256 actor, address target, bytes memory data, uint256 value) private {
        if (value > address(_actors[actor]).balance) return;
        Snapshot memory before = _snapshot(address(0));
        _actors[actor].exec(target, value, data);
        _account(address(0), before);
    }

    function _indexOf(address actor) private view returns (uint256) {
        for (uint256 i; i < ACTORS; ++i) if (address(_actors[i]) == actor) return i;
        return ACTORS;
    }
}
