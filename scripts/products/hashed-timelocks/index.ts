// HashedTimelocks (docs/atomic-swaps.md): no constructor arguments, no owner; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const hashedTimelocks = {
  contract: "HashedTimelocks",
  constructorArgs: () => [],
  gas: {
    // Issue 11's ceilings (docs/atomic-swaps.md §8), deposit 0, each sent by the party the protocol expects. The
    // ERC20 lock has none: its floor (`htlc.erc20.lock.floor`: base, calldata, the fresh status slot, the Locked event
    // and the token's transferFrom with a finite allowance) is already above 70,000, before the fee-on-transfer check.
    targets: {
      "htlc.eth.lock": 52_000,
      "htlc.eth.claim": 42_000,
      "htlc.erc20.claim": 50_000,
      "htlc.eth.refund": 42_000,
      "htlc.erc20.refund": 50_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks and TypeChain factories.
    measure: async (hre) => (await import("./gas")).measureHashedTimelockGas(hre),
  },
} as const satisfies Product;
