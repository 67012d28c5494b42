// Story 8 of the demo (scripts/demo.ts): a desk trade across two chains, completed atomically with hashed timelocks
// (docs/atomic-swaps.md §6). Chain A is the demo's network; chain B is a second, independent node (anvil, chain id
// 31338) started for the story. Sam sells dUSD on A to Bea for ETH on B: he draws the secret and locks first with the
// longer timelock, Bea verifies his lock from chain A and locks hers on B with the shorter one, Sam claims on B (which
// reveals the secret there), and Bea's watcher claims on A with it. Balances are printed and checked to the wei.
import { ethers } from "hardhat";
import { HDNodeWallet, Mnemonic, Wallet, type Signer, type TransactionReceipt } from "ethers";
import {
  AtomicSwap,
  HashedTimelocksClient,
  PeerPayError,
  decodeHashedTimelocksError,
  type AtomicSwapChain,
} from "../../sdk";
import type { SubmitRequest, SubmitResult, TransactionSubmitter } from "../../sdk/submitter/types";
import { HashedTimelocks__factory, MockERC20__factory } from "../../typechain-types";
import { startAnvil } from "../lib/anvil";
import { gas, gasUsed, latestTimestamp, step } from "./common";

const CHAIN_B_ID = 31_338;
const DUSD = ethers.parseUnits("1000", 6);
const ETH = ethers.parseEther("0.4");
/** A development node's estimates; on mainnets use their real block times and the confirmations you trust. */
const TIMING_A = { blockTime: 12, confirmations: 1 };
const TIMING_B = { blockTime: 2, confirmations: 1 };
const CLAIM_WINDOW = 900;
const CLOCK_SKEW = 120;

const fmtWei = (value: bigint) => `${value.toLocaleString("en-US")} wei`;
const fmtUnits = (value: bigint) => `${ethers.formatUnits(value, 6)} dUSD (${value.toLocaleString("en-US")} units)`;
const fee = (...receipts: (TransactionReceipt | null | undefined)[]) =>
  receipts.reduce((sum, r) => sum + (r ? r.gasUsed * r.gasPrice : 0n), 0n);

/**
 * The claims' submitter on chain A, a stand-in for a development chain only: Hardhat's signers cannot sign raw
 * transactions, which the SDK's fee-bumping `Submitter` needs, and a dev chain has no congestion to bump against. On
 * a real chain, pass `new Submitter({ signer: wallet, rpc: [url] })` as the chain's `submitter`.
 */
class DevChainSubmitter implements TransactionSubmitter {
  #queue: Promise<unknown> = Promise.resolve();
  constructor(
    readonly signer: Signer,
    readonly address: string,
  ) {}

