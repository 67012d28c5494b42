// Fixtures and helpers of the crowdfunding tests (docs/crowdfunding.md): a deployment with the real Escrow, an ERC20
// with permit, funded backers with finite allowances, campaign parameters with defaults, the EIP-712 `Pledge`.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse, Signer, TypedDataDomain } from "ethers";
import type { Crowdfunding, Escrow, ICrowdfunding, MockERC20 } from "../../typechain-types";

export const ETH = ethers.ZeroAddress;
export const ZERO = ethers.ZeroAddress;
export const DAY = 86_400n;
export const UNIT = 10n ** 18n;
export const GOAL = 10n * UNIT;
export const DURATION = 7n * DAY;
/** Finite allowances, as in the gas conditions. */
export const ALLOWANCE = 10n ** 30n;
export const MAX_DURATION = 365n * DAY;
export const MAX_FEE_BPS = 1_000n;
/** CF-M3: how long a majority-approved milestone waits before `releaseMilestone`. */
export const RELEASE_DELAY = 3n * DAY;
/** `releaseTimeOf` of a released milestone. */
export const RELEASED = ethers.MaxUint256;

export enum State {
  None,
  Upcoming,
  Running,
  Succeeded,
  Failed,
  Claimed,
  Cancelled,
}

export const PLEDGE_TYPES = {
  Pledge: [
    { name: "campaignId", type: "uint256" },
    { name: "backer", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export type Params = ICrowdfunding.CampaignParamsStruct;

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** Campaign parameters: a direct campaign of GOAL ending DURATION after the latest block, no cap, no fee. */
export async function paramsOf(token: string, overrides: Partial<Params> = {}): Promise<Params> {
  return {
    token,
    goal: GOAL,
    cap: 0n,
    start: 0n,
    deadline: (await now()) + DURATION,
    minPledge: 0n,
    feeBps: 0n,
    feeRecipient: ZERO,
    milestoneBps: [],
    arbiter: ZERO,
    dealDuration: 0n,
    disputeWindow: 0n,
    defaultOutcome: 0n,
    fallbackBps: 0n,
    arbiterFeeBps: 0n,
    ...overrides,
  };
}

/** Milestone terms: three milestones (30/30/40%), an arbiter, a 30-day deal refunding on timeout. */
export function milestoneTerms(arbiter: string): Partial<Params> {
  return {
    milestoneBps: [3_000n, 3_000n, 4_000n],
    arbiter,
    dealDuration: 30n * DAY,
    disputeWindow: 7n * DAY,
    defaultOutcome: 1n,
    fallbackBps: 5_000n,
    arbiterFeeBps: 100n,
  };
}

/** The campaign id created by a transaction. */
export async function idFrom(cf: Crowdfunding, tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = cf.interface.parseLog(log);
    if (parsed?.name === "CampaignCreated") return parsed.args.campaignId as bigint;
  }
  throw new Error("no CampaignCreated event");
}

export async function create(cf: Crowdfunding, creator: Signer, params: Params): Promise<bigint> {
  return idFrom(cf, cf.connect(creator).createCampaign(params));
}

/** Pledges `amount` in the campaign's asset (read from the id, CF-S2). */
export function pledge(cf: Crowdfunding, backer: Signer, id: bigint, amount: bigint) {
  return id >> 96n === 0n
    ? cf.connect(backer).pledge(id, { value: amount })
    : cf.connect(backer).pledgeToken(id, amount);
}

export async function domainOf(cf: Crowdfunding, chainId?: bigint): Promise<TypedDataDomain> {
  return {
    name: "PeerPay Crowdfunding",
    version: "1",
    chainId: chainId ?? (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await cf.getAddress(),
  };
}

export interface PledgeMessage {
  campaignId: bigint;
  backer: string;
  amount: bigint;
  nonce: bigint;
  deadline: bigint;
}

export function signPledge(signer: Signer, domain: TypedDataDomain, message: PledgeMessage): Promise<string> {
  return signer.signTypedData(domain, PLEDGE_TYPES, message);
}

export interface CrowdfundingFixture {
  cf: Crowdfunding;
  escrow: Escrow;
  token: MockERC20;
  tokenAddress: string;
  cfAddress: string;
  owner: HardhatEthersSigner;
  creator: HardhatEthersSigner;
  arbiter: HardhatEthersSigner;
  platform: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

/** The real Escrow, Crowdfunding on it, and a permit token every party holds and backers approved (finite). */
export async function crowdfundingFixture(): Promise<CrowdfundingFixture> {
  const [owner, creator, arbiter, platform, alice, bob, carol, stranger] = await ethers.getSigners();
  const escrow = await ethers.deployContract("Escrow", [owner.address]);
  const cf = await ethers.deployContract("Crowdfunding", [owner.address, await escrow.getAddress()]);
  const token = await ethers.deployContract("MockERC20", ["Pledge Token", "PLG", 18]);
  const cfAddress = await cf.getAddress();
  for (const s of [creator, arbiter, platform, alice, bob, carol, stranger]) {
    await token.mint(s.address, 1_000n * UNIT);
    await token.connect(s).approve(cfAddress, ALLOWANCE);
  }
  return {
    cf,
    escrow,
    token,
    tokenAddress: await token.getAddress(),
    cfAddress,
    owner,
    creator,
    arbiter,
    platform,
    alice,
    bob,
    carol,
    stranger,
  };
}

/** Sets the next block's timestamp to `t` (the next transaction runs at exactly `t`). */
export async function at(t: bigint): Promise<void> {
  await time.setNextBlockTimestamp(t);
}

/** The campaign's deadline and start, as stored. */
export async function timesOf(cf: Crowdfunding, id: bigint): Promise<{ start: bigint; deadline: bigint }> {
  const c = await cf.campaign(id);
  return { start: c.start, deadline: c.deadline };
}

/** Mines a block at `t`, so that views see that time. */
export async function mineAt(t: bigint): Promise<void> {
  await time.increaseTo(t);
}

/** The escrow deal of a claimed milestone campaign, as the Escrow's `Deal` struct, and its milestone amounts. */
export async function dealOf(cf: Crowdfunding, id: bigint) {
  const [d, milestones] = await cf.dealOf(id);
  return {
    deal: {
      depositor: d.depositor,
      beneficiary: d.beneficiary,
      arbiter: d.arbiter,
      token: d.token,
      terms: d.terms,
      milestonesHash: d.milestonesHash,
    },
    milestones: [...milestones],
  };
}

/** The deadline packed in an Escrow deal's terms (bits 96..135, docs/escrow.md). */
export function dealDeadlineOf(terms: bigint): bigint {
  return (terms >> 96n) & ((1n << 40n) - 1n);
}

/**
 * The majority scenario of the CF-M3 findings: a token milestone campaign where alice (3.5) and bob (2.5), the
 * creator's own addresses, hold 60% of the total and carol and the stranger (2 each) 40%, claimed at its deadline.
 */
export async function majorityClaimed(fx: CrowdfundingFixture) {
  const { cf, escrow, creator, arbiter, tokenAddress, carol, stranger } = fx;
  const id = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
  await pledge(cf, fx.alice, id, 35n * (UNIT / 10n));
  await pledge(cf, fx.bob, id, 25n * (UNIT / 10n));
  await pledge(cf, carol, id, 2n * UNIT);
  await pledge(cf, stranger, id, 2n * UNIT);
  await at((await timesOf(cf, id)).deadline);
  await cf.connect(creator).claim(id);
  const { deal, milestones } = await dealOf(cf, id);
  return { id, deal, milestones, dealId: await escrow.computeDealId(deal), sock1: fx.alice, sock2: fx.bob };
}
