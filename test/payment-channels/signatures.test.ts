// docs/payment-channels.md §3: EIP-712 messages (digests and typehashes computed from the spec), low-s ECDSA in 65
// or 64 (EIP-2098) bytes, anything else refused (contracts/libraries/Signatures.sol); ERC-1271 wallets asked at
// each use; and no replay across channels, chains, deployments or a reopening of the same pair.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { MockERC1271Wallet, PaymentChannels } from "../../typechain-types";
import { ETH, compact, highS, now } from "../helpers/escrow";
import {
  BALANCE_PROOF_TYPES,
  CHANNEL_ASSETS,
  COOPERATIVE_CLOSE_TYPES,
  DEPOSIT1,
  DEPOSIT2,
  NO_PROOF,
  REWARD_TYPES,
  WITHDRAW_TYPES,
  closeChannel,
  depositFor,
  expectSolvent,
  paymentChannelsDomain,
  pcFixture,
  proofDigestOf,
  proofHashOf,
  proofOf,
  signCooperativeClose,
  signProof,
  signWithdraw,
  termsOf,
  type ChannelFixture,
} from "../helpers/payment-channels";

const fixture = CHANNEL_ASSETS[0].fixture;
const DAY = 86_400n;
const PROOF = proofOf(3n, DEPOSIT2 / 2n, 7n, ethers.id("root"));

/** p1 closes with PROOF (p2's direction) and `signature`. */
function closeWith(fx: ChannelFixture, signature: string, proof = PROOF) {
  return fx.pc.connect(fx.p1).close(fx.channel, proof, signature);
}

describe("§3 EIP-712 messages", function () {
  it("computes the digests and typehashes of the spec", async function () {
    const { pc, domain, channelId, p1, watchtower } = await loadFixture(fixture);
    const E = ethers.TypedDataEncoder;
    expect(await pc.BALANCE_PROOF_TYPEHASH()).to.equal(
      ethers.id("BalanceProof(bytes32 channelId,uint64 nonce,uint256 transferred,uint256 locked,bytes32 locksRoot)"),
    );
    expect(await pc.WITHDRAW_TYPEHASH()).to.equal(
      ethers.id("Withdraw(bytes32 channelId,address participant,uint256 totalWithdrawn,uint256 expiry)"),
    );
    expect(await pc.COOPERATIVE_CLOSE_TYPEHASH()).to.equal(
      ethers.id("CooperativeClose(bytes32 channelId,uint256 balance1,uint256 balance2,uint256 expiry)"),
    );
    expect(await pc.REWARD_TYPEHASH()).to.equal(
      ethers.id("Reward(bytes32 channelId,bytes32 balanceProofHash,address watchtower,uint256 amount)"),
    );
    expect(await pc.balanceProofDigest(channelId, PROOF)).to.equal(proofDigestOf(domain, channelId, PROOF));
    expect(await pc.balanceProofDigest(channelId, PROOF)).to.equal(
      E.hash(domain, BALANCE_PROOF_TYPES, { channelId, ...PROOF }),
    );
    expect(await pc.withdrawDigest(channelId, p1.address, 5n, 6n)).to.equal(
      E.hash(domain, WITHDRAW_TYPES, { channelId, participant: p1.address, totalWithdrawn: 5n, expiry: 6n }),
    );
    expect(await pc.cooperativeCloseDigest(channelId, 5n, 6n, 7n)).to.equal(
      E.hash(domain, COOPERATIVE_CLOSE_TYPES, { channelId, balance1: 5n, balance2: 6n, expiry: 7n }),
    );
    const h = proofHashOf(channelId, PROOF);
    expect(await pc.rewardDigest(channelId, h, watchtower.address, 9n)).to.equal(
      E.hash(domain, REWARD_TYPES, { channelId, balanceProofHash: h, watchtower: watchtower.address, amount: 9n }),
    );
    const d = await pc.eip712Domain();
    expect([d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
      domain.name,
      domain.version,
      domain.chainId,
      domain.verifyingContract,
    ]);
  });
});

