// What `npm run mutation` mutates and which tests judge it: one entry per deployable contract (every .sol file at the
// root of contracts/). A new product adds its entry here: its own test folder, and the findings that concern it.
// The report of a contract covers its own file and every project file it imports that has code (base contracts and
// libraries; interfaces declare no code), each mutated in that contract's build only and judged by its tests.
export interface MutationTarget {
  /** The deployable contract, e.g. "Escrow" for contracts/Escrow.sol. */
  contract: string;
  /** Test files or folders (project-relative) that make up the contract's own suite. */
  tests: string[];
  /**
   * Compile the mutants through the IR pipeline (without the optimizer). Legacy code generation runs out of stack
   * slots on functions that take two signatures (PaymentChannels' cooperative withdrawal and close).
   */
  viaIR?: boolean;
}

export const MUTATION_TARGETS: readonly MutationTarget[] = [
  {
    contract: "Escrow",
    tests: [
      "test/escrow",
      "test/findings/arbiter-ruling-blocked-by-nonce-bumps",
      "test/findings/milestone-sum-overflow-panics",
      "test/findings/nonce-exhaustion-blocks-exits.test.ts",
      "test/findings/fee-recipient-zero-locks-fees.test.ts",
    ],
  },
  { contract: "MicropaymentChannels", tests: ["test/micropayments"] },
  { contract: "PaymentChannels", tests: ["test/payment-channels"], viaIR: true },
  { contract: "HashedTimelocks", tests: ["test/atomic-swaps"] },
  { contract: "Swap", tests: ["test/swap"], viaIR: true },
  {
    contract: "Crowdfunding",
    tests: [
      "test/crowdfunding",
      "test/findings/cf-milestone-claim-hostage.test.ts",
      "test/findings/cf-majority-release.test.ts",
      "test/findings/cf-creator-dispute-bypass.test.ts",
      "test/findings/cf-creator-dispute-fallback.test.ts",
    ],
  },
  { contract: "Auctions", tests: ["test/auctions", "test/findings/au-claim-lot-to-self.test.ts"], viaIR: true },
  { contract: "Lending", tests: ["test/lending"] },
];
