// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IPullPayments} from "./IPullPayments.sol";

/// @title Peer-to-peer loans against escrowed collateral (docs/lending.md)
/// @notice A lender's signed `Offer` or a borrower's signed `Request` is accepted by the other side in one call; the
/// collateral is held until the loan is repaid, claimed by the lender after default, or sold in a Dutch auction on
/// the suite's `Auctions` contract. Both positions are ERC-721 tokens of this contract: the lender token (id =
/// loanId, even) is paid, the borrower token (loanId + 1) gets the collateral back.
interface ILending is IPullPayments, IERC721Metadata {
    enum CollateralKind {
        ERC20,
        ERC721
    }

    enum InterestKind {
        Fixed,
        ProRated
    }

    enum Status {
        None,
        Active,
        OnSale,
        Repaid,
        Claimed,
        Sold
    }

    /// @notice LN-S1: a loan's terms, stored as their EIP-712 struct hash and passed in calldata to every call.
    struct Terms {
        address principalToken;
        uint96 principal;
        address collateralToken;
        uint96 collateralAmount;
        uint256 collateralId;
        CollateralKind collateralKind;
        InterestKind interestKind;
        uint96 interest;
        uint32 duration;
        uint32 gracePeriod;
        uint16 feeBps;
        address feeRecipient;
        uint16 saleStartBps;
        uint16 saleFloorBps;
        uint32 saleDuration;
        uint32 saleFloorDuration;
    }

    /// @notice LN-O1: signed by `lender`, accepted by `borrower` (or anyone when it is 0).
    struct Offer {
        address lender;
        address borrower;
        Terms terms;
        bool anyCollateralId;
        uint256 refinances;
        uint256 nonce;
        uint40 expiry;
    }

    /// @notice LN-O1: signed by `borrower`, accepted by `lender` (or anyone when it is 0).
    struct Request {
        address borrower;
        address lender;
        Terms terms;
        uint256 refinances;
        uint256 nonce;
        uint40 expiry;
    }

    /// @notice LN-S2: three slots. `lender` and `borrower` are the position tokens' holders (0 once burned).
    struct Loan {
        address lender;
        uint40 start;
        uint40 checkpoint;
        Status status;
        address borrower;
        uint96 outstanding;
        bytes32 termsHash;
    }

    /// @notice LN-D2: a collateral sale, recorded when it starts.
    struct Sale {
        uint256 auctionId;
        uint128 debt;
        uint128 interest;
    }

    // ------------------------------------------------------------------ events

