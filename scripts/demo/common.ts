// What the demo's stories share (scripts/demo.ts and its story files): the step and gas lines they print, the
// balance table, and the chain's clock.
import { ethers, network } from "hardhat";
import type { TransactionReceipt } from "ethers";

export type Named = { name: string; address: string };

// Six decimals are enough to show every transfer of the stories and still see what gas cost.
export const fmtEth = (value: bigint) => `${Number(ethers.formatEther(value)).toFixed(6)} ETH`;

let totalGas = 0n;

/** The gas of every step printed so far, for the final line. */
export function totalGasUsed(): bigint {
  return totalGas;
}

export function step(text: string) {
  console.log(`  ▸ ${text}`);
}

/** A progress line for a long loop: redrawn in place on a terminal, a line per quarter in a log. */
export function progress(done: number, total: number, what: string) {
  const interactive = process.stdout.isTTY === true;
  if (interactive ? done % 50 !== 0 && done !== total : done % (total / 4) !== 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `    [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} ${what}`;
  if (interactive) process.stdout.write(`\r${line}${done === total ? "\n" : ""}`);
  else console.log(line);
}

export function gasUsed(amount: bigint, what: string) {
  totalGas += amount;
  console.log(`      ${what}: ${amount.toLocaleString("en-US")} gas`);
}

export function gas(receipt: TransactionReceipt | null | undefined, what: string) {
  if (receipt) gasUsed(receipt.gasUsed, what);
}

export async function latestTimestamp(): Promise<number> {
  const block = await ethers.provider.getBlock("latest");
  if (!block) throw new Error("no latest block");
  return block.timestamp;
}

/** Moves the chain's clock: instant on Hardhat and anvil, the only networks where the demo plays out time. */
export async function advanceTime(seconds: number) {
  await network.provider.send("evm_increaseTime", [seconds]);
  await network.provider.send("evm_mine", []);
}

export function printDeltas(
  label: string,
  peers: Named[],
  before: bigint[],
  after: bigint[],
  fmt: (v: bigint) => string,
) {
  console.log(`    ${label}`);
  peers.forEach((p, i) => {
    const delta = after[i] - before[i];
    const sign = delta > 0n ? "+" : delta < 0n ? "-" : " ";
    const abs = delta < 0n ? -delta : delta;
    console.log(
      `      ${p.name.padEnd(22)} ${fmt(before[i]).padStart(18)} → ${fmt(after[i]).padStart(18)}  (${sign}${fmt(abs)})`,
    );
  });
}

/** The ETH balances of `peers`, in their order. */
export function ethBalances(peers: Named[]): Promise<bigint[]> {
  return Promise.all(peers.map((p) => ethers.provider.getBalance(p.address)));
}
