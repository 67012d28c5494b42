// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev Test-only (fuzzing): sends its value to `target` by self-destructing in its constructor, which still moves
/// the ETH on cancun (EIP-6780 keeps SELFDESTRUCT whole within the creating transaction). No code of the target
/// runs, so a contract without `receive` gets the ETH anyway: its accounting must not rely on its balance.
contract ForceSend {
    constructor(address payable target) payable {
        // solhint-disable-next-line avoid-suicide
        selfdestruct(target);
    }
}
