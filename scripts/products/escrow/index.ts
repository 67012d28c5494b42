// The Escrow (docs/escrow.md): deployed with its initial owner; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const escrow = {
  contract: "Escrow",
  // The owner can only set the protocol fee (capped at 1%) and pause deal creation (docs/deployments.md §1).
  constructorArgs: ({ owner }) => [owner],
  gas: {
    // The ceilings: create+fund and full release, per asset.
    targets: {
      "eth.createDeal": 55_000,
      "erc20.createDeal": 80_000,
      "eth.release.full": 45_000,
      "erc20.release.full": 50_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks, TypeChain factories and SDK.
    measure: async (hre) => (await import("./gas")).measureEscrowGas(hre),
  },
} as const satisfies Product;
