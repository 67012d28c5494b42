// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @dev Test-only (LN-O6, LN-A4): a contract account owned by an EOA, usable as a lender or a borrower of Lending.
/// As an ERC-1271 signer it answers by `mode`: Valid accepts the owner's ECDSA signature of the digest (and nothing
/// else), WrongMagic returns another selector, Reverts reverts, ShortAnswer returns the magic value in 4 bytes
/// instead of a word, Work burns `work` gas and then answers as Valid. It refuses ETH while `rejectEth` is set.
contract LendingAcceptWallet is IERC1271 {
    enum Mode {
        Valid,
        WrongMagic,
        Reverts,
        ShortAnswer,
        Work
    }

    address public immutable owner;
    Mode public mode;
    uint256 public work;
    bool public rejectEth;

    error LendingAcceptWalletRefused();

    constructor(address owner_) payable {
        owner = owner_;
    }

    function setMode(Mode mode_, uint256 work_) external {
        mode = mode_;
        work = work_;
    }

    function setRejectEth(bool value) external {
        rejectEth = value;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        Mode m = mode;
        if (m == Mode.Reverts) revert LendingAcceptWalletRefused();
        if (m == Mode.WrongMagic) return bytes4(0x1626ba7f);
        if (m == Mode.ShortAnswer) {
            // The right selector, but 4 bytes of return data where the caller expects a word.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                mstore(0x00, shl(224, 0x1626ba7e))
                return(0x00, 0x04)
            }
        }
        if (m == Mode.Work) {
            uint256 stop = gasleft() - work;
            uint256 spin;
            while (gasleft() > stop) ++spin;
        }
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }

    /// @dev Forwards a call (with value) from the owner, bubbling its revert.
    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        require(msg.sender == owner, "owner");
        (bool ok, bytes memory ret) = target.call{value: value}(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (rejectEth) revert LendingAcceptWalletRefused();
    }
}

/// @dev Test-only (LN-A5): an ERC721 whose transfers revert while `locked` (a paused collection).
contract LendingAcceptNFT is ERC721 {
    bool public locked;

    error LendingAcceptNFTLocked(uint256 tokenId);

    constructor() ERC721("Locked NFT", "LNFT") {}

    function setLocked(bool value) external {
        locked = value;
    }

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    function transferFrom(address from, address to, uint256 tokenId) public override {
        if (locked) revert LendingAcceptNFTLocked(tokenId);
        super.transferFrom(from, to, tokenId);
    }
}
