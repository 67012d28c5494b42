// Variable-length signatures on the payee side (docs/micropayments.md §2, §5): 64- and 65-byte ECDSA vouchers are
// accepted and submitted in the 64-byte form; ERC-1271 signatures of any length up to MAX_SIGNATURE_BYTES are
// accepted, stored and submitted byte for byte. Every claim is checked in the calldata actually sent and on-chain.
import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { JsonRpcProvider, Signature, ZeroAddress, concat, getCreateAddress, keccak256, toBeHex } from "ethers";
import { MockERC1271Wallet__factory } from "../../../typechain-types";
import {
  MAX_SIGNATURE_BYTES,
  MemoryVoucherStore,
  PayeeClient,
  VoucherError,
  computeChannelId,
  signVoucher,
  type Channel,
  type ChannelId,
} from "../../../sdk";
import { channelsInterface } from "../../../sdk/internal/abi";
import { HOUR, channelsFixture, openChannel, type ChannelsFixture } from "../../helpers/channels-sdk";
import { expectSdkError } from "../../helpers/sdk";

/**
 * Runtime of a test-only ERC-1271 wallet that approves exactly one (digest, signature) pair, of any length: it returns
 * the magic value 0x1626ba7e iff keccak256(hash ‖ signature) equals the constant H baked into it, else zero. Written
 * as bytecode because contracts/ holds no such wallet (MockERC1271Wallet accepts only its owner's 65-byte ECDSA
 * signatures). Calldata is isValidSignature's standard encoding: hash at 0x04, signature length at 0x44, bytes at 0x64.
 */
function approvingWalletRuntime(approved: string): string {
  const MAGIC = "1626ba7e" + "00".repeat(28);
  return (
    "0x" +
    ["6004", "35", "6000", "52"].join("") + //         mstore(0, calldataload(4))                    the hash
    ["6044", "35", "80", "6064", "6020", "37"].join("") + // calldatacopy(0x20, 0x64, len)          the signature
    ["6020", "01", "6000", "20"].join("") + //         keccak256(0, len + 0x20)
    "7f" +
    approved.slice(2) +
    "14" + //               eq(_, H)
    "7f" +
    MAGIC +
    "02" + //                           mul(_, magic << 224)
    ["6000", "52", "6020", "6000", "f3"].join("") //   mstore(0, _) return(0, 0x20)
  );
}

/** Init code returning `runtime`: codecopy(0, 12, len) return(0, len). */
function deployable(runtime: string): string {
  const length = (runtime.length - 2) / 2;
  return "0x61" + toBeHex(length, 2).slice(2) + "80600c6000396000f3" + runtime.slice(2);
}

/** The signature bytes of each call of `name` in the calldata of a sent transaction. */
async function sentSignatures(hash: string, name: "claim" | "close" | "claimMany"): Promise<string[]> {
  const tx = await ethers.provider.getTransaction(hash);
  const decoded = channelsInterface.decodeFunctionData(name, tx!.data);
  if (name === "claimMany") return (decoded[2] as { signature: string }[]).map((claim) => claim.signature);
  return [decoded[2] as string];
}

function byteLength(hex: string): number {
  return (hex.length - 2) / 2;
}

async function fixture() {
  const f = await channelsFixture();
  // Two EOA channels (one with a session key) and two contract-payer channels, all ETH to the same payee.
  const eoa = await openChannel(f, { signer: f.sessionKey.address, salt: 1 });
  const eoa2 = await openChannel(f, { salt: 2 });
  const context = { chainId: f.chainId, contract: f.contract };

  // A contract payer: MockERC1271Wallet owned by the payer's EOA (accepts the owner's 65-byte signatures).
  const wallet = await new MockERC1271Wallet__factory(f.deployer).deploy(f.payer.address);
  const walletAddress = await wallet.getAddress();
  const wallet1271 = await openAs(f, walletAddress, 3);

  // A contract payer approving one 3,000-byte signature for (its channel, 400).
  const nonce = await f.deployer.getNonce();
  const longPayer = getCreateAddress({ from: f.deployer.address, nonce });
  const longChannel: Channel = {
    payer: longPayer,
    payee: f.payee.address,
    token: ZeroAddress,
    signer: ZeroAddress,
    challengePeriod: HOUR,
    salt: 4,
  };
  const longChannelId = computeChannelId({ ...context, channel: longChannel });
  const longSignature = "0x" + "c3".repeat(1_500) + "5a".repeat(1_500);
  const digest = await f.channels.voucherDigest(longChannelId, 400n);
  await f.deployer.sendTransaction({
    data: deployable(approvingWalletRuntime(keccak256(concat([digest, longSignature])))),
  });
  expect(await ethers.provider.getCode(longPayer)).to.not.equal("0x");
  const long1271 = await openAs(f, longPayer, 4);
  expect(long1271.channelId).to.equal(longChannelId);
  return { ...f, context, eoa, eoa2, wallet, wallet1271, long1271, longSignature };
}

