// Every action a user signs, signed through a bare EIP-1193 object as a page has it (`new BrowserProvider(wallet)`,
// `getSigner()`), accepted on-chain or by the SDK's verifier, each signature seen as one `eth_signTypedData_v4`
// request (docs/signers.md SG-W1, SG-W2, SG-W4). The two-way channels and declined prompts are in the files beside.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import {
  EscrowClient,
  HashedTimelocksClient,
  MemoryVoucherStore,
  PayeeClient,
  PayerClient,
  SwapClient,
  buildWatchtowerRegistrationTypedData,
  computePaymentChannelId,
  createSecret,
  signTypedData,
  verifyPaymentChannelSignature,
  verifySwapOrder,
  type PaymentChannel,
} from "../../../sdk";
import { recoverPeerHelloSigner, signPeerHello } from "../../../sdk/transport/handshake";
import { countSince, pageSigner } from "../../helpers/eip1193";
import { channelsFixture } from "../../helpers/channels-sdk";
import { htlcFixture } from "../../helpers/hashed-timelocks";
import { dealTerms, sdkFixture } from "../../helpers/sdk";
import { swapSdkFixture } from "../swap/fixture";

const SIGN = "eth_signTypedData_v4";
/** Other ways a wallet can sign: none may appear (the SDK must not fall back to them). */
const OTHER_SIGNING = ["eth_sign", "personal_sign", "eth_signTypedData", "eth_signTypedData_v3", "eth_signTransaction"];

function expectOnlyTypedDataSigning(seen: readonly string[]): void {
  expect(seen.filter((method) => OTHER_SIGNING.includes(method))).to.deep.equal([]);
}

