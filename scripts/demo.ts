// The main job: PeerPay end to end on the embedded Hardhat network, or on a development node (hardhat node, anvil).
// It deploys the suite as `npm run deploy` does, then independent peers, each with its own wallet and its own SDK
// client, act out the stories users come for; the script prints what happened: balances before and after, the gas
// of every step, and payments per second.
//
//   npm run demo                              embedded Hardhat network (records deployments/hardhat.json)
//   npm run demo -- --network localhost       a node at LOCALHOST_RPC_URL (default http://127.0.0.1:8545)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { artifacts, ethers, network } from "hardhat";
import { Wallet, type Signer } from "ethers";
import { EscrowClient, Outcome, DealStatus, PayeeClient, PayerClient, PeerPayError, type DealId } from "../sdk";
import { FileVoucherStore } from "../sdk/node";
import { MockERC20__factory, type MockERC20 } from "../typechain-types";
import { DEFAULT_SALT, deploySuite, loadSuiteArtifacts, type SuiteContract } from "./lib/deploy";
import {
  advanceTime,
  fmtEth,
  gas,
  gasUsed,
  latestTimestamp,
  printDeltas,
  progress,
  step,
  totalGasUsed,
} from "./demo/common";
import { channelNetwork } from "./demo/channel-network";
import { twoWayChannels } from "./demo/payment-channels";
import { crossChainDeskTrade } from "./demo/atomic-swap";
import { swapDesk } from "./demo/swaps";
import { paidHttpApi } from "./demo/paid-http";
import { crowdfundingStories } from "./demo/crowdfunding";
import { auctionHouse } from "./demo/auctions";
import { lendingDesk } from "./demo/lending";

const USD = 6; // decimals of the demo stablecoin
const usd = (value: string) => ethers.parseUnits(value, USD);
const fmtUsd = (value: bigint) => `${ethers.formatUnits(value, USD)} dUSD`;

type Peer = { name: string; signer: Signer; address: string; escrow: EscrowClient };

async function tokenBalances(token: MockERC20, peers: Peer[]) {
  return Promise.all(peers.map((p) => token.balanceOf(p.address)));
}

