// Gas regression test: measures every registered product's operations and deployment (scripts/products/) as
// `npm run gas` does (scripts/lib/gas/) and compares with the committed gas/snapshot.json. Gas is deterministic here (fixed keys,
// fixed clock, RFC 6979 signatures), so the comparison is exact: any increase fails; a decrease passes with a hint
// to refresh the snapshot.
import { readFileSync } from "node:fs";
import hre from "hardhat";
import { underCoverage } from "../helpers/coverage";
import { expect } from "chai";
import {
  GAS_TARGETS,
  SNAPSHOT_PATH,
  allRows,
  deploymentKey,
  formatGasTable,
  measureProducts,
  type GasRow,
  type GasSnapshot,
  type ProductGas,
} from "../../scripts/lib/gas";
import { PRODUCTS } from "../../scripts/products";

describe("Gas: every product's operations and deployment (gas/snapshot.json)", function () {
  let measured: ProductGas[];
  let rows: GasRow[];
  let snapshot: GasSnapshot;

  before(async function () {
    // Under `npm run coverage` the contracts are instrumented, so their gas means nothing: the snapshot is checked by
    // `npm test` only.
    if (underCoverage()) this.skip();
    measured = await measureProducts(hre);
    rows = allRows(measured);
    snapshot = JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8")) as GasSnapshot;
  });

  it("measures exactly the operations of the committed snapshot, once each", function () {
    const keys = rows.map((r) => r.key).sort();
    const committed = Object.keys(snapshot).sort();
    const missing = keys.filter((k) => !committed.includes(k));
    const extra = committed.filter((k) => !keys.includes(k));
    expect(
      { missing, extra },
      `measured operations missing from ${SNAPSHOT_PATH}, or in it but no longer measured (run npm run gas)`,
    ).to.deep.equal({ missing: [], extra: [] });
    expect(new Set(keys).size, "duplicate operation keys").to.equal(keys.length);
    expect(measured.map((m) => m.contract)).to.deep.equal(PRODUCTS.map((p) => p.contract));
  });

  for (const product of PRODUCTS) {
    it(`${product.contract}: measures its operations, its deployment through the CREATE2 proxy, and meets its targets`, function () {
      const own = measured.find((m) => m.contract === product.contract)!;
      expect(own.operations.length, `${product.contract} has no gas scenario`).to.be.greaterThan(0);
      expect(own.deployment.key).to.equal(deploymentKey(product));
      expect(own.deployment.gas).to.be.greaterThan(0);
      const keys = own.operations.map((r) => r.key);
      for (const [key, target] of Object.entries(product.gas.targets)) {
        expect(keys, `target ${key} of ${product.contract} is not one of its operations`).to.include(key);
        const row = own.operations.find((r) => r.key === key)!;
        expect(row.target, key).to.equal(target);
        expect(row.gas, key).to.be.at.most(target);
      }
      // Only the product's own targets are attached to its rows.
      for (const row of own.operations.filter((r) => r.target !== undefined)) {
        expect(product.gas.targets, row.key).to.have.property(row.key);
      }
    });
  }

  it("costs no more gas (and calldata) than the committed snapshot for any operation", function () {
    const over: string[] = [];
    const under: string[] = [];
    for (const r of rows) {
      const committed = snapshot[r.key];
      if (committed === undefined) continue; // reported by the test above
      if (r.gas > committed.gas) over.push(`${r.key}: ${r.gas} > ${committed.gas} (+${r.gas - committed.gas})`);
      if (r.gas < committed.gas) under.push(`${r.key}: ${r.gas} < ${committed.gas} (-${committed.gas - r.gas})`);
      if (r.calldataBytes > committed.calldataBytes) {
        over.push(`${r.key}: calldata ${r.calldataBytes} > ${committed.calldataBytes} bytes`);
      }
    }
    if (under.length > 0) {
      console.log(
        `      cheaper than ${SNAPSHOT_PATH}; run \`npm run gas\` to update it:\n        ${under.join("\n        ")}`,
      );
    }
    if (over.length > 0) console.log(formatGasTable(rows));
    expect(over, `operations costing more gas than ${SNAPSHOT_PATH}`).to.deep.equal([]);
  });

  it(
    "meets the targets: escrow create+fund ETH <= 55,000, ERC20 <= 80,000, full release ETH <= 45,000, " +
      "ERC20 <= 50,000; channel open ETH <= 55,000, ERC20 <= 75,000, payee close with a voucher ETH <= 60,000, " +
      "each extra channel of a batch claim <= 15,000 (both assets, compact signatures as the SDK submits them)",
    function () {
      // The products declare these ceilings (and may declare more); none may be loosened or dropped.
      expect(GAS_TARGETS).to.include({
        "eth.createDeal": 55_000,
        "erc20.createDeal": 80_000,
        "eth.release.full": 45_000,
        "erc20.release.full": 50_000,
        "channels.eth.open": 55_000,
        "channels.erc20.open": 75_000,
        "channels.eth.close.voucher": 60_000,
        "channels.eth.claimMany.perExtra": 15_000,
        "channels.erc20.claimMany.perExtra": 15_000,
      });
      for (const [key, target] of Object.entries(GAS_TARGETS)) {
        const row = rows.find((r) => r.key === key);
        expect(row, `${key} not measured`).to.not.equal(undefined);
        expect(row!.gas, `${key}`).to.be.at.most(target);
      }
    },
  );

  it("derives the per-extra-channel row from the batches of 1 and 5", function () {
    for (const prefix of ["channels.eth", "channels.erc20"]) {
      const gasOf = (k: string): number => rows.find((r) => r.key === `${prefix}.${k}`)!.gas;
      expect(gasOf("claimMany.perExtra")).to.equal(Math.round((gasOf("claimMany.5") - gasOf("claimMany.1")) / 4));
      expect(gasOf("claimMany.sig65.perExtra")).to.equal(
        Math.round((gasOf("claimMany.sig65.5") - gasOf("claimMany.sig65.1")) / 4),
      );
      // The compact form is the cheaper one: that is why the SDK submits it.
      expect(gasOf("claimMany.perExtra")).to.be.lessThan(gasOf("claimMany.sig65.perExtra"));
      expect(gasOf("claimMany.1")).to.be.lessThan(gasOf("claimMany.2"));
      expect(gasOf("claimMany.2")).to.be.lessThan(gasOf("claimMany.5"));
    }
  });

  it("is deterministic: a second measurement gives the same gas and calldata", async function () {
    const again = await measureProducts(hre);
    expect(again).to.deep.equal(measured);
  });
});
