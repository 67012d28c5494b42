// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev Test-only: the part of an ERC-1820 registry the lending SDK reads (`getInterfaceImplementer`), with an
/// unrestricted setter. Its runtime code is placed at the canonical registry address with `hardhat_setCode`, so it
/// keeps no constructor state.
contract LendingSdkRegistry {
    mapping(address account => mapping(bytes32 interfaceHash => address implementer)) private _implementers;

    function setInterfaceImplementer(address account, bytes32 interfaceHash, address implementer) external {
        _implementers[account][interfaceHash] = implementer;
    }

    function getInterfaceImplementer(address account, bytes32 interfaceHash) external view returns (address) {
        return _implementers[account][interfaceHash];
    }
}
