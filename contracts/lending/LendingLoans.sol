// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Signatures} from "../libraries/Signatures.sol";
import {LendingPositions} from "./LendingPositions.sol";
import {ILending} from "../interfaces/ILending.sol";
import {LendingTerms} from "./LendingTerms.sol";

/// @title Signed terms, nonces, deposits and the moves of a loan's assets (docs/lending.md §2, §5)
abstract contract LendingLoans is LendingPositions, EIP712 {
    using SafeERC20 for IERC20;
    using LendingTerms for Terms;

    /// @dev LN-O6: gas an ERC-1271 signer gets to answer.
    uint256 internal constant WALLET_GAS = 100_000;

    bytes32 internal constant OFFER_TYPEHASH = keccak256(
        "Offer(address lender,address borrower,Terms terms,bool anyCollateralId,uint256 refinances,uint256 nonce,"
        "uint40 expiry)Terms(address principalToken,uint96 principal,address collateralToken,"
        "uint96 collateralAmount,uint256 collateralId,uint8 collateralKind,uint8 interestKind,uint96 interest,"
        "uint32 duration,uint32 gracePeriod,uint16 feeBps,address feeRecipient,uint16 saleStartBps,"
        "uint16 saleFloorBps,uint32 saleDuration,uint32 saleFloorDuration)"
    );
    bytes32 internal constant REQUEST_TYPEHASH = keccak256(
        "Request(address borrower,address lender,Terms terms,uint256 refinances,uint256 nonce,uint40 expiry)"
        "Terms(address principalToken,uint96 principal,address collateralToken,uint96 collateralAmount,"
        "uint256 collateralId,uint8 collateralKind,uint8 interestKind,uint96 interest,uint32 duration,"
        "uint32 gracePeriod,uint16 feeBps,address feeRecipient,uint16 saleStartBps,uint16 saleFloorBps,"
        "uint32 saleDuration,uint32 saleFloorDuration)"
    );

    /// @dev LN-F3: who pays whom when a loan owing `owed` is refinanced with `newPrincipal`.
    struct Payoff {
        address token;
        address newLender;
        address payer;
        address oldLender;
        address borrower;
        address feeRecipient;
        uint256 newPrincipal;
        uint256 owed;
        uint256 fee;
    }

    /// @inheritdoc ILending
    address public immutable auctions;

    mapping(address signer => mapping(uint256 word => uint256 bits)) private _nonceBits;
    mapping(address account => uint256 amount) private _deposits;
    mapping(uint256 loanId => Sale) internal _sales;

    /// @param auctions_ The `Auctions` contract that sells defaulted collateral, or 0 for a deployment without sales.
    constructor(address auctions_) {
        if (auctions_ != address(0) && auctions_.code.length == 0) revert LendingSaleUnavailable();
        auctions = auctions_;
    }

    // ------------------------------------------------------------------ nonces and deposits

    /// @inheritdoc ILending
    function cancelNonces(uint256[] calldata nonces) external {
        for (uint256 i = 0; i < nonces.length; ++i) {
            uint256 nonce = nonces[i];
            _nonceBits[msg.sender][nonce >> 8] |= 1 << (nonce & 0xff);
            emit NonceCancelled(msg.sender, nonce);
        }
    }

    /// @inheritdoc ILending
    function cancelNoncesBelow(uint256 minNonce) external {
        Account storage account = _accounts[msg.sender];
        uint256 current = account.minNonce;
        if (minNonce <= current || minNonce > type(uint192).max) revert LendingInvalidNonce(minNonce, current);
        account.minNonce = uint192(minNonce);
        emit NoncesCancelledBelow(msg.sender, minNonce);
    }

    /// @inheritdoc ILending
    function deposit() external payable {
        if (msg.value == 0) revert LendingZeroAmount();
        _deposits[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILending
    function loanOf(uint256 loanId) external view returns (Loan memory) {
        return _loans[loanId];
    }

    /// @inheritdoc ILending
    function saleOf(uint256 loanId) external view returns (Sale memory) {
        return _sales[loanId];
    }

    /// @inheritdoc ILending
    function owedAt(
        Terms calldata terms,
        uint256 loanId,
        uint256 at
    ) external view returns (uint256 principalPart, uint256 interestPart, uint256 total) {
        Loan storage loan = _loans[loanId];
        if (loan.termsHash != terms.hash(terms.collateralId)) revert LendingTermsMismatch();
        (principalPart, interestPart) = terms.owed(loan.outstanding, loan.checkpoint, at);
        total = principalPart + interestPart;
    }

    /// @inheritdoc ILending
    function hashTerms(Terms calldata terms) external pure returns (bytes32) {
        return terms.hash(terms.collateralId);
    }

    /// @inheritdoc ILending
    function offerDigest(Offer calldata offer) external view returns (bytes32) {
        return _offerDigest(offer);
    }

    /// @inheritdoc ILending
    function requestDigest(Request calldata request) external view returns (bytes32) {
        return _requestDigest(request);
    }

    /// @inheritdoc ILending
    function nonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return nonce < _accounts[signer].minNonce || _nonceBits[signer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc ILending
    function minNonceOf(address signer) external view returns (uint256) {
        return _accounts[signer].minNonce;
    }

    /// @inheritdoc ILending
    function depositOf(address account) external view returns (uint256) {
        return _deposits[account];
    }

    // ------------------------------------------------------------------ signed terms (LN-O)

    /// @dev Offer is a static struct: lender, borrower, the 16 words of its terms, anyCollateralId, refinances,
    /// nonce, expiry. The terms word is replaced by their struct hash.
    function _offerDigest(Offer calldata offer) internal view returns (bytes32) {
        bytes32 termsHash = offer.terms.hash(offer.terms.collateralId);
        bytes32 typeHash = OFFER_TYPEHASH;
        bytes32 structHash;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            calldatacopy(add(ptr, 0x20), offer, 0x40)
            mstore(add(ptr, 0x60), termsHash)
            calldatacopy(add(ptr, 0x80), add(offer, 0x240), 0x80)
            structHash := keccak256(ptr, 0x100)
        }
        return _hashTypedDataV4(structHash);
    }

    /// @dev Request: borrower, lender, the terms, refinances, nonce, expiry.
    function _requestDigest(Request calldata request) internal view returns (bytes32) {
        bytes32 termsHash = request.terms.hash(request.terms.collateralId);
        bytes32 typeHash = REQUEST_TYPEHASH;
        bytes32 structHash;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            calldatacopy(add(ptr, 0x20), request, 0x40)
            mstore(add(ptr, 0x60), termsHash)
            calldatacopy(add(ptr, 0x80), add(request, 0x240), 0x60)
            structHash := keccak256(ptr, 0xe0)
        }
        return _hashTypedDataV4(structHash);
    }

    /// @dev LN-O4 … LN-O6: a live, unused nonce of `signer`, marked used, and `signer`'s signature of `digest`.
    function _useNonce(
        address signer,
        uint256 nonce,
        uint256 expiry,
        bytes32 digest,
        bytes calldata signature
    ) internal {
        if (block.timestamp >= expiry) revert LendingOfferExpired(expiry);
        if (nonce < _accounts[signer].minNonce) revert LendingNonceUsed(signer, nonce);
        mapping(uint256 => uint256) storage words = _nonceBits[signer];
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = words[nonce >> 8];
        if (bits & bit != 0) revert LendingNonceUsed(signer, nonce);
        words[nonce >> 8] = bits | bit;
        if (!_validSignature(signer, digest, signature)) revert LendingInvalidSignature();
    }

    /// @dev LN-O6: `signer`'s own low-s ECDSA key (65 or 64 bytes), else its ERC-1271 wallet, with WALLET_GAS.
    function _validSignature(address signer, bytes32 digest, bytes calldata signature) private view returns (bool ok) {
        address recovered = Signatures.recover(digest, signature);
        if (recovered == signer && recovered != address(0)) return true;
        if (signer.code.length == 0) return false;
        bytes4 magic = IERC1271.isValidSignature.selector;
        // isValidSignature(digest, signature), from calldata; the answer must be a word holding the magic value.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, magic)
            mstore(add(ptr, 0x04), digest)
            mstore(add(ptr, 0x24), 0x40)
            mstore(add(ptr, 0x44), signature.length)
            calldatacopy(add(ptr, 0x64), signature.offset, signature.length)
            mstore(0x00, 0)
            let success := staticcall(WALLET_GAS, signer, ptr, add(signature.length, 0x64), 0x00, 0x20)
            ok := and(success, and(gt(returndatasize(), 0x1f), eq(mload(0x00), magic)))
        }
    }

    // ------------------------------------------------------------------ checks

    /// @dev An `Active` loan whose stored hash is that of `t` (with its own collateral id).
    function _requireActive(Loan storage loan, Terms calldata t, uint256 loanId) internal view {
        Status status = loan.status;
        if (status != Status.Active) revert LendingWrongStatus(loanId, status);
        if (loan.termsHash != t.hash(t.collateralId)) revert LendingTermsMismatch();
    }

    /// @dev LN-R7: default begins at the due time plus the grace period.
    function _requireDefaulted(Loan storage loan, Terms calldata t) internal view returns (uint256 defaultsAt) {
        defaultsAt = uint256(loan.start) + t.duration + t.gracePeriod;
        if (block.timestamp < defaultsAt) revert LendingNotDefaulted(defaultsAt);
    }

    function _requireRecipient(address to) internal view {
        if (to == address(0) || to == address(this)) revert LendingInvalidRecipient();
    }

    /// @dev LN-A4: msg.value is `amount` for an ETH principal and 0 for a token.
    function _checkValue(address token, uint256 amount) internal view {
        uint256 expected = token == address(0) ? amount : 0;
        if (msg.value != expected) revert LendingValueMismatch(msg.value, expected);
    }

    function _requireReceived(address token, uint256 expected, uint256 before, uint256 balance) internal pure {
        uint256 received = balance > before ? balance - before : 0;
        if (received != expected) revert LendingTransferShortfall(token, expected, received);
    }

    // ------------------------------------------------------------------ moving assets

    function _spendDeposit(address account, uint256 amount) internal {
        uint256 available = _deposits[account];
        if (available < amount) revert LendingInsufficientDeposit(available, amount);
        _deposits[account] = available - amount;
    }

    /// @dev LN-R3: `amount` from `from` to `to`. ETH is already here and is pushed (credited on failure). A token goes
    /// straight from `from` to `to`, measured on what left `from` (the payee's side is not measured: a payee whose
    /// receive hook moved tokens away could otherwise make every payment revert); if `to` cannot receive it, it is
    /// pulled here, measured, and credited to `to`. A payer paying itself moves nothing.
    function _pay(address token, address from, address to, uint256 amount) internal {
        if (amount == 0) return;
        if (token == address(0)) {
            _payout(address(0), to, amount);
            return;
        }
        if (from == to) return;
        IERC20 erc20 = IERC20(token);
        uint256 before = erc20.balanceOf(from);
        if (erc20.trySafeTransferFrom(from, to, amount)) {
            uint256 left = erc20.balanceOf(from);
            uint256 sent = before > left ? before - left : 0;
            if (sent != amount) revert LendingTransferShortfall(token, amount, sent);
            return;
        }
        before = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(from, address(this), amount);
        _requireReceived(token, amount, before, erc20.balanceOf(address(this)));
        _payout(token, to, amount);
    }

    /// @dev The collateral to `to`; reverts if it does not move (a claim or withdrawal names its recipient).
    function _deliver(Terms calldata t, address to) internal {
        if (t.collateralKind == CollateralKind.ERC20) {
            IERC20(t.collateralToken).safeTransfer(to, t.collateralAmount);
        } else {
            IERC721(t.collateralToken).transferFrom(address(this), to, t.collateralId);
        }
    }

    /// @dev The collateral to `to`, reporting failure instead of reverting (LN-R4: a borrower that cannot receive it
    /// must not block the repayment that frees it).
    function _tryDeliver(Terms calldata t, address to) internal returns (bool) {
        if (t.collateralKind == CollateralKind.ERC20) {
            return IERC20(t.collateralToken).trySafeTransfer(to, t.collateralAmount);
        }
        try IERC721(t.collateralToken).transferFrom(address(this), to, t.collateralId) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev LN-F3, LN-F5: the new principal pays the old lender (less the fee on the interest) up to what is owed and
    /// the borrower the rest; the payer covers any shortfall.
    function _payOff(Payoff memory p) internal {
        uint256 toBorrower = p.newPrincipal > p.owed ? p.newPrincipal - p.owed : 0;
        uint256 fromNew = p.newPrincipal - toBorrower;
        uint256 newFee = p.fee < fromNew ? p.fee : fromNew;
        _pay(p.token, p.newLender, p.oldLender, fromNew - newFee);
        _pay(p.token, p.newLender, p.feeRecipient, newFee);
        _pay(p.token, p.newLender, p.borrower, toBorrower);
        // Cannot underflow: the shortfall owed - fromNew covers the fee left, p.fee - newFee <= p.fee <= owed.
        _pay(p.token, p.payer, p.oldLender, p.owed - fromNew - (p.fee - newFee));
        _pay(p.token, p.payer, p.feeRecipient, p.fee - newFee);
    }
}
