// Dutch auctions (docs/auctions.md AU-D1…AU-D4): the linear price and its floor, the first taker at the block's
// price with the excess returned, the end at t-1, t, t+1, the seller's cancel before a taker, and the recorded price.
import { expect } from "chai";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { DUTCH, ETH, HOUR, State, auctionsFixture, createDutch, dutchPriceAt } from "../helpers/auctions";

async function withDutch() {
  const f = await auctionsFixture();
  const { id, start } = await createDutch(f, f.nftLot(1n));
  return { ...f, id, start, end: start + DUTCH.duration + DUTCH.floorDuration };
}

describe("Auctions: Dutch", function () {
  it("AU-D1: the price falls linearly from start to floor over the duration, then stays at the floor", async function () {
    const f = await loadFixture(withDutch);
    const p = { start: f.start, ...DUTCH };
    for (const dt of [0n, 1n, 7n, HOUR / 3n, HOUR - 1n, HOUR, HOUR + 1n, 2n * HOUR - 1n]) {
      // Views run on the latest block: mine one at that time (the creation block is the one at start + 0).
      if (dt > 0n) {
        await time.setNextBlockTimestamp(f.start + dt);
        await mine();
      }
      expect(await f.auctions.priceOf(f.id), `t = start + ${dt}`).to.equal(dutchPriceAt(f.start + dt, p));
    }
    expect(dutchPriceAt(f.start + 1n, p)).to.be.lessThan(DUTCH.startPrice);
    expect(dutchPriceAt(f.start + HOUR, p)).to.equal(DUTCH.floorPrice);
  });

  it("AU-D2: the first taker pays the price of its block; the excess ETH comes back in the same transaction", async function () {
    const f = await loadFixture(withDutch);
    const t = f.start + HOUR / 4n;
    const price = dutchPriceAt(t, { start: f.start, ...DUTCH });
    await time.setNextBlockTimestamp(t);
    const tx = f.auctions.connect(f.bob).buy(f.id, { value: DUTCH.startPrice });
    await expect(tx).to.changeEtherBalances([f.bob, f.seller, f.auctions], [-price, price, 0n]);
    await expect(tx).to.emit(f.auctions, "AuctionSettled").withArgs(f.id, f.bob.address, price, 0n);
    expect(await f.nft.ownerOf(1n)).to.equal(f.bob.address);
    expect((await f.auctions.dutchOf(f.id)).state).to.equal(State.Settled);
    await expect(f.auctions.connect(f.alice).buy(f.id, { value: DUTCH.startPrice }))
      .to.be.revertedWithCustomError(f.auctions, "AuctionsNotOpen")
      .withArgs(f.id);
  });

  it("AU-D2: too little ETH reverts with AuctionsValueMismatch(value, price)", async function () {
    const f = await loadFixture(withDutch);
    await time.setNextBlockTimestamp(f.start + HOUR);
    await expect(f.auctions.connect(f.bob).buy(f.id, { value: DUTCH.floorPrice - 1n }))
      .to.be.revertedWithCustomError(f.auctions, "AuctionsValueMismatch")
      .withArgs(DUTCH.floorPrice - 1n, DUTCH.floorPrice);
  });

  it("AU-D2: with an ERC20 bid token exactly the price is pulled, and ETH sent along is refused", async function () {
    const f = await loadFixture(auctionsFixture);
    const { id, start } = await createDutch(f, f.nftLot(2n), { bidToken: f.tokenAddress });
    await expect(f.auctions.connect(f.bob).buy(id, { value: 1n }))
      .to.be.revertedWithCustomError(f.auctions, "AuctionsValueMismatch")
      .withArgs(1n, 0n);
    const t = start + 100n;
    const price = dutchPriceAt(t, { start, ...DUTCH });
    await time.setNextBlockTimestamp(t);
    await expect(f.auctions.connect(f.bob).buy(id)).to.changeTokenBalances(
      f.token,
      [f.bob, f.seller, f.auctions],
      [-price, price, 0n],
    );
  });

  for (const [label, offset, ok] of [
    ["end-1", -1n, true],
    ["end", 0n, false],
    ["end+1", 1n, false],
  ] as const) {
    it(`AU-D2: a buy at ${label} ${ok ? "gets the lot at the floor price" : "reverts with AuctionsEnded"}`, async function () {
      const f = await loadFixture(withDutch);
      await time.setNextBlockTimestamp(f.end + offset);
      const tx = f.auctions.connect(f.bob).buy(f.id, { value: DUTCH.floorPrice });
      if (ok)
        await expect(tx).to.emit(f.auctions, "AuctionSettled").withArgs(f.id, f.bob.address, DUTCH.floorPrice, 0n);
      else await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsEnded").withArgs(f.end);
    });
  }

  it("AU-D3: the seller cancels before a taker, also after the end; never after a sale", async function () {
    const f = await loadFixture(withDutch);
    await time.setNextBlockTimestamp(f.end + 10n);
    await expect(f.auctions.connect(f.stranger).cancel(f.id)).to.be.revertedWithCustomError(
      f.auctions,
      "AuctionsNotSeller",
    );
    await f.auctions.connect(f.seller).cancel(f.id);
    expect(await f.nft.ownerOf(1n)).to.equal(f.seller.address);
    expect((await f.auctions.dutchOf(f.id)).state).to.equal(State.Cancelled);

    const { id } = await createDutch(f, f.nftLot(3n));
    await f.auctions.connect(f.bob).buy(id, { value: DUTCH.startPrice });
    await expect(f.auctions.connect(f.seller).cancel(id)).to.be.revertedWithCustomError(f.auctions, "AuctionsNotOpen");
    await expect(f.auctions.settle(id)).to.be.revertedWithCustomError(f.auctions, "AuctionsWrongKind");
  });

  it("AU-D2: the fee snapshotted at creation applies, not a later change; it accrues in the bid asset", async function () {
    const f = await loadFixture(auctionsFixture);
    await f.auctions.connect(f.owner).setFee(100n, f.feeRecipient.address);
    const { id, start } = await createDutch(f, f.nftLot(4n));
    await f.auctions.connect(f.owner).setFee(500n, f.feeRecipient.address);
    expect((await f.auctions.lotOf(id)).feeBps).to.equal(100n);
    const t = start + 10n;
    const price = dutchPriceAt(t, { start, ...DUTCH });
    await time.setNextBlockTimestamp(t);
    await f.auctions.connect(f.bob).buy(id, { value: price });
    expect(await f.auctions.feesOf(ETH)).to.equal((price * 100n) / 10_000n);
    await expect(f.auctions.collectFees(ETH)).to.changeEtherBalance(f.feeRecipient, (price * 100n) / 10_000n);
    await expect(f.auctions.collectFees(ETH)).to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim");
  });
  it("AU-D4: the buy records the price it paid (0 before; early, half-way and at the floor); a cancel records none", async function () {
    const f = await loadFixture(auctionsFixture);
    let tokenId = 10n;
    for (const at of [1n, HOUR / 3n, HOUR + 5n]) {
      const { id, start } = await createDutch(f, f.nftLot(tokenId++));
      expect((await f.auctions.dutchOf(id)).price, "unsold").to.equal(0n);
      await time.setNextBlockTimestamp(start + at);
      // Paying more than the price: the record is the price, not the value sent.
      await f.auctions.connect(f.bob).buy(id, { value: DUTCH.startPrice + 1n });
      const d = await f.auctions.dutchOf(id);
      const paid = dutchPriceAt(start + at, { start, ...DUTCH });
      expect(d.price, `bought at start + ${at}`).to.equal(paid);
      expect(paid > DUTCH.floorPrice || at > HOUR, "the early buys pay above the floor").to.equal(true);
      expect([d.startPrice, d.floorPrice, d.state]).to.deep.equal([DUTCH.startPrice, DUTCH.floorPrice, State.Settled]);
    }
    const { id } = await createDutch(f, f.nftLot(tokenId));
    await f.auctions.connect(f.seller).cancel(id);
    expect((await f.auctions.dutchOf(id)).price).to.equal(0n);
  });
});