  submit(request: SubmitRequest): Promise<SubmitResult> {
    const run = this.#queue.then(async () => {
      try {
        const tx = await this.signer.sendTransaction({ to: request.to, data: request.data, value: request.value });
        const receipt = (await tx.wait())!;
        return { hash: receipt.hash, receipt, attempts: 1, confirmations: 1 };
      } catch (error) {
        throw decodeHashedTimelocksError(error);
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.#queue;
  }
}

/**
 * Story 8. `sam` holds dUSD (`token`) on the demo's network, `bea` holds ETH on chain B; `accountIndex` says which
 * account of the development mnemonic each is, so that the same key acts for them on chain B.
 */
export async function crossChainDeskTrade(
  people: { sam: Signer; bea: Signer; accountIndex: { sam: number; bea: number } },
  token: string,
  contract: { address: string; fromBlock: number },
) {
  console.log(
    "\n8. Cross-chain desk trade: Sam sells 1,000 dUSD on chain A (this network) to Bea for 0.4 ETH on chain B, atomically",
  );
  const node = await startAnvil({ chainId: CHAIN_B_ID });
  let watcherOf: { stop(): void } | undefined;
  try {
    const providerB = new ethers.JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
    const mnemonic = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
    const keyOf = (i: number) => HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`).privateKey;
    const samB = new Wallet(keyOf(people.accountIndex.sam), providerB);
    const beaB = new Wallet(keyOf(people.accountIndex.bea), providerB);
    const deployerB = new Wallet(keyOf(0), providerB);
    const htlcB = await new HashedTimelocks__factory(deployerB).deploy();
    const deployedB = await htlcB.deploymentTransaction()!.wait();
    step(
      `chain B: anvil (chain id ${CHAIN_B_ID}) at ${node.url}, HashedTimelocks deployed at ${await htlcB.getAddress()}`,
    );
    gas(deployedB, "deploy HashedTimelocks on chain B");
    // A fresh node starts at the wall clock; the earlier stories moved chain A's clock forward. Swaps assume the two
    // chains agree within the clock skew, so chain B's clock is brought to chain A's (only a dev node allows it).
    const nowA = await latestTimestamp();
    const nowB = (await providerB.getBlock("latest"))!.timestamp;
    if (nowB < nowA) {
      await node.rpc("evm_setNextBlockTimestamp", [nowA]);
      await node.rpc("evm_mine");
    }
    step("chain B's clock set to chain A's (a swap assumes the two chains agree within the clock skew)");

    const sam = { name: "Sam (desk seller)", a: await people.sam.getAddress(), b: samB.address };
    const bea = { name: "Bea (buyer)", a: await people.bea.getAddress(), b: beaB.address };
    // Chain B's keys are Wallets: the watcher would make its own fee-bumping Submitter there. Chain A's claims go
    // through the dev-chain stand-in above.
    const chain = (runner: Signer, side: "A" | "B"): AtomicSwapChain =>
      side === "A"
        ? {
            client: new HashedTimelocksClient({ ...contract, runner }),
            timing: TIMING_A,
            submitter: new DevChainSubmitter(runner, (runner as Signer & { address: string }).address),
          }
        : {
            client: new HashedTimelocksClient({
              address: htlcB.target as string,
              runner,
              fromBlock: deployedB!.blockNumber,
            }),
            timing: TIMING_B,
          };
    const swapOf = (a: Signer, b: Signer) =>
      new AtomicSwap({
        chainA: chain(a, "A"),
        chainB: chain(b, "B"),
        claimWindow: CLAIM_WINDOW,
        clockSkew: CLOCK_SKEW,
      });
    const samSwap = swapOf(people.sam, samB);
    const beaSwap = swapOf(people.bea, beaB);

    const dusd = MockERC20__factory.connect(token, ethers.provider);
    const before = {
      samA: await dusd.balanceOf(sam.a),
      beaA: await dusd.balanceOf(bea.a),
      samB: await providerB.getBalance(sam.b),
      beaB: await providerB.getBalance(bea.b),
    };

    // ---- 1. Sam: the secret, the timelocks, his lock on A
    const { secret, hashlock } = AtomicSwap.createSecret();
    const { timelockA, timelockB, margin } = await samSwap.planTimelocks();
    step(
      `Sam draws a 32-byte secret and plans the timelocks: Bea's lock on B ends ${timelockB - nowA} s from now, his own on A ${margin} s later (the margin: both chains' confirmations + a ${CLAIM_WINDOW} s claim window + ${CLOCK_SKEW} s clock skew)`,
    );
    const lockedA = await samSwap.lockInitiator({
      receiver: bea.a,
      token,
      amount: DUSD,
      hashlock,
      timelockA,
      timelockB,
      funding: "permit",
    });
    step(
      `Sam locks 1,000 dUSD for Bea on chain A under sha256(secret), with a permit (lock ${lockedA.lockId.slice(0, 10)}…)`,
    );
    gas(lockedA.receipt, "lockWithPermit (chain A)");

    // ---- 2. Bea: verify from chain A, then lock on B
    const expectedA = { sender: sam.a, receiver: bea.a, token, amount: DUSD, hashlock };
    const lockedB = await beaSwap.lockCounterparty({
      lockIdA: lockedA.lockId,
      expectedA,
      receiver: sam.b,
      amount: ETH,
    });
    step(
      "Bea reads Sam's lock from chain A itself (status, token, amount, receiver, sender, hashlock, confirmations, time left) and locks 0.4 ETH for Sam on chain B under the same hashlock",
    );
    gas(lockedB.receipt, "lock (chain B)");

    // ---- 3. Bea's watcher follows chain B; Sam verifies Bea's lock and claims it
    const watcher = beaSwap.watch({ lockA: lockedA.lockId, lockB: lockedB.lockId, pollIntervalMs: 50 });
    watcherOf = watcher;
    const watching = watcher.start();
    // If a later step fails, the story stops the watcher and reports that step's error, not the watcher's.
    watching.catch(() => undefined);
    step("Bea starts her watcher on chain B's Claimed events and goes about her day");
    const expectedB = { sender: bea.b, receiver: sam.b, amount: ETH, hashlock };
    const claimedB = await samSwap.claim({ lockIdB: lockedB.lockId, secret, expected: expectedB, timelockA });
    step("Sam checks Bea's lock on chain B and claims the 0.4 ETH with the secret, which reveals it on chain B");
    gas(claimedB.receipt, "claim (chain B)");

    // ---- 4. The watcher claims on A
    // A demo never hangs: the watcher has a minute to see the reveal and claim (it needs a few polls).
    const outcome = await Promise.race([
      watching,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("the watcher did not claim within 60 s")), 60_000).unref(),
      ),
    ]);
    if (outcome?.outcome !== "claimed") throw new Error(`the watcher ended with ${outcome?.outcome ?? "nothing"}`);
    step(
      `Bea's watcher finds the secret in chain B's block ${outcome.revealed.log.blockNumber} and claims the 1,000 dUSD on chain A with it`,
    );
    gasUsed(outcome.claim.receipt.gasUsed, "claim by the watcher (chain A)");

    // ---- the same hashlock cannot start another swap
    try {
      await samSwap.lockInitiator({
        receiver: bea.a,
        token,
        amount: DUSD,
        hashlock,
        timelockA,
        timelockB,
        funding: "permit",
      });
      throw new Error("a swap reusing a revealed hashlock was accepted");
    } catch (error) {
      if (!(error instanceof PeerPayError)) throw error;
      step(`a second swap under the same, now public, hashlock is refused: ${error.code}`);
    }

    // ---- balances to the wei, checked
    const after = {
      samA: await dusd.balanceOf(sam.a),
      beaA: await dusd.balanceOf(bea.a),
      samB: await providerB.getBalance(sam.b),
      beaB: await providerB.getBalance(bea.b),
    };
    const samGasB = fee(claimedB.receipt);
    const beaGasB = fee(lockedB.receipt, lockedB.approvalReceipt);
    console.log("    balances, to the wei");
    const row = (who: string, what: string, b: bigint, a: bigint, fmt: (v: bigint) => string) =>
      console.log(`      ${who.padEnd(20)} ${what.padEnd(12)} ${fmt(b)} → ${fmt(a)}`);
    row(sam.name, "dUSD on A", before.samA, after.samA, fmtUnits);
    row(bea.name, "dUSD on A", before.beaA, after.beaA, fmtUnits);
    row(sam.name, "ETH on B", before.samB, after.samB, fmtWei);
    row(bea.name, "ETH on B", before.beaB, after.beaB, fmtWei);
    const checks: [string, bigint, bigint][] = [
      ["Sam's dUSD on A", after.samA, before.samA - DUSD],
      ["Bea's dUSD on A", after.beaA, before.beaA + DUSD],
      ["Sam's ETH on B", after.samB, before.samB + ETH - samGasB],
      ["Bea's ETH on B", after.beaB, before.beaB - ETH - beaGasB],
    ];
    for (const [what, actual, expected] of checks) {
      if (actual !== expected) throw new Error(`${what}: ${actual}, expected ${expected}`);
    }
    step(
      `checked to the wei: Sam -1,000 dUSD on A and +0.4 ETH on B less his claim's gas (${fmtWei(samGasB)}); Bea +1,000 dUSD on A and -0.4 ETH on B less her lock's gas (${fmtWei(beaGasB)})`,
    );
  } finally {
    watcherOf?.stop();
    await node.stop();
  }
}