async function main() {
  const started = Date.now();
  const signers = await ethers.getSigners();
  if (signers.length < 9) {
    throw new Error(`the demo needs 9 funded accounts, network ${network.name} has ${signers.length}`);
  }
  const [operator, seller, buyer, desk, client, freelancer, relayer, app, api] = signers;
  const { chainId } = await ethers.provider.getNetwork();
  // The stories play out deadlines by moving the chain's clock, which only development nodes allow.
  if (chainId !== 31337n && chainId !== 1337n) {
    throw new Error(
      `the demo moves the chain's clock: run it on the embedded network, localhost or anvil, not chain ${chainId}`,
    );
  }
  console.log(`PeerPay demo on network "${network.name}" (chain id ${chainId})\n`);

  // ---------------------------------------------------------------- deployment
  // The same deploy run as `npm run deploy` (docs/deployments.md): CREATE2 addresses, a record in deployments/, and
  // nothing sent again on a network where this build is already deployed (e.g. a second demo on one node).
  console.log("Deploying the PeerPay suite (npm run deploy does the same)");
  const deployment = await deploySuite({
    provider: ethers.provider,
    signer: operator,
    network: network.name,
    deploymentsDir: resolve(process.env.PEERPAY_DEPLOYMENTS_DIR || join(__dirname, "..", "deployments")),
    artifacts: await loadSuiteArtifacts(artifacts),
    salt: DEFAULT_SALT,
    logger: () => {},
  });
  for (const outcome of deployment.contracts) {
    step(`${outcome.name} ${outcome.action} at ${outcome.address}`);
    if (outcome.gasUsed !== null) gasUsed(outcome.gasUsed, `deploy ${outcome.name}`);
  }
  step(`recorded in ${relative(process.cwd(), deployment.recordPath)}`);
  const suite = (name: SuiteContract) => {
    const entry = deployment.record.contracts[name];
    if (entry === undefined) throw new Error(`${name} missing from the deployment record`);
    return { address: entry.address, fromBlock: entry.blockNumber ?? 0 };
  };
  const { address: escrowAddress, fromBlock: escrowFromBlock } = suite("Escrow");
  const token = await new MockERC20__factory(operator).deploy("Demo Dollar", "dUSD", USD);
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();
  step(`demo stablecoin dUSD (6 decimals, EIP-2612 permit) at ${tokenAddress}`);
  await (await token.mint(seller.address, usd("10000"))).wait();

  const peer = async (name: string, signer: Signer): Promise<Peer> => ({
    name,
    signer,
    address: await signer.getAddress(),
    // Each peer runs its own client with its own wallet: nothing is shared but the chain.
    escrow: new EscrowClient({ address: escrowAddress, runner: signer, fromBlock: escrowFromBlock }),
  });
  const Sam = await peer("Sam (crypto seller)", seller);
  const Bea = await peer("Bea (buyer)", buyer);
  const Dana = await peer("Dana (desk arbiter)", desk);
  const Carl = await peer("Carl (client)", client);
  const Fay = await peer("Fay (freelancer)", freelancer);
  const Rex = await peer("Rex (relayer)", relayer);

  // ---------------------------------------------------------------- story 1: a P2P trade
  console.log("\n1. P2P trade: Sam sells 500 dUSD to Bea, who pays him in fiat off-chain");
  const p2p = [Sam, Bea, Dana];
  const p2pBefore = await tokenBalances(token, p2p);
  const now1 = await latestTimestamp();
  const trade = await Sam.escrow.createDeal({
    beneficiary: Bea.address,
    token: tokenAddress,
    amount: usd("500"),
    deadline: now1 + 30 * 60, // Bea has 30 minutes to pay
    defaultOutcome: Outcome.Refund, // if the fiat never arrives, the crypto goes back to Sam
    arbiter: Dana.address,
    disputeWindow: 24 * 60 * 60,
    fallbackBps: 5_000,
    arbiterFeeBps: 100,
    funding: "permit", // one transaction: an EIP-2612 permit signed off-chain, then the deposit
  });
  step(`Sam locks 500 dUSD for Bea with a permit (deal ${short(trade.dealId)}), refund to Sam if unpaid in 30 min`);
  gas(trade.receipt, "createDealWithPermit");
  step("Bea sends the fiat through her bank and marks the deal paid");
  gas((await Bea.escrow.markPaid({ deal: trade.dealId })).receipt, "markPaid");
  step("the 30 minutes pass while Sam checks his bank account");
  await advanceTime(31 * 60);
  try {
    await Sam.escrow.triggerTimeout({ deal: trade.dealId });
    throw new Error("the timeout refunded a deal marked paid");
  } catch (error) {
    if (!(error instanceof PeerPayError)) throw error;
    step(`a timeout can no longer refund him once Bea has marked it paid: ${error.code}`);
  }
  step("the fiat is there: Sam releases the crypto");
  gas((await Sam.escrow.release({ deal: trade.deal, amount: usd("500") })).receipt, "release (full)");
  const tradeState = await Bea.escrow.getDealState({ dealId: trade.dealId });
  step(`deal status: ${statusName(tradeState.status)}`);
  printDeltas("balances", p2p, p2pBefore, await tokenBalances(token, p2p), fmtUsd);

  // ---------------------------------------------------------------- story 2: milestones and a dispute
  console.log("\n2. Freelance job in ETH: 3 milestones, auto-approval on timeout, one dispute ruled by Dana");
  const job = [Carl, Fay, Dana];
  const ethBefore = await Promise.all(job.map((p) => ethers.provider.getBalance(p.address)));
  const now2 = await latestTimestamp();
  const milestones = [ethers.parseEther("1"), ethers.parseEther("1.5"), ethers.parseEther("0.5")];
  const jobDeal = await Carl.escrow.createDeal({
    beneficiary: Fay.address,
    amount: ethers.parseEther("3"),
    milestones,
    deadline: now2 + 14 * 24 * 60 * 60,
    defaultOutcome: Outcome.Release, // silence is approval: Fay is paid if Carl never objects
    arbiter: Dana.address,
    disputeWindow: 3 * 24 * 60 * 60,
    fallbackBps: 5_000,
    arbiterFeeBps: 200,
  });
  step(`Carl escrows 3 ETH for Fay in milestones of 1, 1.5 and 0.5 ETH (deal ${short(jobDeal.dealId)})`);
  gas(jobDeal.receipt, "createDeal with milestones");
  step("Fay delivers milestone 1; Carl approves it");
  gas((await Carl.escrow.releaseMilestone({ deal: jobDeal.deal, index: 0 })).receipt, "releaseMilestone(0)");
  step("Carl disputes the quality of milestone 2 before the deadline");
  gas((await Carl.escrow.dispute({ deal: jobDeal.deal })).receipt, "dispute");
  const disputed = await Dana.escrow.getDeal({ dealId: jobDeal.dealId });
  step(`Dana reviews: ${fmtEth(disputed.remaining)} in dispute, her fee is 2% of it`);
  const fee = (disputed.remaining * 200n) / 10_000n;
  const toFay = ((disputed.remaining - fee) * 60n) / 100n;
  gas((await Dana.escrow.resolve({ deal: jobDeal.deal, toBeneficiary: toFay })).receipt, "resolve");
  step(`Dana rules 60% to Fay (${fmtEth(toFay)}), the rest back to Carl`);
  const ethAfter = await Promise.all(job.map((p) => ethers.provider.getBalance(p.address)));
  printDeltas("balances (Carl and Dana also paid gas)", job, ethBefore, ethAfter, fmtEth);

  // ---------------------------------------------------------------- story 3: a settlement with no gas for the parties
  console.log("\n3. Gasless settlement: Sam and Bea agree off-chain, Rex submits their signatures");
  const now3 = await latestTimestamp();
  const second = await Sam.escrow.createDeal({
    beneficiary: Bea.address,
    token: tokenAddress,
    amount: usd("200"),
    deadline: now3 + 60 * 60,
    defaultOutcome: Outcome.Refund,
    funding: "approve",
  });
  step(`Sam locks 200 dUSD for Bea (deal ${short(second.dealId)})`);
  gas(second.approvalReceipt, "approve");
  gas(second.receipt, "createDeal");
  const settleEthBefore = await Promise.all([Sam, Bea].map((p) => ethers.provider.getBalance(p.address)));
  const settleBefore = await tokenBalances(token, [Sam, Bea]);
  const expiry = now3 + 10 * 60;
  const split = usd("150");
  const samSig = await Sam.escrow.signSettle({ deal: second.dealId, toBeneficiary: split, expiry });
  const beaSig = await Bea.escrow.signSettle({ deal: second.dealId, toBeneficiary: split, expiry });
  step("Sam and Bea each sign Settle(150 dUSD to Bea, 50 back to Sam) with EIP-712: no transaction, no gas");
  const settled = await Rex.escrow.settle({
    deal: second.deal,
    toBeneficiary: split,
    expiry,
    depositorSignature: samSig.signature,
    beneficiarySignature: beaSig.signature,
  });
  gas(settled.receipt, "settle, paid by Rex");
  const settleEthAfter = await Promise.all([Sam, Bea].map((p) => ethers.provider.getBalance(p.address)));
  printDeltas("balances", [Sam, Bea], settleBefore, await tokenBalances(token, [Sam, Bea]), fmtUsd);
  step(
    `ETH spent on gas by Sam and Bea for the settlement: ${fmtEth(settleEthBefore[0] - settleEthAfter[0])} and ${fmtEth(settleEthBefore[1] - settleEthAfter[1])}`,
  );

  await streamPayments(app, api, suite("MicropaymentChannels"));
  await twoWayChannels({ ann: app, ben: api, watchtower: relayer, anyone: desk }, suite("PaymentChannels"));
  await channelNetwork(operator, suite("PaymentChannels"));
  await swapDesk({ operator, maker: seller, taker1: buyer, taker2: client }, token, suite("Swap"));
  await crossChainDeskTrade(
    { sam: seller, bea: buyer, accountIndex: { sam: 1, bea: 2 } },
    tokenAddress,
    suite("HashedTimelocks"),
  );
  await paidHttpApi({ app: client, api: freelancer }, suite("MicropaymentChannels"));
  await crowdfundingStories(
    { operator, creator: seller, bea: buyer, carl: client, fay: freelancer, relayer, dana: desk },
    token,
    suite("Crowdfunding"),
  );
  await auctionHouse({ seller, buyer, botOwner: client, keeper: desk }, suite("Auctions"));
  await lendingDesk(
    { platform: operator, lender: desk, borrower: buyer, buyer: client, nftOwner: freelancer },
    token,
    suite("Lending"),
  );

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\nDone: 3 deals, 2 micropayment channels (one paid over HTTP), 4 two-way channels, 2 signed orders, 1 cross-chain swap, 2 crowdfunding campaigns, 2 auctions and 2 loans, ${totalGasUsed().toLocaleString("en-US")} gas in all, ${seconds} s.`,
  );
}

/** Story 4: an app pays an API per call through a micropayment channel, then the API cashes in. */
async function streamPayments(app: Signer, api: Signer, contract: { address: string; fromBlock: number }) {
  const CALLS = 2_000;
  const PRICE = ethers.parseEther("0.00001"); // per API call
  console.log(
    `\n4. Pay per call: Alice's app calls Bob's API ${CALLS.toLocaleString("en-US")} times, paying per call off-chain`,
  );
  const { address, fromBlock } = contract;
  const Alice = { name: "Alice (app)", address: await app.getAddress() };
  const Bob = { name: "Bob (API)", address: await api.getAddress() };
  const before = await Promise.all([Alice, Bob].map((p) => ethers.provider.getBalance(p.address)));
  const payer = new PayerClient({ address, runner: app, fromBlock });
  // Bob's payee keeps every voucher it acknowledges in a durable log: a crash loses nothing it accepted.
  const dir = await mkdtemp(join(tmpdir(), "peerpay-demo-"));
  const store = await FileVoucherStore.open({ path: join(dir, "vouchers.log") });
  const payee = new PayeeClient({ address, runner: api, fromBlock, store });
  try {
    // A session key signs the vouchers, so the app pays without a wallet prompt per call.
    const session = Wallet.createRandom();
    const opened = await payer.open({
      payee: Bob.address,
      amount: ethers.parseEther("0.05"),
      challengePeriod: 60 * 60,
      signer: session.address,
    });
    await payer.useSessionKey({ channel: opened.channel, privateKey: session.privateKey });
    step(`Alice opens a channel with 0.05 ETH and a session key (channel ${opened.channelId.slice(0, 10)}…)`);
    gas(opened.receipt, "open");

    const t0 = performance.now();
    for (let call = 1; call <= CALLS; call++) {
      const voucher = await payer.pay({ channel: opened.channel, amount: PRICE }); // Alice's side: sign
      await payee.acceptVoucher(voucher); // Bob's side: verify, store durably, then serve the call
      progress(call, CALLS, "payments");
      if (call === CALLS / 2) {
        const mid = await payee.claim({ channel: opened.channelId });
        step(`halfway, Bob cashes in what he has earned so far, and the calls go on`);
        gas(mid.receipt, "claim");
      }
    }
    const elapsed = (performance.now() - t0) / 1000;
    step(
      `${CALLS.toLocaleString("en-US")} payments signed, verified and stored in ${elapsed.toFixed(2)} s: ` +
        `${Math.round(CALLS / elapsed).toLocaleString("en-US")} payments/s, one at a time, with no transaction`,
    );
    const best = await payee.bestVoucher({ channel: opened.channelId });
    step(`Bob closes with his best voucher (${fmtEth(best?.amount ?? 0n)}); Alice gets the rest back at once`);
    gas((await payee.close({ channel: opened.channelId })).receipt, "close");
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  const after = await Promise.all([Alice, Bob].map((p) => ethers.provider.getBalance(p.address)));
  printDeltas("balances (Alice paid gas to open, Bob to claim and close)", [Alice, Bob], before, after, fmtEth);
}

function short(id: DealId): string {
  return `${id.slice(0, 10)}…`;
}

function statusName(status: number): string {
  return Object.entries(DealStatus).find(([, value]) => value === status)?.[0] ?? String(status);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
