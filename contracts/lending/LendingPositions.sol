// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ILending} from "../interfaces/ILending.sol";
import {PullPayments} from "../base/PullPayments.sol";

/// @title The loans and their position tokens (docs/lending.md §1, §8)
/// @dev LN-P1: an ERC-721 whose owners are the loans' own `lender` and `borrower` fields, so a position is stored
/// once. Token `loanId` (even) is the lender's, `loanId + 1` the borrower's. Transfers are `nonReentrant` (LN-R5).
abstract contract LendingPositions is ILending, IERC721Errors, PullPayments {
    /// @dev LN-S4: the ERC-721 balance and the signer's nonce floor share a slot.
    struct Account {
        uint64 balance;
        uint192 minNonce;
    }

    mapping(uint256 loanId => Loan) internal _loans;
    mapping(address account => Account) internal _accounts;
    mapping(uint256 tokenId => address) private _tokenApprovals;
    mapping(address owner => mapping(address operator => bool)) private _operatorApprovals;

    // ------------------------------------------------------------------ ERC-721

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC721).interfaceId ||
            interfaceId == type(IERC721Metadata).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    /// @inheritdoc IERC721Metadata
    function name() external pure returns (string memory) {
        return "PeerPay Loan Positions";
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external pure returns (string memory) {
        return "PPLOAN";
    }

    /// @inheritdoc IERC721Metadata
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _ownerOf(tokenId);
        return "";
    }

    /// @inheritdoc IERC721
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _accounts[owner].balance;
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 tokenId) external view returns (address) {
        return _ownerOf(tokenId);
    }

    /// @inheritdoc IERC721
    function getApproved(uint256 tokenId) external view returns (address) {
        _ownerOf(tokenId);
        return _tokenApprovals[tokenId];
    }

    /// @inheritdoc IERC721
    function isApprovedForAll(address owner, address operator) external view returns (bool) {
        return _operatorApprovals[owner][operator];
    }

    /// @inheritdoc IERC721
    function approve(address to, uint256 tokenId) external {
        address owner = _ownerOf(tokenId);
        if (msg.sender != owner && !_operatorApprovals[owner][msg.sender]) revert ERC721InvalidApprover(msg.sender);
        _tokenApprovals[tokenId] = to;
        emit Approval(owner, to, tokenId);
    }

    /// @inheritdoc IERC721
    function setApprovalForAll(address operator, bool approved) external {
        if (operator == address(0)) revert ERC721InvalidOperator(operator);
        _operatorApprovals[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    /// @inheritdoc IERC721
    function transferFrom(address from, address to, uint256 tokenId) external nonReentrant {
        _transfer(from, to, tokenId);
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId) external nonReentrant {
        _transfer(from, to, tokenId);
        ERC721Utils.checkOnERC721Received(msg.sender, from, to, tokenId, "");
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes calldata data) external nonReentrant {
        _transfer(from, to, tokenId);
        ERC721Utils.checkOnERC721Received(msg.sender, from, to, tokenId, data);
    }

    // ------------------------------------------------------------------ internals

    /// @dev The holder of `tokenId`; reverts for a token that does not exist (never minted, or burned).
    function _ownerOf(uint256 tokenId) internal view returns (address owner) {
        Loan storage loan = _loans[tokenId & ~uint256(1)];
        owner = tokenId & 1 == 0 ? loan.lender : loan.borrower;
        if (owner == address(0)) revert ERC721NonexistentToken(tokenId);
    }

    /// @dev The holder itself, an operator of it, or the account approved for the token.
    function _isAuthorized(address owner, address spender, uint256 tokenId) internal view returns (bool) {
        return spender == owner || _operatorApprovals[owner][spender] || _tokenApprovals[tokenId] == spender;
    }

    /// @dev LN-P1: moves a position, which rewrites the loan's field.
    function _transfer(address from, address to, uint256 tokenId) private {
        address owner = _ownerOf(tokenId);
        if (owner != from) revert ERC721IncorrectOwner(from, tokenId, owner);
        if (!_isAuthorized(owner, msg.sender, tokenId)) revert ERC721InsufficientApproval(msg.sender, tokenId);
        // A position held by no one, or by this contract, would be owed to no one.
        if (to == address(0) || to == address(this)) revert LendingInvalidRecipient();
        if (_tokenApprovals[tokenId] != address(0)) delete _tokenApprovals[tokenId];
        Loan storage loan = _loans[tokenId & ~uint256(1)];
        if (tokenId & 1 == 0) {
            loan.lender = to;
        } else {
            loan.borrower = to;
        }
        --_accounts[from].balance;
        ++_accounts[to].balance;
        emit Transfer(from, to, tokenId);
    }

    /// @dev Counts a minted position; the caller writes the loan's field.
    function _minted(address to, uint256 tokenId) internal {
        ++_accounts[to].balance;
        emit Transfer(address(0), to, tokenId);
    }

    /// @dev Counts a burned position; the caller clears the loan's field. The approval is left in place (a fresh slot
    /// read per burn): an id is minted again only by a refinance or a held-collateral claim, which clear it first.
    function _burned(address from, uint256 tokenId) internal {
        --_accounts[from].balance;
        emit Transfer(from, address(0), tokenId);
    }

    /// @dev Clears the approval of a token about to be minted again (LN-F4, LN-R4, LN-D5).
    function _clearApproval(uint256 tokenId) internal {
        if (_tokenApprovals[tokenId] != address(0)) delete _tokenApprovals[tokenId];
    }
}
