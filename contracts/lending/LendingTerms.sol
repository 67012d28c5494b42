// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ILending} from "../interfaces/ILending.sol";

/// @title Loan terms: their bounds, their hash and what they owe (docs/lending.md §2, §4)
library LendingTerms {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant YEAR = 365 days;
    uint256 internal constant MAX_DURATION = 5 * 365 days;
    uint256 internal constant MAX_GRACE = 90 days;
    /// @dev 1,000% a year.
    uint256 internal constant MAX_RATE_BPS = 100_000;
    /// @dev 25% of the interest.
    uint256 internal constant MAX_FEE_BPS = 2_500;
    /// @dev `Auctions.MAX_DURATION`: the longest descent and time at the floor a sale may ask for.
    uint256 internal constant MAX_SALE_DURATION = 365 days;

    // LN-O7: the reasons of `LendingInvalidTerms`.
    uint256 internal constant TERMS_PRINCIPAL = 1;
    uint256 internal constant TERMS_PRINCIPAL_TOKEN = 2;
    uint256 internal constant TERMS_COLLATERAL_TOKEN = 3;
    uint256 internal constant TERMS_COLLATERAL = 4;
    uint256 internal constant TERMS_DURATION = 5;
    uint256 internal constant TERMS_GRACE = 6;
    uint256 internal constant TERMS_INTEREST = 7;
    uint256 internal constant TERMS_FEE = 8;
    uint256 internal constant TERMS_SALE = 9;
    uint256 internal constant TERMS_COLLATERAL_ID = 10;

    bytes32 internal constant TERMS_TYPEHASH = keccak256(
        "Terms(address principalToken,uint96 principal,address collateralToken,uint96 collateralAmount,"
        "uint256 collateralId,uint8 collateralKind,uint8 interestKind,uint96 interest,uint32 duration,"
        "uint32 gracePeriod,uint16 feeBps,address feeRecipient,uint16 saleStartBps,uint16 saleFloorBps,"
        "uint32 saleDuration,uint32 saleFloorDuration)"
    );

    /// @dev LN-O7, LN-O8: reverts with the first bound `t` breaks. `auctions` is the sale venue (0: none).
    function check(ILending.Terms calldata t, address auctions) internal view {
        if (t.principal == 0) _invalid(TERMS_PRINCIPAL);
        address principalToken = t.principalToken;
        address collateralToken = t.collateralToken;
        if (
            principalToken != address(0) &&
            (principalToken.code.length == 0 || principalToken == address(this) || principalToken == auctions)
        ) _invalid(TERMS_PRINCIPAL_TOKEN);
        if (
            collateralToken == principalToken ||
            collateralToken.code.length == 0 ||
            collateralToken == address(this) ||
            collateralToken == auctions
        ) _invalid(TERMS_COLLATERAL_TOKEN);
        if (
            t.collateralKind == ILending.CollateralKind.ERC20
                ? t.collateralAmount == 0 || t.collateralId != 0
                : t.collateralAmount != 0
        ) _invalid(TERMS_COLLATERAL);
        uint256 duration = t.duration;
        if (duration == 0 || duration > MAX_DURATION) _invalid(TERMS_DURATION);
        if (t.gracePeriod > MAX_GRACE) _invalid(TERMS_GRACE);
        uint256 interest = t.interest;
        if (
            t.interestKind == ILending.InterestKind.ProRated
                ? interest == 0 || interest > MAX_RATE_BPS
                : t.principal + interest > type(uint96).max
        ) _invalid(TERMS_INTEREST);
        uint256 feeBps = t.feeBps;
        address feeRecipient = t.feeRecipient;
        if (feeBps > MAX_FEE_BPS || (feeBps == 0) != (feeRecipient == address(0)) || feeRecipient == address(this)) {
            _invalid(TERMS_FEE);
        }
        _checkSale(t, auctions);
    }

    /// @dev LN-O7: no sale (all four zero), or a sale `Auctions` would open.
    function _checkSale(ILending.Terms calldata t, address auctions) private pure {
        uint256 startBps = t.saleStartBps;
        uint256 floorBps = t.saleFloorBps;
        uint256 duration = t.saleDuration;
        uint256 floorDuration = t.saleFloorDuration;
        if (startBps == 0) {
            if (floorBps != 0 || duration != 0 || floorDuration != 0) _invalid(TERMS_SALE);
            return;
        }
        if (auctions == address(0)) revert ILending.LendingSaleUnavailable();
        if (
            floorBps == 0 ||
            floorBps > startBps ||
            duration == 0 ||
            duration > MAX_SALE_DURATION ||
            floorDuration > MAX_SALE_DURATION
        ) _invalid(TERMS_SALE);
    }

    function _invalid(uint256 reason) private pure {
        revert ILending.LendingInvalidTerms(reason);
    }

    /// @dev LN-S1: the EIP-712 struct hash of `t` with `collateralId` in place of its own id (the two differ only for
    /// an offer open to any id of the collection, whose loan stores the id the borrower gave).
    function hash(ILending.Terms calldata t, uint256 collateralId) internal pure returns (bytes32 structHash) {
        bytes32 typeHash = TERMS_TYPEHASH;
        // Terms is a static struct of 16 words in calldata; its fields are read (and so validated) by `check`.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            calldatacopy(add(ptr, 0x20), t, 0x200)
            mstore(add(ptr, 0xa0), collateralId)
            structHash := keccak256(ptr, 0x220)
        }
    }

    /// @dev LN-I1, LN-I2: a full repayment at `at` of a loan with `outstanding` left, accruing from `checkpoint`.
    function owed(
        ILending.Terms calldata t,
        uint256 outstanding,
        uint256 checkpoint,
        uint256 at
    ) internal pure returns (uint256 principalPart, uint256 interestPart) {
        if (t.interestKind == ILending.InterestKind.Fixed) {
            uint256 principal = t.principal;
            // Interest is paid first: what exceeds the principal is interest still owed.
            interestPart = outstanding > principal ? outstanding - principal : 0;
            return (outstanding - interestPart, interestPart);
        }
        uint256 elapsed = at > checkpoint ? at - checkpoint : 0;
        // Rounded up (never in the borrower's favour); below 2^96 * 2^17 * 2^40 before the division.
        interestPart = Math.ceilDiv(outstanding * t.interest * elapsed, BPS * YEAR);
        return (outstanding, interestPart);
    }

    /// @dev LN-D2: `bps` of `debt`, rounded up and capped below 2^96 (the Dutch prices' width).
    function price(uint256 debt, uint256 bps) internal pure returns (uint96) {
        return uint96(Math.min(Math.ceilDiv(debt * bps, BPS), type(uint96).max));
    }
}
