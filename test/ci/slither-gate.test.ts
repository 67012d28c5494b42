// The CI Slither gate (scripts/check-slither.cjs) over synthetic Slither reports and triage tables: it passes only
// when findings and rows match one to one, with the same impact, and high or medium rows name an existing test.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const GATE = path.resolve(__dirname, "../../scripts/check-slither.cjs");
const TEST_TITLE =
  "Escrow._create: ETH deals are funded by createDeal's value, and createDealWithPermit refuses any value";

const fn = (contract: string, name: string) => ({
  type: "function",
  name,
  type_specific_fields: { parent: { type: "contract", name: contract } },
});
const local = (contract: string, func: string, name: string) => ({
  type: "variable",
  name,
  type_specific_fields: {
    parent: { type: "function", name: func, type_specific_fields: { parent: { type: "contract", name: contract } } },
  },
});
const finding = (check: string, impact: string, element: object) => ({
  check,
  impact,
  description: `${check} finding\nmore`,
  elements: [element],
});

const HIGH = finding("msg-value-in-nonpayable", "High", fn("Escrow", "_create"));
const LOW = finding("timestamp", "Low", fn("Escrow", "markPaid"));
const MEDIUM = finding("uninitialized-local", "Medium", local("Escrow", "_milestonesHash", "sum"));

const row = (detector: string, where: string, impact: string, test = "—") =>
  `| \`${detector}\` | \`${where}\` | ${impact} | accepted | a reason | ${test} |`;
const HIGH_ROW = row(
  "msg-value-in-nonpayable",
  "Escrow._create",
  "High",
  `\`test/security/slither-triage.test.ts\` "${TEST_TITLE}"`,
);
const LOW_ROW = row("timestamp", "Escrow.markPaid", "Low");

function run(findings: object[], rows: string[], success = true): { code: number; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "peerpay-slither-"));
  try {
    const report = path.join(dir, "slither.json");
    const doc = path.join(dir, "security.md");
    writeFileSync(report, JSON.stringify({ success, error: null, results: { detectors: findings } }));
    const table = ["| Detector | Where | Impact | Decision | Reason | Test |", "| - | - | - | - | - | - |", ...rows];
    writeFileSync(doc, ["# x", "<!-- slither-triage:start -->", ...table, "<!-- slither-triage:end -->"].join("\n"));
    try {
      return {
        code: 0,
        output: execFileSync(process.execPath, [GATE, report, doc], { encoding: "utf8", stdio: "pipe" }),
      };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { code: e.status, output: e.stdout + e.stderr };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("CI Slither gate (scripts/check-slither.cjs)", function () {
  it("passes when every finding has its row, and high rows name an existing test", function () {
    const { code, output } = run([HIGH, LOW], [HIGH_ROW, LOW_ROW]);
    expect(code, output).to.equal(0);
    expect(output).to.contain("2 findings (msg-value-in-nonpayable 1, timestamp 1), 2 triage rows");
  });

  it("fails on a finding without a row, naming it", function () {
    const { code, output } = run([HIGH, LOW, MEDIUM], [HIGH_ROW, LOW_ROW]);
    expect(code).to.equal(1);
    expect(output).to.contain("untriaged Medium finding: uninitialized-local Escrow._milestonesHash.sum");
  });

  it("fails on a row that matches no finding, and on a row whose impact differs", function () {
    expect(run([HIGH], [HIGH_ROW, LOW_ROW]).output).to.contain("triage row matches no finding (remove it): timestamp");
    const impact = run([HIGH, LOW], [HIGH_ROW, row("timestamp", "Escrow.markPaid", "Informational")]);
    expect(impact.code).to.equal(1);
    expect(impact.output).to.contain("impact is Low, triaged as Informational");
  });

  it("fails when a high or medium row names no test, or a test that does not exist", function () {
    const none = run([HIGH], [row("msg-value-in-nonpayable", "Escrow._create", "High")]);
    expect(none.code).to.equal(1);
    expect(none.output).to.contain('must name a test as `path` "title"');
    const missing = run(
      [HIGH],
      [
        row(
          "msg-value-in-nonpayable",
          "Escrow._create",
          "High",
          '`test/security/slither-triage.test.ts` "no such test"',
        ),
      ],
    );
    expect(missing.code).to.equal(1);
    expect(missing.output).to.contain('no test "no such test"');
  });

  it("fails when Slither itself failed", function () {
    const { code, output } = run([], [], false);
    expect(code).to.not.equal(0);
    expect(output).to.contain("slither failed");
  });
});
