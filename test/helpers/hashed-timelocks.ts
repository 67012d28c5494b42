// Test-side helpers for contracts/HashedTimelocks.sol, written against docs/atomic-swaps.md and independent of sdk/.
// Lock ids and hashlocks are computed here from the spec (HT-1: keccak256 of the ABI-encoded terms; sha256 of the
// 32-byte secret), so a test comparing them with the contract's own values checks the contract, not a copy of it.
// The solvency check (HT-17) rebuilds what the contract owes from its events alone and compares it with its
// balances and its credit views.
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, keccak256, sha256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import type { HashedTimelocks, MockERC20 } from "../../typechain-types";
import { ETH, TOKEN_SUPPLY, atTime, now } from "./escrow";

// ------------------------------------------------------------------ constants (docs/atomic-swaps.md)

export enum HtStatus {
  None = 0,
  Locked = 1,
  Claimed = 2,
  Refunded = 3,
}

export const HOUR = 3_600n;
export const DAY = 86_400n;
export const MAX_TIMELOCK_DURATION = 30n * DAY;
/** Amounts that are not round numbers, so that a swapped or lost amount shows. */
export const AMOUNT = 10n ** 18n + 12_345n;
export const DEPOSIT = 10n ** 16n + 678n;
/** A finite allowance (the token writes it back on every pull), far above any test's needs. */
export const ALLOWANCE = 10n ** 28n;

// ------------------------------------------------------------------ terms

/** The immutable terms, as `IHashedTimelocks.Lock`. */
export interface Lock {
  sender: string;
  receiver: string;
  token: string;
  amount: bigint;
  hashlock: string;
  timelock: bigint;
  safetyDeposit: bigint;
  publicClaimAt: bigint;
  publicRefundAt: bigint;
  salt: bigint;
}

export const LOCK_ABI_TYPE =
  "tuple(address sender,address receiver,address token,uint256 amount,bytes32 hashlock,uint64 timelock," +
  "uint256 safetyDeposit,uint64 publicClaimAt,uint64 publicRefundAt,uint256 salt)";

/** HT-1: keccak256(abi.encode(lock)). */
export function lockIdOf(lock: Lock): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode([LOCK_ABI_TYPE], [lock]));
}

/** A 32-byte secret derived from a label (a test's secrets are distinct and reproducible). */
export function secretOf(label: string): string {
  return keccak256(toUtf8Bytes(`peerpay.test.htlc.${label}`));
}

/** The hashlock of a 32-byte secret: a single SHA-256 over its 32 bytes (BIP-199's OP_SHA256). */
export function hashlockOf(secret: string): string {
  return sha256(secret);
}

export const SECRET = secretOf("default");
export const HASHLOCK = hashlockOf(SECRET);

/** What `lock` must be sent with (HT-6). */
export function valueOf(lock: Lock): bigint {
  return (lock.token === ETH ? lock.amount : 0n) + lock.safetyDeposit;
}

// ------------------------------------------------------------------ fixtures

export type Asset = "ETH" | "ERC20";

/** A HashedTimelocks, a standard ERC20 with permit, and named accounts holding ETH and the token. */
export async function htlcFixture() {
  const [deployer, sender, receiver, watcher, stranger, other] = await ethers.getSigners();
  const htlc = (await ethers.deployContract("HashedTimelocks")) as unknown as HashedTimelocks;
  const token = (await ethers.deployContract("MockERC20", ["Mock Token", "MCK", 18])) as unknown as MockERC20;
  const htlcAddress = await htlc.getAddress();
  const tokenAddress = await token.getAddress();
  for (const s of [sender, receiver, watcher, stranger, other]) {
    await token.mint(s.address, TOKEN_SUPPLY);
    await token.connect(s).approve(htlcAddress, ALLOWANCE);
  }
  return { deployer, sender, receiver, watcher, stranger, other, htlc, token, htlcAddress, tokenAddress };
}

export type HtlcFixture = Awaited<ReturnType<typeof htlcFixture>>;

let saltCounter = 0x5eed_0000n;

/**
 * Terms from `fx.sender` to `fx.receiver` under the default hashlock, with a timelock `after` seconds past `start`
 * (default: one hour), no deposit, a fresh salt. `overrides` replace any field.
 */
export function termsOf(fx: HtlcFixture, asset: Asset | string, start: bigint, overrides: Partial<Lock> = {}): Lock {
  const token = asset === "ETH" ? ETH : asset === "ERC20" ? fx.tokenAddress : asset;
  return {
    sender: fx.sender.address,
    receiver: fx.receiver.address,
    token,
    amount: AMOUNT,
    hashlock: HASHLOCK,
    timelock: start + HOUR,
    safetyDeposit: 0n,
    publicClaimAt: 0n,
    publicRefundAt: 0n,
    salt: saltCounter++,
    ...overrides,
  };
}

