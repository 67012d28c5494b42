// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @dev Test-only (LN-D5, LN-D6a): an ERC721 collateral that misbehaves on demand. While `paused` every transfer
/// reverts; a transfer to a `blocked` address reverts; while `heavy` is set every transfer first burns `heavy` gas, so a
/// delivery capped below it (Auctions' LOT_DELIVERY_GAS) fails while one with all the gas succeeds.
contract LendingSaleNFT is ERC721 {
    error LendingSaleNFTPaused();
    error LendingSaleNFTBlocked(address account);

    bool public paused;
    uint256 public heavy;
    mapping(address account => bool) public blocked;

    constructor() ERC721("Lending Sale NFT", "LSNFT") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    function setPaused(bool value) external {
        paused = value;
    }

    function setHeavy(uint256 gasToBurn) external {
        heavy = gasToBurn;
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (paused) revert LendingSaleNFTPaused();
        if (blocked[to]) revert LendingSaleNFTBlocked(to);
        uint256 work = heavy;
        if (work != 0) {
            uint256 start = gasleft();
            uint256 spin = 0;
            while (start - gasleft() < work) ++spin;
        }
        return super._update(to, tokenId, auth);
    }
}
