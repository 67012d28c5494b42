// Lending (docs/lending.md): deployed with the suite's Auctions, where defaulted collateral with sale terms is sold
// (LN-D2), so it is listed after Auctions; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const lending = {
  contract: "Lending",
  // No owner and no admin path: the only argument is the Auctions contract of the same deployment.
  constructorArgs: ({ addressOf }) => [addressOf("Auctions")],
  gas: {
    // The ceilings (docs/lending.md §12: full receipt, warm contract, second loan, finite allowances set,
    // recipients holding a balance, fee off) that can be met: the default claim (75,000) and the refinance with an
    // offer (140,000). The others cannot, in this design, whatever the code: their floors (rows `….floor`, measured in
    // the same run) are above them. Accepting an offer (140,000; ERC721 collateral 160,000) writes three fresh loan
    // slots (66,300) and makes two `transferFrom`s with finite allowances (~20,400 each with the token's cold
    // access), beside 21,000, ~5,500 of calldata (the terms and the signature), the nonce word and both position
    // counts (15,000), ecrecover and the logs (LoanStarted carries the terms): floor 162,065 (ERC721: 166,628). A
    // partial repayment (55,000) pays 21,000, ~3,600 of calldata (the terms), one `transferFrom` (~20,400), three
    // cold loan slots, a rewrite and Repaid: floor 56,906 with fixed interest (the row the ceiling is compared with:
    // pro-rated also rewrites the checkpoint, floor 59,758). A full repayment (80,000) adds the collateral's return
    // and the two burns: floor 85,041. Those rows carry no target.
    targets: {
      "lending.erc20.claim": 75_000,
      "lending.erc20.refinanceWithOffer": 140_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks and TypeChain factories.
    measure: async (hre) => (await import("./gas")).measureLendingGas(hre),
  },
} as const satisfies Product;
