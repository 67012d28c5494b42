// Test-side helpers for contracts/Escrow.sol, written against docs/escrow.md and independent of sdk/.
// Everything that mirrors on-chain logic (Terms packing, deal ids, EIP-712 structs) is written from the spec, so a
// test comparing these with the contract's own values checks the contract, not a copy of it.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse, Signature, TypedDataDomain } from "ethers";
import type { Escrow, MockERC20 } from "../../typechain-types";

// ------------------------------------------------------------------ constants (docs/escrow.md)

export enum Status {
  None = 0,
  Active = 1,
  Paid = 2,
  Disputed = 3,
  Closed = 4,
}

export enum Outcome {
  Release = 0,
  Refund = 1,
}

export const BPS = 10_000n;
export const MAX_MILESTONES = 16;
export const MAX_PROTOCOL_FEE_BPS = 100n;
export const MAX_ARBITER_FEE_BPS = 1_000n;
export const MIN_DISPUTE_WINDOW = 3_600n;
export const MAX_DISPUTE_WINDOW = 365n * 86_400n;
export const MAX_DURATION = 3_650n * 86_400n;
export const ETH_PUSH_GAS = 50_000n;
export const DAY = 86_400n;
export const ETH = ethers.ZeroAddress;
/** secp256k1 group order, for building high-s signatures. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// ------------------------------------------------------------------ Terms (contracts/libraries/DealLib.sol)

export interface TermsFields {
  amount: bigint;
  deadline: bigint;
  disputeWindow: bigint;
  defaultOutcome: bigint;
  fallbackBps: bigint;
  arbiterFeeBps: bigint;
  protocolFeeBps: bigint;
  salt: bigint;
}

/** [field, offset, width] from the least significant bit, as in the table of docs/escrow.md §1. */
export const TERMS_LAYOUT: ReadonlyArray<readonly [keyof TermsFields, bigint, bigint]> = [
  ["amount", 0n, 96n],
  ["deadline", 96n, 40n],
  ["disputeWindow", 136n, 32n],
  ["defaultOutcome", 168n, 8n],
  ["fallbackBps", 176n, 16n],
  ["arbiterFeeBps", 192n, 16n],
  ["protocolFeeBps", 208n, 16n],
  ["salt", 224n, 32n],
];

/** Packs terms; throws if a field does not fit its width (the test side never packs silently truncated values). */
export function packTerms(fields: TermsFields): bigint {
  let word = 0n;
  for (const [name, offset, width] of TERMS_LAYOUT) {
    const value = fields[name];
    if (value < 0n || value >= 1n << width) throw new RangeError(`${name} = ${value} does not fit ${width} bits`);
    word |= value << offset;
  }
  return word;
}

export function unpackTerms(word: bigint): TermsFields {
  const out: Partial<TermsFields> = {};
  for (const [name, offset, width] of TERMS_LAYOUT) out[name] = (word >> offset) & ((1n << width) - 1n);
  return out as TermsFields;
}

/** The terms with one packed field replaced. */
export function withTermsField(word: bigint, field: keyof TermsFields, value: bigint): bigint {
  return packTerms({ ...unpackTerms(word), [field]: value });
}

// ------------------------------------------------------------------ deals

/** The immutable terms of a deal, as `IEscrow.Deal`. */
export interface Deal {
  depositor: string;
  beneficiary: string;
  arbiter: string;
  token: string;
  terms: bigint;
  milestonesHash: string;
}

/** As `IEscrow.DealParams`, with every number a bigint. */
export interface DealParams {
  beneficiary: string;
  arbiter: string;
  token: string;
  amount: bigint;
  deadline: bigint;
  disputeWindow: bigint;
  defaultOutcome: bigint;
  fallbackBps: bigint;
  arbiterFeeBps: bigint;
  salt: bigint;
}

export interface DealState {
  status: Status;
  nonce: bigint;
  disputedAt: bigint;
  released: bigint;
  refunded: bigint;
}

const DEAL_TUPLE = ["address", "address", "address", "address", "uint256", "bytes32"];

export function dealTuple(deal: Deal): [string, string, string, string, bigint, string] {
  return [deal.depositor, deal.beneficiary, deal.arbiter, deal.token, deal.terms, deal.milestonesHash];
}

