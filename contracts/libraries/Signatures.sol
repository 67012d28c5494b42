// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ECDSA recovery for calldata signatures, strict about malleability
/// @dev Used by the payment channels. Accepts a 65-byte (r, s, v) signature and a 64-byte EIP-2098 compact one
/// (r, yParity ‖ s), both with a low `s`, and returns address(0) for anything else, never reverting, so that the
/// caller can fall back to a session key or ERC-1271. Nothing identifies a message by its signature bytes, so the two
/// encodings of one signature cannot be replayed against each other.
library Signatures {
    /// @dev secp256k1n / 2: the largest low `s`.
    uint256 internal constant MAX_LOW_S = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice The signer of `digest`, or address(0) when `signature` is malformed, malleable or recovers nothing.
    function recover(bytes32 digest, bytes calldata signature) internal view returns (address signer) {
        uint256 v;
        bytes32 r;
        bytes32 s;
        uint256 length = signature.length;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            r := calldataload(signature.offset)
            switch length
            case 65 {
                s := calldataload(add(signature.offset, 0x20))
                v := byte(0, calldataload(add(signature.offset, 0x40)))
            }
            case 64 {
                let yParityAndS := calldataload(add(signature.offset, 0x20))
                s := shr(1, shl(1, yParityAndS))
                v := add(27, shr(255, yParityAndS))
            }
        }
        // v stays 0 for any other length, which the precompile rejects; checking here saves its 3,000 gas.
        if (v == 0 || uint256(s) > MAX_LOW_S) return address(0);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, digest)
            mstore(add(ptr, 0x20), v)
            mstore(add(ptr, 0x40), r)
            mstore(add(ptr, 0x60), s)
            // No output (an unrecoverable r, s or a v other than 27/28) leaves signer at 0. The call gets its own
            // statement: Yul evaluates arguments right to left, so `returndatasize()` beside it would be read first.
            let ok := staticcall(gas(), 1, ptr, 0x80, 0x00, 0x20)
            if and(ok, eq(returndatasize(), 0x20)) {
                signer := mload(0x00)
            }
        }
    }
}
