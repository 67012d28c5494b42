// Test-side helpers for contracts/PaymentChannels.sol, written against docs/payment-channels.md and independent of
// sdk/. Channel ids, EIP-712 digests, record commitments and the settlement arithmetic (§5) are computed here from the
// spec, so a test comparing them with the contract's own values checks the contract, not a copy of it. The solvency
// check rebuilds what the contract owes from its events alone and compares it with its balances and views.
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse, TypedDataDomain } from "ethers";
import type { MockERC20, PaymentChannels } from "../../typechain-types";
import { ETH, TOKEN_SUPPLY, blockTimeOf } from "./escrow";

// ------------------------------------------------------------------ constants (docs/payment-channels.md)

export enum PcStatus {
  None = 0,
  Open = 1,
  Closed = 2,
  Settled = 3,
}

export const HOUR = 3_600n;
export const MIN_CHALLENGE_PERIOD = HOUR;
export const MAX_CHALLENGE_PERIOD = 30n * 86_400n;
/** Deposits, withdrawals and settlement amounts stay below 2^104 (§2). */
export const MAX_AMOUNT = (1n << 104n) - 1n;
/** Proof amounts are checked below 2^128 (§2). */
export const MAX_PROOF_AMOUNT = (1n << 128n) - 1n;
/** The challenge period of the fixture channels. */
export const PERIOD = 2n * HOUR;
/** Deposits that are not round numbers, and differ, so that a swapped side or a lost remainder shows. */
export const DEPOSIT1 = 10n ** 18n + 12_345n;
export const DEPOSIT2 = 6n * 10n ** 17n + 6_789n;
export const TOTAL = DEPOSIT1 + DEPOSIT2;
/** The low 56 bits of a slot (status, flags, closesAt) sit below the 200-bit commitment. */
const COMMITMENT_MASK = ((1n << 256n) - 1n) ^ ((1n << 56n) - 1n);

// ------------------------------------------------------------------ structs

/** The immutable terms, as `IPaymentChannels.Channel`. */
export interface Channel {
  participant1: string;
  participant2: string;
  token: string;
  key1: string;
  challengePeriod: bigint;
  salt: bigint;
}

export interface BalanceProof {
  nonce: bigint;
  transferred: bigint;
  locked: bigint;
  locksRoot: string;
}

export interface Direction extends BalanceProof {
  rewardee: string;
  reward: bigint;
}

export interface ChannelRecord {
  deposit1: bigint;
  deposit2: bigint;
  withdrawn1: bigint;
  withdrawn2: bigint;
  d12: Direction;
  d21: Direction;
}

export interface Lock {
  amount: bigint;
  expiry: bigint;
  secretHash: string;
}

export interface PendingLocks {
  locksRoot12: string;
  held12: bigint;
  locksRoot21: string;
  held21: bigint;
}

export interface Settlement {
  amount1: bigint;
  amount2: bigint;
  reward12: bigint;
  reward21: bigint;
  held12: bigint;
  held21: bigint;
}

const CHANNEL_TYPES = ["address", "address", "address", "address", "uint32", "uint32"];
const DIRECTION_TYPE = "tuple(uint64,uint256,uint256,bytes32,address,uint256)";
const RECORD_TYPE = `tuple(uint256,uint256,uint256,uint256,${DIRECTION_TYPE},${DIRECTION_TYPE})`;
const PENDING_TYPE = "tuple(bytes32,uint256,bytes32,uint256)";
const LOCKS_TYPE = "tuple(uint96,uint40,bytes32)[]";
const coder = ethers.AbiCoder.defaultAbiCoder();

export function channelTuple(c: Channel): [string, string, string, string, bigint, bigint] {
  return [c.participant1, c.participant2, c.token, c.key1, c.challengePeriod, c.salt];
}

/** `keccak256(abi.encode(chainId, contract, channel))` (§1). */
export function channelIdOf(chainId: bigint, contract: string, c: Channel): string {
  return ethers.keccak256(
    coder.encode(["uint256", "address", ...CHANNEL_TYPES], [chainId, contract, ...channelTuple(c)]),
  );
}