/** Opens a 1,000 wei ETH channel to the payee from a contract account (impersonated). */
async function openAs(f: ChannelsFixture, payer: string, salt: number) {
  await impersonateAccount(payer);
  await setBalance(payer, 10n ** 18n);
  const signer = await ethers.getSigner(payer);
  const params = { payee: f.payee.address, token: ZeroAddress, signer: ZeroAddress, amount: 1_000n };
  await f.channels.connect(signer).open({ ...params, challengePeriod: HOUR, salt }, { value: 1_000n });
  const channel: Channel = { ...params, payer, challengePeriod: HOUR, salt };
  delete (channel as { amount?: bigint }).amount;
  return { channel, channelId: computeChannelId({ chainId: f.chainId, contract: f.contract, channel }) };
}

async function setup() {
  const f = await loadFixture(fixture);
  const store = new MemoryVoucherStore();
  const payee = new PayeeClient({ address: f.contract, runner: f.payee, store, claimMargin: 60 });
  return { ...f, store, payee };
}

type Setup = Awaited<ReturnType<typeof setup>>;

const signEoa = (f: Setup, channelId: ChannelId, amount: bigint, privateKey: string) =>
  signVoucher({ ...f.context, channelId, amount, privateKey }).then(({ signature }) => signature);
const signByOwner = (f: Setup, channelId: ChannelId, amount: bigint) =>
  signVoucher({ ...f.context, channelId, amount, signer: f.payer }).then(({ signature }) => signature);

