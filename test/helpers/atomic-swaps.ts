// Two independent chains for the atomic swap tests (docs/atomic-swaps.md): the embedded Hardhat network (chain id
// 31337) and an anvil node with chain id 31338, each with its own HashedTimelocks and dUSD (MockERC20 with permit)
// deployed from the artifacts, and Alice (initiator), Bob (counterparty) and Carol (a stranger) holding a key on
// each. Both chains' clocks are moved together (`syncClocks`, `setTime`), or one alone, by the RPC methods both nodes
// implement (evm_setNextBlockTimestamp + evm_mine); every test runs between snapshots of both chains.
import { network, ethers } from "hardhat";
import { Wallet, type ContractRunner, type Provider, type Signer } from "ethers";
import { HashedTimelocks__factory, MockERC20__factory, type MockERC20 } from "../../typechain-types";
import {
  AtomicSwap,
  HashedTimelocksClient,
  decodeHashedTimelocksError,
  type AtomicSwapChain,
  type AtomicSwapTiming,
  type ChainTiming,
} from "../../sdk";
import type { SubmitRequest, SubmitResult, TransactionSubmitter } from "../../sdk/submitter/types";
import { startAnvil, type Anvil } from "./anvil";
import { account, anvilProvider } from "./submitter";

export const USD = 10n ** 6n;
export const ANVIL_CHAIN_ID = 31_338;
/** Chain A's and B's estimates: confirmation times 24 s and 6 s; margin 24 + 6 + 600 + 60 = 690 s. */
export const TIMING_HARDHAT: ChainTiming = { blockTime: 12, confirmations: 2 };
export const TIMING_ANVIL: ChainTiming = { blockTime: 2, confirmations: 3 };
export const CLAIM_WINDOW = 600;
export const CLOCK_SKEW = 60;

/** One chain as the tests drive it. */
export type Chain = {
  name: "hardhat" | "anvil";
  chainId: bigint;
  provider: Provider;
  timing: ChainTiming;
  rpc: (method: string, params?: unknown[]) => Promise<unknown>;
  htlc: string;
  token: MockERC20;
  tokenAddress: string;
  alice: Signer & { address: string };
  bob: Signer & { address: string };
  carol: Signer & { address: string };
  fromBlock: number;
};

type Party = "alice" | "bob" | "carol";

export class TwoChains {
  #snapshots = new Map<string, string>();

  private constructor(
    readonly hardhat: Chain,
    readonly anvil: Chain,
    readonly node: Anvil,
  ) {}

  static async start(): Promise<TwoChains> {
    const node = await startAnvil({ chainId: ANVIL_CHAIN_ID });
    try {
      const provider = anvilProvider(node);
      const wallets = [0, 1, 2, 3].map((i) => new Wallet(account(i).privateKey, provider));
      const [hhDeployer, hhAlice, hhBob, hhCarol] = await ethers.getSigners();
      const hardhat = await deploy({
        name: "hardhat",
        provider: ethers.provider,
        timing: TIMING_HARDHAT,
        rpc: (method, params = []) => network.provider.send(method, params),
        signers: [hhDeployer, hhAlice, hhBob, hhCarol],
      });
      const anvil = await deploy({
        name: "anvil",
        provider,
        timing: TIMING_ANVIL,
        rpc: (method, params = []) => node.rpc(method, params),
        signers: wallets,
      });
      return new TwoChains(hardhat, anvil, node);
    } catch (error) {
      await node.stop();
      throw error;
    }
  }

  stop(): Promise<void> {
    return this.node.stop();
  }

  /** Snapshots both chains (call in `before`, after the deployments). */
  async snapshot(): Promise<void> {
    for (const chain of [this.hardhat, this.anvil])
      this.#snapshots.set(chain.name, (await chain.rpc("evm_snapshot")) as string);
  }

