// `npm run bench:swap` without the network: the floors' arithmetic, our rows measured on the in-process Hardhat
// network with the AirSwap anchor off, and the anchor's two ways out that need no registry (an unreachable registry
// is a skip, not a crash; a cached build is reused). No gas figure is asserted here: gas targets belong to the gas
// test; this checks that the table has the right rows and that each floor is the sum it prints.
import { expect } from "chai";
import hre from "hardhat";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { underCoverage } from "../helpers/coverage";
import {
  AIRSWAP_VERSION,
  ROWS,
  cancelFloor,
  fillFloor,
  formatSwapBench,
  measureSwapBench,
  obtainAirSwap,
  rowCells,
  tokenCodeGas,
  type Floor,
  type SwapBenchResult,
} from "../../scripts/lib/swap-bench";

const sumOf = (floor: Floor, design: boolean) =>
  floor.terms.filter((t) => design || !t.design).reduce((a, t) => a + t.gas, 0);

describe("npm run bench:swap (issue 11, Numbers): floors and rows, no registry", function () {
  describe("floor arithmetic", function () {
    const calldata = { zero: 100, nonZero: 50 };
    // 100 × 4 + 50 × 16
    const calldataGas = 1_200;
    // token account 2,600 + 3 × (2,100 + 2,900) + Transfer log (375 + 3 × 375 + 32 × 8) + token code 1,000
    const coldLeg = 2_600 + 15_000 + 1_756 + 1_000;
    // fee slot + OrderFilled (375 + 4 × 375 + 2 × 32 × 8); the maker's delegate slot is read for a delegate only
    const design = 2_100 + 2_387;

    it("Numbers: a full ERC20/ERC20 fill's floor is base + calldata + hashing + ecrecover + bitmap word + two cold transferFroms, plus the design's reads and event", function () {
      const floor = fillFloor({ calldata, tokenCode: 1_000, takerAsset: "ERC20", fee: false });
      const evm = 21_000 + calldataGas + 150 + 3_100 + 5_000 + 2 * coldLeg;
      expect(floor.evm).to.equal(evm);
      expect(floor.total).to.equal(evm + design);
      expect(sumOf(floor, false)).to.equal(floor.evm);
      expect(sumOf(floor, true)).to.equal(floor.total);
    });

    it("Numbers: the ETH leg costs a value call less its stipend plus the cold maker account; the fee adds a warm transferFrom to a cold recipient balance", function () {
      const eth = fillFloor({ calldata, tokenCode: 1_000, takerAsset: "ETH", fee: true });
      const feeLeg = 100 + 2 * (100 + 100) + 5_000 + 1_756 + 1_000;
      expect(eth.evm).to.equal(21_000 + calldataGas + 150 + 3_100 + 5_000 + coldLeg + (9_000 - 2_300 + 2_600) + feeLeg);
      expect(eth.terms.map((t) => t.name)).to.include.members(["ethLeg", "feeLeg"]);
    });

    it("Numbers: a first partial fill pays a fresh filled-amount slot instead of the bitmap write, and still reads the bit", function () {
      const first = fillFloor({ calldata, tokenCode: 1_000, takerAsset: "ERC20", fee: false, replay: "partialFirst" });
      const later = fillFloor({ calldata, tokenCode: 1_000, takerAsset: "ERC20", fee: false, replay: "partialLater" });
      expect(first.evm).to.equal(21_000 + calldataGas + 150 + 3_100 + 22_100 + 2 * coldLeg);
      expect(first.total).to.equal(first.evm + design + 2_100);
      expect(later.evm).to.equal(first.evm - 22_100 + 5_000);
    });

    it("Numbers: cancelling in a fresh word pays the zero-to-non-zero write; EIP-7623's calldata floor binds only when calldata dominates", function () {
      expect(cancelFloor({ zero: 90, nonZero: 10 }, "fresh").evm).to.equal(21_000 + 360 + 160 + 22_100);
      const heavy = cancelFloor({ zero: 0, nonZero: 10_000 }, "used");
      // 21,000 + 10 × (4 × 10,000) beats 21,000 + 160,000 + 5,000
      expect(heavy.evm).to.equal(421_000);
      expect(heavy.calldataFloor).to.equal(421_000);
    });

    it("Numbers: the token's own code is an EOA transferFrom's gas less base, calldata, three cold slot rewrites and the log", function () {
      expect(tokenCodeGas(40_000, { zero: 60, nonZero: 40 })).to.equal(40_000 - 21_000 - 880 - 15_000 - 1_756);
    });
  });

  describe("measured rows, anchor off", function () {
    let result: SwapBenchResult;
    let blockBefore: number;

    before(async function () {
      // Under coverage or mutation the contracts are instrumented: nothing to measure.
      if (underCoverage()) this.skip();
      blockBefore = await hre.ethers.provider.getBlockNumber();
      result = await measureSwapBench(hre, { anchor: { off: true, reason: "off in the test" } });
    });

    it("Numbers: prints every row in order, each with ours and a floor whose terms add up, and no AirSwap figure", function () {
      expect(result.rows.map((r) => r.key)).to.deep.equal(ROWS.map((r) => r.key));
      expect(result.ours, "contracts/Swap.sol must be built").to.deep.equal({ measured: true });
      for (const row of result.rows) {
        expect(row.ours, row.key).to.not.equal(undefined);
        expect(row.theirs, row.key).to.equal(undefined);
        const floor = row.floor!;
        expect(Math.max(sumOf(floor, false), floor.calldataFloor), row.key).to.equal(floor.evm);
        expect(Math.max(sumOf(floor, true), floor.calldataFloor), row.key).to.equal(floor.total);
        expect(floor.terms.filter((t) => t.name === "calldata")[0].gas, row.key).to.equal(
          row.ours!.calldata.zero * 4 + row.ours!.calldata.nonZero * 16,
        );
        // Fill rows say where their gas went: the trace found the signature check and the maker token's transfer.
        const groups = row.ours!.breakdown?.groups.map((g) => g.label) ?? [];
        if (row.key.includes("fill")) expect(groups, row.key).to.include.members(["ecrecover", "maker token"]);
        else expect(row.ours!.breakdown, row.key).to.equal(undefined);
      }
    });

    it("Numbers: the table names every operation, says the anchor was skipped, and leaves the network as it was", async function () {
      const text = formatSwapBench(result);
      for (const spec of ROWS) expect(text).to.include(spec.label);
      expect(text).to.include("AirSwap: anchor SKIPPED");
      for (const row of result.rows) {
        const cells = rowCells(row);
        expect(cells[2], row.key).to.equal(row.airswap === null ? "n/a" : "-");
      }
      expect(await hre.ethers.provider.getBlockNumber()).to.equal(blockBefore);
    });
  });

  describe("the anchor without a registry", function () {
    let dir: string;
    beforeEach(function () {
      dir = mkdtempSync(path.join(tmpdir(), "peerpay-bench-swap-test-"));
    });
    afterEach(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it("Numbers: an unreachable registry skips the anchor with the reason instead of throwing", async function () {
      this.timeout(60_000);
      const outcome = await obtainAirSwap({
        cacheRoot: path.join(dir, "builds"),
        // A closed loopback port and an empty npm cache: nothing can be fetched.
        npmEnv: { ...process.env, npm_config_registry: "http://127.0.0.1:9/", npm_config_cache: path.join(dir, "npm") },
      });
      expect(outcome).to.have.property("skipped", true);
      expect((outcome as { reason: string }).reason).to.match(/registry is unreachable/);
    });

    it("Numbers: a cached build of the pinned version is reused without npm", async function () {
      const buildDir = path.join(dir, `airswap-swap-erc20-${AIRSWAP_VERSION}`);
      mkdirSync(buildDir, { recursive: true });
      const cached = {
        format: 1,
        version: AIRSWAP_VERSION,
        abi: [],
        bytecode: "0x6000",
        solcLongVersion: "0.8.23+commit.f704f362",
        settings: { optimizer: { enabled: true, runs: 999_999 }, evmVersion: "paris", viaIR: false },
        identicalToPublished: true,
      };
      writeFileSync(path.join(buildDir, "SwapERC20.build.json"), JSON.stringify(cached));
      const outcome = await obtainAirSwap({
        cacheRoot: dir,
        npmEnv: { ...process.env, npm_config_registry: "http://127.0.0.1:9/" },
      });
      expect(outcome).to.include({ cached: true, bytecode: "0x6000", directory: buildDir });
    });
  });
});
