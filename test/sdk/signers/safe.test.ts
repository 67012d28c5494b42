// A 2-of-3 Safe 1.4.1 (real contracts from @safe-global/safe-contracts' artifacts) signing PeerPay's off-chain
// actions through the SDK (docs/signers.md SG-S*): escrow release, micropayment voucher, swap order, two-way channel
// cooperative close; owners' signatures and the on-chain approved message; and what must be refused.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, concat, parseEther, type Signer } from "ethers";
import {
  Escrow__factory,
  MicropaymentChannels__factory,
  MockERC20__factory,
  PaymentChannels__factory,
  Swap__factory,
} from "../../../typechain-types";
import {
  EscrowClient,
  MemoryVoucherStore,
  Outcome,
  PayeeClient,
  PayerClient,
  PaymentChannelsClient,
  PeerPayError,
  SafeSignatureError,
  SwapClient,
  buildApproveAsSafe,
  buildPaymentChannelTypedData,
  buildReleaseTypedData,
  buildSettleTypedData,
  buildSafeMessageTypedData,
  buildSwapOrderTypedData,
  buildVoucherTypedData,
  combineSafeSignatures,
  hashTypedData,
  safeMessageHash,
  signAsSafe,
  signTypedData,
  toChannelId,
  verifyPaymentChannelSignature,
  verifySwapOrder,
  verifyTypedData,
  type TypedData,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { pageSigner } from "../../helpers/eip1193";
import { createSafe, execAsSafe, execSafeTransaction, safeContracts } from "../../helpers/safe";

const DAY = 86_400;

async function safeFixture() {
  const signers = await ethers.getSigners();
  const [deployer, beneficiary, payee, taker, alice] = signers;
  const [o1, o2, o3, stranger, relayer] = signers.slice(14, 19);
  const contracts = await safeContracts();
  const owners = [o1, o2, o3].map((o) => o.address);
  const { safe, contract } = await createSafe(contracts, { owners, threshold: 2 });
  const { safe: otherSafe } = await createSafe(contracts, { owners, threshold: 2 });
  await deployer.sendTransaction({ to: safe, value: parseEther("10") });
  const { chainId } = await ethers.provider.getNetwork();
  const escrow = await (await new Escrow__factory(deployer).deploy(deployer.address)).getAddress();
  const channels = await (await new MicropaymentChannels__factory(deployer).deploy()).getAddress();
  const paymentChannels = await (await new PaymentChannels__factory(deployer).deploy()).getAddress();
  const swap = await (await new Swap__factory(deployer).deploy(deployer.address)).getAddress();
  const dusd = await new MockERC20__factory(deployer).deploy("Demo USD", "dUSD", 6);
  await dusd.mint(safe, 10n ** 12n);
  return {
    ...{ deployer, beneficiary, payee, taker, alice, o1, o2, o3, stranger, relayer, contracts, safe, contract },
    ...{ otherSafe, chainId, escrow, channels, paymentChannels, swap, dusd },
  };
}
type F = Awaited<ReturnType<typeof safeFixture>>;

/** A 1 ETH deal from the Safe to the beneficiary, created by a Safe transaction the owners signed. */
async function safeDeal(f: F) {
  const client = new EscrowClient({ address: f.escrow, runner: ethers.provider });
  const deadline = (await time.latest()) + 7 * DAY;
  const { dealId, deal, ...request } = await client.buildCreateDeal({
    depositor: f.safe,
    beneficiary: f.beneficiary.address,
    amount: parseEther("1"),
    deadline,
    defaultOutcome: Outcome.Refund,
  });
  await execAsSafe(f.contract, request, { owners: [f.o1, f.o2], relayer: f.relayer });
  const expiry = (await time.latest()) + DAY;
  const release = (amount: bigint) =>
    buildReleaseTypedData({ chainId: f.chainId, escrow: f.escrow, dealId, amount, nonce: 0, expiry });
  return {
    dealId,
    deal,
    expiry,
    release,
    beneficiaryClient: new EscrowClient({ address: f.escrow, runner: f.beneficiary }),
  };
}

/** The wrapped SafeMessage signed by `signer` directly (no SDK checks): to build malformed Safe signatures. */
async function ownerPart(f: F, signer: Signer, typedData: TypedData, safe = f.safe): Promise<string> {
  const wrapped = buildSafeMessageTypedData({ safe, chainId: f.chainId, hash: hashTypedData(typedData) });
  return (await signTypedData({ signer, typedData: wrapped })).signature;
}

describe("Signing as a Safe 1.4.1 (docs/signers.md)", function () {
  it("SG-S1: safeMessageHash equals the CompatibilityFallbackHandler's getMessageHashForSafe(safe, abi.encode(hash))", async function () {
    const f = await loadFixture(safeFixture);
    const handler = new ethers.Contract(
      f.safe,
      ["function getMessageHash(bytes message) view returns (bytes32)"],
      ethers.provider,
    );
    const hash = ethers.keccak256("0x1234");
    const onChain = (await handler.getFunction("getMessageHash")(ethers.zeroPadValue(hash, 32))) as string;
    expect(safeMessageHash({ safe: f.safe, chainId: f.chainId, hash })).to.equal(onChain);
    expect(safeMessageHash({ safe: f.otherSafe, chainId: f.chainId, hash })).to.not.equal(onChain);
  });

  describe("escrow: the Safe as depositor signs a release", function () {
    it("SG-S2: two owners (one an EIP-1193 wallet) sign, releaseWithSig pays the beneficiary, verifyTypedData agrees", async function () {
      const f = await loadFixture(safeFixture);
      const d = await safeDeal(f);
      const { wallet, signer: o1Page } = await pageSigner(f.o1.address);
      const typedData = d.release(parseEther("0.4"));
      const { signature, owners } = await signAsSafe({ safe: f.safe, typedData, owners: [f.o3, o1Page] });
      expect(wallet.seen.filter((m) => m === "eth_signTypedData_v4")).to.have.length(1);
      expect(owners).to.deep.equal([f.o1.address, f.o3.address].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      expect(ethers.dataLength(signature)).to.equal(130);
      expect(await verifyTypedData({ typedData, signature, address: f.safe, provider: ethers.provider })).to.equal(
        true,
      );
      const before = await ethers.provider.getBalance(f.beneficiary.address);
      const { receipt } = await d.beneficiaryClient.releaseWithSig({
        deal: d.deal,
        amount: parseEther("0.4"),
        expiry: d.expiry,
        signature,
      });
      const gas = receipt.gasUsed * receipt.gasPrice;
      expect((await ethers.provider.getBalance(f.beneficiary.address)) - before + gas).to.equal(parseEther("0.4"));
    });

    it("SG-S2: a settlement signed by the Safe is submitted by the beneficiary and splits the deal", async function () {
      const f = await loadFixture(safeFixture);
      const d = await safeDeal(f);
      const typedData = buildSettleTypedData({
        chainId: f.chainId,
        escrow: f.escrow,
        dealId: d.dealId,
        toBeneficiary: parseEther("0.7"),
        nonce: 0,
        expiry: d.expiry,
      });
      const { signature } = await signAsSafe({ safe: f.safe, typedData, owners: [f.o2, f.o1] });
      const safeBefore = await ethers.provider.getBalance(f.safe);
      await d.beneficiaryClient.settle({
        deal: d.deal,
        toBeneficiary: parseEther("0.7"),
        expiry: d.expiry,
        depositorSignature: signature,
      });
      expect((await ethers.provider.getBalance(f.safe)) - safeBefore).to.equal(parseEther("0.3"));
    });

    it("SG-S4: the approved-message form: after SignMessageLib runs through a Safe transaction, the empty signature releases", async function () {
      const f = await loadFixture(safeFixture);
      const d = await safeDeal(f);
      const typedData = d.release(parseEther("0.25"));
      expect(
        await verifyTypedData({ typedData, signature: "0x", address: f.safe, provider: ethers.provider }),
      ).to.equal(false);
      const transaction = await buildApproveAsSafe({
        safe: f.safe,
        signMessageLib: f.contracts.signMessageLib,
        typedData,
        provider: ethers.provider,
      });
      expect(transaction).to.include({ to: f.contracts.signMessageLib, operation: 1, nonce: 1n });
      await execSafeTransaction(f.safe, transaction, { owners: [f.o1, f.o2], relayer: f.relayer });
      const signed = (await f.contract.getFunction("signedMessages")(
        safeMessageHash({ safe: f.safe, chainId: f.chainId, hash: hashTypedData(typedData) }),
      )) as bigint;
      expect(signed).to.equal(1n);
      expect(
        await verifyTypedData({ typedData, signature: "0x", address: f.safe, provider: ethers.provider }),
      ).to.equal(true);
      await d.beneficiaryClient.releaseWithSig({
        deal: d.deal,
        amount: parseEther("0.25"),
        expiry: d.expiry,
        signature: "0x",
      });
      // Another amount was never approved: the empty signature does not stretch to it.
      await expectSdkError(
        d.beneficiaryClient.releaseWithSig({ deal: d.deal, amount: 1n, expiry: d.expiry, signature: "0x" }),
        PeerPayError,
        "ESCROW_INVALID_SIGNATURE",
      );
    });

    it("SG-S5: below threshold, a non-owner, unsorted, duplicated, another Safe's or another chain's signature: EscrowInvalidSignature and verifyTypedData false", async function () {
      const f = await loadFixture(safeFixture);
      const d = await safeDeal(f);
      const typedData = d.release(parseEther("0.1"));
      const [p1, p2, pStranger, pOther] = await Promise.all([
        ownerPart(f, f.o1, typedData),
        ownerPart(f, f.o2, typedData),
        ownerPart(f, f.stranger, typedData),
        ownerPart(f, f.o1, typedData, f.otherSafe),
      ]);
      const sorted = BigInt(f.o1.address) < BigInt(f.o2.address) ? [p1, p2] : [p2, p1];
      const otherChain = await signAsSafe({ safe: f.safe, chainId: 1n, typedData, owners: [f.o1, f.o2] });
      const otherSafe = await signAsSafe({ safe: f.otherSafe, typedData, owners: [f.o1, f.o2] });
      const bad: Record<string, string> = {
        "below threshold": p1,
        "a non-owner": combineSafeSignatures({
          safe: f.safe,
          signatures: [
            { owner: f.o1.address, signature: p1 },
            { owner: f.stranger.address, signature: pStranger },
          ],
        }),
        unsorted: concat([sorted[1], sorted[0]]),
        duplicated: concat([p1, p1]),
        "another Safe's": otherSafe.signature,
        "one owner's for another Safe": concat([pOther, pOther]),
        "another chain's": otherChain.signature,
      };
      for (const [what, signature] of Object.entries(bad)) {
        expect(
          await verifyTypedData({ typedData, signature, address: f.safe, provider: ethers.provider }),
          what,
        ).to.equal(false);
        const error = await expectSdkError(
          d.beneficiaryClient.releaseWithSig({ deal: d.deal, amount: parseEther("0.1"), expiry: d.expiry, signature }),
          PeerPayError,
          "ESCROW_INVALID_SIGNATURE",
        );
        expect(error.details.signer, what).to.equal(f.safe);
      }
      // The sorted pair is the control: the same parts, in order, pass.
      await d.beneficiaryClient.releaseWithSig({
        deal: d.deal,
        amount: parseEther("0.1"),
        expiry: d.expiry,
        signature: concat(sorted),
      });
    });
  });

  describe("SG-S3: the SDK refuses before any owner is asked to sign", function () {
    it("below threshold → SAFE_THRESHOLD_NOT_MET, a non-owner → SAFE_NOT_OWNER, one owner twice → SAFE_DUPLICATE_OWNER, no prompt", async function () {
      const f = await loadFixture(safeFixture);
      const { wallet, signer } = await pageSigner(f.o1.address);
      const typedData = buildVoucherTypedData({
        chainId: f.chainId,
        contract: f.channels,
        channelId: toChannelId(ethers.ZeroHash),
        amount: 1n,
      });
      const cases = [
        { owners: [signer], code: "SAFE_THRESHOLD_NOT_MET" },
        { owners: [signer, f.stranger], code: "SAFE_NOT_OWNER" },
        { owners: [signer, f.o1], code: "SAFE_DUPLICATE_OWNER" },
      ] as const;
      for (const { owners, code } of cases) {
        const error = await expectSdkError(signAsSafe({ safe: f.safe, typedData, owners }), SafeSignatureError, code);
        expect(error.details.safe).to.equal(f.safe);
      }
      expect(
        combineSafeSignatures.bind(null, {
          safe: f.safe,
          signatures: [
            { owner: f.o1.address, signature: "0x" + "11".repeat(65) },
            { owner: f.o1.address.toLowerCase(), signature: "0x" + "22".repeat(65) },
          ],
        }),
      ).to.throw(SafeSignatureError, /twice/);
      await expectSdkError(
        signAsSafe({ safe: f.escrow, typedData, owners: [f.o1, f.o2] }),
        SafeSignatureError,
        "SAFE_UNSUPPORTED",
      );
      expect(wallet.seen).to.not.include("eth_signTypedData_v4");
    });
  });

  describe("micropayments: the Safe as payer", function () {
    async function safeChannel(f: F) {
      const reader = new PayerClient({ address: f.channels, runner: ethers.provider });
      const { channel, channelId, ...request } = await reader.buildOpen({
        payer: f.safe,
        payee: f.payee.address,
        amount: parseEther("1"),
        challengePeriod: 3_600,
        salt: 7,
      });
      await execAsSafe(f.contract, request, { owners: [f.o2, f.o3], relayer: f.relayer });
      const payee = new PayeeClient({ address: f.channels, runner: f.payee, store: new MemoryVoucherStore() });
      const voucher = (amount: bigint) =>
        buildVoucherTypedData({ chainId: f.chainId, contract: f.channels, channelId, amount });
      return { channel, channelId, payee, voucher };
    }

    it("SG-S2: a voucher signed by two owners is accepted by the payee and claimed on-chain", async function () {
      const f = await loadFixture(safeFixture);
      const c = await safeChannel(f);
      const { signature } = await signAsSafe({ safe: f.safe, typedData: c.voucher(3_000n), owners: [f.o1, f.o2] });
      const { increment } = await c.payee.acceptVoucher({ channel: c.channel, amount: 3_000n, signature });
      expect(increment).to.equal(3_000n);
      const before = await ethers.provider.getBalance(f.payee.address);
      const { receipt } = await c.payee.claim({ channel: c.channel });
      const after = await ethers.provider.getBalance(f.payee.address);
      expect(after - before + receipt.gasUsed * receipt.gasPrice).to.equal(3_000n);
    });

    it("SG-S4: an approved voucher (empty signature) is accepted and claimed", async function () {
      const f = await loadFixture(safeFixture);
      const c = await safeChannel(f);
      const transaction = await buildApproveAsSafe({
        safe: f.safe,
        signMessageLib: f.contracts.signMessageLib,
        typedData: c.voucher(500n),
        provider: ethers.provider,
      });
      await execSafeTransaction(f.safe, transaction, { owners: [f.o1, f.o3], relayer: f.relayer });
      await c.payee.acceptVoucher({ channel: c.channel, amount: 500n, signature: "0x" });
      await c.payee.claim({ channel: c.channel });
      const state = await MicropaymentChannels__factory.connect(f.channels, ethers.provider).getChannelState(
        c.channelId,
      );
      expect(state.claimed).to.equal(500n);
    });

    it("SG-S5: a one-owner voucher is refused by the payee (VOUCHER_INVALID_SIGNATURE) and on-chain (ChannelInvalidSignature)", async function () {
      const f = await loadFixture(safeFixture);
      const c = await safeChannel(f);
      const typedData = c.voucher(100n);
      const signature = await ownerPart(f, f.o1, typedData);
      await expectSdkError(
        c.payee.acceptVoucher({ channel: c.channel, amount: 100n, signature }),
        PeerPayError,
        "VOUCHER_INVALID_SIGNATURE",
      );
      const channels = MicropaymentChannels__factory.connect(f.channels, f.payee);
      await expect(channels.claim(c.channel, 100n, signature)).to.be.revertedWithCustomError(
        channels,
        "ChannelInvalidSignature",
      );
    });
  });

  describe("swaps: the Safe as maker", function () {
    it("SG-S2: an order signed by two owners fills; one owner's does not (SwapInvalidSignature), verifySwapOrder agrees", async function () {
      const f = await loadFixture(safeFixture);
      const dusd = await f.dusd.getAddress();
      const approve = f.dusd.interface.encodeFunctionData("approve", [f.swap, 10n ** 12n]);
      await execAsSafe(
        f.contract,
        { to: dusd, data: approve, value: 0n },
        { owners: [f.o1, f.o3], relayer: f.relayer },
      );
      const taker = new SwapClient({ address: f.swap, runner: f.taker });
      const order = await taker.makeOrder({
        maker: f.safe,
        makerToken: dusd,
        makerAmount: 1_000_000n,
        takerToken: ZeroAddress,
        takerAmount: parseEther("0.01"),
        expiresIn: 3_600,
      });
      const typedData = buildSwapOrderTypedData({ chainId: f.chainId, contract: f.swap, order });
      const deployment = { chainId: f.chainId, contract: f.swap };
      const oneOwner = { ...deployment, order, signature: await ownerPart(f, f.o1, typedData) };
      expect((await verifySwapOrder({ signed: oneOwner, provider: ethers.provider })).valid).to.equal(false);
      await expectSdkError(taker.fill({ order: oneOwner }), PeerPayError, "SWAP_INVALID_SIGNATURE");
      const { signature } = await signAsSafe({ safe: f.safe, typedData, owners: [f.o1, f.o2] });
      const signed = { ...deployment, order, signature };
      expect(await verifySwapOrder({ signed, provider: ethers.provider })).to.deep.include({
        valid: true,
        by: "erc1271",
      });
      await taker.fill({ order: signed });
      expect(await f.dusd.balanceOf(f.taker.address)).to.equal(1_000_000n);
    });
  });

  describe("two-way payment channels: the Safe as participant2", function () {
    it("SG-S2: the Safe co-signs a cooperative close that participant1 submits; one owner's signature is refused", async function () {
      const f = await loadFixture(safeFixture);
      const alice = new PaymentChannelsClient({ address: f.paymentChannels, runner: f.alice });
      const { channel, channelId } = await alice.open({ participant2: f.safe, amount: 1_000n, challengePeriod: 3_600 });
      const expiry = BigInt((await time.latest()) + 3_600);
      const message = { channelId, balance1: 600n, balance2: 400n, expiry };
      const typedData = buildPaymentChannelTypedData({
        chainId: f.chainId,
        contract: f.paymentChannels,
        primaryType: "CooperativeClose",
        message,
      });
      const close = { channel, balance1: 600n, balance2: 400n, expiry };
      const oneOwner = await ownerPart(f, f.o2, typedData);
      await expectSdkError(
        alice.cooperativeClose({ ...close, signature2: oneOwner }),
        PeerPayError,
        "PAYMENT_CHANNEL_INVALID_SIGNATURE",
      );
      const { signature } = await signAsSafe({ safe: f.safe, typedData, owners: [f.o2, f.o3] });
      const check = await verifyPaymentChannelSignature({
        typedData,
        signature,
        participant: f.safe,
        provider: ethers.provider,
      });
      expect(check).to.deep.include({ valid: true, by: "erc1271" });
      const before = await ethers.provider.getBalance(f.safe);
      await alice.cooperativeClose({ ...close, signature2: signature });
      expect((await ethers.provider.getBalance(f.safe)) - before).to.equal(400n);
    });
  });
});
