// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only: an ERC20 that refuses transfers to a blocked address by reverting with no data at all (as some
/// tokens' bare `revert()` or a failed `require` without a message do), so that a caller sees an empty failure.
contract SilentRevertToken is ERC20 {
    mapping(address account => bool) public blocked;

    constructor() ERC20("Silent Revert", "SRT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[to]) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(0, 0)
            }
        }
        super._update(from, to, value);
    }
}
