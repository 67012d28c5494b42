// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice The small terms of a deal packed in one word, so that each action's calldata and the creation event
/// carry one word instead of eight (each mostly-zero word costs ~130 gas of calldata and 256 gas of log data).
/// @dev Layout, from the least significant bit:
///
///   bits      field            type     bound enforced at creation
///   0..95     amount           uint96   0 < amount < 2^96
///   96..135   deadline         uint40   now < deadline <= now + MAX_DURATION
///   136..167  disputeWindow    uint32   0, or MIN_DISPUTE_WINDOW..MAX_DISPUTE_WINDOW
///   168..175  defaultOutcome   uint8    0 = Release, 1 = Refund
///   176..191  fallbackBps      uint16   <= 10_000
///   192..207  arbiterFeeBps    uint16   <= MAX_ARBITER_FEE_BPS
///   208..223  protocolFeeBps   uint16   <= MAX_PROTOCOL_FEE_BPS
///   224..255  salt             uint32   any
type Terms is uint256;

using DealLib for Terms global;

/// @title Packing of deal terms, deal ids and the hashes of signed actions
/// @dev The typehash strings are the EIP-712 structs of docs/escrow.md §8, field by field.
library DealLib {
    bytes32 internal constant RELEASE_TYPEHASH = keccak256(
        "Release(bytes32 dealId,uint256 amount,uint256 nonce,uint256 expiry)"
    );
    bytes32 internal constant REFUND_TYPEHASH = keccak256(
        "Refund(bytes32 dealId,uint256 amount,uint256 nonce,uint256 expiry)"
    );
    bytes32 internal constant SETTLE_TYPEHASH = keccak256(
        "Settle(bytes32 dealId,uint256 toBeneficiary,uint256 nonce,uint256 expiry)"
    );

    /// @dev Packs terms whose widths the caller has already checked.
    function pack(
        uint256 amount_,
        uint256 deadline_,
        uint256 disputeWindow_,
        uint256 defaultOutcome_,
        uint256 fallbackBps_,
        uint256 arbiterFeeBps_,
        uint256 protocolFeeBps_,
        uint256 salt_
    ) internal pure returns (Terms) {
        return
            Terms.wrap(
                amount_ |
                    (deadline_ << 96) |
                    (disputeWindow_ << 136) |
                    (defaultOutcome_ << 168) |
                    (fallbackBps_ << 176) |
                    (arbiterFeeBps_ << 192) |
                    (protocolFeeBps_ << 208) |
                    (salt_ << 224)
            );
    }

    function amount(Terms t) internal pure returns (uint256) {
        return Terms.unwrap(t) & type(uint96).max;
    }

    function deadline(Terms t) internal pure returns (uint256) {
        return (Terms.unwrap(t) >> 96) & type(uint40).max;
    }

    function disputeWindow(Terms t) internal pure returns (uint256) {
        return (Terms.unwrap(t) >> 136) & type(uint32).max;
    }

    /// @dev 0 = Release, 1 = Refund (IEscrow.Outcome).
    function defaultOutcome(Terms t) internal pure returns (uint256) {
        return (Terms.unwrap(t) >> 168) & type(uint8).max;
    }

    function fallbackBps(Terms t) internal pure returns (uint256) {
        return (Terms.unwrap(t) >> 176) & type(uint16).max;
    }

    function arbiterFeeBps(Terms t) internal pure returns (uint256) {
        return (Terms.unwrap(t) >> 192) & type(uint16).max;
    }

    function protocolFeeBps(Terms t) internal pure returns (uint256) {
        return (Terms.unwrap(t) >> 208) & type(uint16).max;
    }

    /// @dev keccak256 of the milestones, each as a 32-byte word; 0 for an empty list.
    function milestonesHash(uint256[] calldata milestones) internal pure returns (bytes32) {
        return milestones.length == 0 ? bytes32(0) : keccak256(abi.encodePacked(milestones));
    }

    /// @dev The EIP-712 struct hash of a signed action: `typehash(dealId, amount, nonce, expiry)`.
    function actionHash(
        bytes32 typehash,
        bytes32 id,
        uint256 value,
        uint256 nonce,
        uint256 expiry
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(typehash, id, value, nonce, expiry));
    }
}
