// Story 5 of the demo (scripts/demo.ts): a two-way payment channel (docs/payment-channels.md). Ann and Ben pay each
// other off-chain with balance proofs, settle a hash-locked payment, and Ben's watchtower answers Ann's stale close
// while Ben is offline. Each peer runs its own PaymentChannelsClient with its own wallet.
import { ethers } from "hardhat";
import { Wallet, ZeroHash, hexlify, randomBytes, type Signer } from "ethers";
import {
  PaymentChannelsClient,
  addLock,
  lockedAmount,
  locksRootOf,
  removeLock,
  secretHash,
  validateBalanceProof,
  type BalanceProof,
  type Lock,
  type PaymentChannel,
} from "../../sdk";
import {
  advanceTime,
  ethBalances,
  fmtEth,
  gas,
  latestTimestamp,
  printDeltas,
  progress,
  step,
  type Named,
} from "./common";

const PAYMENTS = 500; // each way
const ANN_PRICE = ethers.parseEther("0.001"); // per payment from Ann to Ben
const BEN_PRICE = ethers.parseEther("0.0006"); // per payment from Ben to Ann
const LOCKED = ethers.parseEther("0.1");
const REWARD = ethers.parseEther("0.001"); // what Ben pays his watchtower if it has to act
const CHALLENGE = 24 * 60 * 60;

/** A signed proof as it travels from its sender to its receiver, with the locks it commits to. */
type Signed = { proof: BalanceProof; signature: string; locks: Lock[] };

/** One side of the channel: its client, the proofs it sent (its own direction) and the latest one it accepted. */
class Side {
  sent: Signed = { proof: { nonce: 0n, transferred: 0n, locked: 0n, locksRoot: ZeroHash }, signature: "0x", locks: [] };
  received: Signed | undefined;

  constructor(
    readonly name: string,
    readonly address: string,
    readonly client: PaymentChannelsClient,
  ) {}

  /** Signs the next proof of its direction: `pay` more transferred, with `locks` pending. */
  async next(channel: PaymentChannel, pay: bigint, locks: Lock[] = this.sent.locks): Promise<Signed> {
    const proof: BalanceProof = {
      nonce: this.sent.proof.nonce + 1n,
      transferred: this.sent.proof.transferred + pay,
      locked: lockedAmount(locks),
      locksRoot: locksRootOf(locks),
    };
    const { signature } = await this.client.signBalanceProof({ channel, proof });
    this.sent = { proof, signature, locks };
    return this.sent;
  }
}

type Deployment = { address: string; fromBlock: number };
type Wallets = { ann: Signer; ben: Signer; watchtower: Signer; anyone: Signer };

