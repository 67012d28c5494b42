// Auctions (docs/auctions.md): deployed with its initial owner; its gas scenarios are in ./gas.ts.
import type { Product } from "../../lib/product";

export const auctions = {
  contract: "Auctions",
  // The owner can only set the platform fee of future auctions (capped at 5%) and its recipient: no path to lots,
  // bids, deposits or credits.
  constructorArgs: ({ owner }) => [owner],
  gas: {
    // Issue 13's ceilings (docs/auctions.md §10), ETH bids, an ERC721 lot; the floors are printed beside them.
    targets: {
      "auctions.eth.english.bid.outbid": 50_000,
      "auctions.eth.english.settle.erc721": 85_000,
      "auctions.eth.english.settle.erc721.feeOn": 85_000,
      "auctions.eth.dutch.buy.erc721": 90_000,
      "auctions.eth.dutch.buy.erc721.feeOn": 90_000,
    },
    // Loaded when measured: a deployment does not need the scenarios' mocks and TypeChain factories.
    measure: async (hre) => (await import("./gas")).measureAuctionGas(hre),
  },
} as const satisfies Product;
