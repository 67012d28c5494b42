// What every gas measurement shares (the products' scenarios in scripts/products/*/gas.ts, and the deployments').
//
// Scenario (the issues'): every operation is measured on the second deal, channel, ... of its kind in a warm contract
// whose recipients already hold a balance. Each scenario runs twice and the second run is recorded, so the contract
// already holds the token, every recipient already holds ETH and tokens, and the slots that a first use would create
// already exist. Values are realistic: 1 ETH or 1,000 tokens of 18 decimals, a random-looking fixed salt.
//
// Determinism: the accounts are wallets with fixed keys (fresh nonces, so every contract address is fixed), every
// block gets an explicit timestamp from a fixed start, and ECDSA signatures are deterministic (RFC 6979), so the
// calldata, and with it the gas, is the same on every run.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  Wallet,
  getBytes,
  id,
  parseEther,
  parseUnits,
  type ContractTransactionResponse,
  type Provider,
  type TransactionReceipt,
} from "ethers";

/** One measured operation. `gas` is the full receipt gas, including the 21,000 base. */
export interface GasRow {
  /** Stable key in gas/snapshot.json, e.g. `eth.createDeal`. */
  key: string;
  /** What was measured, for the table. */
  label: string;
  asset: "ETH" | "ERC20" | "-";
  gas: number;
  calldataBytes: number;
  calldataZeroBytes: number;
  calldataNonZeroBytes: number;
  /** The ceiling for this operation, where there is one; a miss fails `npm run gas` and the gas test. */
  target?: number;
}

/** Fixed start of the benchmarks' clock (2065-01-24), far beyond anything a test warps to. */
export const BENCH_START_TIME = 3_000_000_000;
/** The fixed salt of the first deal or channel of a scenario (four non-zero bytes). */
export const BENCH_SALT = 0x9e3779b9n;
export const ETH_AMOUNT = parseEther("1");
export const TOKEN_AMOUNT = parseUnits("1000", 18);

/** Calldata size and its split into zero and non-zero bytes (what calldata gas is priced on). */
export function calldataStats(data: string): { bytes: number; zero: number; nonZero: number } {
  const bytes = getBytes(data);
  let zero = 0;
  for (const b of bytes) if (b === 0) zero++;
  return { bytes: bytes.length, zero, nonZero: bytes.length - zero };
}

/** A row's key, label and asset: what `step` records. */
export type Measured = { key: string; label: string; asset: "ETH" | "ERC20" | "-" };

export type GasBench = Awaited<ReturnType<typeof createGasBench>>;

/**
 * What every gas run shares: a clock that gives each transaction its own block one second after the previous one
 * (from a fixed start, so that numbers never depend on the chain's past), deterministic funded wallets (their keys
 * derived from `namespace` and a name), sending that fails loudly, and the recording of measured rows.
 */
export async function createGasBench(hre: HardhatRuntimeEnvironment, start: number, namespace: string) {
  const provider = hre.ethers.provider;
  const latest = await provider.getBlock("latest");
  if (latest === null) throw new Error("no latest block");
  if (latest.timestamp >= start) {
    throw new Error(`the chain's clock (${latest.timestamp}) is past the benchmark's fixed start ${start}`);
  }
  let now = BigInt(start);
  const rows: GasRow[] = [];
  const tick = async (): Promise<void> => {
    now += 1n;
    await provider.send("evm_setNextBlockTimestamp", [Number(now)]);
  };
  const send = async (tx: Promise<ContractTransactionResponse>) => {
    const response = await tx;
    const receipt = await response.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${response.hash} failed`);
    return { response, receipt };
  };
  return {
    provider,
    rows,
    /** The timestamp of the latest transaction's block (plus any `advance` since). */
    now: (): bigint => now,
    /** Jumps the clock: the next transaction lands `seconds` + 1 after the latest. */
    advance: (seconds: bigint): void => {
      now += seconds;
    },
    tick,
    send,
    wallet: (name: string): Wallet => new Wallet(id(`${namespace}${name}`), provider as unknown as Provider),
    fund: async (wallets: readonly Wallet[]): Promise<void> => {
      for (const w of wallets) {
        await provider.send("hardhat_setBalance", [w.address, "0x" + parseEther("1000000").toString(16)]);
      }
    },
    /**
     * Advances the clock one second, sends the transaction built by `tx` (built after the tick, so deadlines are
     * relative to its block) and, if `measured` is given, records it as a row.
     */
    step: async (
      measured: Measured | null,
      tx: () => Promise<ContractTransactionResponse>,
    ): Promise<TransactionReceipt> => {
      await tick();
      const { response, receipt } = await send(tx());
      if (measured !== null) {
        const stats = calldataStats(response.data);
        rows.push({
          ...measured,
          gas: Number(receipt.gasUsed),
          calldataBytes: stats.bytes,
          calldataZeroBytes: stats.zero,
          calldataNonZeroBytes: stats.nonZero,
        });
      }
      return receipt;
    },
    /** Runs a scenario twice and records only the second run: the second of its kind, in a warm contract. */
    second: async (scenario: (measure: boolean) => Promise<void>): Promise<void> => {
      await scenario(false);
      await scenario(true);
    },
  };
}
