// MicropaymentChannels (docs/micropayments.md): no constructor arguments, no owner; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const micropaymentChannels = {
  contract: "MicropaymentChannels",
  constructorArgs: () => [],
  gas: {
    // The ceilings: open per asset, the payee's close with a voucher in ETH, and each extra channel of a
    // batch claim per asset, with signatures in the compact EIP-2098 form the SDK submits. The 65-byte form,
    // measured beside it, costs about 100 gas more per channel (padding and the `v` byte) and lands 36–60 gas over
    // 15,000; it has no target.
    targets: {
      "channels.eth.open": 55_000,
      "channels.erc20.open": 75_000,
      "channels.eth.close.voucher": 60_000,
      "channels.eth.claimMany.perExtra": 15_000,
      "channels.erc20.claimMany.perExtra": 15_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks, TypeChain factories and SDK.
    measure: async (hre) => (await import("./gas")).measureMicropaymentGas(hre),
  },
} as const satisfies Product;