describe("Payee: signatures of every form, accepted, stored and submitted", function () {
  describe("ECDSA (EOA payers and session keys)", function () {
    it("accepts the 65-byte and the 64-byte form, and stores the 64-byte form of each", async function () {
      const f = await setup();
      const { channel, channelId } = f.eoa;
      const full = await signEoa(f, channelId, 10n, f.sessionKey.privateKey);
      expect(byteLength(full)).to.equal(65);
      expect((await f.payee.acceptVoucher({ channel, amount: 10n, signature: full })).signer).to.equal(
        f.sessionKey.address,
      );
      expect((await f.store.get(channelId))!.signature).to.equal(Signature.from(full).compactSerialized);

      const compact = Signature.from(await signEoa(f, channelId, 20n, f.sessionKey.privateKey)).compactSerialized;
      const accepted = await f.payee.acceptVoucher({
        channel,
        amount: 20n,
        signature: compact.toUpperCase().replace("0X", "0x"),
      });
      expect(accepted).to.deep.include({ signer: f.sessionKey.address, increment: 10n });
      expect((await f.store.get(channelId))!.signature).to.equal(compact);

      // The payer's own key, in the 65-byte form, on the channel without a session key.
      const byPayer = await signByOwner(f, f.eoa2.channelId, 30n);
      expect(
        (await f.payee.acceptVoucher({ channel: f.eoa2.channel, amount: 30n, signature: byPayer })).signer,
      ).to.equal(f.payer.address);
      expect((await f.store.get(f.eoa2.channelId))!.signature).to.equal(Signature.from(byPayer).compactSerialized);
    });

    it("claim, close and claimMany send 64-byte signatures, and the contract pays them", async function () {
      const f = await setup();
      await f.payee.acceptVoucher({
        channel: f.eoa.channel,
        amount: 100n,
        signature: await signEoa(f, f.eoa.channelId, 100n, f.sessionKey.privateKey),
      });
      await f.payee.acceptVoucher({
        channel: f.eoa2.channel,
        amount: 200n,
        signature: await signByOwner(f, f.eoa2.channelId, 200n),
      });
      const built = await f.payee.buildClaim({ channel: f.eoa.channel });
      expect(byteLength(channelsInterface.decodeFunctionData("claim", built.data)[2] as string)).to.equal(64);

      const claimed = await f.payee.claim({ channel: f.eoa.channel });
      const [sent] = await sentSignatures(claimed.receipt.hash, "claim");
      expect(sent).to.equal((await f.store.get(f.eoa.channelId))!.signature);
      expect(byteLength(sent)).to.equal(64);
      expect((await f.channels.getChannelState(f.eoa.channelId)).claimed).to.equal(100n);

      for (const [amount, channel, channelId, sign] of [
        [150n, f.eoa.channel, f.eoa.channelId, (a: bigint) => signEoa(f, f.eoa.channelId, a, f.sessionKey.privateKey)],
        [250n, f.eoa2.channel, f.eoa2.channelId, (a: bigint) => signByOwner(f, f.eoa2.channelId, a)],
      ] as const) {
        await f.payee.acceptVoucher({ channel, amount, signature: await sign(amount) });
        expect(byteLength((await f.store.get(channelId))!.signature)).to.equal(64);
      }
      const [batch] = await f.payee.claimMany({ channels: [f.eoa.channel, f.eoa2.channel] });
      const batchSignatures = await sentSignatures(batch.receipt.hash, "claimMany");
      expect(batchSignatures.map(byteLength)).to.deep.equal([64, 64]);
      expect((await f.channels.getChannelState(f.eoa.channelId)).claimed).to.equal(150n);
      expect((await f.channels.getChannelState(f.eoa2.channelId)).claimed).to.equal(250n);

      await f.payee.acceptVoucher({
        channel: f.eoa.channel,
        amount: 300n,
        signature: await signEoa(f, f.eoa.channelId, 300n, f.sessionKey.privateKey),
      });
      const closed = await f.payee.close({ channel: f.eoa.channel });
      expect((await sentSignatures(closed.receipt.hash, "close")).map(byteLength)).to.deep.equal([64]);
      const state = await f.channels.getChannelState(f.eoa.channelId);
      expect([state.claimed, state.status]).to.deep.equal([300n, 2n]);
    });
  });

  describe("ERC-1271 (contract payers)", function () {
    it("stores and submits a 65-byte wallet signature byte for byte, alone and in a batch with EOA vouchers", async function () {
      const f = await setup();
      const { channel, channelId } = f.wallet1271;
      const signature = await signByOwner(f, channelId, 40n);
      // The owner's key is not an authorised ECDSA signer of this channel: only the wallet vouches for it.
      expect((await f.payee.acceptVoucher({ channel, amount: 40n, signature })).signer).to.equal(channel.payer);
      expect((await f.store.get(channelId))!.signature).to.equal(signature);
      const claimed = await f.payee.claim({ channel });
      expect(await sentSignatures(claimed.receipt.hash, "claim")).to.deep.equal([signature]);
      expect((await f.channels.getChannelState(channelId)).claimed).to.equal(40n);

      const next = await signByOwner(f, channelId, 60n);
      await f.payee.acceptVoucher({ channel, amount: 60n, signature: next });
      const eoaSignature = await signEoa(f, f.eoa.channelId, 70n, f.sessionKey.privateKey);
      await f.payee.acceptVoucher({ channel: f.eoa.channel, amount: 70n, signature: eoaSignature });
      const [batch] = await f.payee.claimMany({ channels: [channel, f.eoa.channel] });
      expect(await sentSignatures(batch.receipt.hash, "claimMany")).to.deep.equal([
        next,
        Signature.from(eoaSignature).compactSerialized,
      ]);
      expect((await f.channels.getChannelState(channelId)).claimed).to.equal(60n);
      expect((await f.channels.getChannelState(f.eoa.channelId)).claimed).to.equal(70n);

      const last = await signByOwner(f, channelId, 90n);
      await f.payee.acceptVoucher({ channel, amount: 90n, signature: last });
      const closed = await f.payee.close({ channel });
      expect(await sentSignatures(closed.receipt.hash, "close")).to.deep.equal([last]);
      const state = await f.channels.getChannelState(channelId);
      expect([state.claimed, state.status]).to.deep.equal([90n, 2n]);
      // The wallet checks exactly those bytes: the compact form of the same signature it refuses.
      expect(await f.wallet.isValidSignature(await f.channels.voucherDigest(channelId, 90n), last)).to.equal(
        "0x1626ba7e",
      );
      expect(
        await f.wallet.isValidSignature(
          await f.channels.voucherDigest(channelId, 90n),
          Signature.from(last).compactSerialized,
        ),
      ).to.not.equal("0x1626ba7e");
    });

    it("accepts, stores and claims a 3,000-byte wallet signature byte for byte, refusing any other bytes", async function () {
      const f = await setup();
      const { channel, channelId } = f.long1271;
      const tampered = f.longSignature.slice(0, -2) + "5b";
      await expectSdkError(
        f.payee.acceptVoucher({ channel, amount: 400n, signature: tampered }),
        VoucherError,
        "VOUCHER_INVALID_SIGNATURE",
      );
      const accepted = await f.payee.acceptVoucher({ channel, amount: 400n, signature: f.longSignature });
      expect(accepted.signer).to.equal(channel.payer);
      expect((await f.store.get(channelId))!.signature).to.equal(f.longSignature);
      const claimed = await f.payee.claim({ channel });
      expect(await sentSignatures(claimed.receipt.hash, "claim")).to.deep.equal([f.longSignature]);
      expect((await f.channels.getChannelState(channelId)).claimed).to.equal(400n);
    });
  });

  it("refuses a signature above MAX_SIGNATURE_BYTES with VOUCHER_SIGNATURE_TOO_LONG before any chain call", async function () {
    const f = await setup();
    // No node listens on this port: any chain call would fail with PROVIDER_ERROR.
    const offline = new PayeeClient({
      address: f.contract,
      runner: new JsonRpcProvider("http://127.0.0.1:9", undefined, { staticNetwork: true }),
      payee: f.payee.address,
      store: f.store,
    });
    for (const [client, channel] of [
      [offline, f.long1271.channel],
      [f.payee, f.long1271.channel],
      [f.payee, f.eoa.channel],
    ] as const) {
      await expectSdkError(
        client.acceptVoucher({ channel, amount: 400n, signature: "0x" + "ab".repeat(MAX_SIGNATURE_BYTES + 1) }),
        VoucherError,
        "VOUCHER_SIGNATURE_TOO_LONG",
        { length: MAX_SIGNATURE_BYTES + 1, max: MAX_SIGNATURE_BYTES },
      );
    }
    expect(await f.store.all()).to.deep.equal([]);
  });
});
