// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only: an ERC20 whose `transferFrom` returns false (moving nothing) while `failTransferFrom` is set, as
/// some old tokens report a failure instead of reverting.
contract FalseTransferFromToken is ERC20 {
    bool public failTransferFrom;

    constructor() ERC20("False TransferFrom", "FTF") {}

    function setFailTransferFrom(bool value) external {
        failTransferFrom = value;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failTransferFrom) return false;
        return super.transferFrom(from, to, value);
    }
}