export function proofOf(nonce: bigint, transferred: bigint, locked = 0n, locksRoot = ethers.ZeroHash): BalanceProof {
  return { nonce, transferred, locked, locksRoot };
}

/** The "no proof" a closer passes when it received nothing. */
export const NO_PROOF: BalanceProof = proofOf(0n, 0n);

export function directionOf(p: BalanceProof, rewardee = ethers.ZeroAddress, reward = 0n): Direction {
  return { ...p, rewardee, reward };
}

export const EMPTY_DIRECTION: Direction = directionOf(NO_PROOF);

function directionTuple(d: Direction) {
  return [d.nonce, d.transferred, d.locked, d.locksRoot, d.rewardee, d.reward];
}

export function recordTuple(r: ChannelRecord) {
  return [r.deposit1, r.deposit2, r.withdrawn1, r.withdrawn2, directionTuple(r.d12), directionTuple(r.d21)];
}

/** The 200-bit commitment of a closed channel's slot: keccak256(abi.encode(record)) with the low 56 bits cleared. */
export function commitmentOf(r: ChannelRecord): string {
  return ethers.toBeHex(BigInt(ethers.keccak256(coder.encode([RECORD_TYPE], [recordTuple(r)]))) & COMMITMENT_MASK, 32);
}

/** A settled channel's commitment to its pending locks; 0 when nothing is held (§2). */
export function pendingCommitmentOf(p: PendingLocks): string {
  if (p.held12 === 0n && p.held21 === 0n) return ethers.ZeroHash;
  const hash = ethers.keccak256(coder.encode([PENDING_TYPE], [[p.locksRoot12, p.held12, p.locksRoot21, p.held21]]));
  return ethers.toBeHex(BigInt(hash) & COMMITMENT_MASK, 32);
}

/** A proof's `locksRoot`: keccak256(abi.encode(Lock[])). */
export function locksRootOf(locks: readonly Lock[]): string {
  return ethers.keccak256(coder.encode([LOCKS_TYPE], [locks.map((l) => [l.amount, l.expiry, l.secretHash])]));
}

/** sha256 of a 32-byte secret (§3): the hash a Bitcoin HTLC would use. */
export function secretHashOf(secret: string): string {
  return ethers.sha256(secret);
}

export function secretOf(label: string): string {
  return ethers.id(`secret:${label}`);
}

export function lockOf(amount: bigint, expiry: bigint, secret: string): Lock {
  return { amount, expiry, secretHash: secretHashOf(secret) };
}

export const NO_PENDING: PendingLocks = {
  locksRoot12: ethers.ZeroHash,
  held12: 0n,
  locksRoot21: ethers.ZeroHash,
  held21: 0n,
};

// ------------------------------------------------------------------ §5, written from the spec

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** The settlement of `r` as docs/payment-channels.md §5 states it (signed arithmetic, then the clamps). */
export function settlementModel(r: ChannelRecord): Settlement {
  const total = r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
  const a1 = r.deposit1 - r.withdrawn1 + r.d21.transferred - r.d12.transferred;
  const share1 = a1 < 0n ? 0n : a1 > total ? total : a1;
  const share2 = total - share1;
  const held12 = min(r.d12.locked, share1);
  const held21 = min(r.d21.locked, share2);
  // The reward of a direction was signed by its receiver and comes out of the receiver's share.
  const reward21 = r.d21.rewardee === ethers.ZeroAddress ? 0n : min(r.d21.reward, share1 - held12);
  const reward12 = r.d12.rewardee === ethers.ZeroAddress ? 0n : min(r.d12.reward, share2 - held21);
  return {
    amount1: share1 - held12 - reward21,
    amount2: share2 - held21 - reward12,
    reward12,
    reward21,
    held12,
    held21,
  };
}

// ------------------------------------------------------------------ EIP-712 (§3)

