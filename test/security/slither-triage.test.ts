// The tests that docs/security.md §7 cites for its high and medium Slither triage: each shows, on the deployed
// contract, that what the detector warns about cannot happen. scripts/check-slither.cjs requires every such row to
// name a test of this file by its exact title.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  AMOUNT,
  ETH,
  Outcome,
  createDeal,
  escrowFixture,
  now,
  plainParams,
  type EscrowFixture,
} from "../helpers/escrow";
import { DEPOSIT, channelParams, channelsFixture, openChannel, signVoucher } from "../helpers/micropayments";

/** A transaction with value to a non-payable function, sent raw (ethers refuses to build it from the ABI). */
async function sendWithValue(from: { sendTransaction: (tx: object) => Promise<unknown> }, to: string, data: string) {
  return from.sendTransaction({ to, data, value: 1n });
}

describe("Slither triage (docs/security.md §7)", function () {
  describe("msg-value-in-nonpayable", function () {
    it("Escrow._create: ETH deals are funded by createDeal's value, and createDealWithPermit refuses any value", async function () {
      const fx = await loadFixture(escrowFixture);
      const deadline = (await now()) + 86_400n;
      const { dealId } = await createDeal(fx.escrow, fx.depositor, plainParams(fx, ETH, deadline));
      expect((await fx.escrow.getDealState(dealId)).status).to.equal(1n); // Active
      expect(await ethers.provider.getBalance(fx.escrowAddress)).to.equal(AMOUNT);
      const data = fx.escrow.interface.encodeFunctionData("createDealWithPermit", [
        plainParams(fx, fx.tokenAddress, deadline, { salt: 9n }),
        [],
        deadline,
        27,
        ethers.ZeroHash,
        ethers.ZeroHash,
      ]);
      await expect(sendWithValue(fx.depositor, fx.escrowAddress, data)).to.be.reverted;
    });

    it("MicropaymentChannels._requireValue: open and topUp take ETH by value, and openWithPermit refuses any value", async function () {
      const fx = await loadFixture(channelsFixture);
      const { channel, channelId } = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH));
      await fx.mp.connect(fx.payer).topUp(channel, 5n, { value: 5n });
      expect((await fx.mp.getChannelState(channelId)).deposit).to.equal(DEPOSIT + 5n);
      expect(await ethers.provider.getBalance(fx.mpAddress)).to.equal(DEPOSIT + 5n);
      const data = fx.mp.interface.encodeFunctionData("openWithPermit", [
        channelParams(fx, fx.tokenAddress, { salt: 9n }),
        0n,
        27,
        ethers.ZeroHash,
        ethers.ZeroHash,
      ]);
      await expect(sendWithValue(fx.payer, fx.mpAddress, data)).to.be.reverted;
    });
  });

  describe("uninitialized-local (Solidity zero-initialises every local)", function () {
    async function milestoneDeal(fx: EscrowFixture, milestones: bigint[]) {
      const deadline = (await now()) + 86_400n;
      return createDeal(fx.escrow, fx.depositor, plainParams(fx, ETH, deadline), milestones);
    }

    it("Escrow._milestonesHash sum: milestones adding up to the amount are accepted, one wei short is refused", async function () {
      const fx = await loadFixture(escrowFixture);
      await milestoneDeal(fx, [AMOUNT - 3n, 3n]);
      const deadline = (await now()) + 86_400n;
      await expect(
        fx.escrow
          .connect(fx.depositor)
          .createDeal(plainParams(fx, ETH, deadline, { salt: 7n }), [AMOUNT - 3n, 2n], { value: AMOUNT }),
      ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidMilestones");
    });

    it("Escrow.releaseMilestone cumulative: the second milestone releases exactly the first two together", async function () {
      const fx = await loadFixture(escrowFixture);
      const { deal, dealId } = await milestoneDeal(fx, [AMOUNT - 10n, 4n, 6n]);
      await expect(
        fx.escrow.connect(fx.depositor).releaseMilestone(deal, [AMOUNT - 10n, 4n, 6n], 1),
      ).to.changeEtherBalance(fx.beneficiary, AMOUNT - 6n);
      expect((await fx.escrow.getDealState(dealId)).released).to.equal(AMOUNT - 6n);
    });

    it("Escrow.triggerTimeout toBeneficiary: a Refund-default timeout pays the beneficiary nothing", async function () {
      const fx = await loadFixture(escrowFixture);
      const deadline = (await now()) + 86_400n;
      const params = plainParams(fx, ETH, deadline, { defaultOutcome: BigInt(Outcome.Refund) });
      const { deal } = await createDeal(fx.escrow, fx.depositor, params);
      await time.increaseTo(deadline + 1n);
      await expect(fx.escrow.connect(fx.stranger).triggerTimeout(deal)).to.changeEtherBalances(
        [fx.beneficiary, fx.depositor],
        [0n, AMOUNT],
      );
    });

    it("MicropaymentChannels.close toPayee: a close without a new voucher pays the payee nothing", async function () {
      const fx = await loadFixture(channelsFixture);
      const { channel } = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH));
      await expect(fx.mp.connect(fx.payee).close(channel, 0n, "0x")).to.changeEtherBalances(
        [fx.payee, fx.payer],
        [0n, DEPOSIT],
      );
    });

    it("MicropaymentChannels.claimMany total: a batch pays the payee exactly the sum of its claims", async function () {
      const fx = await loadFixture(channelsFixture);
      const a = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH, { salt: 1n }));
      const b = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH, { salt: 2n }));
      const claims = await Promise.all(
        [
          { opened: a, amount: 3n },
          { opened: b, amount: 5n },
        ].map(async ({ opened, amount }) => ({
          payer: fx.payer.address,
          signer: opened.channel.signer,
          challengePeriod: opened.channel.challengePeriod,
          salt: opened.channel.salt,
          amount,
          signature: await signVoucher(fx.payer, fx.domain, opened.channelId, amount),
        })),
      );
      await expect(fx.mp.connect(fx.stranger).claimMany(fx.payee.address, ETH, claims)).to.changeEtherBalance(
        fx.payee,
        8n,
      );
    });
  });

  describe("PaymentChannels", function () {
    const PERIOD = 3_600n;
    const PROOF_TYPES = {
      BalanceProof: [
        { name: "channelId", type: "bytes32" },
        { name: "nonce", type: "uint64" },
        { name: "transferred", type: "uint256" },
        { name: "locked", type: "uint256" },
        { name: "locksRoot", type: "bytes32" },
      ],
    };

    async function paymentChannelsFixture() {
      const [a, b, stranger] = await ethers.getSigners();
      const pc = await ethers.deployContract("PaymentChannels");
      const token = await ethers.deployContract("MockERC20", ["Token", "TOK", 18]);
      const pcAddress = await pc.getAddress();
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "PeerPay PaymentChannels", version: "1", chainId, verifyingContract: pcAddress };
      const channel = {
        participant1: a.address,
        participant2: b.address,
        token: ethers.ZeroAddress,
        key1: ethers.ZeroAddress,
        challengePeriod: PERIOD,
        salt: 0n,
      };
      await pc.connect(a).open(channel, 100n, { value: 100n });
      const channelId = await pc.computeChannelId(channel);
      return { a, b, stranger, pc, pcAddress, token, domain, channel, channelId };
    }

    type PcFixture = Awaited<ReturnType<typeof paymentChannelsFixture>>;

    /** Participant1 closes without a proof; returns the record the close emitted. */
    async function closeEmpty(fx: PcFixture) {
      const proof = { nonce: 0n, transferred: 0n, locked: 0n, locksRoot: ethers.ZeroHash };
      const receipt = await (await fx.pc.connect(fx.a).close(fx.channel, proof, "0x")).wait();
      const event = receipt!.logs.map((l) => fx.pc.interface.parseLog(l)).find((e) => e?.name === "ChannelClosed");
      return event!.args.record;
    }

    const recordOf = (r: { toObject(deep: boolean): unknown }) => r.toObject(true) as Record<string, unknown>;

    it("PaymentChannels._requireValue: open and deposit take ETH by value, and openWithPermit refuses any value", async function () {
      const fx = await loadFixture(paymentChannelsFixture);
      await fx.pc.connect(fx.b).deposit(fx.channel, fx.b.address, 5n, { value: 5n });
      expect((await fx.pc.channelInfo(fx.channelId)).deposit2).to.equal(5n);
      expect(await ethers.provider.getBalance(fx.pcAddress)).to.equal(105n);
      const tokenChannel = { ...fx.channel, token: await fx.token.getAddress(), salt: 9n };
      const permit = [100n, 0n, 27, ethers.ZeroHash, ethers.ZeroHash] as const;
      const data = fx.pc.interface.encodeFunctionData("openWithPermit", [tokenChannel, ...permit]);
      await expect(sendWithValue(fx.a, fx.pcAddress, data)).to.be.reverted;
      // And an ETH channel cannot be opened through the permit path at all.
      await expect(fx.pc.connect(fx.a).openWithPermit({ ...fx.channel, salt: 10n }, ...permit))
        .to.be.revertedWithCustomError(fx.pc, "PaymentChannelTokenNotContract")
        .withArgs(ethers.ZeroAddress);
    });

    it("PaymentChannels.close record: a close without a proof records both directions empty", async function () {
      const fx = await loadFixture(paymentChannelsFixture);
      const record = recordOf(await closeEmpty(fx));
      const empty = {
        nonce: 0n,
        transferred: 0n,
        locked: 0n,
        locksRoot: ethers.ZeroHash,
        rewardee: ethers.ZeroAddress,
        reward: 0n,
      };
      expect(record).to.deep.equal({
        deposit1: 100n,
        deposit2: 0n,
        withdrawn1: 0n,
        withdrawn2: 0n,
        d12: empty,
        d21: empty,
      });
      expect((await fx.pc.channelInfo(fx.channelId)).commitment).to.equal(await fx.pc.hashRecord(record as never));
    });

    it("PaymentChannels._update rewardee: a receiver's own update records no watchtower and no reward", async function () {
      const fx = await loadFixture(paymentChannelsFixture);
      const record = recordOf(await closeEmpty(fx));
      const proof = { channelId: fx.channelId, nonce: 1n, transferred: 40n, locked: 0n, locksRoot: ethers.ZeroHash };
      const signature = await fx.a.signTypedData(fx.domain, PROOF_TYPES, proof);
      const { channelId: _, ...proofArg } = proof;
      const receipt = await (
        await fx.pc.connect(fx.b).update(fx.channel, record as never, fx.a.address, proofArg, signature)
      ).wait();
      const event = receipt!.logs.map((l) => fx.pc.interface.parseLog(l)).find((e) => e?.name === "ChannelUpdated");
      const d12 = recordOf(event!.args.record).d12 as Record<string, unknown>;
      expect(d12.nonce).to.equal(1n);
      expect(d12.rewardee).to.equal(ethers.ZeroAddress);
      expect(d12.reward).to.equal(0n);
    });

    it("PaymentChannels.unlock toReceiver: the receiver gets exactly the locks registered in time", async function () {
      const fx = await loadFixture(paymentChannelsFixture);
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const secrets = [ethers.id("paid"), ethers.id("never revealed")];
      const hashOf = (secret: string) => ethers.sha256(coder.encode(["bytes32"], [secret]));
      const expiry = BigInt(await time.latest()) + 2n * PERIOD;
      const locks = [
        { amount: 30n, expiry, secretHash: hashOf(secrets[0]) },
        { amount: 20n, expiry, secretHash: hashOf(secrets[1]) },
      ];
      const locksRoot = await fx.pc.hashLocks(locks);
      const proof = { channelId: fx.channelId, nonce: 1n, transferred: 0n, locked: 50n, locksRoot };
      const signature = await fx.a.signTypedData(fx.domain, PROOF_TYPES, proof);
      const { channelId: _, ...proofArg } = proof;
      const record = recordOf(await closeEmpty(fx));
      await fx.pc.connect(fx.b).update(fx.channel, record as never, fx.a.address, proofArg, signature);
      const updated = { ...record, d12: { ...proofArg, rewardee: ethers.ZeroAddress, reward: 0n } };
      await fx.pc.registerSecret(secrets[0]);
      await time.increase(PERIOD + 1n);
      const receipt = await (await fx.pc.settle(fx.channel, updated as never)).wait();
      const settled = receipt!.logs.map((l) => fx.pc.interface.parseLog(l)).find((e) => e?.name === "ChannelSettled");
      const pending = settled!.args.pending.toObject(true);
      expect(pending.held12).to.equal(50n);
      // The unrevealed lock resolves back to its sender only after its expiry (PC-L1).
      await time.increaseTo(expiry + 1n);
      await expect(fx.pc.connect(fx.stranger).unlock(fx.channel, fx.a.address, locks, pending))
        .to.emit(fx.pc, "LocksUnlocked")
        .withArgs(fx.channelId, fx.a.address, 30n, 20n);
    });
  });
});
