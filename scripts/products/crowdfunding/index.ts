// Crowdfunding (docs/crowdfunding.md): deployed with its initial owner and the suite's Escrow, which holds the pots of
// milestone campaigns; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const crowdfunding = {
  contract: "Crowdfunding",
  // The owner can only set the default fee recipient copied into new campaigns: no path to pledges.
  constructorArgs: ({ owner, addressOf }) => [owner, addressOf("Escrow")],
  gas: {
    // Issue 13's ceilings that can be met (full receipt, warm contract, second operation, finite allowances,
    // recipients holding a balance, no platform fee). The ERC20 pledge ceilings (first 72,000, adding 58,000) cannot:
    // the first pledge's floor alone (row `….floor`: a new backer slot 22,100 and the token's transferFrom with a
    // finite allowance ~20,500 among it) is 73,046, and the addition's floor 55,946 leaves ~2,000 for the balance-delta
    // check (CF-P5), the reentrancy guard and the code; docs/crowdfunding.md §9 has the arithmetic. Those rows carry
    // no target.
    targets: {
      "crowdfunding.eth.pledge.first": 55_000,
      "crowdfunding.eth.pledge.add": 37_000,
      "crowdfunding.eth.refund": 40_000,
      "crowdfunding.erc20.refund": 48_000,
      "crowdfunding.eth.claim": 45_000,
      "crowdfunding.erc20.claim": 52_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks and TypeChain factories.
    measure: async (hre) => (await import("./gas")).measureCrowdfundingGas(hre),
  },
} as const satisfies Product;
