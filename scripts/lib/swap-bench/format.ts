// The swap benchmark's printout: conditions, the table (ours, AirSwap's, the difference, the floor, the target),
// then the floors' arithmetic term by term.
import { AIRSWAP_PACKAGE, AIRSWAP_VERSION, codeHash } from "./airswap";
import { GAS, LEGEND, TRANSFER_LOG, calldataGas, formatFloor } from "./floor";
import { formatBreakdown, formatBreakdownDifference } from "./trace";
import { FEE_BPS, OUR_SIGNATURE_FORM, type BenchRow, type SwapBenchResult } from "./rows";

const fmt = (n: number): string => n.toLocaleString("en-US");
const signed = (n: number): string => (n > 0 ? `+${fmt(n)}` : n < 0 ? `-${fmt(-n)}` : "0");

/** The table's cells for one row (also what the test reads). */
export function rowCells(row: BenchRow): string[] {
  const ours = row.ours?.gas;
  const theirs = row.theirs?.gas;
  const target =
    row.target === undefined
      ? "-"
      : row.floor !== undefined && row.floor.total > row.target
        ? `${fmt(row.target)} (below floor)`
        : `${fmt(row.target)}${ours === undefined ? "" : ours <= row.target ? " met" : " MISSED"}`;
  return [
    row.label,
    ours === undefined ? "-" : fmt(ours),
    theirs === undefined ? (row.airswap === null ? "n/a" : "-") : fmt(theirs),
    ours !== undefined && theirs !== undefined ? signed(ours - theirs) : "",
    row.floor === undefined ? "-" : fmt(row.floor.evm),
    row.floor === undefined ? "-" : fmt(row.floor.total),
    ours !== undefined && row.floor !== undefined ? signed(ours - row.floor.total) : "",
    target,
  ];
}

const HEADER = ["operation", "ours", "AirSwap", "ours-AirSwap", "EVM floor", "floor", "ours-floor", "target"];

