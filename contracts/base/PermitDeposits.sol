// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title EIP-2612 permits for deposits
/// @dev Shared by the deployables' `...WithPermit` entry points: the caller's permit for this contract is tried
/// before the deposit is pulled, and its failure is ignored.
abstract contract PermitDeposits {
    /// @dev Tries `token.permit(msg.sender, this, amount, deadline, v, r, s)`. Returns false, calling nothing, when
    /// `token` has no code: a call to it would revert outside the `try`, so the caller reverts with its own error.
    /// Call it before anything is read or written, so that a token reentering from `permit` acts as in a separate
    /// transaction. A permit can be front-run (its signature is public in the mempool): a failed permit is ignored
    /// and the deposit proceeds on the allowance that permit set, or fails cleanly in the transfer if there is none.
    function _tryPermit(
        address token,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) internal returns (bool hasCode) {
        if (token.code.length == 0) return false;
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {
            // solhint-disable-previous-line no-empty-blocks
        } catch {} // solhint-disable-line no-empty-blocks
        return true;
    }
}
