// An all-or-nothing campaign in ETH: two backers pledge, the goal is reached, the deadline passes, the creator claims.
// Runs against a node with PeerPay deployed (README, "Quickstart"): PEERPAY_RPC_URL, PEERPAY_RECORD. It moves the
// node's clock past the deadline (anvil and Hardhat only); on a real chain you wait for the deadline instead.
import { readFileSync } from "node:fs";
import { JsonRpcProvider, formatEther, parseEther } from "ethers";
import { CampaignState, CrowdfundingClient, PeerPayError, addressBookFromRecord } from "peerpay";

// ethers answers an identical call from a 250 ms cache; a dev node mines faster, so a read right after a write could
// see the block before it. Off here; on a real chain the default is harmless.
const provider = new JsonRpcProvider(process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545", undefined, {
  cacheTimeout: -1,
});
const record = JSON.parse(readFileSync(process.env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
const addressBook = addressBookFromRecord(record); // on Sepolia, Base Sepolia…: leave it out, the SDK knows them

async function main(): Promise<void> {
  const [creatorWallet, aliceWallet, bobWallet] = await Promise.all([1, 2, 3].map((i) => provider.getSigner(i)));

  // The creator: terms are checked before anything is sent; the id comes from the CampaignCreated event.
  const creator = await CrowdfundingClient.connect({ runner: creatorWallet, addressBook });
  const now = await creator.chainTime(); // deadlines are judged by the chain's clock, not this machine's
  const { campaignId } = await creator.createCampaign({
    goal: parseEther("1.5"), // ETH; pass `token` for an ERC20
    deadline: now + 7 * 86_400,
    minPledge: parseEther("0.1"),
  });

  // Backers pledge with the client of the same contract (the campaign's id says which asset to send).
  const alice = new CrowdfundingClient({ address: creator.address, runner: aliceWallet });
  const bob = new CrowdfundingClient({ address: creator.address, runner: bobWallet });
  await alice.pledge({ campaignId, amount: parseEther("1") });
  await bob.pledge({ campaignId, amount: parseEther("0.5") });
  // An ERC20 campaign also takes a pledge the backer signs (signPledge) and anyone relays (pledgeBySig).

  try {
    await creator.claim({ campaignId }); // the goal is met, but the campaign runs until its deadline
  } catch (error) {
    if (error instanceof PeerPayError) console.log(`no claim before the deadline: ${error.code}`);
  }
  // Stands in for waiting a week: a dev node's clock jumps past the deadline and a block is mined at the new time.
  await provider.send("evm_increaseTime", [7 * 86_400]);
  await provider.send("evm_mine", []);

  // After the deadline: the creator claims a success; a failure would let each backer take it back (refund).
  if ((await creator.state({ campaignId })) !== CampaignState.Succeeded) throw new Error("the goal was not reached");
  await creator.claim({ campaignId });
  const { total } = await creator.campaign({ campaignId });
  console.log(`campaign claimed: ${formatEther(total)} ETH to the creator`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