/** `keccak256(abi.encode(deal))`: a static struct encodes as its six words in order. */
export function dealIdOf(deal: Deal): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(DEAL_TUPLE, dealTuple(deal)));
}

/** keccak256 of the milestones as 32-byte words, or zero for no list. */
export function milestonesHashOf(milestones: readonly bigint[]): string {
  if (milestones.length === 0) return ethers.ZeroHash;
  return ethers.keccak256(ethers.concat(milestones.map((m) => ethers.toBeHex(m, 32))));
}

export interface CreatedDeal {
  deal: Deal;
  dealId: string;
  tx: ContractTransactionResponse;
  /** Timestamp of the block that created the deal. */
  createdAt: bigint;
}

/**
 * Creates a deal from `depositor` (ETH deals send `params.amount` unless `value` is given) and returns the terms
 * as emitted in `DealCreated`, checking on the way that the event's id is the test-side hash of those terms.
 */
export async function createDeal(
  escrow: Escrow,
  depositor: HardhatEthersSigner,
  params: DealParams,
  milestones: readonly bigint[] = [],
  value?: bigint,
): Promise<CreatedDeal> {
  const tx = await escrow
    .connect(depositor)
    .createDeal(params, [...milestones], { value: value ?? (params.token === ETH ? params.amount : 0n) });
  return dealFromTx(escrow, tx);
}

/** The deal created by `tx` (a createDeal of any kind, including through a contract account). */
export async function dealFromTx(escrow: Escrow, tx: ContractTransactionResponse): Promise<CreatedDeal> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  const escrowAddress = await escrow.getAddress();
  for (const log of receipt.logs) {
    if (log.address !== escrowAddress) continue;
    const parsed = escrow.interface.parseLog(log);
    if (parsed?.name !== "DealCreated") continue;
    const d = parsed.args.deal;
    const deal: Deal = {
      depositor: d.depositor,
      beneficiary: d.beneficiary,
      arbiter: d.arbiter,
      token: d.token,
      terms: d.terms,
      milestonesHash: d.milestonesHash,
    };
    const dealId: string = parsed.args.dealId;
    expect(dealId, "DealCreated id is keccak256(abi.encode(deal))").to.equal(dealIdOf(deal));
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    return { deal, dealId, tx, createdAt: BigInt(block!.timestamp) };
  }
  throw new Error("no DealCreated event");
}

export async function getState(escrow: Escrow, dealId: string): Promise<DealState> {
  const s = await escrow.getDealState(dealId);
  return {
    status: Number(s.status) as Status,
    nonce: s.nonce,
    disputedAt: s.disputedAt,
    released: s.released,
    refunded: s.refunded,
  };
}

/** Asserts every field of the deal's state. */
export async function expectState(escrow: Escrow, dealId: string, expected: DealState): Promise<void> {
  expect(await getState(escrow, dealId)).to.deep.equal(expected);
}

/** `gross * bps / 10_000`, rounded down, as the contract charges fees. */
export function feeOf(gross: bigint, bps: bigint): bigint {
  return (gross * bps) / BPS;
}

// ------------------------------------------------------------------ balances

type Holder = { getAddress(): Promise<string> } | string;

/** Asserts the exact change in `token` (ETH for the zero address) of each holder across `tx`; gas not counted. */
export async function expectBalanceChanges(
  tx: ContractTransactionResponse | Promise<ContractTransactionResponse>,
  token: string,
  holders: Holder[],
  deltas: bigint[],
): Promise<void> {
  if (token === ETH) {
    await expect(tx).to.changeEtherBalances(holders, deltas);
  } else {
    const erc20 = await ethers.getContractAt("MockERC20", token);
    await expect(tx).to.changeTokenBalances(erc20, holders, deltas);
  }
}

export async function balanceOf(token: string, holder: string): Promise<bigint> {
  if (token === ETH) return ethers.provider.getBalance(holder);
  const erc20 = await ethers.getContractAt("MockERC20", token);
  return erc20.balanceOf(holder);
}

// ------------------------------------------------------------------ EIP-712 (docs/escrow.md §8)

