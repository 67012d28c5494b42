// docs/lending.md §2 LN-O5: each signer's nonces are used once (a bitmap of 256 per word), cancelled one by one, or
// all below a floor that only rises; nonceUsed and minNonceOf read them.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployLending } from "../helpers/lending";
import { accept, signedOffer, signedRequest } from "../helpers/lending-accept";

const MAX_MIN_NONCE = 2n ** 192n - 1n;

describe("Lending: nonces (LN-O5)", function () {
  it("LN-O5: a nonce is used once: another offer with the same nonce reverts LendingNonceUsed", async function () {
    const fx = await loadFixture(deployLending);
    const first = await signedOffer(fx, {}, { nonce: 7n });
    expect(await fx.lending.nonceUsed(fx.lender.address, 7n)).to.equal(false);
    await accept(fx, first);
    expect(await fx.lending.nonceUsed(fx.lender.address, 7n)).to.equal(true);
    const second = await signedOffer(fx, { principal: 1n }, { nonce: 7n });
    await expect(accept(fx, second))
      .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
      .withArgs(fx.lender.address, 7n);
    // Nonces are per signer: the borrower's request 7 and the lender's nonce 8 are still free.
    expect(await fx.lending.nonceUsed(fx.borrower.address, 7n)).to.equal(false);
    expect(await fx.lending.nonceUsed(fx.lender.address, 8n)).to.equal(false);
    const request = await signedRequest(fx, {}, { nonce: 7n });
    await fx.lending.connect(fx.lender).acceptRequest(request.request, request.signature);
    expect(await fx.lending.nonceUsed(fx.borrower.address, 7n)).to.equal(true);
  });

  it("LN-O5: nonces 255 and 256 sit in two bitmap words and neither marks another", async function () {
    const fx = await loadFixture(deployLending);
    const probes = [0n, 1n, 127n, 128n, 254n, 255n, 256n, 257n, 383n, 511n, 512n];
    const used = async () => Promise.all(probes.map((n) => fx.lending.nonceUsed(fx.lender.address, n)));
    await accept(fx, await signedOffer(fx, {}, { nonce: 255n }));
    expect(await used()).to.deep.equal(probes.map((n) => n === 255n));
    await accept(fx, await signedOffer(fx, {}, { nonce: 256n }));
    expect(await used()).to.deep.equal(probes.map((n) => n === 255n || n === 256n));
    for (const nonce of [255n, 256n]) {
      await expect(accept(fx, await signedOffer(fx, { principal: 2n }, { nonce })))
        .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
        .withArgs(fx.lender.address, nonce);
    }
    // The neighbours in both words are still usable.
    await accept(fx, await signedOffer(fx, {}, { nonce: 254n }));
    await accept(fx, await signedOffer(fx, {}, { nonce: 257n }));
    expect(await used()).to.deep.equal(probes.map((n) => n >= 254n && n <= 257n));
  });

  it("LN-O5: cancelNonces marks each nonce used, emits NonceCancelled for each, and the offer is dead", async function () {
    const fx = await loadFixture(deployLending);
    const max = 2n ** 256n - 1n;
    const tx = fx.lending.connect(fx.lender).cancelNonces([3n, 256n, max]);
    await expect(tx).to.emit(fx.lending, "NonceCancelled").withArgs(fx.lender.address, 3n);
    await expect(tx).to.emit(fx.lending, "NonceCancelled").withArgs(fx.lender.address, 256n);
    await expect(tx).to.emit(fx.lending, "NonceCancelled").withArgs(fx.lender.address, max);
    for (const n of [3n, 256n, max]) expect(await fx.lending.nonceUsed(fx.lender.address, n)).to.equal(true);
    for (const n of [2n, 4n, 255n, 257n, max - 1n]) {
      expect(await fx.lending.nonceUsed(fx.lender.address, n)).to.equal(false);
    }
    expect(await fx.lending.nonceUsed(fx.borrower.address, 3n)).to.equal(false);
    expect(await fx.lending.minNonceOf(fx.lender.address)).to.equal(0n);
    await expect(accept(fx, await signedOffer(fx, {}, { nonce: 3n })))
      .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
      .withArgs(fx.lender.address, 3n);
    await expect(accept(fx, await signedOffer(fx, {}, { nonce: max })))
      .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
      .withArgs(fx.lender.address, max);
    await accept(fx, await signedOffer(fx, {}, { nonce: 4n }));
  });

  it("LN-O5: a borrower's cancelled nonce kills its request (LendingNonceUsed)", async function () {
    const fx = await loadFixture(deployLending);
    const r = await signedRequest(fx, {}, { nonce: 9n });
    await expect(fx.lending.connect(fx.borrower).cancelNonces([9n]))
      .to.emit(fx.lending, "NonceCancelled")
      .withArgs(fx.borrower.address, 9n);
    await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature))
      .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
      .withArgs(fx.borrower.address, 9n);
  });

  it("LN-O5: cancelNoncesBelow(n) kills every nonce below n and leaves n and above alive", async function () {
    const fx = await loadFixture(deployLending);
    await expect(fx.lending.connect(fx.lender).cancelNoncesBelow(10n))
      .to.emit(fx.lending, "NoncesCancelledBelow")
      .withArgs(fx.lender.address, 10n);
    expect(await fx.lending.minNonceOf(fx.lender.address)).to.equal(10n);
    expect(await fx.lending.minNonceOf(fx.borrower.address)).to.equal(0n);
    expect(await fx.lending.nonceUsed(fx.lender.address, 0n)).to.equal(true);
    expect(await fx.lending.nonceUsed(fx.lender.address, 9n)).to.equal(true);
    expect(await fx.lending.nonceUsed(fx.lender.address, 10n)).to.equal(false);
    expect(await fx.lending.nonceUsed(fx.borrower.address, 9n)).to.equal(false);
    for (const nonce of [0n, 9n]) {
      await expect(accept(fx, await signedOffer(fx, {}, { nonce })))
        .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
        .withArgs(fx.lender.address, nonce);
    }
    await accept(fx, await signedOffer(fx, {}, { nonce: 10n }));
    expect(await fx.lending.nonceUsed(fx.lender.address, 10n)).to.equal(true);
    // A request below the borrower's floor is dead too.
    await fx.lending.connect(fx.borrower).cancelNoncesBelow(5n);
    const r = await signedRequest(fx, {}, { nonce: 4n });
    await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature))
      .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
      .withArgs(fx.borrower.address, 4n);
  });

  it("LN-O5: cancelNoncesBelow reverts LendingInvalidNonce at or below the floor and above 2^192 - 1", async function () {
    const fx = await loadFixture(deployLending);
    await expect(fx.lending.connect(fx.lender).cancelNoncesBelow(0n))
      .to.be.revertedWithCustomError(fx.lending, "LendingInvalidNonce")
      .withArgs(0n, 0n);
    await fx.lending.connect(fx.lender).cancelNoncesBelow(10n);
    for (const n of [10n, 9n, 0n, MAX_MIN_NONCE + 1n, 2n ** 256n - 1n]) {
      await expect(fx.lending.connect(fx.lender).cancelNoncesBelow(n))
        .to.be.revertedWithCustomError(fx.lending, "LendingInvalidNonce")
        .withArgs(n, 10n);
    }
    expect(await fx.lending.minNonceOf(fx.lender.address)).to.equal(10n);
    await fx.lending.connect(fx.lender).cancelNoncesBelow(11n);
    expect(await fx.lending.minNonceOf(fx.lender.address)).to.equal(11n);
  });

  it("LN-O5, LN-S4: the floor reaches 2^192 - 1 and shares its slot with the position balance without disturbing it", async function () {
    const fx = await loadFixture(deployLending);
    await accept(fx, await signedOffer(fx, {}, { nonce: 1n }));
    expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(1n);
    await expect(fx.lending.connect(fx.lender).cancelNoncesBelow(MAX_MIN_NONCE))
      .to.emit(fx.lending, "NoncesCancelledBelow")
      .withArgs(fx.lender.address, MAX_MIN_NONCE);
    expect(await fx.lending.minNonceOf(fx.lender.address)).to.equal(MAX_MIN_NONCE);
    expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(1n);
    expect(await fx.lending.nonceUsed(fx.lender.address, MAX_MIN_NONCE - 1n)).to.equal(true);
    expect(await fx.lending.nonceUsed(fx.lender.address, MAX_MIN_NONCE)).to.equal(false);
    // A new loan counts in the balance and leaves the floor.
    await accept(fx, await signedOffer(fx, {}, { nonce: MAX_MIN_NONCE }));
    expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(2n);
    expect(await fx.lending.minNonceOf(fx.lender.address)).to.equal(MAX_MIN_NONCE);
    await expect(fx.lending.connect(fx.lender).cancelNoncesBelow(MAX_MIN_NONCE + 1n))
      .to.be.revertedWithCustomError(fx.lending, "LendingInvalidNonce")
      .withArgs(MAX_MIN_NONCE + 1n, MAX_MIN_NONCE);
  });
});
