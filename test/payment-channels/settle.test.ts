// docs/payment-channels.md PC-S1 and §5: settlement after closesAt, by anyone, pays per the arithmetic of §5 (clamps,
// held amounts, rewards capped at the signer's share); both payouts plus held plus rewards equal the total for every
// record, also for proofs that promise more than a side had; the id is never reused.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime, expectBalanceChanges } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  DEPOSIT2,
  EMPTY_DIRECTION,
  MAX_AMOUNT,
  MAX_PROOF_AMOUNT,
  NO_PROOF,
  PcStatus,
  TOTAL,
  closeChannel,
  directionOf,
  expectSolvent,
  pcFixture,
  pendingCommitmentOf,
  proofOf,
  recordTuple,
  settlementModel,
  signProof,
  valueFor,
  withDirection,
  type ChannelRecord,
  type Direction,
  type PendingLocks,
  type Settlement,
} from "../helpers/payment-channels";

const ROOT12 = ethers.id("root12");
const ROOT21 = ethers.id("root21");
const T12 = DEPOSIT1 / 4n + 3n;
const T21 = DEPOSIT2 / 5n + 1n;

function settlementTuple(s: Settlement) {
  return [s.amount1, s.amount2, s.reward12, s.reward21, s.held12, s.held21];
}

function pendingOf(r: ChannelRecord, s: Settlement): PendingLocks {
  return {
    locksRoot12: s.held12 === 0n ? ethers.ZeroHash : r.d12.locksRoot,
    held12: s.held12,
    locksRoot21: s.held21 === 0n ? ethers.ZeroHash : r.d21.locksRoot,
    held21: s.held21,
  };
}

const pendingTuple = (p: PendingLocks) => [p.locksRoot12, p.held12, p.locksRoot21, p.held21];

