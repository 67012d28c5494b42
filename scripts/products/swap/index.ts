// Swap (docs/swaps.md): deployed with its initial owner; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const swap = {
  contract: "Swap",
  // The owner can only set the protocol fee (capped at 1%, paid by makers on top of their fills): no path to funds.
  constructorArgs: ({ owner }) => [owner],
  gas: {
    // Issue 11's ceilings that can be met. The fill ceilings (ERC20 75,000, ETH 65,000, partial 90,000 / 70,000)
    // cannot: with finite allowances each ERC20 leg alone costs ~20,300 (a cold token, three cold slots written),
    // and the floors the scenario prints beside those rows (`….floor`, docs/swaps.md §10) lie above every one of
    // them, so those rows carry no target.
    targets: {
      "swap.cancel": 30_000,
      "swap.cancel.freshWord": 47_000,
      // The "cancelBelow" ceiling, for the range cancel that replaced it (one fresh word of 256 nonces).
      "swap.cancelRange": 47_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks and TypeChain factories.
    measure: async (hre) => (await import("./gas")).measureSwapGas(hre),
  },
} as const satisfies Product;
