// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @dev Test-only (fuzzing): a party of a fuzz harness. Every call it makes comes from the harness that created it,
/// so the contract under test sees the actor's address, as it would a user's. It signs by ERC-1271 while `signing`
/// is on (from creation) (any digest: the harness decides when the party consents), and refuses ETH while `refuseEth` is on (which
/// drives payouts into credits).
contract FuzzActor is IERC1271 {
    address private immutable _harness;
    bool public refuseEth;
    bool public signing;

    error FuzzActorNotHarness(address caller);
    error FuzzActorRefusesEth();

    /// @dev Starts consenting, so that signed actions succeed until the fuzzer withdraws the consent.
    constructor() payable {
        _harness = msg.sender;
        signing = true;
    }

    modifier onlyHarness() {
        if (msg.sender != _harness) revert FuzzActorNotHarness(msg.sender);
        _;
    }

    receive() external payable {
        if (refuseEth) revert FuzzActorRefusesEth();
    }

    /// @dev Calls `target` as this actor; a failure is returned, never bubbled, so that a harness action survives
    /// every refusal of the contract under test.
    function exec(
        address target,
        uint256 value,
        bytes calldata data
    ) external onlyHarness returns (bool ok, bytes memory result) {
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call{value: value}(data);
    }

    function setRefuseEth(bool value) external onlyHarness {
        refuseEth = value;
    }

    function setSigning(bool value) external onlyHarness {
        signing = value;
    }

    function isValidSignature(bytes32, bytes calldata) external view returns (bytes4) {
        return signing ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