describe("§3 signature encodings (Signatures.recover)", function () {
  it("accepts the 64-byte compact form for both y parities, and the 65-byte form", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, domain, channel, channelId } = fx;
    const signed = async (nonce: bigint) => {
      const proof = { ...PROOF, nonce };
      const sig = await signProof(p2, domain, channelId, proof);
      return { proof, sig, v: ethers.Signature.from(sig).v };
    };
    const first = await signed(1n);
    const { record } = await closeChannel(fx, p1, first.proof);
    // close() above used the 65-byte form; the updates use compact ones, the other parity first.
    let nonce = 2n;
    let other = await signed(nonce);
    while (other.v === first.v) other = await signed(++nonce);
    await expect(pc.connect(p1).update(channel, record, p2.address, other.proof, compact(other.sig))).to.emit(
      pc,
      "ChannelUpdated",
    );
    let same = await signed(++nonce);
    while (same.v !== first.v) same = await signed(++nonce);
    const r2 = { ...record, d21: { ...record.d21, nonce: other.proof.nonce } };
    await expect(pc.connect(p1).update(channel, r2, p2.address, same.proof, compact(same.sig))).to.emit(
      pc,
      "ChannelUpdated",
    );
    expect(new Set([first.v, other.v]).size).to.equal(2);
  });

  it("refuses the high-s twin of a valid signature and its compact form; the original passes", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p2, domain, channelId } = fx;
    const sig = await signProof(p2, domain, channelId, PROOF);
    const highCompact = ethers.concat([ethers.dataSlice(sig, 0, 32), ethers.dataSlice(highS(sig), 32, 64)]);
    for (const bad of [highS(sig), highCompact]) {
      await expect(closeWith(fx, bad))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
    }
    await expect(closeWith(fx, sig)).to.emit(pc, "ChannelClosed");
  });

  it("refuses malformed signatures: 63, 66 and 0 bytes, v of 0, 1, 26 and 29, r = 0, 65 random bytes", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p2, domain, channelId } = fx;
    const sig = await signProof(p2, domain, channelId, PROOF);
    const withV = (v: string) => ethers.concat([ethers.dataSlice(sig, 0, 64), v]);
    const bad = [
      ethers.dataSlice(sig, 0, 63),
      ethers.concat([sig, "0x00"]),
      ethers.concat([compact(sig), "0x"]).slice(0, 2 + 2 * 63),
      "0x",
      withV("0x00"),
      withV("0x01"),
      withV("0x1a"),
      withV("0x1d"),
      ethers.concat([ethers.ZeroHash, ethers.dataSlice(sig, 32)]),
      ethers.hexlify(ethers.randomBytes(65)),
    ];
    for (const b of bad) {
      await expect(closeWith(fx, b))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
    }
  });

  it("accepts a compact signature in a cooperative close and withdrawal (both sides)", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, relayer, channel, channelId, domain } = fx;
    const expiry = (await now()) + DAY;
    const w1 = compact(await signWithdraw(p1, domain, channelId, p2.address, 9n, expiry));
    const w2 = compact(await signWithdraw(p2, domain, channelId, p2.address, 9n, expiry));
    await expect(pc.connect(relayer).cooperativeWithdraw(channel, p2.address, 9n, expiry, w1, w2)).to.emit(
      pc,
      "ChannelWithdrawn",
    );
  });
});

describe("§3 ERC-1271 participant", function () {
  /** An ETH channel whose participant2 is a MockERC1271Wallet owned by `other`. */
  async function walletFixture() {
    const fx = await pcFixture();
    const wallet = (await ethers.deployContract("MockERC1271Wallet", [
      fx.other.address,
    ])) as unknown as MockERC1271Wallet;
    const walletAddress = await wallet.getAddress();
    const channel = termsOf(fx, ETH, { participant2: walletAddress });
    await fx.pc.connect(fx.p1).open(channel, DEPOSIT1, { value: DEPOSIT1 });
    const channelId = await fx.pc.computeChannelId(channel);
    return { ...fx, wallet, walletAddress, channel, channelId };
  }

  it("accepts a proof the wallet approves (its owner's signature) and refuses it once the wallet flips its answer", async function () {
    const { pc, p1, other, wallet, walletAddress, channel, channelId, domain } = await loadFixture(walletFixture);
    const sig = await signProof(other, domain, channelId, PROOF);
    expect(await wallet.isValidSignature(await pc.balanceProofDigest(channelId, PROOF), sig)).to.equal("0x1626ba7e");
    await wallet.setMode(1);
    await expect(pc.connect(p1).close(channel, PROOF, sig))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, walletAddress);
    await wallet.setMode(0);
    await expect(pc.connect(p1).close(channel, PROOF, sig)).to.emit(pc, "ChannelClosed");
  });

  it("refuses when the wallet reverts, returns garbage or burns its gas; the call still ends with the contract's error", async function () {
    const { pc, p1, other, wallet, walletAddress, channel, channelId, domain } = await loadFixture(walletFixture);
    const sig = await signProof(other, domain, channelId, PROOF);
    for (const mode of [2, 3, 4]) {
      await wallet.setMode(mode);
      await expect(pc.connect(p1).close(channel, PROOF, sig, { gasLimit: 1_000_000 }))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, walletAddress);
    }
  });

  it("refuses a signature of a stranger that the wallet would not approve, and accepts the wallet's consent to a cooperative close", async function () {
    const { pc, p1, other, stranger, walletAddress, channel, channelId, domain } = await loadFixture(walletFixture);
    const expiry = (await now()) + DAY;
    const bad = await signCooperativeClose(stranger, domain, channelId, 1n, DEPOSIT1 - 1n, expiry);
    await expect(pc.connect(p1).cooperativeClose(channel, 1n, DEPOSIT1 - 1n, expiry, "0x", bad))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, walletAddress);
    const good = await signCooperativeClose(other, domain, channelId, 1n, DEPOSIT1 - 1n, expiry);
    await expect(pc.connect(p1).cooperativeClose(channel, 1n, DEPOSIT1 - 1n, expiry, "0x", good))
      .to.emit(pc, "ChannelCooperativelyClosed")
      .withArgs(channelId, 1n, DEPOSIT1 - 1n);
    await expectSolvent(pc, [ETH]);
  });
});

