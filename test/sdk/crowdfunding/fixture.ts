// The crowdfunding SDK tests' fixture: the contract tests' deployment (the real Escrow, a permit token every party
// holds and approved) with a CrowdfundingClient per party, and small helpers to create and pledge through them.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { Signer, TransactionReceipt } from "ethers";
import { CrowdfundingClient, type CampaignId, type CreateCampaignParameters } from "../../../sdk";
import { crowdfundingFixture, DAY, GOAL, UNIT } from "../../helpers/crowdfunding";

export { DAY, GOAL, UNIT };

export async function sdkCrowdfundingFixture() {
  const f = await crowdfundingFixture();
  const client = (runner: Signer) => new CrowdfundingClient({ address: f.cfAddress, runner });
  return {
    ...f,
    client,
    creatorClient: client(f.creator),
    aliceClient: client(f.alice),
    bobClient: client(f.bob),
    carolClient: client(f.carol),
    relayerClient: client(f.stranger),
    reader: new CrowdfundingClient({ address: f.cfAddress, runner: ethers.provider }),
  };
}

export type SdkCrowdfundingFixture = Awaited<ReturnType<typeof sdkCrowdfundingFixture>>;

/** A direct campaign of GOAL ending a week after the latest block, in ETH unless `token`, created by the creator. */
export async function createCampaign(
  f: SdkCrowdfundingFixture,
  overrides: Partial<CreateCampaignParameters> = {},
): Promise<{ campaignId: CampaignId; deadline: number }> {
  const deadline = (await time.latest()) + 7 * Number(DAY);
  const { campaignId } = await f.creatorClient.createCampaign({ goal: GOAL, deadline, ...overrides });
  return { campaignId, deadline: Number(overrides.deadline ?? deadline) };
}

/** Milestone terms for the SDK's parameters: 30/30/40%, the fixture's arbiter, a 30-day deal refunding on timeout. */
export function milestoneParameters(arbiter: string): Partial<CreateCampaignParameters> {
  return {
    milestoneBps: [3_000, 3_000, 4_000],
    arbiter,
    dealDuration: 30 * Number(DAY),
    disputeWindow: 7 * Number(DAY),
    defaultOutcome: 1,
    fallbackBps: 5_000,
    arbiterFeeBps: 100,
  };
}

type Sent = { receipt?: TransactionReceipt } | TransactionReceipt | null | undefined;

function receiptOf(result: Sent): TransactionReceipt | undefined {
  if (result === null || result === undefined) return undefined;
  return "receipt" in result ? result.receipt : (result as TransactionReceipt);
}

/** Asserts that `action` moved `account`'s ETH by `expected`, its own gas excluded when it sent the transaction. */
export async function expectEthChange(account: string, action: () => Promise<Sent>, expected: bigint): Promise<void> {
  const before = await ethers.provider.getBalance(account);
  const receipt = receiptOf(await action());
  const fee = receipt !== undefined && receipt.from === account ? receipt.fee : 0n;
  expect((await ethers.provider.getBalance(account)) - before + fee).to.equal(expected);
}

/** Asserts that `action` moved `account`'s balance of `token` by `expected`. */
export async function expectTokenChange(
  token: { balanceOf(account: string): Promise<bigint> },
  account: string,
  action: () => Promise<unknown>,
  expected: bigint,
): Promise<void> {
  const before = await token.balanceOf(account);
  await action();
  expect((await token.balanceOf(account)) - before).to.equal(expected);
}