describe("EIP-1193 wallet signing (docs/signers.md)", function () {
  describe("escrow", function () {
    it("SG-W1: a permit-funded deal, then release, refund and settle signed through eth_signTypedData_v4 are accepted on-chain", async function () {
      const f = await loadFixture(sdkFixture);
      const depositor = await pageSigner(f.depositor.address);
      const beneficiary = await pageSigner(f.beneficiary.address);
      const depositorClient = new EscrowClient({ address: f.address, runner: depositor.signer });
      const beneficiaryClient = new EscrowClient({ address: f.address, runner: beneficiary.signer });

      // The EIP-2612 permit of an ERC20 deal: one typed-data request, then the transaction.
      const { deal, dealId } = await depositorClient.createDeal({
        ...(await dealTerms(f)),
        token: f.tokenAddress,
        funding: "permit",
      });
      expect(countSince(depositor.wallet, SIGN)).to.equal(1);
      expect(countSince(depositor.wallet, "eth_sendTransaction")).to.equal(1);

      const expiry = (await time.latest()) + 3_600;
      let mark = depositor.wallet.seen.length;
      const release = await depositorClient.signRelease({ deal, amount: 100_000n, expiry });
      expect(countSince(depositor.wallet, SIGN, mark)).to.equal(1);
      await beneficiaryClient.releaseWithSig({ deal, amount: 100_000n, expiry, signature: release.signature });

      mark = beneficiary.wallet.seen.length;
      const refund = await beneficiaryClient.signRefund({ deal, amount: 50_000n, expiry });
      expect(countSince(beneficiary.wallet, SIGN, mark)).to.equal(1);
      await depositorClient.refundWithSig({ deal, amount: 50_000n, expiry, signature: refund.signature });

      const settle = await beneficiaryClient.signSettle({ deal, toBeneficiary: 600_000n, expiry });
      await depositorClient.settle({ deal, toBeneficiary: 600_000n, expiry, beneficiarySignature: settle.signature });
      expect(await f.token.balanceOf(f.beneficiary.address)).to.equal(700_000n);
      expect((await f.readClient.getDeal({ dealId })).remaining).to.equal(0n);
      expectOnlyTypedDataSigning([...depositor.wallet.seen, ...beneficiary.wallet.seen]);
    });
  });

  describe("micropayment channels", function () {
    it("SG-W1: a permit-funded open and a wallet-signed voucher: the payee accepts it and claims on-chain", async function () {
      const f = await loadFixture(channelsFixture);
      const payer = await pageSigner(f.payer.address);
      const payerClient = new PayerClient({ address: f.contract, runner: payer.signer });
      const { channel } = await payerClient.open({
        payee: f.payee.address,
        token: f.tokenAddress,
        amount: 10_000n,
        challengePeriod: 3_600,
        funding: "permit",
      });
      expect(countSince(payer.wallet, SIGN)).to.equal(1);
      const mark = payer.wallet.seen.length;
      const voucher = await payerClient.pay({ channel, amount: 2_500n });
      expect(countSince(payer.wallet, SIGN, mark)).to.equal(1);
      const payee = new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore() });
      expect((await payee.acceptVoucher(voucher)).increment).to.equal(2_500n);
      await payee.claim({ channel });
      expect(await f.token.balanceOf(f.payee.address)).to.equal(2_500n);
      expectOnlyTypedDataSigning(payer.wallet.seen);
    });

    it("SG-W4: the wallet opens with a session key; vouchers signed by the key cause zero wallet requests and are claimed", async function () {
      const f = await loadFixture(channelsFixture);
      const payer = await pageSigner(f.payer.address);
      const payerClient = new PayerClient({ address: f.contract, runner: payer.signer });
      const session = PayerClient.createSessionKey();
      const { channel } = await payerClient.open({
        payee: f.payee.address,
        amount: 1_000_000n,
        challengePeriod: 3_600,
        signer: session.address,
      });
      expect(countSince(payer.wallet, "eth_sendTransaction")).to.equal(1);
      await payerClient.useSessionKey({ channel, privateKey: session.privateKey });
      const mark = payer.wallet.seen.length;
      const payee = new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore() });
      for (let i = 0; i < 5; i++) await payee.acceptVoucher(await payerClient.pay({ channel, amount: 1_000n }));
      // No prompt, no request at all: the key signs in the page.
      expect(payer.wallet.seen.slice(mark)).to.deep.equal([]);
      expect((await payee.bestVoucher({ channel }))!.amount).to.equal(5_000n);
      await payee.claim({ channel });
      const state = await f.channels.getChannelState(await payerClient.channelIdOf({ channel }));
      expect(state.claimed).to.equal(5_000n);
    });
  });

  describe("swaps", function () {
    it("SG-W1: an order signed through eth_signTypedData_v4 verifies and fills", async function () {
      const f = await loadFixture(swapSdkFixture);
      const maker = await pageSigner(f.maker.address);
      const makerClient = new SwapClient({ address: f.address, runner: maker.signer });
      const order = await makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: 1_000_000n,
        takerToken: ZeroAddress,
        takerAmount: parseEther("0.01"),
      });
      const mark = maker.wallet.seen.length;
      const signed = await makerClient.signOrder({ order });
      expect(countSince(maker.wallet, SIGN, mark)).to.equal(1);
      expect(await verifySwapOrder({ signed })).to.deep.include({ valid: true, by: "maker" });
      const before = await f.dusd.balanceOf(f.taker.address);
      await f.takerClient.fill({ order: signed });
      expect((await f.dusd.balanceOf(f.taker.address)) - before).to.equal(1_000_000n);
      expectOnlyTypedDataSigning(maker.wallet.seen);
    });
  });

  describe("atomic swaps (hashed timelocks)", function () {
    it("SG-W1: lockWithPermit with a permit signed through eth_signTypedData_v4 locks the tokens", async function () {
      const f = await loadFixture(htlcFixture);
      const sender = await pageSigner(f.sender.address);
      const client = new HashedTimelocksClient({ address: f.htlcAddress, runner: sender.signer });
      // The fixture approved the contract: take the allowance away so that only the permit can fund the lock.
      await f.token.connect(f.sender).approve(f.htlcAddress, 0n);
      const { hashlock } = createSecret();
      const { lock } = await client.lock({
        receiver: f.receiver.address,
        token: f.tokenAddress,
        amount: 1_000n,
        hashlock,
        timelock: (await time.latest()) + 3_600,
        funding: "permit",
      });
      expect(countSince(sender.wallet, SIGN)).to.equal(1);
      expect(lock.amount).to.equal(1_000n);
      expect(await f.token.balanceOf(f.htlcAddress)).to.equal(1_000n);
      expectOnlyTypedDataSigning(sender.wallet.seen);
    });
  });

  describe("off-chain messages of the two-way channels' services", function () {
    it("SG-W1: a watchtower registration and a peer handshake signed through the wallet recover to the participant", async function () {
      const [alice, bob] = await ethers.getSigners();
      const page = await pageSigner(alice.address);
      const { chainId } = await ethers.provider.getNetwork();
      const contract = "0x" + "c0".repeat(20);
      const channel: PaymentChannel = {
        participant1: alice.address,
        participant2: bob.address,
        token: ZeroAddress,
        key1: ZeroAddress,
        challengePeriod: 3_600,
        salt: 1,
      } as PaymentChannel;
      const channelId = computePaymentChannelId({ chainId, contract, channel });
      const typedData = buildWatchtowerRegistrationTypedData({
        chainId,
        contract,
        message: { channelId, participant: alice.address, watchtower: bob.address, nonce: 1n, expiry: 2n ** 40n },
      });
      const { signature } = await signTypedData({ signer: page.signer, typedData });
      // As the watchtower checks a registration (sdk/watchtower/tower.ts): the participant's own key.
      const check = await verifyPaymentChannelSignature({ typedData, signature, participant: alice.address });
      expect(check).to.deep.include({ valid: true, by: "participant" });
      const hello = {
        deployment: { chainId, contract },
        challenge: "0x" + "ab".repeat(32),
        peer: bob.address,
        channelIds: [channelId],
      };
      const helloSignature = await signPeerHello({ ...hello, signer: page.signer });
      expect(recoverPeerHelloSigner({ ...hello, signature: helloSignature })).to.equal(alice.address);
      expect(countSince(page.wallet, SIGN)).to.equal(2);
      expectOnlyTypedDataSigning(page.wallet.seen);
    });
  });
});