for (const { name, fixture } of CHANNEL_ASSETS) {
  /** Both directions recorded: p1 closes with p2's proof, p2 answers with p1's. */
  async function bothWaysFixture() {
    const fx = await fixture();
    const fromP2 = proofOf(4n, T21, 100n, ROOT21);
    const fromP1 = proofOf(9n, T12, 200n, ROOT12);
    const closed = await closeChannel(fx, fx.p1, fromP2);
    await fx.pc
      .connect(fx.p2)
      .update(
        fx.channel,
        closed.record,
        fx.p1.address,
        fromP1,
        await signProof(fx.p1, fx.domain, fx.channelId, fromP1),
      );
    const record = withDirection(closed.record, true, directionOf(fromP1));
    return { ...fx, record, closesAt: closed.closesAt };
  }

  describe(`PC-S1 settle in ${name}`, function () {
    it("pays both sides per §5 when a stranger settles, keeps the locked amounts and emits ChannelSettled(id, a1, a2, pending)", async function () {
      const fx = await loadFixture(bothWaysFixture);
      const { pc, p1, p2, stranger, pcAddress, channel, channelId, record, closesAt, asset } = fx;
      const s = settlementModel(record);
      const amount1 = DEPOSIT1 - T12 + T21 - 200n;
      const amount2 = DEPOSIT2 - T21 + T12 - 100n;
      expect([s.amount1, s.amount2, s.held12, s.held21]).to.deep.equal([amount1, amount2, 200n, 100n]);
      expect(await pc.settlementOf(record)).to.deep.equal(settlementTuple(s));
      await atTime(closesAt + 1n);
      const tx = await pc.connect(stranger).settle(channel, record);
      await expectBalanceChanges(tx, asset, [p1, p2, stranger, pcAddress], [amount1, amount2, 0n, -(TOTAL - 300n)]);
      const pending = pendingOf(record, s);
      await expect(tx).to.emit(pc, "ChannelSettled").withArgs(channelId, amount1, amount2, pendingTuple(pending));
      await expect(tx).not.to.emit(pc, "WatchtowerRewarded");
      const info = await pc.channelInfo(channelId);
      expect([info.status, info.closesAt, info.commitment]).to.deep.equal([
        BigInt(PcStatus.Settled),
        0n,
        pendingCommitmentOf(pending),
      ]);
      await expectSolvent(pc, [asset]);
    });

    it("reverts with PaymentChannelInvalidRecord for a record other than the committed one, and settles only once", async function () {
      const fx = await loadFixture(bothWaysFixture);
      const { pc, channel, channelId, record, closesAt } = fx;
      await atTime(closesAt + 1n);
      const forged = withDirection(record, true, { ...record.d12, transferred: 0n });
      await expect(pc.settle(channel, forged))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidRecord")
        .withArgs(channelId);
      await pc.settle(channel, record);
      await expect(pc.settle(channel, record))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
        .withArgs(channelId, PcStatus.Settled);
    });

    it("clamps a proof that promises more than its signer had: the receiver gets the whole channel, the signer nothing", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, channelId, asset } = fx;
      const { record, closesAt } = await closeChannel(fx, p1, proofOf(1n, 3n * TOTAL, MAX_PROOF_AMOUNT));
      expect(settlementModel(record)).to.deep.equal({
        amount1: TOTAL,
        amount2: 0n,
        reward12: 0n,
        reward21: 0n,
        held12: 0n,
        held21: 0n,
      });
      await atTime(closesAt + 1n);
      const tx = await pc.settle(channel, record);
      await expectBalanceChanges(tx, asset, [p1, p2, pcAddress], [TOTAL, 0n, -TOTAL]);
      await expect(tx)
        .to.emit(pc, "ChannelSettled")
        .withArgs(channelId, TOTAL, 0n, pendingTuple(pendingOf(record, settlementModel(record))));
      expect((await pc.channelInfo(channelId)).commitment).to.equal(ethers.ZeroHash);
      await expectSolvent(pc, [asset]);
    });

    it("holds at most the sender's share for its locks: locked above the share holds exactly the share", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, channelId, asset } = fx;
      // p1 sent T12 and locked far more than it had left.
      const { record, closesAt } = await closeChannel(fx, p2, proofOf(1n, T12, 10n * TOTAL, ROOT12));
      const share1 = DEPOSIT1 - T12;
      await atTime(closesAt + 1n);
      const tx = await pc.settle(channel, record);
      await expectBalanceChanges(tx, asset, [p1, p2, pcAddress], [0n, DEPOSIT2 + T12, -(DEPOSIT2 + T12)]);
      const pending = { locksRoot12: ROOT12, held12: share1, locksRoot21: ethers.ZeroHash, held21: 0n };
      await expect(tx)
        .to.emit(pc, "ChannelSettled")
        .withArgs(channelId, 0n, DEPOSIT2 + T12, pendingTuple(pending));
      expect((await pc.channelInfo(channelId)).commitment).to.equal(pendingCommitmentOf(pending));
      await expectSolvent(pc, [asset]);
    });

    // Mutation survivor PaymentChannels.sol:343 [0] -> [1]: the root of a direction that holds nothing must be zeroed
    // in the pending locks (and so in the commitment) even while the other direction holds something.
    for (const senderIsFirst of [true, false]) {
      const [spent, kept] = senderIsFirst ? ["1→2", "2→1"] : ["2→1", "1→2"];
      it(`zeroes the locks root of direction ${spent} whose sender paid its whole share (hold clamped to 0) while ${kept} holds its lock`, async function () {
        const fx = await loadFixture(fixture);
        const { pc, p1, p2, channel, channelId, domain, asset } = fx;
        // The spent side transferred all it had and still signed a lock; the other side locked 100 and sent nothing.
        const spentProof = proofOf(2n, senderIsFirst ? DEPOSIT1 : DEPOSIT2, 50n, senderIsFirst ? ROOT12 : ROOT21);
        const keptProof = proofOf(3n, 0n, 100n, senderIsFirst ? ROOT21 : ROOT12);
        const [spender, keeper] = senderIsFirst ? [p1, p2] : [p2, p1];
        // The keeper closes with the spender's proof; the spender answers with the keeper's.
        const closed = await closeChannel(fx, keeper, spentProof);
        await pc
          .connect(spender)
          .update(
            channel,
            closed.record,
            keeper.address,
            keptProof,
            await signProof(keeper, domain, channelId, keptProof),
          );
        const record = withDirection(closed.record, !senderIsFirst, directionOf(keptProof));
        const pending: PendingLocks = senderIsFirst
          ? { locksRoot12: ethers.ZeroHash, held12: 0n, locksRoot21: ROOT21, held21: 100n }
          : { locksRoot12: ROOT12, held12: 100n, locksRoot21: ethers.ZeroHash, held21: 0n };
        const s = settlementModel(record);
        expect(pendingOf(record, s)).to.deep.equal(pending);
        const [amount1, amount2] = senderIsFirst ? [0n, TOTAL - 100n] : [TOTAL - 100n, 0n];
        expect([s.amount1, s.amount2]).to.deep.equal([amount1, amount2]);
        await atTime(closed.closesAt + 1n);
        const tx = await pc.settle(channel, record);
        await expect(tx).to.emit(pc, "ChannelSettled").withArgs(channelId, amount1, amount2, pendingTuple(pending));
        expect((await pc.channelInfo(channelId)).commitment).to.equal(pendingCommitmentOf(pending));
        await expectSolvent(pc, [asset]);
      });
    }

    it("settles a close without proofs: each side gets its deposit back", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, channel, asset } = fx;
      const { record, closesAt } = await closeChannel(fx, p2, NO_PROOF);
      await atTime(closesAt + 1n);
      await expectBalanceChanges(pc.settle(channel, record), asset, [p1, p2], [DEPOSIT1, DEPOSIT2]);
    });

    it("PC-O3: never reuses the settled id; a reopening with a new salt gets a new id", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, channel, channelId, asset } = fx;
      const { record, closesAt } = await closeChannel(fx, p1, NO_PROOF);
      await atTime(closesAt + 1n);
      await pc.settle(channel, record);
      await expect(pc.connect(p1).open(channel, 1n, { value: valueFor(asset, 1n) }))
        .to.be.revertedWithCustomError(pc, "PaymentChannelExists")
        .withArgs(channelId);
      const again = { ...channel, salt: channel.salt + 1n };
      await pc.connect(p1).open(again, 1n, { value: valueFor(asset, 1n) });
      expect(await pc.computeChannelId(again)).to.not.equal(channelId);
      expect((await pc.channelInfo(channelId)).status).to.equal(PcStatus.Settled);
    });
  });
}

