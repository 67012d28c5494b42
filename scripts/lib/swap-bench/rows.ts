// The swap benchmark's table (`npm run bench:swap`): its rows, what AirSwap has of each, and the shapes of a
// measurement and of the run's result, shared by the measurement (measure.ts) and the printout (format.ts).
import type { AirSwapBuild, AirSwapSkipped } from "./airswap";
import type { CalldataStats, Floor } from "./floor";
import type { GasBreakdown } from "./trace";

/** Issue 11's protocol fee for the "fee on" rows: 5 bps on both contracts (ours caps at 100). */
export const FEE_BPS = 5n;

/** How our fills are built: as a dApp would submit them. */
export const OUR_SIGNATURE_FORM =
  "signed by the SDK (signSwapOrder: 64-byte EIP-2098 form when the maker signs, its default) and encoded by " +
  "SwapClient.buildFill; row fill.erc20.sig65 sends the 65-byte form instead";

export type AirSwapFunction = "swap" | "swapAnySender" | "swapLight" | "cancel" | "authorize";

/** One row of the table; `airswap` is null where AirSwap has no such operation. */
export interface RowSpec {
  key: string;
  label: string;
  airswap: AirSwapFunction | null;
  /** Why AirSwap has no such row, or what its row measures differently. */
  airswapNote?: string;
  /** Issue 11's ceiling for ours, where the issue sets one. */
  target?: number;
}

const noEth = "AirSwap: no native ETH";
const noPartial = "AirSwap: no partial fills";
/** Every row the benchmark prints, in order (the test pins this list). */
export const ROWS: readonly RowSpec[] = [
  { key: "fill.erc20", label: "full fill ERC20/ERC20, named taker", airswap: "swap", target: 75_000 },
  { key: "fill.erc20.anyTaker", label: "full fill ERC20/ERC20, any taker", airswap: "swapAnySender", target: 75_000 },
  {
    key: "fill.erc20.sig65",
    label: "full fill ERC20/ERC20, named taker, 65-byte signature",
    airswap: "swap",
    target: 75_000,
  },
  {
    key: "fill.erc20.light",
    label: "full fill ERC20/ERC20, named taker (vs swapLight)",
    airswap: "swapLight",
    airswapNote:
      "swapLight: no ERC-1271, no recipient, no staking bonus, and it always makes the fee transfer, even of 0 " +
      "(so with the fee off it costs more than swap); not like for like",
    target: 75_000,
  },
  { key: "fill.erc20.delegate", label: "full fill signed by the maker's delegate", airswap: "swap" },
  { key: "fill.erc20.erc1271", label: "full fill, ERC-1271 wallet maker", airswap: "swap" },
  { key: "fill.eth", label: "full fill ETH for ERC20", airswap: null, airswapNote: noEth, target: 65_000 },
  {
    key: "fill.partial.first",
    label: "first partial fill (1/4 of an order)",
    airswap: null,
    airswapNote: noPartial,
    target: 90_000,
  },
  {
    key: "fill.partial.later",
    label: "later partial fill (2/4)",
    airswap: null,
    airswapNote: noPartial,
    target: 70_000,
  },
  { key: "cancel", label: "cancel one nonce, used word", airswap: "cancel", target: 30_000 },
  { key: "cancel.freshWord", label: "cancel one nonce, fresh word", airswap: "cancel", target: 47_000 },
  {
    key: "cancelRange",
    label: "cancel a range of 256 nonces (one fresh word)",
    airswap: null,
    airswapNote: "AirSwap: no range cancel",
    target: 47_000,
  },
  {
    key: "setDelegate",
    label: "replace the delegate (ours also retires the old one)",
    airswap: "authorize",
    airswapNote: "AirSwap's authorize only overwrites: a revoked signatory can be authorised again",
  },
  { key: "fee.fill.erc20", label: "fee on: full fill ERC20/ERC20, named taker", airswap: "swap" },
  {
    key: "fee.fill.erc20.light",
    label: "fee on: full fill ERC20/ERC20 (vs swapLight)",
    airswap: "swapLight",
    airswapNote: "swapLight charges protocolFeeLight (also 5 bps here)",
  },
  { key: "fee.fill.eth", label: "fee on: full fill ETH for ERC20", airswap: null, airswapNote: noEth },
  { key: "fee.fill.partial.first", label: "fee on: first partial fill", airswap: null, airswapNote: noPartial },
  { key: "fee.fill.partial.later", label: "fee on: later partial fill", airswap: null, airswapNote: noPartial },
];

/** One measured transaction. */
export interface Side {
  gas: number;
  calldata: CalldataStats & { bytes: number };
  hash: string;
  /** Where the gas went (fill rows only). */
  breakdown?: GasBreakdown;
}

export interface BenchRow extends RowSpec {
  ours?: Side;
  theirs?: Side;
  /** The floor of the operation, from our transaction's calldata (AirSwap's when ours was not measured). */
  floor?: Floor;
}

export type AnchorState = AirSwapBuild | AirSwapSkipped | { off: true; reason: string };

export interface SwapBenchResult {
  rows: BenchRow[];
  anchor: AnchorState;
  /** Our Swap was measured, or why not. */
  ours: { measured: true } | { measured: false; reason: string };
  /** The token's `transferFrom` by an EOA, from which the floor's token code is derived. */
  tokenTransfer: { gas: number; calldata: CalldataStats; code: number };
  hardfork: string;
  chainId: bigint;
  ourCompiler: string;
}

export interface SwapBenchOptions {
  /** AirSwap's build, a skip, or off (the test: no registry). */
  anchor: AnchorState;
}