export const BALANCE_PROOF_TYPES = {
  BalanceProof: [
    { name: "channelId", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "transferred", type: "uint256" },
    { name: "locked", type: "uint256" },
    { name: "locksRoot", type: "bytes32" },
  ],
};
export const WITHDRAW_TYPES = {
  Withdraw: [
    { name: "channelId", type: "bytes32" },
    { name: "participant", type: "address" },
    { name: "totalWithdrawn", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};
export const COOPERATIVE_CLOSE_TYPES = {
  CooperativeClose: [
    { name: "channelId", type: "bytes32" },
    { name: "balance1", type: "uint256" },
    { name: "balance2", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};
export const REWARD_TYPES = {
  Reward: [
    { name: "channelId", type: "bytes32" },
    { name: "balanceProofHash", type: "bytes32" },
    { name: "watchtower", type: "address" },
    { name: "amount", type: "uint256" },
  ],
};

export function paymentChannelsDomain(chainId: bigint, verifyingContract: string): TypedDataDomain {
  return { name: "PeerPay PaymentChannels", version: "1", chainId, verifyingContract };
}

type Signer = Pick<HardhatEthersSigner, "signTypedData">;

export function signProof(signer: Signer, domain: TypedDataDomain, channelId: string, p: BalanceProof) {
  return signer.signTypedData(domain, BALANCE_PROOF_TYPES, { channelId, ...p });
}

/** The EIP-712 struct hash of a proof: what a `Reward` binds. */
export function proofHashOf(channelId: string, p: BalanceProof): string {
  return ethers.TypedDataEncoder.hashStruct("BalanceProof", BALANCE_PROOF_TYPES, { channelId, ...p });
}

export function proofDigestOf(domain: TypedDataDomain, channelId: string, p: BalanceProof): string {
  return ethers.TypedDataEncoder.hash(domain, BALANCE_PROOF_TYPES, { channelId, ...p });
}

export function signWithdraw(
  signer: Signer,
  domain: TypedDataDomain,
  channelId: string,
  participant: string,
  totalWithdrawn: bigint,
  expiry: bigint,
) {
  return signer.signTypedData(domain, WITHDRAW_TYPES, { channelId, participant, totalWithdrawn, expiry });
}

export function signCooperativeClose(
  signer: Signer,
  domain: TypedDataDomain,
  channelId: string,
  balance1: bigint,
  balance2: bigint,
  expiry: bigint,
) {
  return signer.signTypedData(domain, COOPERATIVE_CLOSE_TYPES, { channelId, balance1, balance2, expiry });
}

export function signReward(
  signer: Signer,
  domain: TypedDataDomain,
  channelId: string,
  balanceProofHash: string,
  watchtower: string,
  amount: bigint,
) {
  return signer.signTypedData(domain, REWARD_TYPES, { channelId, balanceProofHash, watchtower, amount });
}

// ------------------------------------------------------------------ fixtures

/** A channels contract, a standard ERC20 with permit, and named accounts (p1, p2, stranger, other hold and approve). */
export async function pcFixture() {
  const signers = await ethers.getSigners();
  const [p1, p2, stranger, relayer, watchtower, watchtower2, key1, key2, newKey, other] = signers;
  const pc = (await ethers.deployContract("PaymentChannels")) as unknown as PaymentChannels;
  const token = (await ethers.deployContract("MockERC20", ["Mock Token", "MCK", 18])) as unknown as MockERC20;
  const pcAddress = await pc.getAddress();
  const tokenAddress = await token.getAddress();
  for (const who of [p1, p2, stranger, other]) {
    await token.mint(who.address, TOKEN_SUPPLY);
    await token.connect(who).approve(pcAddress, ethers.MaxUint256);
  }
  const { chainId } = await ethers.provider.getNetwork();
  const domain = paymentChannelsDomain(chainId, pcAddress);
  return {
    signers,
    p1,
    p2,
    stranger,
    relayer,
    watchtower,
    watchtower2,
    key1,
    key2,
    newKey,
    other,
    pc,
    token,
    pcAddress,
    tokenAddress,
    domain,
    chainId,
  };
}

export type PcFixture = Awaited<ReturnType<typeof pcFixture>>;

/** Terms between the fixture's p1 and p2 with p1's session key authorised at open. */
export function termsOf(fx: PcFixture, token: string, over: Partial<Channel> = {}): Channel {
  return {
    participant1: fx.p1.address,
    participant2: fx.p2.address,
    token,
    key1: fx.key1.address,
    challengePeriod: PERIOD,
    salt: 1n,
    ...over,
  };
}

export const valueFor = (token: string, amount: bigint) => (token === ETH ? amount : 0n);

export interface OpenedChannel {
  channel: Channel;
  channelId: string;
  tx: ContractTransactionResponse;
  openedAt: bigint;
}

/** Opens `channel` from `opener` (its participant1) with a deposit of `amount`; checks the id against the spec. */
export async function openChannel(
  pc: PaymentChannels,
  opener: HardhatEthersSigner,
  channel: Channel,
  amount: bigint,
): Promise<OpenedChannel> {
  const tx = await pc.connect(opener).open(channel, amount, { value: valueFor(channel.token, amount) });
  const { chainId } = await ethers.provider.getNetwork();
  const channelId = channelIdOf(chainId, await pc.getAddress(), channel);
  await expect(tx).to.emit(pc, "ChannelOpened");
  expect(await pc.computeChannelId(channel)).to.equal(channelId);
  return { channel, channelId, tx, openedAt: await blockTimeOf(tx) };
}

export function depositFor(
  pc: PaymentChannels,
  from: HardhatEthersSigner,
  channel: Channel,
  participant: string,
  amount: bigint,
) {
  return pc.connect(from).deposit(channel, participant, amount, { value: valueFor(channel.token, amount) });
}

/** A channel opened by p1 with DEPOSIT1 and funded by p2 with DEPOSIT2 (so both directions can pay). */
async function fundedIn(fx: PcFixture, token: string) {
  const opened = await openChannel(fx.pc, fx.p1, termsOf(fx, token), DEPOSIT1);
  await depositFor(fx.pc, fx.p2, opened.channel, fx.p2.address, DEPOSIT2);
  return { ...fx, asset: token, ...opened };
}

export async function ethChannelFixture() {
  return fundedIn(await pcFixture(), ETH);
}

export async function erc20ChannelFixture() {
  const fx = await pcFixture();
  return fundedIn(fx, fx.tokenAddress);
}

export type ChannelFixture = Awaited<ReturnType<typeof ethChannelFixture>>;

export interface ChannelAsset {
  name: string;
  fixture: () => Promise<ChannelFixture>;
}

/** Every shared behaviour runs once per asset. */
export const CHANNEL_ASSETS: readonly ChannelAsset[] = [
  { name: "ETH", fixture: ethChannelFixture },
  { name: "ERC20", fixture: erc20ChannelFixture },
];

/** The record a close of the fixture channel by `closer` with `incoming` (the counterparty's proof) commits. */
export function closeRecord(
  fx: { p1: { address: string }; channel: Channel },
  closer: string,
  incoming: BalanceProof,
  deposits: [bigint, bigint] = [DEPOSIT1, DEPOSIT2],
  withdrawn: [bigint, bigint] = [0n, 0n],
): ChannelRecord {
  const d = incoming.nonce === 0n ? EMPTY_DIRECTION : directionOf(incoming);
  const first = closer === fx.channel.participant1;
  return {
    deposit1: deposits[0],
    deposit2: deposits[1],
    withdrawn1: withdrawn[0],
    withdrawn2: withdrawn[1],
    d12: first ? EMPTY_DIRECTION : d,
    d21: first ? d : EMPTY_DIRECTION,
  };
}

export function withDirection(r: ChannelRecord, senderIsFirst: boolean, d: Direction): ChannelRecord {
  return senderIsFirst ? { ...r, d12: d } : { ...r, d21: d };
}

export interface Closed {
  tx: ContractTransactionResponse;
  record: ChannelRecord;
  closesAt: bigint;
}

/**
 * `closer` closes with `incoming` signed by `signer` (the counterparty by default); checks the ChannelClosed event
 * and the slot against the record the spec predicts.
 */
export async function closeChannel(
  fx: ChannelFixture,
  closer: HardhatEthersSigner,
  incoming: BalanceProof = NO_PROOF,
  signer?: HardhatEthersSigner,
  expected?: ChannelRecord,
): Promise<Closed> {
  const counterparty = closer.address === fx.p1.address ? fx.p2 : fx.p1;
  const sig = incoming.nonce === 0n ? "0x" : await signProof(signer ?? counterparty, fx.domain, fx.channelId, incoming);
  const tx = await fx.pc.connect(closer).close(fx.channel, incoming, sig);
  const closesAt = (await blockTimeOf(tx)) + fx.channel.challengePeriod;
  const record = expected ?? closeRecord(fx, closer.address, incoming);
  await expect(tx)
    .to.emit(fx.pc, "ChannelClosed")
    .withArgs(fx.channelId, closer.address, closesAt, recordTuple(record));
  const info = await fx.pc.channelInfo(fx.channelId);
  expect(info.status).to.equal(PcStatus.Closed);
  expect(info.closesAt).to.equal(closesAt);
  expect(info.commitment).to.equal(commitmentOf(record));
  return { tx, record, closesAt };
}

// ------------------------------------------------------------------ solvency (§9)

function directionFrom(d: {
  nonce: bigint;
  transferred: bigint;
  locked: bigint;
  locksRoot: string;
  rewardee: string;
  reward: bigint;
}): Direction {
  return {
    nonce: d.nonce,
    transferred: d.transferred,
    locked: d.locked,
    locksRoot: d.locksRoot,
    rewardee: d.rewardee,
    reward: d.reward,
  };
}

/** A Record read from an event's arguments. */
export function recordFrom(r: {
  deposit1: bigint;
  deposit2: bigint;
  withdrawn1: bigint;
  withdrawn2: bigint;
  d12: Parameters<typeof directionFrom>[0];
  d21: Parameters<typeof directionFrom>[0];
}): ChannelRecord {
  return {
    deposit1: r.deposit1,
    deposit2: r.deposit2,
    withdrawn1: r.withdrawn1,
    withdrawn2: r.withdrawn2,
    d12: directionFrom(r.d12),
    d21: directionFrom(r.d21),
  };
}

interface Tracked {
  channel: Channel;
  status: PcStatus;
  deposit1: bigint;
  deposit2: bigint;
  withdrawn1: bigint;
  withdrawn2: bigint;
  record?: ChannelRecord;
  pending: PendingLocks;
}

/** What the contract owes, per asset, rebuilt from its events only (and checked against its views on the way). */
export async function owedFromEvents(pc: PaymentChannels): Promise<Map<string, bigint>> {
  const address = await pc.getAddress();
  const logs = await ethers.provider.getLogs({ address, fromBlock: 0, toBlock: "latest" });
  const channels = new Map<string, Tracked>();
  const credits = new Map<string, bigint>(); // `${token}:${account}`
  const get = (id: string) => {
    const t = channels.get(id);
    if (t === undefined) throw new Error(`event of unknown channel ${id}`);
    return t;
  };
  for (const log of logs) {
    const parsed = pc.interface.parseLog(log);
    if (parsed === null) continue;
    const a = parsed.args;
    switch (parsed.name) {
      case "ChannelOpened": {
        const c = a.channel;
        const channel: Channel = {
          participant1: c.participant1,
          participant2: c.participant2,
          token: c.token,
          key1: c.key1,
          challengePeriod: c.challengePeriod,
          salt: c.salt,
        };
        channels.set(a.channelId, {
          channel,
          status: PcStatus.Open,
          deposit1: a.deposit,
          deposit2: 0n,
          withdrawn1: 0n,
          withdrawn2: 0n,
          pending: NO_PENDING,
        });
        break;
      }
      case "ChannelDeposited": {
        const t = get(a.channelId);
        if (a.participant === t.channel.participant1) t.deposit1 += a.amount;
        else t.deposit2 += a.amount;
        break;
      }
      case "ChannelWithdrawn": {
        const t = get(a.channelId);
        if (a.participant === t.channel.participant1) t.withdrawn1 += a.amount;
        else t.withdrawn2 += a.amount;
        break;
      }
      case "ChannelCooperativelyClosed":
        get(a.channelId).status = PcStatus.Settled;
        break;
      case "ChannelClosed":
      case "ChannelUpdated": {
        const t = get(a.channelId);
        t.status = PcStatus.Closed;
        t.record = recordFrom(a.record);
        break;
      }
      case "ChannelSettled": {
        const t = get(a.channelId);
        t.status = PcStatus.Settled;
        const p = a.pending;
        t.pending = { locksRoot12: p.locksRoot12, held12: p.held12, locksRoot21: p.locksRoot21, held21: p.held21 };
        break;
      }
      case "LocksUnlocked": {
        const t = get(a.channelId);
        const first = a.sender === t.channel.participant1;
        const held = first ? t.pending.held12 : t.pending.held21;
        expect(a.toReceiver + a.toSender, "an unlock pays exactly what was held").to.equal(held);
        t.pending = first
          ? { ...t.pending, locksRoot12: ethers.ZeroHash, held12: 0n }
          : { ...t.pending, locksRoot21: ethers.ZeroHash, held21: 0n };
        break;
      }
      case "PaymentCredited": {
        const key = `${a.token}:${a.account}`;
        credits.set(key, (credits.get(key) ?? 0n) + a.amount);
        break;
      }
      case "CreditWithdrawn": {
        const key = `${a.token}:${a.account}`;
        credits.set(key, (credits.get(key) ?? 0n) - a.amount);
        break;
      }
      default:
        break;
    }
  }
  const owed = new Map<string, bigint>();
  const add = (token: string, amount: bigint) => owed.set(token, (owed.get(token) ?? 0n) + amount);
  for (const [id, t] of channels) {
    const info = await pc.channelInfo(id);
    expect(Number(info.status), `status of ${id}`).to.equal(t.status);
    if (t.status === PcStatus.Open) {
      expect([info.deposit1, info.deposit2], `deposits of ${id}`).to.deep.equal([t.deposit1, t.deposit2]);
      expect(await pc.withdrawnOf(id), `withdrawals of ${id}`).to.deep.equal([t.withdrawn1, t.withdrawn2]);
      add(t.channel.token, t.deposit1 + t.deposit2 - t.withdrawn1 - t.withdrawn2);
    } else if (t.status === PcStatus.Closed) {
      const r = t.record!;
      expect(info.commitment, `commitment of ${id}`).to.equal(commitmentOf(r));
      expect([r.deposit1, r.deposit2, r.withdrawn1, r.withdrawn2]).to.deep.equal([
        t.deposit1,
        t.deposit2,
        t.withdrawn1,
        t.withdrawn2,
      ]);
      add(t.channel.token, r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2);
    } else {
      expect(info.commitment, `pending commitment of ${id}`).to.equal(pendingCommitmentOf(t.pending));
      add(t.channel.token, t.pending.held12 + t.pending.held21);
    }
  }
  for (const [key, amount] of credits) {
    const [token, account] = key.split(":");
    expect(await pc.creditOf(token, account), `credit of ${account} in ${token}`).to.equal(amount);
    add(token, amount);
  }
  return owed;
}

async function assetBalance(token: string, holder: string): Promise<bigint> {
  if (token === ETH) return ethers.provider.getBalance(holder);
  const erc20 = await ethers.getContractAt("MockERC20", token);
  return erc20.balanceOf(holder);
}

/**
 * Solvency (§9): for every asset the contract has ever held for a channel or credit (plus `assets`), its balance is
 * what it owes plus what was donated to it (`donated`, per asset): never less, and no unaccounted surplus or loss.
 */
export async function expectSolvent(
  pc: PaymentChannels,
  assets: readonly string[] = [],
  donated: Readonly<Record<string, bigint>> = {},
): Promise<Map<string, bigint>> {
  const owed = await owedFromEvents(pc);
  const address = await pc.getAddress();
  const all = new Set<string>([...owed.keys(), ...assets, ...Object.keys(donated)]);
  for (const token of all) {
    const balance = await assetBalance(token, address);
    const due = owed.get(token) ?? 0n;
    expect(balance >= due, `balance ${balance} of ${token} covers ${due}`).to.equal(true);
    expect(balance - due, `surplus in ${token}`).to.equal(donated[token] ?? 0n);
  }
  return owed;
}