describe("§5 settlement arithmetic (settlementOf against the spec's formulas)", function () {
  const dir = (transferred: bigint, locked = 0n, rewardee = ethers.ZeroAddress, reward = 0n): Direction => ({
    ...directionOf(proofOf(1n, transferred, locked, ROOT12)),
    rewardee,
    reward,
  });
  const W = "0x00000000000000000000000000000000000000aa";
  const base: ChannelRecord = {
    deposit1: 1_000n,
    deposit2: 500n,
    withdrawn1: 0n,
    withdrawn2: 0n,
    d12: EMPTY_DIRECTION,
    d21: EMPTY_DIRECTION,
  };
  const cases: Array<[string, ChannelRecord, Settlement]> = [
    ["no proofs", base, { amount1: 1_000n, amount2: 500n, reward12: 0n, reward21: 0n, held12: 0n, held21: 0n }],
    [
      "both directions, locks within shares",
      { ...base, d12: dir(300n, 50n), d21: dir(100n, 20n) },
      { amount1: 750n, amount2: 680n, reward12: 0n, reward21: 0n, held12: 50n, held21: 20n },
    ],
    [
      "withdrawals counted on both sides",
      { ...base, withdrawn1: 200n, withdrawn2: 100n, d12: dir(300n) },
      { amount1: 500n, amount2: 700n, reward12: 0n, reward21: 0n, held12: 0n, held21: 0n },
    ],
    [
      "participant1 promised more than it had: clamped to 0",
      { ...base, d12: dir(5_000n, 10n) },
      { amount1: 0n, amount2: 1_500n, reward12: 0n, reward21: 0n, held12: 0n, held21: 0n },
    ],
    [
      "participant2 promised more than it had: participant1's share clamped to the total",
      { ...base, d21: dir(5_000n), d12: dir(0n, 0n) },
      { amount1: 1_500n, amount2: 0n, reward12: 0n, reward21: 0n, held12: 0n, held21: 0n },
    ],
    [
      "a share exactly 0 and exactly the total",
      { ...base, d12: dir(1_000n) },
      { amount1: 0n, amount2: 1_500n, reward12: 0n, reward21: 0n, held12: 0n, held21: 0n },
    ],
    [
      "locked above the share holds the share",
      { ...base, d12: dir(900n, 500n), d21: dir(0n, 10_000n) },
      { amount1: 0n, amount2: 0n, reward12: 0n, reward21: 0n, held12: 100n, held21: 1_400n },
    ],
    [
      "rewards out of the receiver's share, each within it",
      { ...base, d12: dir(100n, 0n, W, 30n), d21: dir(50n, 0n, W, 40n) },
      { amount1: 910n, amount2: 520n, reward12: 30n, reward21: 40n, held12: 0n, held21: 0n },
    ],
    [
      "rewards capped at what the receiver has after its held locks",
      { ...base, d12: dir(100n, 10n, W, 10_000n), d21: dir(50n, 20n, W, 10_000n) },
      { amount1: 0n, amount2: 0n, reward12: 530n, reward21: 940n, held12: 10n, held21: 20n },
    ],
    [
      "a reward without a rewardee is not paid",
      { ...base, d12: dir(100n, 0n, ethers.ZeroAddress, 30n) },
      { amount1: 900n, amount2: 600n, reward12: 0n, reward21: 0n, held12: 0n, held21: 0n },
    ],
    [
      "the largest amounts do not overflow",
      {
        deposit1: MAX_AMOUNT,
        deposit2: MAX_AMOUNT,
        withdrawn1: 0n,
        withdrawn2: 0n,
        d12: dir(MAX_PROOF_AMOUNT, MAX_PROOF_AMOUNT, W, ethers.MaxUint256),
        d21: dir(MAX_PROOF_AMOUNT, MAX_PROOF_AMOUNT, W, ethers.MaxUint256),
      },
      { amount1: 0n, amount2: 0n, reward12: 0n, reward21: 0n, held12: MAX_AMOUNT, held21: MAX_AMOUNT },
    ],
  ];

  for (const [label, record, expected] of cases) {
    it(`§5: ${label}`, async function () {
      const { pc } = await loadFixture(pcFixture);
      expect(settlementModel(record), "the model reads the spec as the test expects").to.deep.equal(expected);
      expect(await pc.settlementOf(record)).to.deep.equal(settlementTuple(expected));
      const total = record.deposit1 + record.deposit2 - record.withdrawn1 - record.withdrawn2;
      const s = expected;
      expect(s.amount1 + s.amount2 + s.held12 + s.held21 + s.reward12 + s.reward21, "solvency").to.equal(total);
    });
  }

  it("§2: hashRecord is keccak256(abi.encode(record)) with the low 56 bits cleared", async function () {
    const { pc } = await loadFixture(pcFixture);
    const r = { ...base, d12: dir(1n, 2n, W, 3n) };
    const full = ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        [
          "tuple(uint256,uint256,uint256,uint256,tuple(uint64,uint256,uint256,bytes32,address,uint256),tuple(uint64,uint256,uint256,bytes32,address,uint256))",
        ],
        [recordTuple(r)],
      ),
    );
    const got = await pc.hashRecord(r);
    expect(got.slice(0, 52)).to.equal(full.slice(0, 52));
    expect(got.slice(52)).to.equal("00000000000000");
  });
});
