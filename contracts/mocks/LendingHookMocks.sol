// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @dev Test-only (LN-R3): the receive hook of LendingHookToken, as ERC-777's tokensReceived.
interface ILendingHookRecipient {
    function tokensReceived(address from, uint256 amount) external;
}

/// @dev Test-only (LN-R3): an ERC20 principal that misbehaves on demand.
/// - After every transfer to a contract that declares (ERC-165) ILendingHookRecipient, it calls that contract's
///   `tokensReceived` with what arrived (ERC-777 asks ERC-1820; a contract that does not declare it gets no call).
/// - `receiverFeeBps` of every transfer is burned out of what the receiver gets (a fee turned on after acceptance).
/// - `senderFeeBps` more than the amount is burned from the sender (a sender-side fee: the payer is debited more).
/// - A transfer from or to a `blocked` account reverts (a USDC-style blocklist).
contract LendingHookToken is ERC20 {
    error LendingHookTokenBlocked(address account);

    uint256 public receiverFeeBps;
    uint256 public senderFeeBps;
    mapping(address account => bool) public blocked;

    constructor() ERC20("Hook Principal", "HOOKP") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setReceiverFeeBps(uint256 bps) external {
        receiverFeeBps = bps;
    }

    function setSenderFeeBps(uint256 bps) external {
        senderFeeBps = bps;
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert LendingHookTokenBlocked(from);
        if (blocked[to]) revert LendingHookTokenBlocked(to);
        if (from != address(0) && to != address(0)) {
            uint256 cut = (value * receiverFeeBps) / 10_000;
            uint256 burned = cut + (value * senderFeeBps) / 10_000;
            if (burned != 0) super._update(from, address(0), burned);
            value -= cut;
        }
        super._update(from, to, value);
        if (_hooked(to)) ILendingHookRecipient(to).tokensReceived(from, value);
    }

    function _hooked(address account) private view returns (bool) {
        if (account.code.length == 0) return false;
        try IERC165(account).supportsInterface(type(ILendingHookRecipient).interfaceId) returns (bool yes) {
            return yes;
        } catch {
            return false;
        }
    }
}

/// @dev Test-only (LN-R3): a lender or fee recipient contract whose receive hook moves `skim` units of what it just
/// received on to `sink`, so its balance grows by less than it was sent.
contract LendingHookPayee is ILendingHookRecipient, IERC165 {
    address public immutable sink;
    uint256 public immutable skim;

    /// @notice The hook ran for `amount` of `token` from `from`.
    event HookReceived(address token, address from, uint256 amount);

    constructor(address sink_, uint256 skim_) {
        sink = sink_;
        skim = skim_;
    }

    function tokensReceived(address from, uint256 amount) external {
        emit HookReceived(msg.sender, from, amount);
        if (skim != 0) {
            bool ok = IERC20(msg.sender).transfer(sink, skim);
            require(ok);
        }
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(ILendingHookRecipient).interfaceId || interfaceId == type(IERC165).interfaceId;
    }
}

/// @dev Test-only (LN-D1a, LN-R4): an ERC721 collection with an operator blocklist (as marketplace operator filters
/// have): a transfer made by a blocked operator reverts, whoever owns the token. A transfer to a blocked recipient
/// reverts too (a holder the collateral cannot be delivered to).
contract LendingHookGatedNFT is ERC721 {
    error LendingHookNFTOperatorBlocked(address operator);
    error LendingHookNFTRecipientBlocked(address recipient);

    mapping(address operator => bool) public operatorBlocked;
    mapping(address recipient => bool) public recipientBlocked;

    constructor() ERC721("Gated NFT", "GATED") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    function setOperatorBlocked(address operator, bool value) external {
        operatorBlocked[operator] = value;
    }

    function setRecipientBlocked(address recipient, bool value) external {
        recipientBlocked[recipient] = value;
    }

    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (auth != address(0) && operatorBlocked[auth]) revert LendingHookNFTOperatorBlocked(auth);
        if (recipientBlocked[to]) revert LendingHookNFTRecipientBlocked(to);
        return super._update(to, tokenId, auth);
    }
}
