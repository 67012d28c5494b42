// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only: an ERC20 that, once armed, calls `hookTarget` with `hookData` from inside its next `transfer` (or
/// `transferFrom` when `hookOnTransferFrom` is set), records whether that reentrant call succeeded and what it
/// returned, then completes the transfer normally.
contract ReentrantToken is ERC20 {
    address public hookTarget;
    bytes public hookData;
    bool public hookOnTransferFrom;
    bool public attempted;
    bool public reentrySucceeded;
    bytes public reentryReturn;

    constructor() ERC20("Reentrant Token", "RNT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_, bool onTransferFrom_) external {
        hookTarget = target_;
        hookData = data_;
        hookOnTransferFrom = onTransferFrom_;
        attempted = false;
        reentrySucceeded = false;
        delete reentryReturn;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        _hook(false);
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        _hook(true);
        return super.transferFrom(from, to, value);
    }

    function _hook(bool inTransferFrom) private {
        if (hookTarget == address(0) || attempted || inTransferFrom != hookOnTransferFrom) return;
        attempted = true;
        // solhint-disable-next-line avoid-low-level-calls
        (reentrySucceeded, reentryReturn) = hookTarget.call(hookData);
    }
}
