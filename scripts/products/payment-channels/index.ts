// PaymentChannels (docs/payment-channels.md): no constructor arguments, no owner; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const paymentChannels = {
  contract: "PaymentChannels",
  constructorArgs: () => [],
  gas: {
    // Issue 10's ceilings (docs/payment-channels.md §10), each measured as a participant submits it. Three ERC20 rows
    // have none: the withdrawal and unlock ceilings hold for ETH; in ERC20 the token's transfer alone costs
    // ~8,700 gas more than an ETH push. The scenarios print each one's floor beside it (`….floor`): the unlock's
    // floor is above 48,000, so that target is impossible in ERC20; the withdrawals land ~4,100 above theirs.
    targets: {
      "pc.eth.open": 52_000,
      "pc.erc20.open": 72_000,
      "pc.eth.deposit.second": 35_000,
      "pc.erc20.deposit.second": 55_000,
      "pc.eth.cooperativeClose": 60_000,
      "pc.erc20.cooperativeClose": 68_000,
      "pc.eth.close": 50_000,
      "pc.erc20.close": 50_000,
      "pc.eth.update": 50_000,
      "pc.erc20.update": 50_000,
      "pc.eth.settle": 55_000,
      "pc.erc20.settle": 62_000,
      "pc.eth.withdraw.first": 72_000,
      "pc.eth.withdraw.later": 55_000,
      "pc.registerSecret": 48_000,
      "pc.eth.unlock.one": 48_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks, TypeChain factories and SDK.
    measure: async (hre) => (await import("./gas")).measurePaymentChannelGas(hre),
  },
} as const satisfies Product;
