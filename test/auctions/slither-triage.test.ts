// The Slither findings on Auctions triaged as false positives in docs/security.md §7, each proven by a test.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DUTCH, ETH, auctionsFixture, createDutch, dutchPriceAt } from "../helpers/auctions";

describe("Auctions: Slither triage", function () {
  it("PullPayments._payout (incorrect-equality): a Dutch buy at the exact price pushes no excess; one wei more comes back exactly", async function () {
    const f = await loadFixture(auctionsFixture);
    for (const [nft, extra] of [
      [1n, 0n],
      [2n, 1n],
    ] as const) {
      const { id, start } = await createDutch(f, f.nftLot(nft));
      const t = start + 100n;
      const price = dutchPriceAt(t, { start, ...DUTCH });
      await time.setNextBlockTimestamp(t);
      const tx = f.auctions.connect(f.bob).buy(id, { value: price + extra });
      await expect(tx).to.changeEtherBalances([f.bob, f.seller], [-price, price]);
      await expect(tx).to.not.emit(f.auctions, "PaymentCredited");
      expect(await f.auctions.creditOf(ETH, f.bob.address)).to.equal(0n);
    }
  });
});
