// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IAuctions} from "./interfaces/IAuctions.sol";
import {ILending} from "./interfaces/ILending.sol";
import {LendingLoans} from "./lending/LendingLoans.sol";
import {LendingTerms} from "./lending/LendingTerms.sol";

/// @title Peer-to-peer lending against escrowed collateral (docs/lending.md)
/// @notice A lender's signed offer or a borrower's signed request becomes a loan in one call; the collateral is held
/// here until the loan is repaid, claimed after default, or sold on `Auctions`. There is no owner and no admin path:
/// nothing but a loan's own rules moves its collateral or its payments.
contract Lending is LendingLoans, IERC721Receiver {
    using SafeERC20 for IERC20;
    using LendingTerms for Terms;

    constructor(address auctions_) EIP712("PeerPay Lending", "1") LendingLoans(auctions_) {}

    // ------------------------------------------------------------------ acceptance (LN-A)

    /// @inheritdoc ILending
    function acceptOffer(
        Offer calldata offer,
        bytes calldata signature,
        uint256 collateralId
    ) external nonReentrant returns (uint256 loanId) {
        Terms calldata t = offer.terms;
        if (offer.refinances != 0) revert LendingRefinanceMismatch();
        address borrower = offer.borrower;
        if (borrower != address(0) && borrower != msg.sender) revert LendingUnauthorized();
        t.check(auctions);
        // LN-O2: an offer open to any token of the collection takes the borrower's id; else the signed one.
        if (offer.anyCollateralId) {
            if (t.collateralKind != CollateralKind.ERC721 || t.collateralId != 0) {
                revert LendingInvalidTerms(LendingTerms.TERMS_COLLATERAL_ID);
            }
        } else if (collateralId != t.collateralId) {
            revert LendingInvalidTerms(LendingTerms.TERMS_COLLATERAL_ID);
        }
        bytes32 digest = _offerDigest(offer);
        address lender = offer.lender;
        _useNonce(lender, offer.nonce, offer.expiry, digest, signature);
        loanId = _open(digest, lender, msg.sender, t, collateralId);
        // LN-A4: an ETH principal comes from the lender's deposit.
        if (t.principalToken == address(0)) _spendDeposit(lender, t.principal);
        _fund(t, lender, msg.sender, collateralId);
    }

    /// @inheritdoc ILending
    function acceptRequest(
        Request calldata request,
        bytes calldata signature
    ) external payable nonReentrant returns (uint256 loanId) {
        Terms calldata t = request.terms;
        if (request.refinances != 0) revert LendingRefinanceMismatch();
        address lender = request.lender;
        if (lender != address(0) && lender != msg.sender) revert LendingUnauthorized();
        t.check(auctions);
        _checkValue(t.principalToken, t.principal);
        bytes32 digest = _requestDigest(request);
        address borrower = request.borrower;
        _useNonce(borrower, request.nonce, request.expiry, digest, signature);
        uint256 collateralId = t.collateralId;
        loanId = _open(digest, msg.sender, borrower, t, collateralId);
        _fund(t, msg.sender, borrower, collateralId);
    }

    /// @dev LN-A2: writes the loan and mints both positions, before any token moves.
    function _open(
        bytes32 digest,
        address lender,
        address borrower,
        Terms calldata t,
        uint256 collateralId
    ) private returns (uint256 loanId) {
        if (lender == borrower) revert LendingSelfLoan();
        loanId = uint256(digest) & ~uint256(1);
        uint256 outstanding = t.principal;
        if (t.interestKind == InterestKind.Fixed) outstanding += t.interest;
        _loans[loanId] = Loan({
            lender: lender,
            start: uint40(block.timestamp),
            checkpoint: uint40(block.timestamp),
            status: Status.Active,
            borrower: borrower,
            // check() bounds principal + interest below 2^96.
            outstanding: uint96(outstanding),
            termsHash: t.hash(collateralId)
        });
        _minted(lender, loanId);
        _minted(borrower, loanId + 1);
        emit LoanStarted(loanId, lender, borrower, digest, t, collateralId);
    }

    /// @dev LN-A3, LN-A4: the collateral in (measured), then the principal out to the borrower.
    function _fund(Terms calldata t, address lender, address borrower, uint256 collateralId) private {
        address collateral = t.collateralToken;
        if (t.collateralKind == CollateralKind.ERC20) {
            uint256 amount = t.collateralAmount;
            uint256 before = IERC20(collateral).balanceOf(address(this));
            IERC20(collateral).safeTransferFrom(borrower, address(this), amount);
            _requireReceived(collateral, amount, before, IERC20(collateral).balanceOf(address(this)));
        } else {
            IERC721(collateral).transferFrom(borrower, address(this), collateralId);
            if (IERC721(collateral).ownerOf(collateralId) != address(this)) {
                revert LendingTransferShortfall(collateral, 1, 0);
            }
        }
        address token = t.principalToken;
        uint256 principal = t.principal;
        if (token == address(0)) {
            _payout(address(0), borrower, principal);
        } else {
            // LN-A5: a principal the borrower cannot receive reverts the acceptance.
            uint256 before = IERC20(token).balanceOf(borrower);
            IERC20(token).safeTransferFrom(lender, borrower, principal);
            _requireReceived(token, principal, before, IERC20(token).balanceOf(borrower));
        }
    }

    // ------------------------------------------------------------------ repayment (LN-R)

    /// @inheritdoc ILending
    function repay(
        Terms calldata t,
        uint256 loanId,
        uint256 amount
    ) external payable nonReentrant returns (uint256 payment) {
        Loan storage loan = _loans[loanId];
        _requireActive(loan, t, loanId);
        if (amount == 0) revert LendingZeroAmount();
        _checkValue(t.principalToken, amount);
        // LN-R5: the payee is whoever holds the lender token now.
        address holder = loan.lender;
        uint256 fee;
        address borrower;
        (payment, fee, borrower) = _applyPayment(loan, t, loanId, amount, holder);
        if (amount > payment && t.principalToken == address(0)) _payout(address(0), msg.sender, amount - payment);
        _pay(t.principalToken, msg.sender, holder, payment - fee);
        _pay(t.principalToken, msg.sender, t.feeRecipient, fee);
        if (borrower != address(0) && !_tryDeliver(t, borrower)) _hold(loan, loanId, borrower, false);
    }

    /// @dev LN-R1, LN-R2, LN-R4: books a payment of up to `amount`; returns it, its fee and, when it ends the loan, the
    /// borrower token's holder (both positions burned before any token moves).
    function _applyPayment(
        Loan storage loan,
        Terms calldata t,
        uint256 loanId,
        uint256 amount,
        address holder
    ) private returns (uint256 payment, uint256 fee, address borrower) {
        uint256 outstanding = loan.outstanding;
        (uint256 principalPart, uint256 interestPart) = t.owed(outstanding, loan.checkpoint, block.timestamp);
        payment = Math.min(amount, principalPart + interestPart);
        uint256 interestPaid = Math.min(payment, interestPart);
        if (t.interestKind == InterestKind.Fixed) {
            outstanding -= payment;
        } else {
            // LN-R2: unpaid interest is never carried.
            if (payment < interestPart) revert LendingPaymentBelowInterest(payment, interestPart);
            outstanding -= payment - interestPaid;
            loan.checkpoint = uint40(block.timestamp);
        }
        fee = (interestPaid * t.feeBps) / LendingTerms.BPS;
        loan.outstanding = uint96(outstanding);
        emit Repaid(loanId, msg.sender, payment, interestPaid, fee, outstanding);
        if (outstanding != 0) return (payment, fee, address(0));
        borrower = loan.borrower;
        loan.status = Status.Repaid;
        loan.lender = address(0);
        loan.borrower = address(0);
        _burned(holder, loanId);
        _burned(borrower, loanId + 1);
        emit LoanRepaid(loanId);
    }

    // ------------------------------------------------------------------ default (LN-D)

    /// @inheritdoc ILending
    function claim(Terms calldata t, uint256 loanId, address to) external nonReentrant {
        Loan storage loan = _loans[loanId];
        _requireActive(loan, t, loanId);
        address holder = loan.lender;
        if (!_isAuthorized(holder, msg.sender, loanId)) revert LendingUnauthorized();
        uint256 defaultsAt = _requireDefaulted(loan, t);
        // LN-D1a: sale terms sell the collateral; only if no one has started the sale by the time it would have
        // ended (a collection `Auctions` cannot move, say) may the lender take it.
        if (t.saleStartBps != 0 && block.timestamp < defaultsAt + t.saleDuration + t.saleFloorDuration) {
            revert LendingSaleTerms(true);
        }
        _requireRecipient(to);
        address borrower = loan.borrower;
        loan.status = Status.Claimed;
        loan.lender = address(0);
        loan.borrower = address(0);
        _burned(holder, loanId);
        _burned(borrower, loanId + 1);
        emit CollateralClaimed(loanId, holder, to);
        _deliver(t, to);
    }

    /// @inheritdoc ILending
    function startSale(Terms calldata t, uint256 loanId) external nonReentrant returns (uint256 auctionId) {
        Loan storage loan = _loans[loanId];
        _requireActive(loan, t, loanId);
        if (t.saleStartBps == 0) revert LendingSaleTerms(false);
        _requireDefaulted(loan, t);
        // LN-D2: the debt stops growing here.
        (uint256 principalPart, uint256 interestPart) = t.owed(loan.outstanding, loan.checkpoint, block.timestamp);
        uint256 debt = principalPart + interestPart;
        loan.status = Status.OnSale;
        auctionId = _list(t, debt);
        // Written once the listing returns its id, under this call's guard; debt and interest fit in 128 bits
        // (below 2^96 plus at most 1,000% a year for 2^40 seconds).
        // slither-disable-next-line reentrancy-benign
        _sales[loanId] = Sale({auctionId: auctionId, debt: uint128(debt), interest: uint128(interestPart)});
        emit SaleStarted(loanId, auctionId, debt);
    }

    /// @dev LN-D2: lists the collateral as a Dutch auction on `Auctions`, priced from `debt` by the terms.
    function _list(Terms calldata t, uint256 debt) private returns (uint256) {
        address venue = auctions;
        bool erc20 = t.collateralKind == CollateralKind.ERC20;
        IAuctions.LotSpec memory lot = IAuctions.LotSpec({
            kind: erc20 ? IAuctions.LotKind.ERC20 : IAuctions.LotKind.ERC721,
            token: t.collateralToken,
            id: t.collateralId,
            amount: erc20 ? t.collateralAmount : 1
        });
        if (erc20) {
            IERC20(lot.token).forceApprove(venue, lot.amount);
        } else {
            IERC721(lot.token).approve(venue, lot.id);
        }
        return IAuctions(venue).createDutch(lot, _dutchParams(t, debt));
    }

    function _dutchParams(Terms calldata t, uint256 debt) private pure returns (IAuctions.DutchParams memory) {
        return
            IAuctions.DutchParams({
                bidToken: t.principalToken,
                startPrice: LendingTerms.price(debt, t.saleStartBps),
                floorPrice: LendingTerms.price(debt, t.saleFloorBps),
                duration: t.saleDuration,
                floorDuration: t.saleFloorDuration
            });
    }

    /// @inheritdoc ILending
    function settleSale(Terms calldata t, uint256 loanId) external nonReentrant {
        Loan storage loan = _loans[loanId];
        Status status = loan.status;
        if (status != Status.OnSale) revert LendingWrongStatus(loanId, status);
        if (loan.termsHash != t.hash(t.collateralId)) revert LendingTermsMismatch();
        Sale memory sale = _sales[loanId];
        IAuctions venue = IAuctions(auctions);
        IAuctions.Dutch memory dutch = venue.dutchOf(sale.auctionId);
        address lender = loan.lender;
        address borrower = loan.borrower;
        loan.lender = address(0);
        loan.borrower = address(0);
        _burned(lender, loanId);
        _burned(borrower, loanId + 1);
        if (dutch.state == IAuctions.State.Settled) {
            loan.status = Status.Sold;
            _paySale(t, loanId, sale, venue, dutch.price, lender, borrower);
            return;
        }
        // LN-D5: unsold once the auction's end has passed; the collateral comes back and goes to the lender.
        if (block.timestamp < dutch.end) revert LendingSaleNotOver(dutch.end);
        loan.status = Status.Claimed;
        emit CollateralClaimed(loanId, lender, lender);
        venue.cancel(sale.auctionId);
        if (venue.lotClaimantOf(sale.auctionId) == address(this)) {
            // Auctions could not return the lot within its delivery gas: it goes from there straight to the lender.
            venue.claimLot(sale.auctionId, lender);
        } else if (!_tryDeliver(t, lender)) {
            _hold(loan, loanId, lender, true);
        }
    }

    /// @dev LN-D4: what `Auctions` paid (its fee off) goes to the lender up to the debt, the fee on the interest in
    /// it to the fee recipient, the rest to the borrower.
    function _paySale(
        Terms calldata t,
        uint256 loanId,
        Sale memory sale,
        IAuctions venue,
        uint256 price,
        address lender,
        address borrower
    ) private {
        uint256 proceeds = price - (price * venue.lotOf(sale.auctionId).feeBps) / LendingTerms.BPS;
        address token = t.principalToken;
        // AU-X2: proceeds Auctions could not push are this contract's credit there.
        if (venue.creditOf(token, address(this)) != 0) venue.withdraw(token, address(this));
        uint256 lenderPart = proceeds < sale.debt ? proceeds : sale.debt;
        uint256 fee = ((lenderPart < sale.interest ? lenderPart : sale.interest) * t.feeBps) / LendingTerms.BPS;
        emit SaleSettled(loanId, proceeds, lenderPart - fee, proceeds - lenderPart);
        _payout(token, lender, lenderPart - fee);
        _payout(token, t.feeRecipient, fee);
        _payout(token, borrower, proceeds - lenderPart);
    }

    /// @inheritdoc ILending
    function withdrawCollateral(Terms calldata t, uint256 loanId, address to) external nonReentrant {
        Loan storage loan = _loans[loanId];
        Status status = loan.status;
        address holder = address(0);
        uint256 tokenId = loanId;
        if (status == Status.Repaid) {
            holder = loan.borrower;
            tokenId = loanId + 1;
        } else if (status == Status.Claimed) {
            holder = loan.lender;
        }
        if (holder == address(0)) revert LendingNothingHeld(loanId);
        if (loan.termsHash != t.hash(t.collateralId)) revert LendingTermsMismatch();
        if (!_isAuthorized(holder, msg.sender, tokenId)) revert LendingUnauthorized();
        _requireRecipient(to);
        if (tokenId == loanId) {
            loan.lender = address(0);
        } else {
            loan.borrower = address(0);
        }
        _burned(holder, tokenId);
        emit CollateralWithdrawn(loanId, holder, to);
        _deliver(t, to);
    }

    /// @dev LN-R4, LN-D5: a delivery that failed leaves the collateral held for `holder`, whose position (burned
    /// before the attempt) is restored as the claim to it. Written after the failed call only, under the guard.
    function _hold(Loan storage loan, uint256 loanId, address holder, bool lenderSide) private {
        uint256 tokenId = loanId;
        if (lenderSide) {
            loan.lender = holder;
        } else {
            loan.borrower = holder;
            tokenId = loanId + 1;
        }
        // The burn ended the token's approval (its Transfer to 0 says so): the claim is minted without it.
        _clearApproval(tokenId);
        _minted(holder, tokenId);
        emit CollateralHeld(loanId, holder);
    }

    // ------------------------------------------------------------------ refinance (LN-F)

    /// @inheritdoc ILending
    function refinanceWithOffer(
        Terms calldata oldTerms,
        uint256 loanId,
        Offer calldata offer,
        bytes calldata signature,
        uint256 maxPayment
    ) external payable nonReentrant {
        Loan storage loan = _loans[loanId];
        _requireActive(loan, oldTerms, loanId);
        // LN-F1: the borrower token's holder asks; the offer names this loan, or any, and this borrower, or any.
        if (msg.sender != loan.borrower) revert LendingUnauthorized();
        if (offer.refinances != 0 && offer.refinances != loanId) revert LendingRefinanceMismatch();
        if (offer.borrower != address(0) && offer.borrower != msg.sender) revert LendingUnauthorized();
        _checkRefinance(oldTerms, offer.terms, offer.anyCollateralId);
        bytes32 digest = _offerDigest(offer);
        _useNonce(offer.lender, offer.nonce, offer.expiry, digest, signature);
        Payoff memory p = _refinance(loan, loanId, oldTerms, offer.terms, offer.lender, digest);
        uint256 shortfall = p.owed > p.newPrincipal ? p.owed - p.newPrincipal : 0;
        if (shortfall > maxPayment) revert LendingShortfall(shortfall, maxPayment);
        if (p.token == address(0)) {
            // The borrower sends its budget; what the shortfall does not take goes back.
            if (msg.value != maxPayment) revert LendingValueMismatch(msg.value, maxPayment);
            _spendDeposit(p.newLender, p.newPrincipal);
            _payout(address(0), msg.sender, maxPayment - shortfall);
        } else if (msg.value != 0) {
            revert LendingValueMismatch(msg.value, 0);
        }
        _payOff(p);
    }

    /// @inheritdoc ILending
    function refinanceWithRequest(
        Terms calldata oldTerms,
        uint256 loanId,
        Request calldata request,
        bytes calldata signature
    ) external payable nonReentrant {
        Loan storage loan = _loans[loanId];
        _requireActive(loan, oldTerms, loanId);
        // LN-F1: the borrower token's holder signed a request for this loan; the caller is the new lender it allows.
        if (request.refinances != loanId) revert LendingRefinanceMismatch();
        address borrower = request.borrower;
        if (borrower != loan.borrower) revert LendingUnauthorized();
        address lender = request.lender;
        if (lender != address(0) && lender != msg.sender) revert LendingUnauthorized();
        Terms calldata t = request.terms;
        _checkRefinance(oldTerms, t, false);
        _checkValue(t.principalToken, t.principal);
        bytes32 digest = _requestDigest(request);
        _useNonce(borrower, request.nonce, request.expiry, digest, signature);
        Payoff memory p = _refinance(loan, loanId, oldTerms, t, msg.sender, digest);
        // LN-F3: the new lender alone pays off the old one.
        if (p.owed > p.newPrincipal) revert LendingShortfall(p.owed - p.newPrincipal, 0);
        _payOff(p);
    }

    /// @dev LN-F2: the new terms are valid and keep the principal token and the collateral exactly.
    function _checkRefinance(Terms calldata oldTerms, Terms calldata t, bool anyCollateralId) private view {
        t.check(auctions);
        if (
            t.principalToken != oldTerms.principalToken ||
            t.collateralToken != oldTerms.collateralToken ||
            // Valid terms of the other kind have another amount (ERC721: 0, ERC20: > 0), so the kind is kept too.
            t.collateralAmount != oldTerms.collateralAmount ||
            t.collateralId != (anyCollateralId ? 0 : oldTerms.collateralId)
        ) revert LendingRefinanceMismatch();
    }

    /// @dev LN-F4: the loan keeps its id and collateral; the new lender, times, debt and terms replace the old, and
    /// the lender token is burned and minted to the new lender.
    function _refinance(
        Loan storage loan,
        uint256 loanId,
        Terms calldata oldTerms,
        Terms calldata t,
        address newLender,
        bytes32 digest
    ) private returns (Payoff memory p) {
        address borrower = loan.borrower;
        if (newLender == borrower) revert LendingSelfLoan();
        (uint256 principalPart, uint256 interestPart) = oldTerms.owed(
            loan.outstanding,
            loan.checkpoint,
            block.timestamp
        );
        p.token = t.principalToken;
        p.newLender = newLender;
        p.payer = msg.sender;
        p.oldLender = loan.lender;
        p.borrower = borrower;
        p.feeRecipient = oldTerms.feeRecipient;
        p.newPrincipal = t.principal;
        p.owed = principalPart + interestPart;
        p.fee = (interestPart * oldTerms.feeBps) / LendingTerms.BPS;
        uint256 outstanding = t.principal;
        if (t.interestKind == InterestKind.Fixed) outstanding += t.interest;
        loan.lender = newLender;
        loan.start = uint40(block.timestamp);
        loan.checkpoint = uint40(block.timestamp);
        loan.outstanding = uint96(outstanding);
        loan.termsHash = t.hash(oldTerms.collateralId);
        _clearApproval(loanId);
        _burned(p.oldLender, loanId);
        _minted(newLender, loanId);
        emit Refinanced(loanId, p.oldLender, newLender, p.owed, digest, t);
    }

    // ------------------------------------------------------------------ receiving (LN-D7)

    /// @notice Only `Auctions` sends ETH here (a sale's proceeds).
    receive() external payable {
        if (msg.sender != auctions) revert LendingUnsolicitedTransfer();
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(address operator, address, uint256, bytes calldata) external view returns (bytes4) {
        // Collateral arrives by transferFrom; only Auctions returning an unsold lot uses a safe transfer.
        if (operator != auctions) revert LendingUnsolicitedTransfer();
        return IERC721Receiver.onERC721Received.selector;
    }

    // ------------------------------------------------------------------ deposits (LN-A4)

    /// @inheritdoc ILending
    function withdrawDeposit(uint256 amount, address to) external nonReentrant {
        _requireRecipient(to);
        if (amount == 0) revert LendingZeroAmount();
        _spendDeposit(msg.sender, amount);
        emit DepositWithdrawn(msg.sender, to, amount);
        Address.sendValue(payable(to), amount);
    }
}