  /** Reverts both chains to the snapshot and takes it again (a snapshot is consumed by its revert). */
  async revert(): Promise<void> {
    for (const chain of [this.hardhat, this.anvil]) {
      await chain.rpc("evm_revert", [this.#snapshots.get(chain.name)]);
      this.#snapshots.set(chain.name, (await chain.rpc("evm_snapshot")) as string);
    }
  }

  /** A client of `party` on `chain`. */
  client(chain: Chain, party: Party | ContractRunner): HashedTimelocksClient {
    const runner = typeof party === "string" ? chain[party] : party;
    return new HashedTimelocksClient({ address: chain.htlc, runner, fromBlock: chain.fromBlock });
  }

  /**
   * `party`'s AtomicSwap with `a` as chain A and `b` as chain B. On anvil the watcher makes its own fee-bumping
   * Submitter from the party's Wallet; the embedded Hardhat network's signers cannot sign raw transactions, so there
   * the claims go through {@link HardhatSubmitter} (no congestion to bump against on that chain).
   */
  swap(party: Party, a: Chain, b: Chain): AtomicSwap {
    const chain = (c: Chain): AtomicSwapChain => ({
      client: this.client(c, party),
      timing: c.timing,
      ...(c.name === "hardhat" ? { submitter: new HardhatSubmitter(c[party]) } : {}),
    });
    return new AtomicSwap({
      chainA: chain(a),
      chainB: chain(b),
      claimWindow: CLAIM_WINDOW,
      clockSkew: CLOCK_SKEW,
    });
  }

  timing(a: Chain, b: Chain): AtomicSwapTiming {
    return { chainA: a.timing, chainB: b.timing, claimWindow: CLAIM_WINDOW, clockSkew: CLOCK_SKEW };
  }

  /** Mines one block on both chains at the same timestamp, a little after both heads. Returns it. */
  async syncClocks(): Promise<number> {
    const [a, b] = await Promise.all([latest(this.hardhat), latest(this.anvil)]);
    const t = Math.max(a, b) + 5;
    await this.setTime(t);
    return t;
  }

  /** Mines one block on each chain given (both by default) with timestamp `t`. */
  async setTime(t: number, chains: Chain[] = [this.hardhat, this.anvil]): Promise<void> {
    for (const chain of chains) await mineAt(chain, t);
  }
}

/** The latest block's timestamp of `chain`. */
export async function latest(chain: Chain): Promise<number> {
  return (await chain.provider.getBlock("latest"))!.timestamp;
}

/** Mines a block on `chain` with timestamp `t`. */
export async function mineAt(chain: Chain, t: number): Promise<void> {
  await chain.rpc("evm_setNextBlockTimestamp", [t]);
  await chain.rpc("evm_mine");
}

/** Makes the next block of `chain` (the next transaction's, with automine) have timestamp `t`. */
export async function nextBlockAt(chain: Chain, t: number): Promise<void> {
  await chain.rpc("evm_setNextBlockTimestamp", [t]);
}

/** Mines `n` empty blocks on `chain`. */
export async function mine(chain: Chain, n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await chain.rpc("evm_mine");
}

async function deploy(params: {
  name: Chain["name"];
  provider: Provider;
  timing: ChainTiming;
  rpc: Chain["rpc"];
  signers: Signer[];
}): Promise<Chain> {
  const [deployer, alice, bob, carol] = params.signers;
  const htlc = await new HashedTimelocks__factory(deployer).deploy();
  await htlc.waitForDeployment();
  const token = await new MockERC20__factory(deployer).deploy("Demo Dollar", "dUSD", 6);
  await token.waitForDeployment();
  // Both Wallet and Hardhat's signer carry their address.
  const [a, b, c] = [alice, bob, carol] as (Signer & { address: string })[];
  for (const who of [a, b, c]) await (await token.mint(who.address, 1_000_000n * USD)).wait();
  const receipt = await htlc.deploymentTransaction()!.wait();
  const { chainId } = await params.provider.getNetwork();
  return {
    name: params.name,
    chainId,
    provider: params.provider,
    timing: params.timing,
    rpc: params.rpc,
    htlc: await htlc.getAddress(),
    token,
    tokenAddress: await token.getAddress(),
    alice: a,
    bob: b,
    carol: c,
    fromBlock: receipt!.blockNumber,
  };
}

/**
 * A TransactionSubmitter for the embedded Hardhat network, whose signers cannot sign raw transactions (so the SDK's
 * Submitter cannot drive them): sends from the signer one at a time, waits for one confirmation, and decodes a refused
 * call as the SDK's clients do. No fee bumping: tests of re-pricing run on anvil.
 */
export class HardhatSubmitter implements TransactionSubmitter {
  readonly address: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly signer: Signer & { address: string }) {
    this.address = signer.address;
  }

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