describe("§1 §3 replay protection", function () {
  it("refuses a proof of another channel of the same pair (another salt)", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, domain, channel, channelId } = fx;
    const other = { ...channel, salt: 2n };
    await pc.connect(p1).open(other, 1n, { value: 1n });
    const sig = await signProof(p2, domain, await pc.computeChannelId(other), PROOF);
    await expect(closeWith(fx, sig))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, p2.address);
  });

  it("refuses a proof signed for another chain id", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p2, chainId, pcAddress, channelId } = fx;
    const sig = await signProof(p2, paymentChannelsDomain(chainId + 1n, pcAddress), channelId, PROOF);
    await expect(closeWith(fx, sig))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, p2.address);
  });

  it("refuses, in a second deployment, the same pair's signatures made for the first", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, domain, channel, channelId } = fx;
    const pc2 = (await ethers.deployContract("PaymentChannels")) as unknown as PaymentChannels;
    await pc2.connect(p1).open(channel, DEPOSIT1, { value: DEPOSIT1 });
    const id2 = await pc2.computeChannelId(channel);
    expect(id2).to.not.equal(channelId);
    const domain2 = paymentChannelsDomain(fx.chainId, await pc2.getAddress());
    // Signed for pc (its domain and id), and a hybrid with pc2's domain but pc's id: both dead in pc2.
    for (const sig of [
      await signProof(p2, domain, channelId, PROOF),
      await signProof(p2, domain2, channelId, PROOF),
      await signProof(p2, domain, id2, PROOF),
    ]) {
      await expect(pc2.connect(p1).close(channel, PROOF, sig))
        .to.be.revertedWithCustomError(pc2, "PaymentChannelInvalidSignature")
        .withArgs(id2, p2.address);
    }
    const forPc2 = await signProof(p2, domain2, id2, PROOF);
    await expect(pc.connect(p1).close(channel, PROOF, forPc2))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, p2.address);
    await expect(pc2.connect(p1).close(channel, PROOF, forPc2)).to.emit(pc2, "ChannelClosed");
  });

  it("refuses the old channel's proofs, withdrawals and cooperative closes after the pair closes and reopens (new salt)", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, relayer, domain, channel, channelId, asset } = fx;
    const expiry = (await now()) + 10n * DAY;
    const oldProof = await signProof(p2, domain, channelId, PROOF);
    const oldW = [
      await signWithdraw(p1, domain, channelId, p1.address, 1n, expiry),
      await signWithdraw(p2, domain, channelId, p1.address, 1n, expiry),
    ] as const;
    const oldC = [
      await signCooperativeClose(p1, domain, channelId, DEPOSIT1, DEPOSIT2, expiry),
      await signCooperativeClose(p2, domain, channelId, DEPOSIT1, DEPOSIT2, expiry),
    ] as const;
    await pc.cooperativeClose(channel, DEPOSIT1, DEPOSIT2, expiry, ...oldC);
    const reopened = { ...channel, salt: channel.salt + 1n };
    await pc.connect(p1).open(reopened, DEPOSIT1, { value: DEPOSIT1 });
    await depositFor(pc, p2, reopened, p2.address, DEPOSIT2);
    const newId = await pc.computeChannelId(reopened);
    await expect(pc.connect(p1).close(reopened, PROOF, oldProof))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(newId, p2.address);
    await expect(pc.connect(relayer).cooperativeWithdraw(reopened, p1.address, 1n, expiry, ...oldW))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(newId, p1.address);
    await expect(pc.connect(relayer).cooperativeClose(reopened, DEPOSIT1, DEPOSIT2, expiry, ...oldC))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(newId, p1.address);
    await closeChannel({ ...fx, channel: reopened, channelId: newId }, p1, NO_PROOF);
    await expectSolvent(pc, [asset]);
  });
});
