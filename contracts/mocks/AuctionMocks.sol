// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

/// @dev Test-only: an ERC721 with an open mint, for auction lots.
contract AuctionNFT is ERC721 {
    constructor() ERC721("Auction NFT", "ANFT") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}

/// @dev Test-only: an ERC1155 with an open mint, for auction lots.
contract AuctionMultiToken is ERC1155 {
    constructor() ERC1155("") {}

    function mint(address to, uint256 id, uint256 amount) external {
        _mint(to, id, amount, "");
    }
}

/// @dev Test-only: a contract party (forwards calls from its owner) whose token callbacks misbehave on demand.
/// `mode` 0: accepts ERC721/ERC1155 and ETH; 1: its callbacks and `receive` revert; 2: they burn all the gas they get;
/// 3: they re-enter `reentryTarget` with `reentryData` (the outcome is emitted) and then accept.
contract AuctionParty {
    event Reentered(bool success, bytes returnData);

    address public immutable owner;
    uint8 public mode;
    address public reentryTarget;
    bytes public reentryData;

    constructor(address owner_) payable {
        owner = owner_;
    }

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function arm(address target_, bytes calldata data_) external {
        reentryTarget = target_;
        reentryData = data_;
        mode = 3;
    }

    function execute(address to, uint256 value, bytes calldata callData) external payable returns (bytes memory) {
        require(msg.sender == owner, "owner");
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = to.call{value: value}(callData);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _misbehave();
        return this.onERC721Received.selector;
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        _misbehave();
        return this.onERC1155Received.selector;
    }

    receive() external payable {
        _misbehave();
    }

    function _misbehave() private {
        uint8 m = mode;
        if (m == 1) revert("party refuses");
        if (m == 2) {
            uint256 spin;
            while (gasleft() > 0) ++spin;
        }
        if (m == 3) {
            mode = 0;
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = reentryTarget.call(reentryData);
            emit Reentered(ok, ret);
        }
    }
}

/// @dev Test-only (fuzzing): the smallest ERC721 an auction needs (mint, approval for all, transferFrom and the
/// 3-argument safeTransferFrom with its receiver check), so that AuctionsFuzz, which embeds Auctions, stays under the
/// EIP-3860 initcode limit. Tests and gas scenarios use the standard `AuctionNFT`.
contract AuctionLeanNFT {
    error AuctionLeanNFTRefused(uint256 tokenId);

    mapping(uint256 tokenId => address) public ownerOf;
    mapping(address owner => mapping(address operator => bool)) public isApprovedForAll;

    function mint(address to, uint256 tokenId) external {
        require(ownerOf[tokenId] == address(0), "minted");
        ownerOf[tokenId] = to;
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
    }

    function transferFrom(address from, address to, uint256 tokenId) public {
        require(ownerOf[tokenId] == from && to != address(0), "owner");
        require(msg.sender == from || isApprovedForAll[from][msg.sender], "approval");
        ownerOf[tokenId] = to;
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        transferFrom(from, to, tokenId);
        if (to.code.length == 0) return;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = to.call(abi.encodeWithSelector(0x150b7a02, msg.sender, from, tokenId, bytes("")));
        if (!ok || ret.length < 32 || bytes4(ret) != bytes4(0x150b7a02)) revert AuctionLeanNFTRefused(tokenId);
    }
}
