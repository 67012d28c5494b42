// Where a measured transaction's gas goes, from Hardhat's debug_traceTransaction: the base and calldata, each
// external call the swap contract makes (what the callee spent plus the call's own cost, seen from the caller's
// frame), and the rest (the contract's own code, storage and logs). This is what says where ours differs from
// AirSwap's, term by term, rather than only by how much.

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/** Gas spent in calls to one kind of callee (e.g. "maker token") from the contract's own frame. */
export interface CallGroup {
  label: string;
  calls: number;
  /** EXTCODESIZE-like reads of the callee's account (the first one pays its cold access, then calls are warm). */
  accountReads: number;
  gas: number;
}

export interface GasBreakdown {
  /** 21,000 plus the calldata (as measured: receipt gas minus execution). */
  intrinsic: number;
  groups: CallGroup[];
  /** The contract's own code, storage and logs (net of any refund). */
  own: number;
}

const CALL_OPS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
/** Account reads whose address is the top of the stack. */
const ACCOUNT_OPS = new Set(["EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "BALANCE"]);

const asAddress = (word: string): string =>
  `0x${BigInt(`0x${word.replace(/^0x/, "")}`)
    .toString(16)
    .padStart(40, "0")}`;

/**
 * Splits `receiptGas` of transaction `hash`: `intrinsic` (base and calldata, computed by the caller), then each
 * external call and account read of the top frame, grouped by `labelOf(address)`, then what remains. A contract that
 * checks a token's code first pays the token's cold access there, so the reads are counted with the calls.
 */
export async function gasBreakdown(
  provider: { send(method: string, params: unknown[]): Promise<unknown> },
  hash: string,
  receiptGas: number,
  intrinsic: number,
  labelOf: (address: string) => string,
): Promise<GasBreakdown> {
  const trace = (await provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStorage: true },
  ])) as {
    structLogs: StructLog[];
  };
  const logs = trace.structLogs;
  const groups = new Map<string, CallGroup>();
  let inCalls = 0;
  const add = (address: string, gas: number, call: boolean): void => {
    const label = labelOf(address);
    const group = groups.get(label) ?? { label, calls: 0, accountReads: 0, gas: 0 };
    if (call) group.calls += 1;
    else group.accountReads += 1;
    group.gas += gas;
    groups.set(label, group);
    inCalls += gas;
  };
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    if (step.depth !== 1 || step.stack === undefined) continue;
    if (ACCOUNT_OPS.has(step.op)) {
      add(asAddress(step.stack[step.stack.length - 1]), step.gasCost, false);
      continue;
    }
    if (!CALL_OPS.has(step.op)) continue;
    // The callee is the second stack item from the top for every call opcode. The first later step back in the
    // top frame (the very next one for a precompile) holds the gas left after the call.
    let j = i + 1;
    while (j < logs.length && logs[j].depth !== 1) j++;
    if (j === logs.length) continue;
    add(asAddress(step.stack[step.stack.length - 2]), step.gas - logs[j].gas, true);
  }
  return { intrinsic, groups: [...groups.values()], own: receiptGas - intrinsic - inCalls };
}

const fmt = (n: number): string => n.toLocaleString("en-US");

/** `base+calldata 25,248 | maker token ×3 24,000 | ... | own code, storage, logs 14,000` */
export function formatBreakdown(b: GasBreakdown): string {
  return [
    `base+calldata ${fmt(b.intrinsic)}`,
    ...b.groups.map(
      (g) =>
        `${g.label} ${g.calls} call${g.calls === 1 ? "" : "s"}` +
        `${g.accountReads > 0 ? ` + ${g.accountReads} code check${g.accountReads === 1 ? "" : "s"}` : ""} ${fmt(g.gas)}`,
    ),
    `own code, storage, logs ${fmt(b.own)}`,
  ].join(" | ");
}

/** Ours minus AirSwap's, per part: `base+calldata +844 | maker token +1,370 | ... | own code, storage, logs +4,206` */
export function formatBreakdownDifference(ours: GasBreakdown, theirs: GasBreakdown): string {
  const signed = (n: number): string => (n > 0 ? `+${fmt(n)}` : n < 0 ? `-${fmt(-n)}` : "0");
  const labels = [...new Set([...ours.groups, ...theirs.groups].map((g) => g.label))];
  const gasOf = (b: GasBreakdown, label: string) => b.groups.find((g) => g.label === label)?.gas ?? 0;
  return [
    `base+calldata ${signed(ours.intrinsic - theirs.intrinsic)}`,
    ...labels.map((label) => `${label} ${signed(gasOf(ours, label) - gasOf(theirs, label))}`),
    `own code, storage, logs ${signed(ours.own - theirs.own)}`,
  ].join(" | ");
}
