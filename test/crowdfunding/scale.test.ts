// docs/crowdfunding.md CF-R4: 10,000 backers in one campaign. The 1st backer pledges for real; backers 2…9,999 are
// written straight into storage (their pledge slots and the pot's total, exactly what 9,998 pledges would leave, which
// the test checks by refunding one of them); the 10,000th pledges for real. Pledge, refund and claim then cost the
// same for the 1st and the 10,000th backer, and the same as with a single backer.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Crowdfunding } from "../../typechain-types";
import { ETH, UNIT, at, create, crowdfundingFixture, paramsOf, pledge, timesOf } from "../helpers/crowdfunding";

const BACKERS = 10_000;
const word = (v: bigint) => ethers.toBeHex(v, 32);
const mapSlot = (key: string, slot: bigint) =>
  BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [key, slot])));

/** The declaration slots of `_campaigns` and `_backings`, found by probing a known campaign and pledge. */
async function layout(cf: Crowdfunding, id: bigint, backer: string) {
  const address = await cf.getAddress();
  const read = (slot: bigint) => ethers.provider.getStorage(address, slot);
  let campaigns = -1n;
  let backings = -1n;
  for (let s = 0n; s < 16n; s++) {
    if (campaigns < 0n && BigInt(await read(mapSlot(word(id), s))) !== 0n) campaigns = s;
    const inner = mapSlot(ethers.zeroPadValue(backer, 32), mapSlot(word(id), s));
    if (backings < 0n && BigInt(await read(inner)) === UNIT) backings = s;
  }
  if (campaigns < 0n || backings < 0n) throw new Error("storage layout not found");
  return {
    pot: mapSlot(word(id), campaigns),
    backing: (who: string) => mapSlot(ethers.zeroPadValue(who, 32), mapSlot(word(id), backings)),
  };
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

describe("Crowdfunding: 10,000 backers (CF-R4)", function () {
  this.timeout(120_000);

  it("the 10,000th backer's pledge and refund cost what the 1st's did; a claim costs the same as with one backer", async () => {
    const { cf, creator, alice, bob, carol, cfAddress } = await loadFixture(crowdfundingFixture);
    const goal = BigInt(BACKERS + 10) * UNIT;
    const id = await create(cf, creator, await paramsOf(ETH, { goal }));
    // A reference campaign with one backer, for the claim.
    const single = await create(cf, creator, await paramsOf(ETH, { goal: UNIT }));

    const firstPledge = await gasOf(pledge(cf, alice, id, UNIT));
    const { pot, backing } = await layout(cf, id, alice.address);

    // Backers 2…9,999: one storage slot each, then the pot's total (its low 96 bits) and the contract's balance.
    const synthetic = Array.from({ length: BACKERS - 2 }, (_, i) =>
      ethers.getAddress(ethers.toBeHex(0x10000n + BigInt(i), 20)),
    );
    for (const who of synthetic) {
      await network.provider.send("hardhat_setStorageAt", [cfAddress, word(backing(who)), word(UNIT)]);
    }
    const potWord = BigInt(await ethers.provider.getStorage(cfAddress, pot));
    const low96 = (1n << 96n) - 1n;
    const total = BigInt(BACKERS - 1) * UNIT;
    await network.provider.send("hardhat_setStorageAt", [cfAddress, word(pot), word((potWord & ~low96) | total)]);
    const balance = await ethers.provider.getBalance(cfAddress);
    await network.provider.send("hardhat_setBalance", [cfAddress, ethers.toQuantity(balance + total - UNIT)]);
    expect((await cf.campaign(id)).total).to.equal(total);
    expect((await cf.pledgeOf(id, synthetic[1234])).amount).to.equal(UNIT);

    const lastPledge = await gasOf(pledge(cf, bob, id, UNIT));
    expect((await cf.campaign(id)).total).to.equal(BigInt(BACKERS) * UNIT);
    expect(lastPledge).to.equal(firstPledge);

    await pledge(cf, carol, single, UNIT);
    await at((await timesOf(cf, single)).deadline);
    const claimSingle = await gasOf(cf.connect(creator).claim(single));

    // The big campaign fails (10,000 < goal): the 1st and the 10,000th refund cost the same, and a storage-made
    // backer refunds like any other. (Its deadline passed before the single campaign's, created a second later.)
    expect(await cf.stateOf(id)).to.equal(4n);
    const firstRefund = await gasOf(cf.connect(alice).refund(id));
    const lastRefund = await gasOf(cf.connect(bob).refund(id));
    expect(lastRefund).to.equal(firstRefund);
    await network.provider.send("hardhat_impersonateAccount", [synthetic[0]]);
    await network.provider.send("hardhat_setBalance", [synthetic[0], ethers.toQuantity(UNIT)]);
    const impersonated = await ethers.getSigner(synthetic[0]);
    await expect(cf.connect(impersonated).refund(id)).to.changeEtherBalance(impersonated, UNIT, { includeFee: false });
    expect((await cf.campaign(id)).total).to.equal(BigInt(BACKERS - 3) * UNIT);

    // A campaign that reached its goal with 10,000 backers: the claim costs what the single-backer claim cost.
    const big = await create(cf, creator, await paramsOf(ETH, { goal: BigInt(BACKERS) * UNIT }));
    await pledge(cf, alice, big, UNIT);
    const bigLayout = await layout(cf, big, alice.address);
    const bigPot = BigInt(await ethers.provider.getStorage(cfAddress, bigLayout.pot));
    await network.provider.send("hardhat_setStorageAt", [
      cfAddress,
      word(bigLayout.pot),
      word((bigPot & ~low96) | (BigInt(BACKERS) * UNIT)),
    ]);
    const held = await ethers.provider.getBalance(cfAddress);
    await network.provider.send("hardhat_setBalance", [
      cfAddress,
      ethers.toQuantity(held + BigInt(BACKERS - 1) * UNIT),
    ]);
    await at((await timesOf(cf, big)).deadline);
    const claimBig = await gasOf(cf.connect(creator).claim(big));
    expect(claimBig).to.equal(claimSingle);
  });
});
