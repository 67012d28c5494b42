// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Auctions} from "../Auctions.sol";
import {Lending} from "../Lending.sol";

/// @dev Test-only (fuzzing): deploys the Auctions venue (lot fee 1%) and Lending selling on it. A contract of its own
/// because the two together nearly fill the EIP-3860 initcode limit: the harness (LendingFuzz.sol) takes its address
/// (medusa.json: `DeployedContract:LendingFuzzMarket`; test/fuzz/harnesses.test.ts deploys it first).
contract LendingFuzzMarket {
    uint256 public constant AUCTION_FEE_BPS = 100;
    Auctions public immutable auctions;
    Lending public immutable lending;

    constructor() {
        auctions = new Auctions(address(this));
        auctions.setFee(AUCTION_FEE_BPS, address(this));
        lending = new Lending(address(auctions));
    }
}
