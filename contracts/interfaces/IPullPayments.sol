// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Pull payments: payouts that a failing recipient cannot block
/// @notice A payout is pushed first; if the push fails (a reverting receiver, a token blocklist) the amount is
/// credited to the recipient, who withdraws it later with all the gas it needs, to an address it chooses.
interface IPullPayments {
    /// @notice A push of `amount` of `token` (address(0) for ETH) to `account` failed and was credited instead.
    event PaymentCredited(address indexed account, address indexed token, uint256 amount);

    /// @notice `account` withdrew its whole credit of `token` to `to`.
    event CreditWithdrawn(address indexed account, address indexed token, address to, uint256 amount);

    /// @notice The caller has no credit in `token`.
    error PullPaymentsNothingToWithdraw(address account, address token);

    /// @notice `to` is the zero address or this contract (where a credit paid out would be owed to nobody).
    error PullPaymentsInvalidRecipient();

    /// @notice Withdraws the caller's whole credit of `token` (address(0) for ETH) to `to`.
    /// @dev Reverts if the transfer to `to` fails, so the credit is never lost.
    /// @param token The token, or address(0) for ETH.
    /// @param to Where the credit goes.
    /// @return amount The amount withdrawn.
    function withdraw(address token, address to) external returns (uint256 amount);

    /// @notice The credit of `account` in `token` (address(0) for ETH).
    function creditOf(address token, address account) external view returns (uint256);
}
