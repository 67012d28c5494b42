// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @dev Test-only (LN-V3): an account that, on receiving ETH or an ERC721 by a safe transfer, calls `callee` with
/// `data` once and records what that re-entrant call returned, then accepts what it received.
contract LendingReentryProbe is IERC721Receiver {
    address public callee;
    bytes public data;
    bool public attempted;
    bool public reentrySucceeded;
    bytes public reentryReturn;

    function arm(address target_, bytes calldata data_) external {
        callee = target_;
        data = data_;
        attempted = false;
    }

    /// @dev Forwards a call from this account (to hold positions, approve, deposit, withdraw).
    function execute(address to, uint256 value, bytes calldata callData) external payable returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = to.call{value: value}(callData);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        _reenter();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _reenter();
        return IERC721Receiver.onERC721Received.selector;
    }

    function _reenter() private {
        if (callee == address(0) || attempted) return;
        attempted = true;
        // solhint-disable-next-line avoid-low-level-calls
        (reentrySucceeded, reentryReturn) = callee.call(data);
    }
}

/// @dev Test-only (LN-A3, LN-R3): an ERC20 whose `transferFrom` reports success and moves nothing while `noop` is
/// set, so that a measured transfer sees no balance change on either side.
contract LendingNoopToken is ERC20 {
    bool public noop;

    constructor() ERC20("No-op Token", "NOOP") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setNoop(bool value) external {
        noop = value;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (noop) return true;
        return super.transferFrom(from, to, value);
    }
}