    /// @notice LN-A7: the loan's terms as signed; `collateralId` is the loan's token id (the borrower's choice for an
    /// offer open to any id of the collection).
    event LoanStarted(
        uint256 indexed loanId,
        address indexed lender,
        address indexed borrower,
        bytes32 digest,
        Terms terms,
        uint256 collateralId
    );
    /// @notice LN-R6: `outstanding` is what remains afterwards.
    event Repaid(
        uint256 indexed loanId,
        address indexed payer,
        uint256 payment,
        uint256 interestPaid,
        uint256 fee,
        uint256 outstanding
    );
    event LoanRepaid(uint256 indexed loanId);
    event CollateralClaimed(uint256 indexed loanId, address indexed lender, address to);
    /// @notice LN-R4, LN-D5: delivery failed; the collateral waits for `holder` (withdrawCollateral).
    event CollateralHeld(uint256 indexed loanId, address indexed holder);
    event CollateralWithdrawn(uint256 indexed loanId, address indexed holder, address to);
    event SaleStarted(uint256 indexed loanId, uint256 indexed auctionId, uint256 debt);
    event SaleSettled(uint256 indexed loanId, uint256 proceeds, uint256 toLender, uint256 toBorrower);
    /// @notice LN-F6: `terms` as signed by the new side; the collateral id is unchanged.
    event Refinanced(
        uint256 indexed loanId,
        address indexed oldLender,
        address indexed newLender,
        uint256 owed,
        bytes32 digest,
        Terms terms
    );
    event NonceCancelled(address indexed signer, uint256 nonce);
    event NoncesCancelledBelow(address indexed signer, uint256 minNonce);
    event Deposited(address indexed account, uint256 amount);
    event DepositWithdrawn(address indexed account, address to, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice LN-O7: `reason` is one of the TERMS_* constants of `Lending`.
    error LendingInvalidTerms(uint256 reason);
    /// @notice Sale terms on a deployment without an `Auctions` contract.
    error LendingSaleUnavailable();
    error LendingOfferExpired(uint256 expiry);
    error LendingNonceUsed(address signer, uint256 nonce);
    /// @notice `cancelNoncesBelow` may only raise the floor, below 2^192.
    error LendingInvalidNonce(uint256 nonce, uint256 minNonce);
    error LendingInvalidSignature();
    error LendingUnauthorized();
    error LendingSelfLoan();
    error LendingTransferShortfall(address token, uint256 expected, uint256 received);
    error LendingInsufficientDeposit(uint256 deposit, uint256 needed);
    error LendingValueMismatch(uint256 value, uint256 expected);
    error LendingZeroAmount();
    error LendingPaymentBelowInterest(uint256 payment, uint256 accrued);
    error LendingTermsMismatch();
    error LendingWrongStatus(uint256 loanId, Status status);
    error LendingNotDefaulted(uint256 defaultsAt);
    /// @notice `claim` on terms that sell the collateral, or `startSale` on terms that do not.
    error LendingSaleTerms(bool saleTerms);
    error LendingSaleNotOver(uint256 end);
    error LendingRefinanceMismatch();
    error LendingShortfall(uint256 needed, uint256 maxPayment);
    error LendingInvalidRecipient();
    error LendingUnsolicitedTransfer();
    error LendingNothingHeld(uint256 loanId);

    // ------------------------------------------------------------------ loans

    /// @notice LN-A: the borrower accepts a lender's offer; `collateralId` is the token id of the collection when the
    /// offer is open to any (else it must equal the signed id).
    function acceptOffer(
        Offer calldata offer,
        bytes calldata signature,
        uint256 collateralId
    ) external returns (uint256 loanId);

    /// @notice LN-A: the lender accepts a borrower's request; ETH principal is `msg.value`.
    function acceptRequest(
        Request calldata request,
        bytes calldata signature
    ) external payable returns (uint256 loanId);

    /// @notice LN-R: anyone pays up to `amount` of what is owed (ETH: msg.value == amount, the excess returned).
    function repay(Terms calldata terms, uint256 loanId, uint256 amount) external payable returns (uint256 payment);

    /// @notice LN-D1: the lender token's holder takes the collateral of a defaulted loan.
    function claim(Terms calldata terms, uint256 loanId, address to) external;

    /// @notice LN-D2: anyone lists a defaulted loan's collateral on `Auctions`.
    function startSale(Terms calldata terms, uint256 loanId) external returns (uint256 auctionId);

    /// @notice LN-D4, LN-D5: anyone settles a sold or unsold collateral sale.
    function settleSale(Terms calldata terms, uint256 loanId) external;

    /// @notice LN-F: the borrower token's holder refinances with a new lender's offer, paying any shortfall (at most
    /// `maxPayment`; ETH: msg.value == maxPayment, the excess returned).
    function refinanceWithOffer(
        Terms calldata oldTerms,
        uint256 loanId,
        Offer calldata offer,
        bytes calldata signature,
        uint256 maxPayment
    ) external payable;

    /// @notice LN-F: a new lender accepts the borrower's refinancing request; ETH principal is `msg.value`.
    function refinanceWithRequest(
        Terms calldata oldTerms,
        uint256 loanId,
        Request calldata request,
        bytes calldata signature
    ) external payable;

    /// @notice LN-R4, LN-D5: the holder of the remaining position token takes collateral held for it.
    function withdrawCollateral(Terms calldata terms, uint256 loanId, address to) external;

    // ------------------------------------------------------------------ nonces and deposits

    /// @notice LN-O5: marks each nonce used.
    function cancelNonces(uint256[] calldata nonces) external;

    /// @notice LN-O5: every nonce below `minNonce` is dead; the floor only rises.
    function cancelNoncesBelow(uint256 minNonce) external;

    /// @notice LN-A4: ETH a lender's offers lend from.
    function deposit() external payable;

    function withdrawDeposit(uint256 amount, address to) external;

    // ------------------------------------------------------------------ views

    function auctions() external view returns (address);

    function loanOf(uint256 loanId) external view returns (Loan memory);

    function saleOf(uint256 loanId) external view returns (Sale memory);

    /// @notice LN-I3: what a full repayment at time `at` would pay.
    function owedAt(
        Terms calldata terms,
        uint256 loanId,
        uint256 at
    ) external view returns (uint256 principalPart, uint256 interestPart, uint256 total);

    /// @notice The EIP-712 struct hash of `terms`, which a loan stores.
    function hashTerms(Terms calldata terms) external pure returns (bytes32);

    function offerDigest(Offer calldata offer) external view returns (bytes32);

    function requestDigest(Request calldata request) external view returns (bytes32);

    function nonceUsed(address signer, uint256 nonce) external view returns (bool);

    function minNonceOf(address signer) external view returns (uint256);

    function depositOf(address account) external view returns (uint256);
}
