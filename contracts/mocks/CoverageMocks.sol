// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {Terms} from "../libraries/DealLib.sol";

/// @dev Test-only: an ERC721 that calls the recipient's `onERC721Received` even in a plain `transferFrom` (as some
/// NFTs do), with the caller as the operator, and refuses the transfer unless the hook returns its selector.
contract CoverageHookNFT is ERC721 {
    error CoverageHookNFTRefused(address to);

    constructor() ERC721("Hook NFT", "HNFT") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    function transferFrom(address from, address to, uint256 tokenId) public override {
        super.transferFrom(from, to, tokenId);
        if (to.code.length != 0) {
            bytes4 answer = IERC721Receiver(to).onERC721Received(msg.sender, from, tokenId, "");
            if (answer != IERC721Receiver.onERC721Received.selector) revert CoverageHookNFTRefused(to);
        }
    }
}

/// @dev Test-only: an ERC20 whose `transferFrom`, once `shrink` is set, moves nothing and instead burns `shrink`
/// from the recipient (as a token rebasing down in the middle of a transfer would): the recipient's balance ends lower
/// than before the transfer.
contract CoverageShrinkingToken is ERC20 {
    uint256 public shrink;

    constructor() ERC20("Shrinking Token", "SHR") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setShrink(uint256 shrink_) external {
        shrink = shrink_;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (shrink == 0) return super.transferFrom(from, to, value);
        _burn(to, shrink);
        return true;
    }
}

/// @dev Test-only: an Escrow stand-in that packs terms as the real Escrow `real` does but answers `createDeal` with an
/// id that is not the hash of the deal it was asked for (as a faulty or malicious escrow would).
contract CoverageWrongIdEscrow {
    IEscrow public immutable real;

    constructor(IEscrow real_) {
        real = real_;
    }

    function packTerms(IEscrow.DealParams calldata params) external view returns (Terms) {
        return real.packTerms(params);
    }

    function createDeal(IEscrow.DealParams calldata, uint256[] calldata) external payable returns (bytes32) {
        return keccak256("not the deal");
    }
}
