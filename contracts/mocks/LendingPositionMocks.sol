// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @dev Test-only: the receiving end of a position's `safeTransferFrom` (LN-P1). `mode` 0 accepts and records the
/// call, 1 reverts with a reason string, 2 reverts with a custom error, 3 reverts with no data, 4 returns a wrong
/// value.
contract LendingPositionReceiver is IERC721Receiver {
    uint8 public immutable mode;
    address public lastOperator;
    address public lastFrom;
    uint256 public lastTokenId;
    bytes public lastData;
    uint256 public received;

    error LendingPositionRefused(uint256 tokenId);

    event PositionReceived(address operator, address from, uint256 tokenId, bytes data);

    constructor(uint8 mode_) {
        mode = mode_;
    }

    function onERC721Received(
        address operator,
        address from,
        uint256 tokenId,
        bytes calldata data
    ) external returns (bytes4) {
        if (mode == 1) revert("LendingPositionReceiver: refused");
        if (mode == 2) revert LendingPositionRefused(tokenId);
        if (mode == 3) revert();
        if (mode == 4) return bytes4(0x150b7a03);
        lastOperator = operator;
        lastFrom = from;
        lastTokenId = tokenId;
        lastData = data;
        ++received;
        emit PositionReceived(operator, from, tokenId, data);
        return IERC721Receiver.onERC721Received.selector;
    }
}

/// @dev Test-only: a contract without `onERC721Received`.
contract LendingPositionNoHook {
    function ping() external pure returns (uint256) {
        return 1;
    }
}
