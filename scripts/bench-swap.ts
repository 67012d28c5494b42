// `npm run bench:swap`: the fill gas of our Swap beside AirSwap's SwapERC20 (the anchor issue 11 asks us to beat) and
// an estimated floor, in one run on the Hardhat network. AirSwap's code is fetched and compiled at run time outside
// the repository (scripts/lib/swap-bench/airswap.ts) and never committed; when the registry cannot be reached the
// anchor is skipped and ours is printed with its floor. Gas is printed, never asserted (the gas test enforces targets).
//
// Environment: BENCH_SWAP_ANCHOR=0 skips AirSwap; BENCH_SWAP_CACHE sets where its build is cached (default
// os.tmpdir()/peerpay-bench-swap).
import hre from "hardhat";
import { formatSwapBench, measureSwapBench, obtainAirSwap, type AnchorState } from "./lib/swap-bench";

async function main(): Promise<void> {
  let anchor: AnchorState;
  if (process.env.BENCH_SWAP_ANCHOR === "0") {
    anchor = { off: true, reason: "BENCH_SWAP_ANCHOR=0" };
  } else {
    console.log("Building the anchor (AirSwap SwapERC20) outside the repository...");
    anchor = await obtainAirSwap({ cacheRoot: process.env.BENCH_SWAP_CACHE, log: (line) => console.log(line) });
  }
  const result = await measureSwapBench(hre, { anchor });
  console.log(formatSwapBench(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
