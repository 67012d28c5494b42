// The Escrow (docs/escrow.md): deployed with its initial owner, measured by ./gas.ts.
import type { Product } from "../../lib/product";
import { measureEscrowGas } from "./gas";

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
    measure: measureEscrowGas,
  },
} as const satisfies Product;
