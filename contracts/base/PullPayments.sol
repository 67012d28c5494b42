// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPullPayments} from "../interfaces/IPullPayments.sol";

/// @title Push-then-credit payouts
/// @dev Deployables call `_payout` for every payment to a party. A payout that cannot be pushed is credited, so
/// no recipient can block an action that pays someone else, and no action needs the recipient's cooperation.
abstract contract PullPayments is IPullPayments, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Gas forwarded with an ETH push: enough for smart wallets that log or forward on receipt (Safe, ERC-4337
    /// accounts), small enough that a recipient burning it costs the caller little. A recipient needing more
    /// withdraws its credit.
    uint256 internal constant ETH_PUSH_GAS = 50_000;

    mapping(address token => mapping(address account => uint256 amount)) private _credits;

    /// @inheritdoc IPullPayments
    function withdraw(address token, address to) external nonReentrant returns (uint256 amount) {
        // Paying this contract would strand the credit in it, owed to nobody.
        if (to == address(0) || to == address(this)) revert PullPaymentsInvalidRecipient();
        amount = _credits[token][msg.sender];
        if (amount == 0) revert PullPaymentsNothingToWithdraw(msg.sender, token);
        delete _credits[token][msg.sender];
        emit CreditWithdrawn(msg.sender, token, to, amount);
        _transferOut(token, to, amount);
    }

    /// @inheritdoc IPullPayments
    function creditOf(address token, address account) external view returns (uint256) {
        return _credits[token][account];
    }

    /// @dev Pushes `amount` to `to`, or credits it if the push fails. Never reverts because of the recipient.
    function _payout(address token, address to, uint256 amount) internal {
        if (amount == 0) return;
        bool ok;
        if (token == address(0)) {
            // Return data is not copied, so a recipient cannot make us pay for a huge return buffer.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                ok := call(ETH_PUSH_GAS, to, amount, 0, 0, 0, 0)
            }
        } else {
            ok = IERC20(token).trySafeTransfer(to, amount);
        }
        if (!ok) {
            _credits[token][to] += amount;
            emit PaymentCredited(to, token, amount);
        }
    }

    /// @dev Spends `amount` of `account`'s credit in `token` (a deployable letting a party reuse its credit, e.g. an
    /// outbid bidder bidding again). Returns false and spends nothing when the credit is short; `credit` is the credit
    /// before the call, for the caller's error.
    function _spendCredit(address token, address account, uint256 amount) internal returns (bool ok, uint256 credit) {
        credit = _credits[token][account];
        if (credit < amount) return (false, credit);
        // Cannot underflow: credit >= amount was just checked.
        unchecked {
            _credits[token][account] = credit - amount;
        }
        return (true, credit);
    }

    /// @dev Pulls `amount` of `token` from the caller and returns what actually arrived (the balance delta), so the
    /// caller can reject fee-on-transfer tokens. Guarded: a token re-entering from `transferFrom` finds every
    /// `nonReentrant` function closed.
    function _pullFrom(IERC20 token, uint256 amount) internal nonReentrant returns (uint256 received) {
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - balanceBefore;
    }

    /// @dev Sends `amount` to `to` with all available gas and reverts on failure.
    function _transferOut(address token, address to, uint256 amount) internal {
        if (token == address(0)) {
            Address.sendValue(payable(to), amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
