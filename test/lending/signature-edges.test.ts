// LN-O6 at the edges of the suite's Signatures library that the mutation run showed no other Lending test pinned: a
// signature that names no signer must not name address(1), whatever scratch memory holds. Each test names the mutant
// it kills. The lender is address(1) itself (impersonated, funded and approved), so that a recovery wrongly yielding
// address(1) would be taken as the lender's signature.
import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { deployLending, offerOf, termsOf, ONE, type LendingFixture } from "../helpers/lending";

const ONE_ADDRESS = ethers.getAddress("0x0000000000000000000000000000000000000001");

async function lenderIsAddressOne(): Promise<LendingFixture> {
  const fx = await deployLending();
  await impersonateAccount(ONE_ADDRESS);
  await setBalance(ONE_ADDRESS, ONE);
  const one = await ethers.getSigner(ONE_ADDRESS);
  await fx.usd.mint(ONE_ADDRESS, 10_000n * ONE);
  await fx.usd.connect(one).approve(await fx.lending.getAddress(), ethers.MaxUint256);
  return fx;
}

describe("LN-O6 signatures that name no signer", function () {
  it("LN-O6: a signature of another length names no one, not address(1) (kills `return address(1)` for a bad length)", async function () {
    const fx = await loadFixture(lenderIsAddressOne);
    const offer = await offerOf(fx, termsOf(fx), { lender: ONE_ADDRESS });
    for (const length of [0, 63, 66]) {
      await expect(
        fx.lending.connect(fx.borrower).acceptOffer(offer, ethers.hexlify(ethers.randomBytes(length)), 0n),
      ).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
    }
    expect(await fx.lending.nonceUsed(ONE_ADDRESS, offer.nonce)).to.equal(false);
  });

  it("LN-O6: a 65-byte signature the precompile rejects names no one, whatever the scratch word holds (kills `and` -> `or`)", async function () {
    const fx = await loadFixture(lenderIsAddressOne);
    // Nonce 256 is bit 0 of word 1: the nonce bitmap's last slot computation leaves 1 in scratch memory, which a
    // recovery that read it without a result would take for address(1), the lender.
    const offer = await offerOf(fx, termsOf(fx), { lender: ONE_ADDRESS, nonce: 256n });
    const invalidV = ethers.concat([ethers.randomBytes(32), ethers.toBeHex(1n, 32), "0x1d"]);
    await expect(fx.lending.connect(fx.borrower).acceptOffer(offer, invalidV, 0n)).to.be.revertedWithCustomError(
      fx.lending,
      "LendingInvalidSignature",
    );
    expect(await fx.lending.nonceUsed(ONE_ADDRESS, 256n)).to.equal(false);
  });
});
