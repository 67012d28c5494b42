// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only: a token whose views misbehave, for `check`, which must never revert. `mode` 1: `balanceOf` and
/// `allowance` revert; 2: they return nothing; 3: they burn all the gas they get; 0: honest.
contract MisbehavingViewToken is ERC20 {
    uint8 public mode;

    constructor() ERC20("Misbehaving Views", "MVT") {}

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function balanceOf(address account) public view override returns (uint256) {
        _misbehave();
        return super.balanceOf(account);
    }

    function allowance(address owner, address spender) public view override returns (uint256) {
        _misbehave();
        return super.allowance(owner, spender);
    }

    function _misbehave() private view {
        uint8 m = mode;
        if (m == 1) revert("views revert");
        if (m == 2) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                return(0, 0)
            }
        }
        if (m == 3) {
            uint256 spin;
            while (gasleft() > 0) ++spin;
        }
    }
}
