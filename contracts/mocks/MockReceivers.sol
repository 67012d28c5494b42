// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @dev Test-only: a contract account that can act as a party (forwards calls from its owner), refuses ETH
/// while `rejectEth` is set, and can burn all gas on receipt while `burnGas` is set.
contract MockAccount {
    address public immutable owner;
    bool public rejectEth;
    bool public burnGas;

    error MockAccountRejected();

    constructor(address owner_) payable {
        owner = owner_;
    }

    function setRejectEth(bool value) external {
        rejectEth = value;
    }

    function setBurnGas(bool value) external {
        burnGas = value;
    }

    /// @dev Forwards any call (with value) from the owner, bubbling reverts.
    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        require(msg.sender == owner, "owner");
        (bool ok, bytes memory ret) = target.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (burnGas) {
            // Burn every unit of gas forwarded.
            while (true) {} // solhint-disable-line no-empty-blocks
        }
        if (rejectEth) revert MockAccountRejected();
    }
}

/// @dev Test-only: an ERC-1271 wallet owned by an EOA. `mode` 0 accepts the owner's signatures, 1 refuses every
/// signature, 2 reverts, 3 returns garbage.
contract MockERC1271Wallet is IERC1271 {
    address public immutable owner;
    uint8 public mode;

    constructor(address owner_) payable {
        owner = owner_;
    }

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (mode == 4) {
            // Burns all the gas it is given: a griefing wallet.
            uint256 spin;
            while (gasleft() > 0) ++spin;
        }
        if (mode == 2) revert("wallet reverts");
        if (mode == 3) return 0xdeadbeef;
        if (mode == 1) return 0xffffffff;
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }

    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        require(msg.sender == owner, "owner");
        (bool ok, bytes memory ret) = target.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {}
}

/// @dev Test-only: on receiving ETH, calls `target` with `data` (set by the test) and records whether the reentrant
/// call succeeded and what it returned, then accepts the ETH (so the outer payout itself succeeds or not depending
/// on `revertAfter`).
contract ReentrantReceiver {
    address public reentryTarget;
    bytes public reentryData;
    bool public attempted;
    bool public reentrySucceeded;
    bytes public reentryReturn;
    bool public revertAfter;

    function arm(address target_, bytes calldata data_, bool revertAfter_) external {
        reentryTarget = target_;
        reentryData = data_;
        revertAfter = revertAfter_;
    }

    function execute(address to, uint256 value, bytes calldata callData) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: value}(callData);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (reentryTarget != address(0) && !attempted) {
            attempted = true;
            (reentrySucceeded, reentryReturn) = reentryTarget.call(reentryData);
        }
        if (revertAfter) revert("after reentry");
    }
}
