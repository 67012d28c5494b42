// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @dev Test-only (AU-L1): an ERC721 whose `transferFrom` reports success but, while `frozen`, moves nothing, so a
/// pull that trusts the call instead of reading `ownerOf` afterwards would list a lot it does not hold.
contract AuctionFrozenNFT is ERC721 {
    bool public frozen;

    constructor() ERC721("Frozen NFT", "FNFT") {}

    function setFrozen(bool value) external {
        frozen = value;
    }

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    function transferFrom(address from, address to, uint256 tokenId) public override {
        if (frozen) return;
        super.transferFrom(from, to, tokenId);
    }
}

/// @dev Test-only (AU-L1): an ERC1155 that keeps `short` units of every transfer between holders with the sender,
/// so the receiver gets less than the amount it asked for (a fee-on-transfer ERC1155).
contract AuctionShortMultiToken is ERC1155 {
    uint256 public short;

    constructor() ERC1155("") {}

    function setShort(uint256 value) external {
        short = value;
    }

    function mint(address to, uint256 id, uint256 amount) external {
        _mint(to, id, amount, "");
    }

    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        uint256 s = short;
        if (s != 0 && from != address(0) && to != address(0)) {
            for (uint256 i = 0; i < values.length; ++i) values[i] -= s;
        }
        super._update(from, to, ids, values);
    }
}

/// @dev Test-only (AU-L4): accepts an ERC721 only after spending `work` gas in its callback, more than a bounded
/// delivery (LOT_DELIVERY_GAS) leaves it, so only a delivery with all the gas reaches it.
contract AuctionHeavyReceiver is IERC721Receiver {
    uint256 public immutable work;

    constructor(uint256 work_) {
        work = work_;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external view returns (bytes4) {
        uint256 start = gasleft();
        uint256 spin = 0;
        while (start - gasleft() < work) ++spin;
        return IERC721Receiver.onERC721Received.selector;
    }
}