/** Terms with a safety deposit: public claims from `start + 30 min`, public refunds from `timelock + 1 h`. */
export function depositTermsOf(
  fx: HtlcFixture,
  asset: Asset | string,
  start: bigint,
  overrides: Partial<Lock> = {},
): Lock {
  const base = termsOf(fx, asset, start, overrides);
  return {
    ...base,
    safetyDeposit: DEPOSIT,
    publicClaimAt: start + HOUR / 2n,
    publicRefundAt: base.timelock + HOUR,
    ...overrides,
  };
}

/** The time of the next block a test schedules: after the chain's latest, with room for a few blocks mined at wall-clock pace in between. */
export async function nextTime(): Promise<bigint> {
  return (await now()) + 60n;
}

/** Locks `terms` at time `at` (if given), sent by `signer` (default: the terms' sender) with the right value. */
export async function lockAt(
  fx: HtlcFixture,
  terms: Lock,
  at?: bigint,
  signer?: HardhatEthersSigner,
): Promise<ContractTransactionResponse> {
  if (at !== undefined) await atTime(at);
  const from = signer ?? (await ethers.getSigner(terms.sender));
  return fx.htlc.connect(from).lock(terms, { value: valueOf(terms) });
}

/** Makes a lock at a scheduled time and returns its terms, id and the lock time. */
/** `asset`: "ETH", "ERC20" (the fixture's token) or a token address. */
export async function lockedFixture(
  fx: HtlcFixture,
  asset: Asset | string,
  overrides: Partial<Lock> = {},
  deposit = false,
) {
  const start = await nextTime();
  const terms = deposit ? depositTermsOf(fx, asset, start, overrides) : termsOf(fx, asset, start, overrides);
  await lockAt(fx, terms, start);
  return { terms, id: lockIdOf(terms), start };
}

export async function expectStatus(htlc: HashedTimelocks, terms: Lock, status: HtStatus): Promise<void> {
  expect(await htlc.statusOf(lockIdOf(terms))).to.equal(status);
}

// ------------------------------------------------------------------ solvency (HT-17), from events alone

/**
 * HT-17: for ETH and every token the contract has seen, its balance covers the amounts (and, in ETH, the safety
 * deposits) of every lock still `Locked` plus every credit not yet withdrawn, all rebuilt from the contract's events.
 * Every credit of the events also matches `creditOf`. Returns the surplus per asset (donations, forced ETH).
 */
export async function expectSolvent(htlc: HashedTimelocks): Promise<Map<string, bigint>> {
  const owed = new Map<string, bigint>();
  const add = (token: string, v: bigint) => owed.set(token, (owed.get(token) ?? 0n) + v);
  owed.set(ETH, 0n);
  const open = new Map<string, Lock>();
  for (const e of await htlc.queryFilter(htlc.filters.Locked())) {
    const t = e.args.terms;
    add(t.token, 0n); // every asset ever locked is checked, even when nothing of it is owed any more
    open.set(e.args.id, {
      sender: t.sender,
      receiver: t.receiver,
      token: t.token,
      amount: t.amount,
      hashlock: t.hashlock,
      timelock: t.timelock,
      safetyDeposit: t.safetyDeposit,
      publicClaimAt: t.publicClaimAt,
      publicRefundAt: t.publicRefundAt,
      salt: t.salt,
    });
  }
  for (const e of await htlc.queryFilter(htlc.filters.Claimed())) open.delete(e.args.id);
  for (const e of await htlc.queryFilter(htlc.filters.Refunded())) open.delete(e.args.id);
  for (const [id, lock] of open) {
    expect(await htlc.statusOf(id), `open lock ${id}`).to.equal(HtStatus.Locked);
    add(lock.token, lock.amount);
    add(ETH, lock.safetyDeposit);
  }
  const credits = new Map<string, bigint>();
  for (const e of await htlc.queryFilter(htlc.filters.PaymentCredited())) {
    const key = `${e.args.token}/${e.args.account}`;
    credits.set(key, (credits.get(key) ?? 0n) + e.args.amount);
  }
  for (const e of await htlc.queryFilter(htlc.filters.CreditWithdrawn())) {
    const key = `${e.args.token}/${e.args.account}`;
    credits.set(key, (credits.get(key) ?? 0n) - e.args.amount);
  }
  for (const [key, amount] of credits) {
    const [token, account] = key.split("/");
    expect(await htlc.creditOf(token, account), `credit ${key}`).to.equal(amount);
    add(token, amount);
  }
  const address = await htlc.getAddress();
  const surplus = new Map<string, bigint>();
  for (const [token, amount] of owed) {
    const balance =
      token === ETH
        ? await ethers.provider.getBalance(address)
        : await (await ethers.getContractAt("MockERC20", token)).balanceOf(address);
    expect(balance >= amount, `insolvent in ${token}: balance ${balance} < owed ${amount}`).to.equal(true);
    surplus.set(token, balance - amount);
  }
  return surplus;
}