function table(rows: readonly BenchRow[]): string {
  const cells = [HEADER, ...rows.map(rowCells)];
  const widths = HEADER.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c.map((cell, i) => (i === 0 || i === c.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ");
  const rule = widths.map((w) => "-".repeat(w)).join("-+-");
  return [line(HEADER), rule, ...rows.map((r) => line(rowCells(r)))].join("\n").replace(/ +$/gm, "");
}

/** The whole printout of one run. */
export function formatSwapBench(result: SwapBenchResult): string {
  const out: string[] = [];
  const { anchor } = result;
  out.push(
    `Swap gas: PeerPay Swap beside AirSwap SwapERC20, one run on the Hardhat network ` +
      `(hardfork ${result.hardfork}, chain id ${result.chainId})`,
  );
  out.push("");
  out.push("Conditions (issue 11): full receipt gas; warm contract; the second operation of its kind; every account");
  out.push("  already holds both tokens (OpenZeppelin 5 ERC20, same two tokens for both contracts); finite allowances");
  out.push(
    `  already set (approve not counted); protocol fee off unless "fee on" (${FEE_BPS} bps on both, paid by the`,
  );
  out.push(
    '  maker on top); nonces in an already-used bitmap word unless "fresh word"; in both, the maker\'s token goes',
  );
  out.push("  to the taker and the taker's to the maker (the same two transfers).");
  out.push(
    `Ours: ${result.ours.measured ? "contracts/Swap.sol" : `NOT MEASURED: ${result.ours.reason}`}; ${result.ourCompiler}.`,
  );
  out.push(`  Signature: ${OUR_SIGNATURE_FORM} (EIP-712 Order, domain PeerPay Swap v1).`);
  if ("abi" in anchor) {
    const o = anchor.settings.optimizer;
    out.push(
      `AirSwap: ${AIRSWAP_PACKAGE}@${anchor.version} SwapERC20, built outside the repository in ${anchor.directory}` +
        (anchor.cached ? " (cached build)" : ""),
    );
    out.push(
      `  solc ${anchor.solcLongVersion} (its pragma), optimizer ${o.enabled ? `on, runs ${o.runs}` : "off"}, ` +
        `evmVersion ${anchor.settings.evmVersion}, viaIR ${String(anchor.settings.viaIR)}: AirSwap's own settings ` +
        `(the build-info the package ships)`,
    );
    out.push(
      `  bytecode ${anchor.identicalToPublished ? "identical to" : "DIFFERS FROM"} the artifact AirSwap published ` +
        `(sha256 ${codeHash(anchor.bytecode)}); deployed with fee 0, light fee 0, no staking token. Signed as its ` +
        `utils sign: EIP-712 OrderERC20, domain from its eip712Domain(), v/r/s.`,
    );
  } else {
    const why = "off" in anchor ? anchor.reason : anchor.reason;
    out.push(`AirSwap: anchor SKIPPED (${AIRSWAP_PACKAGE}@${AIRSWAP_VERSION}): ${why}. Ours and the floor only.`);
  }
  out.push("  Comparable: AirSwap's `swap` (ERC-1271, fee, recipient, named sender) and `swapAnySender`; `swapLight`");
  out.push("  skips ERC-1271, the recipient and the staking bonus, so its rows are shown for reference only.");
  out.push("");
  out.push(table(result.rows));
  out.push("");
  const verdict = headlineVerdict(result.rows);
  if (verdict !== null) {
    out.push(verdict);
    out.push("");
  }
  for (const row of result.rows) {
    if (row.airswapNote !== undefined) out.push(`  ${row.key}: ${row.airswapNote}`);
  }
  out.push("");
  out.push("Where each fill's gas went (debug_traceTransaction: each call the contract makes, as its frame sees it; a");
  out.push(
    "  token's cold account access is paid where it is first touched, so code checks are counted with its calls):",
  );
  for (const row of result.rows) {
    if (row.ours?.breakdown === undefined && row.theirs?.breakdown === undefined) continue;
    out.push(`  ${row.key}:`);
    if (row.ours?.breakdown !== undefined) out.push(`    ours    ${formatBreakdown(row.ours.breakdown)}`);
    if (row.theirs?.breakdown !== undefined) out.push(`    AirSwap ${formatBreakdown(row.theirs.breakdown)}`);
    if (row.ours?.breakdown !== undefined && row.theirs?.breakdown !== undefined) {
      out.push(`    ours-AirSwap: ${formatBreakdownDifference(row.ours.breakdown, row.theirs.breakdown)}`);
    }
  }
  out.push("");
  out.push("Floors (gas of the parts no implementation avoids on this EVM, then this design's own reads and events):");
  for (const [name, text] of Object.entries(LEGEND)) out.push(`  ${name}: ${text}`);
  const t = result.tokenTransfer;
  const tc = calldataGas(t.calldata).gas;
  out.push(
    `  the token's own code per transferFrom = ${fmt(t.code)}, measured here: an EOA's transferFrom used ${fmt(t.gas)} = ` +
      `${fmt(GAS.txBase)} base + ${fmt(tc)} calldata + 3 × ${fmt(GAS.coldSload + GAS.sstoreReset)} slots + ` +
      `${fmt(TRANSFER_LOG)} log + ${fmt(t.code)}`,
  );
  out.push("");
  for (const row of result.rows) {
    const side = row.ours ?? row.theirs;
    if (row.floor === undefined || side === undefined) continue;
    const c = side.calldata;
    const whose = row.ours === undefined ? "AirSwap's " : "";
    out.push(`  ${row.key} (${whose}${fmt(c.bytes)} calldata bytes: ${c.zero} zero, ${c.nonZero} non-zero):`);
    out.push(`    ${formatFloor(row.floor)}`);
  }
  const below = result.rows.filter((r) => r.target !== undefined && r.floor !== undefined && r.floor.total > r.target);
  if (below.length > 0) {
    out.push("");
    out.push("Targets below this design's floor (no implementation of this design can meet them):");
    for (const r of below) {
      out.push(
        `  ${r.key}: target ${fmt(r.target!)} < floor ${fmt(r.floor!.total)} (EVM alone ${fmt(r.floor!.evm)}` +
          `${r.floor!.evm > r.target! ? ", also above the target" : ""})`,
      );
    }
  }
  return out.join("\n");
}

/**
 * The headline row (full ERC20/ERC20 fill, named taker) said in one line: who wins, and, if we lose, by how much in
 * each part of the trace (calldata; the token calls beyond AirSwap's one transferFrom per token, which are our
 * fee-on-transfer balance checks; our own code, storage and logs). A row without those checks is not a product.
 */
export function headlineVerdict(rows: readonly BenchRow[]): string | null {
  const row = rows.find((r) => r.key === "fill.erc20");
  if (row?.ours === undefined || row.theirs === undefined) return null;
  const diff = row.ours.gas - row.theirs.gas;
  if (diff <= 0) return `Full ERC20/ERC20 fill: ours beats AirSwap's swap by ${fmt(-diff)} gas.`;
  const ours = row.ours.breakdown;
  const theirs = row.theirs.breakdown;
  if (ours === undefined || theirs === undefined) return `Full ERC20/ERC20 fill: ours costs ${fmt(diff)} more.`;
  const tokens = (b: typeof ours) => b.groups.filter((g) => g.label.endsWith("token")).reduce((a, g) => a + g.gas, 0);
  const calldata = ours.intrinsic - theirs.intrinsic;
  const checks = tokens(ours) - tokens(theirs);
  const own = ours.own - theirs.own;
  const rest = diff - calldata - checks - own;
  return (
    `Full ERC20/ERC20 fill: ours costs ${fmt(diff)} more than AirSwap's swap: calldata ${signed(calldata)} (a ` +
    `larger order), the fee-on-transfer balance checks ${signed(checks)} (kept: a silent shortfall is a loss), own ` +
    `code, storage and logs ${signed(own)}` +
    (rest === 0 ? "." : `, the rest ${signed(rest)}.`)
  );
}
