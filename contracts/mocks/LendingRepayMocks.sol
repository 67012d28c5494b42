// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only (LN-R3, LN-R5): the receiving end of LendingRepayHookToken's transfer hook.
interface ILendingRepayHook {
    function onLendingRepayToken(address from, uint256 amount) external;
}

/// @dev Test-only (LN-R1, LN-R3, LN-R5): a contract account that can hold a position, pay, or be a fee recipient. On
/// receiving ETH or a LendingRepayHookToken transfer it acts by `mode`: Accept takes it, Reject reverts, Call makes
/// one call (`callTarget`, `callValue`, `callData`, e.g. a position transfer or a repay into Lending), emits its outcome
/// and takes the payment, CallThenReject makes the call and then reverts. `execute` forwards any call (for anyone:
/// the tests drive it). Mode, target and value share one slot so that the hook fits in the 50,000 gas of an ETH push.
contract LendingRepayActor is ILendingRepayHook {
    enum Mode {
        Accept,
        Reject,
        Call,
        CallThenReject
    }

    address public callTarget;
    Mode public mode;
    uint88 public callValue;
    bytes public callData;
    bool private transient _inHook;

    error LendingRepayActorRefused();

    /// @notice The outcome of the call made from the hook (`result` is its return or revert data).
    event HookCalled(bool ok, bytes result);

    constructor() payable {}

    function setHook(Mode mode_, address target_, uint88 value_, bytes calldata data_) external {
        mode = mode_;
        callTarget = target_;
        callValue = value_;
        callData = data_;
    }

    /// @dev Forwards a call with value, bubbling its revert.
    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: value}(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function onLendingRepayToken(address, uint256) external {
        _hook();
    }

    receive() external payable {
        _hook();
    }

    function _hook() private {
        Mode m = mode;
        if (m == Mode.Reject) revert LendingRepayActorRefused();
        // One call per hook: a refund or a second payment in the same transaction is simply taken.
        if (m == Mode.Accept || _inHook) return;
        _inHook = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = callTarget.call{value: callValue}(callData);
        emit HookCalled(ok, result);
        _inHook = false;
        if (m == Mode.CallThenReject) revert LendingRepayActorRefused();
    }
}

/// @dev Test-only (LN-R3, LN-R5): an ERC20 that, after every transfer to an account marked `hooked`, calls that
/// account's `onLendingRepayToken` (as ERC-777's tokensReceived does); a revert there reverts the transfer.
contract LendingRepayHookToken is ERC20 {
    mapping(address account => bool) public hooked;

    constructor() ERC20("Hook Token", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setHooked(address account, bool value) external {
        hooked[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hooked[to]) ILendingRepayHook(to).onLendingRepayToken(from, value);
    }
}
