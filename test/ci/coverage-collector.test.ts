// scripts/coverage-collector.cjs, the fix to solidity-coverage's hit collector under viaIR: a hash pushed
// left-aligned in a 32-byte word is counted whatever its leading zeros, as the plugin counts one without them.
// Without the fix the "00" and "000" hashes below get no hit, which is how CI once saw Signatures.sol at 3 of 4
// branches that a checkout at another path covered fully.
import { expect } from "chai";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const DataCollector = require("../../scripts/coverage-collector.cjs");

const HASHES = ["0x7d2f00aa11bb22cc", "0x0a9c41e27d35b6f8", "0x00d11ae8bfa1c7eb", "0x00034c434efb5ca2"];

function collector(viaIR = true) {
  const data: Record<string, { hits: number }> = Object.fromEntries(HASHES.map((h) => [h, { hits: 0 }]));
  return { data, collector: new DataCollector(data, viaIR) };
}
/** One VM step pushing `word` (as the EVM stack holds it) with PUSH32, in a new transaction (pc 0). */
function push(c: { step(info: object): void }, word: bigint) {
  c.step({ pc: 0, opcode: { name: "PUSH32" }, stack: [word] });
}
const leftAligned = (hash: string) => BigInt(hash) << 192n;

describe("coverage: the viaIR hit collector (scripts/coverage-collector.cjs)", () => {
  it("counts a hash pushed left-aligned in a word, with none, one, two or three leading zero nibbles", () => {
    const { data, collector: c } = collector();
    for (const hash of HASHES) push(c, leftAligned(hash));
    for (const hash of HASHES) expect(data[hash].hits, hash).to.equal(1);
  });

  it("still counts a hash pushed right-aligned (as PUSH8), leading zeros dropped", () => {
    const { data, collector: c } = collector();
    for (const hash of HASHES) push(c, BigInt(hash));
    for (const hash of HASHES) expect(data[hash].hits, hash).to.equal(1);
  });

  it("counts nothing for words that name no hash, shifted or not", () => {
    const { data, collector: c } = collector();
    push(c, leftAligned("0x00d11ae8bfa1c7ec"));
    push(c, leftAligned("0x00d11ae8bfa1c7eb") >> 8n);
    push(c, 2n ** 256n - 1n);
    push(c, 0n);
    for (const hash of HASHES) expect(data[hash].hits, hash).to.equal(0);
  });

  it("is installed once, however often .solcover.js loads it", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const again = require("../../scripts/coverage-collector.cjs");
    expect(again).to.equal(DataCollector);
    expect(DataCollector.prototype._normalizeHash.peerpayPatched).to.equal(true);
  });
});