export const RELEASE_TYPES = {
  Release: [
    { name: "dealId", type: "bytes32" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};
export const REFUND_TYPES = {
  Refund: [
    { name: "dealId", type: "bytes32" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};
export const SETTLE_TYPES = {
  Settle: [
    { name: "dealId", type: "bytes32" },
    { name: "toBeneficiary", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
};

export function escrowDomain(chainId: bigint, verifyingContract: string): TypedDataDomain {
  return { name: "PeerPay Escrow", version: "1", chainId, verifyingContract };
}

export async function domainOf(escrow: Escrow): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return escrowDomain(chainId, await escrow.getAddress());
}

export interface AmountMessage {
  dealId: string;
  amount: bigint;
  nonce: bigint;
  expiry: bigint;
}

export interface SettleMessage {
  dealId: string;
  toBeneficiary: bigint;
  nonce: bigint;
  expiry: bigint;
}

export function signRelease(signer: HardhatEthersSigner, domain: TypedDataDomain, m: AmountMessage): Promise<string> {
  return signer.signTypedData(domain, RELEASE_TYPES, m);
}

export function signRefund(signer: HardhatEthersSigner, domain: TypedDataDomain, m: AmountMessage): Promise<string> {
  return signer.signTypedData(domain, REFUND_TYPES, m);
}

export function signSettle(signer: HardhatEthersSigner, domain: TypedDataDomain, m: SettleMessage): Promise<string> {
  return signer.signTypedData(domain, SETTLE_TYPES, m);
}

export function releaseDigest(domain: TypedDataDomain, m: AmountMessage): string {
  return ethers.TypedDataEncoder.hash(domain, RELEASE_TYPES, m);
}

/** The same signature with s replaced by n - s and v flipped: valid for `ecrecover`, rejected by low-s rules. */
export function highS(signature: string): string {
  const sig: Signature = ethers.Signature.from(signature);
  const s = SECP256K1_N - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return ethers.concat([sig.r, ethers.toBeHex(s, 32), ethers.toBeHex(v, 1)]);
}

/** The EIP-2098 compact (64-byte) form of a 65-byte signature. */
export function compact(signature: string): string {
  return ethers.Signature.from(signature).compactSerialized;
}

// ------------------------------------------------------------------ time

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** Makes the next mined block (the next transaction under automine) have timestamp `t`. */
export async function atTime(t: bigint): Promise<void> {
  await time.setNextBlockTimestamp(t);
}

export async function blockTimeOf(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  const block = await ethers.provider.getBlock(receipt!.blockNumber);
  return BigInt(block!.timestamp);
}

// ------------------------------------------------------------------ fixtures

export const TOKEN_SUPPLY = 10n ** 30n;

/** An escrow owned by `owner`, a standard ERC20 with permit, and named accounts. No protocol fee. */
export async function escrowFixture() {
  const signers = await ethers.getSigners();
  const [owner, depositor, beneficiary, arbiter, stranger, relayer, feeRecipient, other] = signers;
  const escrow = await ethers.deployContract("Escrow", [owner.address]);
  const token = (await ethers.deployContract("MockERC20", ["Mock Token", "MCK", 18])) as unknown as MockERC20;
  const escrowAddress = await escrow.getAddress();
  const tokenAddress = await token.getAddress();
  for (const who of [depositor, beneficiary, stranger, other]) {
    await token.mint(who.address, TOKEN_SUPPLY);
    await token.connect(who).approve(escrowAddress, ethers.MaxUint256);
  }
  return {
    signers,
    owner,
    depositor,
    beneficiary,
    arbiter,
    stranger,
    relayer,
    feeRecipient,
    other,
    escrow,
    token,
    escrowAddress,
    tokenAddress,
  };
}

export type EscrowFixture = Awaited<ReturnType<typeof escrowFixture>>;

/** The protocol fee the deal fixtures run under: 1% (the maximum), so that every beneficiary payout checks it. */
export const PROTOCOL_FEE_BPS = 100n;

export async function feeEscrowFixture() {
  const fx = await escrowFixture();
  await fx.escrow.connect(fx.owner).setProtocolFee(PROTOCOL_FEE_BPS, fx.feeRecipient.address);
  return fx;
}

/** An amount whose fees do not divide evenly, so that rounding is checked. */
export const AMOUNT = 10n ** 18n + 123_457n;
export const WINDOW = DAY;
export const FALLBACK_BPS = 2_500n;
export const ARBITER_FEE_BPS = 500n;
export const DURATION = 7n * DAY;

/** Params for a deal from the fixture's depositor to its beneficiary, under its arbiter (P2P sale shape). */
export function arbiterParams(fx: EscrowFixture, token: string, deadline: bigint, over: Partial<DealParams> = {}) {
  const p: DealParams = {
    beneficiary: fx.beneficiary.address,
    arbiter: fx.arbiter.address,
    token,
    amount: AMOUNT,
    deadline,
    disputeWindow: WINDOW,
    defaultOutcome: BigInt(Outcome.Refund),
    fallbackBps: FALLBACK_BPS,
    arbiterFeeBps: ARBITER_FEE_BPS,
    salt: 1n,
  };
  return { ...p, ...over };
}

/** Params for a deal without an arbiter that releases on timeout. */
export function plainParams(fx: EscrowFixture, token: string, deadline: bigint, over: Partial<DealParams> = {}) {
  const p: DealParams = {
    beneficiary: fx.beneficiary.address,
    arbiter: ethers.ZeroAddress,
    token,
    amount: AMOUNT,
    deadline,
    disputeWindow: 0n,
    defaultOutcome: BigInt(Outcome.Release),
    fallbackBps: 0n,
    arbiterFeeBps: 0n,
    salt: 2n,
  };
  return { ...p, ...over };
}

async function dealsFor(fx: EscrowFixture, token: string) {
  const deadline = (await now()) + DURATION;
  // arbiterDeal: with an arbiter, Refund on timeout (the P2P shape); plainDeal: no arbiter, Release on timeout.
  const arbiterDeal = await createDeal(fx.escrow, fx.depositor, arbiterParams(fx, token, deadline));
  const plainDeal = await createDeal(fx.escrow, fx.depositor, plainParams(fx, token, deadline));
  return { ...fx, asset: token, deadline, arbiterDeal, plainDeal };
}

/** Two ETH deals (arbiter/Refund and plain/Release) under a 1% protocol fee. */
export async function ethDealsFixture() {
  return dealsFor(await feeEscrowFixture(), ETH);
}

/** The same two deals in the standard ERC20. */
export async function erc20DealsFixture() {
  const fx = await feeEscrowFixture();
  return dealsFor(fx, fx.tokenAddress);
}

export type DealsFixture = Awaited<ReturnType<typeof ethDealsFixture>>;

export interface Asset {
  name: string;
  fixture: () => Promise<DealsFixture>;
}

/** Every shared behaviour runs once per asset. */
export const ASSETS: readonly Asset[] = [
  { name: "ETH", fixture: ethDealsFixture },
  { name: "ERC20", fixture: erc20DealsFixture },
];

// ------------------------------------------------------------------ raw deal state (storage writes)

/** The DealState word as specified: status 8 bits, nonce 16, disputedAt 40, released 96, refunded 96. */
export function encodeState(s: DealState): bigint {
  return BigInt(s.status) | (s.nonce << 8n) | (s.disputedAt << 24n) | (s.released << 64n) | (s.refunded << 160n);
}

function mappingKey(dealId: string, slot: bigint): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [dealId, slot]));
}

/** The storage key of a deal's state, found by reading: the one mapping slot under which its id holds a value. */
export async function findStateKey(fx: DealsFixture, dealId: string): Promise<string> {
  const found: string[] = [];
  for (let slot = 0n; slot < 32n; slot++) {
    const key = mappingKey(dealId, slot);
    if ((await ethers.provider.getStorage(fx.escrowAddress, key)) !== ethers.ZeroHash) found.push(key);
  }
  expect(found, "exactly one mapping slot holds the deal").to.have.length(1);
  return found[0];
}

export /** Writes a deal's state slot directly: reaches states (such as a nonce near its limit) too slow to reach by calls. */
async function writeState(fx: DealsFixture, dealId: string, state: DealState): Promise<void> {
  const key = await findStateKey(fx, dealId);
  await network.provider.send("hardhat_setStorageAt", [fx.escrowAddress, key, ethers.toBeHex(encodeState(state), 32)]);
  expect(await getState(fx.escrow, dealId)).to.deep.equal(state);
}