/** Story 5: a two-way channel paid both ways, a hash-locked payment, and a watchtower that defeats a stale close. */
export async function twoWayChannels(wallets: Wallets, deployment: Deployment) {
  console.log("\n5. Two-way channel: Ann and Ben pay each other; Ben's watchtower defeats a stale close");
  const { address: contract, fromBlock } = deployment;
  const { chainId } = await ethers.provider.getNetwork();
  const client = (runner: Signer) => new PaymentChannelsClient({ address: contract, runner, fromBlock });
  const side = async (name: string, signer: Signer) => new Side(name, await signer.getAddress(), client(signer));
  const Ann = await side("Ann", wallets.ann);
  const Ben = await side("Ben", wallets.ben);
  const Tower = {
    name: "Ben's watchtower",
    address: await wallets.watchtower.getAddress(),
    client: client(wallets.watchtower),
  };
  const anyone = client(wallets.anyone);
  const peers: Named[] = [Ann, Ben, Tower];
  const before = await ethBalances(peers);

  // Session keys sign the proofs, so neither side needs a wallet prompt per payment.
  const annKey = Wallet.createRandom();
  const benKey = Wallet.createRandom();
  const opened = await Ann.client.open({
    participant2: Ben.address,
    amount: ethers.parseEther("1"),
    challengePeriod: CHALLENGE,
    key1: annKey.address,
  });
  const { channel, channelId } = opened;
  step(`Ann opens a channel to Ben with 1 ETH and a session key (channel ${channelId.slice(0, 10)}…)`);
  gas(opened.receipt, "open");
  step("Ben deposits 1 ETH on his side and names his own session key");
  gas((await Ben.client.deposit({ channel, amount: ethers.parseEther("1") })).receipt, "deposit");
  gas(
    (await Ben.client.setSessionKey({ channel, key: benKey.address, privateKey: benKey.privateKey })).receipt,
    "setSessionKey",
  );
  await Ann.client.useSessionKey({ channel, privateKey: annKey.privateKey });

  // The receiver's checks before it accepts a proof (rule PC-E3): channel, amounts, locks, signer, nonce + 1.
  const accept = async (sender: Side, receiver: Side, signed: Signed) => {
    await validateBalanceProof({
      chainId,
      contract,
      channel,
      channelId,
      sender: sender.address,
      keys: [sender === Ann ? annKey.address : benKey.address],
      ...signed,
      previous: receiver.received?.proof,
    });
    receiver.received = signed;
  };

  const t0 = performance.now();
  for (let i = 1; i <= PAYMENTS; i++) {
    await accept(Ann, Ben, await Ann.next(channel, ANN_PRICE));
    await accept(Ben, Ann, await Ben.next(channel, BEN_PRICE));
    progress(2 * i, 2 * PAYMENTS, "payments");
  }
  const elapsed = (performance.now() - t0) / 1000;
  step(
    `${(2 * PAYMENTS).toLocaleString("en-US")} payments, ${PAYMENTS} each way, signed and verified in ` +
      `${elapsed.toFixed(2)} s: ${Math.round((2 * PAYMENTS) / elapsed).toLocaleString("en-US")} payments/s ` +
      `(both peers in this one process, no network between them; story 6 runs them as processes over WebSocket)`,
  );
  step(
    `so far Ann has paid Ben ${fmtEth(Ann.sent.proof.transferred)}, Ben has paid Ann ${fmtEth(Ben.sent.proof.transferred)}`,
  );

  // A hash-locked payment: Ben locks 0.1 ETH to Ann under sha256(secret); the secret is Ann's to reveal.
  const secret = hexlify(randomBytes(32));
  const lock: Lock = {
    amount: LOCKED,
    expiry: (await latestTimestamp()) + 2 * CHALLENGE,
    secretHash: secretHash(secret),
  };
  await accept(Ben, Ann, await Ben.next(channel, 0n, addLock({ locks: Ben.sent.locks, lock })));
  step(
    `Ben locks ${fmtEth(LOCKED)} to Ann under sha256(secret) (proof ${Ben.sent.proof.nonce}: locked ${fmtEth(Ben.sent.proof.locked)})`,
  );
  if (secretHash(secret) !== lock.secretHash) throw new Error("the revealed secret does not open the lock");
  const { locks: rest, removed } = removeLock({ locks: Ben.sent.locks, secretHash: lock.secretHash });
  await accept(Ben, Ann, await Ben.next(channel, removed.amount, rest));
  step(
    `Ann reveals the secret to Ben off-chain; Ben turns the lock into a transfer ` +
      `(proof ${Ben.sent.proof.nonce}: transferred ${fmtEth(Ben.sent.proof.transferred)}, locked 0)`,
  );

  // Ben hands his watchtower Ann's latest proof to him, with a reward only that proof can claim.
  const toBen = Ben.received!;
  const { signature: rewardSignature } = await Ben.client.signReward({
    channel,
    proof: toBen.proof,
    watchtower: Tower.address,
    amount: REWARD,
  });
  step(
    `Ben gives his watchtower Ann's proof ${toBen.proof.nonce} and a Reward of ${fmtEth(REWARD)} he signed, then goes offline`,
  );

  // Ann cheats: she closes with Ben's latest proof to her but leaves out every payment she made to Ben.
  const toAnn = Ann.received!;
  const closed = await Ann.client.close({ channel, proof: toAnn.proof, signature: toAnn.signature });
  const record = (await Tower.client.getChannel({ channel })).record!;
  step(
    `Ann closes with Ben's proof ${record.d21.nonce} (${fmtEth(record.d21.transferred)} to her) and her own ` +
      `direction at nonce ${record.d12.nonce}: as if she had paid Ben nothing`,
  );
  gas(closed.receipt, "close");

  // The watchtower sees the close, and its proof is newer than what Ann recorded: it answers before closesAt.
  const { closesAt } = await Tower.client.getChannel({ channel });
  if (record.d12.nonce >= toBen.proof.nonce) throw new Error("the watchtower has nothing newer than the close");
  const answered = await Tower.client.updateFor({
    channel,
    sender: Ann.address,
    proof: toBen.proof,
    signature: toBen.signature,
    reward: REWARD,
    rewardSignature,
  });
  const left = closesAt - (await latestTimestamp());
  step(
    `the watchtower submits Ann's proof ${toBen.proof.nonce} with updateFor, ${Math.round(left / 3600)} h before closesAt`,
  );
  gas(answered.receipt, "updateFor");

  step("the challenge period passes; anyone settles");
  await advanceTime(CHALLENGE + 1);
  const settled = await anyone.settle({ channel });
  gas(settled.receipt, "settle, paid by a bystander");
  const paid = settled.events.find((e) => e.type === "ChannelSettled");
  const rewarded = settled.events.find((e) => e.type === "WatchtowerRewarded");
  if (paid?.type !== "ChannelSettled" || rewarded?.type !== "WatchtowerRewarded") {
    throw new Error("settle emitted no ChannelSettled or WatchtowerRewarded");
  }
  const toAnnNet = Ben.sent.proof.transferred - Ann.sent.proof.transferred;
  const expected1 = ethers.parseEther("1") + toAnnNet;
  const expected2 = ethers.parseEther("1") - toAnnNet - REWARD;
  if (paid.amount1 !== expected1 || paid.amount2 !== expected2 || rewarded.amount !== REWARD) {
    throw new Error(`settlement ${paid.amount1}/${paid.amount2}/${rewarded.amount} is not what the latest proofs say`);
  }
  step(
    `Ann gets ${fmtEth(paid.amount1)}: 1 + ${fmtEth(Ben.sent.proof.transferred)} from Ben - ${fmtEth(Ann.sent.proof.transferred)} to Ben`,
  );
  step(
    `Ben gets ${fmtEth(paid.amount2)}: exactly 1 + ${fmtEth(Ann.sent.proof.transferred)} - ` +
      `${fmtEth(Ben.sent.proof.transferred)} as the latest proofs say, minus the ${fmtEth(REWARD)} reward`,
  );
  step(`the watchtower gets its ${fmtEth(rewarded.amount)} reward; Ann's stale close won her nothing`);
  printDeltas("balances (each paid its own gas)", peers, before, await ethBalances(peers), fmtEth);
}
