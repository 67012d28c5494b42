// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev Test-only: a receiver that re-enters within a capped ETH push. `ReentrantReceiver` stores the reentrant
/// calldata and its outcome in storage, which costs more than the 50,000 gas an escrow push forwards, so its attempt
/// runs out of gas before reaching the escrow. This one keeps the calldata as the code of a data contract (cheap to
/// read), and emits the outcome instead of storing it, so the reentrant call really reaches the escrow during the
/// push and the test sees why it failed.
contract LeanReentrantReceiver {
    event Reentered(bool success, bytes returnData);

    address public reentryTarget;
    bool public armed;
    address private _dataPointer;

    /// @dev Re-enter `target_` with `data_` on the next ETH received.
    function arm(address target_, bytes calldata data_) external {
        // Code = 0x00 (so that it never starts with 0xEF) followed by the data, returned by a 14-byte constructor:
        // PUSH4 len, DUP1, PUSH1 14, PUSH1 0, CODECOPY, PUSH1 0, RETURN.
        bytes memory code = abi.encodePacked(hex"00", data_);
        bytes memory init = abi.encodePacked(hex"63", uint32(code.length), hex"80600e6000396000f3", code);
        address pointer;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            pointer := create(0, add(init, 0x20), mload(init))
        }
        require(pointer != address(0), "data");
        reentryTarget = target_;
        _dataPointer = pointer;
        armed = true;
    }

    /// @dev Forwards any call (with value), bubbling reverts, so that the receiver can act as a party.
    function execute(address to, uint256 value, bytes calldata callData) external payable returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = to.call{value: value}(callData);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (!armed) return;
        armed = false;
        address pointer = _dataPointer;
        bytes memory data;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let size := sub(extcodesize(pointer), 1)
            data := mload(0x40)
            mstore(data, size)
            extcodecopy(pointer, add(data, 0x20), 1, size)
            mstore(0x40, add(add(data, 0x20), and(add(size, 31), not(31))))
        }
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = reentryTarget.call(data);
        emit Reentered(ok, ret);
    }
}
