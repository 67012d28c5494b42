// Story 10 of the demo (scripts/demo.ts): crowdfunding (docs/crowdfunding.md), all or nothing. A community radio
// raises 1,000 dUSD: Bea pledges with a permit, Carl with an approval, Fay signs her pledge off-chain and Rex relays
// it (Fay pays no gas); the goal is reached and Sam, the creator, claims at the deadline. A second campaign asks
// 5 ETH and falls short: Bea pulls her refund, Rex pushes the others' with one refundMany, and a backer that is a
// contract refusing ETH is credited instead of blocking the batch, then withdraws. Each peer runs its own
// CrowdfundingClient; the story checks every amount to the unit.
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { CampaignState, CrowdfundingClient, type CampaignId } from "../../sdk";
import { MockAccount__factory, type MockERC20 } from "../../typechain-types";
import { advanceTime, fmtEth, gas, latestTimestamp, step } from "./common";

const USD = 6;
const usd = (value: string) => ethers.parseUnits(value, USD);
const fmtUsd = (value: bigint) => `${ethers.formatUnits(value, USD)} dUSD`;
const DAY = 24 * 60 * 60;

type Peer = { name: string; address: string; client: CrowdfundingClient };

function expectEqual(actual: bigint, expected: bigint, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

/** Runs the story on the suite's Crowdfunding deployment. */
export async function crowdfundingStories(
  signers: { operator: Signer; creator: Signer; bea: Signer; carl: Signer; fay: Signer; relayer: Signer; dana: Signer },
  token: MockERC20,
  deployment: { address: string; fromBlock: number },
): Promise<void> {
  console.log("\n10. Crowdfunding, all or nothing: a radio reaches its 1,000 dUSD goal; a 5 ETH campaign falls short");
  const { address, fromBlock } = deployment;
  const peer = async (name: string, signer: Signer): Promise<Peer> => ({
    name,
    address: await signer.getAddress(),
    client: new CrowdfundingClient({ address, runner: signer, fromBlock }),
  });
  const Sam = await peer("Sam (creator)", signers.creator);
  const Bea = await peer("Bea (backer)", signers.bea);
  const Carl = await peer("Carl (backer)", signers.carl);
  const Fay = await peer("Fay (backer, no gas)", signers.fay);
  const Rex = await peer("Rex (relayer)", signers.relayer);
  const tokenAddress = await token.getAddress();
  for (const p of [Bea, Carl, Fay]) await (await token.connect(signers.operator).mint(p.address, usd("500"))).wait();

  // ---------------------------------------------------------------- a campaign that succeeds
  const deadline = (await latestTimestamp()) + 14 * DAY;
  const radio = await Sam.client.createCampaign({
    token: tokenAddress,
    goal: usd("1000"),
    cap: usd("1500"),
    deadline,
    minPledge: usd("10"),
  });
  step(`Sam opens campaign #${radio.campaignId & ((1n << 96n) - 1n)} for the radio: 1,000 dUSD by 14 days, cap 1,500`);
  gas(radio.receipt, "createCampaign");
  const byPermit = await Bea.client.pledgeWithPermit({ campaignId: radio.campaignId, amount: usd("400") });
  step("Bea pledges 400 dUSD with an EIP-2612 permit: one transaction, no standing allowance");
  gas(byPermit.receipt, "pledgeWithPermit");
  const byApproval = await Carl.client.pledge({ campaignId: radio.campaignId, amount: usd("350"), approve: true });
  step("Carl pledges 350 dUSD, approving exactly that first");
  gas(byApproval.approvalReceipt, "approve (exact)");
  gas(byApproval.receipt, "pledgeToken");
  // Fay has dUSD but no ETH to spare: she approves once, then signs pledges; Rex submits them and pays the gas.
  await (await token.connect(signers.fay).approve(address, usd("300"))).wait();
  const fayEthBefore = await ethers.provider.getBalance(Fay.address);
  const signed = await Fay.client.signPledge({ campaignId: radio.campaignId, amount: usd("300"), validFor: DAY });
  step(`Fay signs Pledge(300 dUSD, nonce ${signed.nonce}) with EIP-712 and sends it to Rex: no transaction`);
  const check = await Rex.client.verifyPledge({ pledge: signed });
  const relayed = await Rex.client.pledgeBySig({ pledge: signed });
  step(`Rex verifies it (${check.valid ? "valid" : check.reason}) and submits it`);
  gas(relayed.receipt, "pledgeBySig, paid by Rex");
  expectEqual(await ethers.provider.getBalance(Fay.address), fayEthBefore, "Fay's ETH after the relayed pledge");
  try {
    await Rex.client.pledgeBySig({ pledge: signed });
    throw new Error("a relayed pledge was accepted twice");
  } catch (error) {
    if (!(error instanceof Error) || !("code" in error)) throw error;
    step(`Rex tries the same signature again: refused before sending (${String(error.code)})`);
  }
  const raised = await Sam.client.campaign({ campaignId: radio.campaignId });
  step(`pledged: ${fmtUsd(raised.total)} of ${fmtUsd(raised.goal)}`);
  await advanceTime(14 * DAY);
  const samBefore = await token.balanceOf(Sam.address);
  const claim = await Sam.client.claim({ campaignId: radio.campaignId });
  step("the deadline passes with the goal reached: Sam claims the pot");
  gas(claim.receipt, "claim");
  const claimed = (await token.balanceOf(Sam.address)) - samBefore;
  step(`Sam received ${fmtUsd(claimed)}; campaign state ${stateName(await Sam.client.state(radio))}`);
  expectEqual(claimed, usd("1050"), "Sam's claim");

  // ---------------------------------------------------------------- a campaign that fails and refunds
  const second = await Sam.client.createCampaign({
    goal: ethers.parseEther("5"),
    deadline: (await latestTimestamp()) + 7 * DAY,
  });
  step("Sam opens a second campaign for a 5 ETH transmitter, 7 days");
  gas(second.receipt, "createCampaign");
  // Dana backs it through a contract wallet that later refuses ETH (a broken multisig, say).
  const wallet = await new MockAccount__factory(signers.dana).deploy(await signers.dana.getAddress());
  await wallet.waitForDeployment();
  const walletAddress = await wallet.getAddress();
  const backers = [
    { who: Bea, amount: ethers.parseEther("1") },
    { who: Carl, amount: ethers.parseEther("1.5") },
  ];
  for (const { who, amount } of backers) {
    gas((await who.client.pledge({ campaignId: second.campaignId, amount })).receipt, `pledge (${who.name}, ETH)`);
  }
  const viaWallet = Rex.client.buildPledge({ campaignId: second.campaignId, amount: ethers.parseEther("0.5") });
  const walletPledge = await wallet.execute(viaWallet.to, viaWallet.value, viaWallet.data, { value: viaWallet.value });
  gas(await walletPledge.wait(), "pledge (Dana's contract wallet, built unsigned and sent through it)");
  await (await wallet.setRejectEth(true)).wait();
  const total = (await Sam.client.campaign(second)).total;
  step(`Bea 1, Carl 1.5 and Dana's wallet 0.5: ${fmtEth(total)} of 5 ETH; the wallet then starts refusing ETH`);
  await advanceTime(7 * DAY);
  step(`the deadline passes short of the goal: state ${stateName(await Rex.client.state(second))}`);
  const beaBefore = await ethers.provider.getBalance(Bea.address);
  const pulled = await Bea.client.refund(second);
  gas(pulled.receipt, "refund (Bea pulls)");
  expectEqual(
    (await ethers.provider.getBalance(Bea.address)) - beaBefore + pulled.receipt.fee,
    ethers.parseEther("1"),
    "Bea's refund",
  );
  step("Bea pulls her 1 ETH back");
  const carlBefore = await ethers.provider.getBalance(Carl.address);
  const pushed = await Rex.client.refundMany({
    campaignId: second.campaignId,
    backers: [Bea.address, Carl.address, walletAddress],
  });
  gas(pushed.receipt, "refundMany (Rex pushes 3 backers; Bea, already refunded, is skipped)");
  expectEqual((await ethers.provider.getBalance(Carl.address)) - carlBefore, ethers.parseEther("1.5"), "Carl's refund");
  const credit = await Rex.client.creditOf({ account: walletAddress });
  step(
    `Rex pushes the rest in one batch: Carl gets 1.5 ETH; the wallet refuses, so ${fmtEth(credit)} is credited to it`,
  );
  expectEqual(credit, ethers.parseEther("0.5"), "the wallet's credit");
  const danaAddress = await signers.dana.getAddress();
  const danaBefore = await ethers.provider.getBalance(danaAddress);
  const withdraw = await Rex.client.buildWithdraw({ to: danaAddress });
  const withdrawn = await (await wallet.execute(withdraw.to, 0n, withdraw.data)).wait();
  gas(withdrawn, "withdraw (the wallet's credit, to Dana)");
  expectEqual(
    (await ethers.provider.getBalance(danaAddress)) - danaBefore + (withdrawn?.fee ?? 0n),
    ethers.parseEther("0.5"),
    "Dana's withdrawal",
  );
  step("Dana's wallet withdraws its credit to her: every backer has their ETH back, the campaign holds nothing");
  expectEqual((await Rex.client.campaign(second)).total, 0n, "the failed campaign's total");
  const { backings } = await Bea.client.backingsOf({ backer: Bea.address, fromBlock });
  step(
    `Bea's backings from the events: ${backings
      .map(
        (b) =>
          `#${b.campaignId & ((1n << 96n) - 1n)} ${stateName(b.campaign.state)}, pledged ${format(b.campaignId, b.pledged)}, refunded ${format(b.campaignId, b.refunded)}`,
      )
      .join("; ")}`,
  );
}

function format(campaignId: CampaignId, amount: bigint): string {
  return campaignId >> 96n === 0n ? fmtEth(amount) : fmtUsd(amount);
}

function stateName(state: CampaignState): string {
  return Object.entries(CampaignState).find(([, value]) => value === state)?.[0] ?? String(state);
}
