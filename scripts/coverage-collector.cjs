// solidity-coverage 0.8.17 finds a hit when an instrumentation hash (8 bytes) is pushed on the stack. Under viaIR
// the optimizer often pushes the hash left-aligned in a 32-byte word, and the collector reads that word's hex without
// its leading zeros: it recovers a hash that starts with one zero nibble but not one that starts with two or more,
// so about one hash in 256 is never counted. Which hashes those are depends on the absolute path of the checkout
// (a hash is keccak256(path:contract:counter)), so a branch could be 100% covered in one clone and missed in CI's.
// We measured it: Signatures.sol in a checkout at /tmp/cvexp/r21 got a "00" hash for one branch and reported 3 of 4
// branches with the very tests that cover all 4 elsewhere.
//
// The fix below reads a long stack value as the left-aligned word it is: pad it back to 64 hex digits and take the
// first 16. A value that does not name a hash falls through to the plugin's own normalisation, unchanged.
// `.solcover.js` requires this file, so it applies to `hardhat coverage` only.
const DataCollector = require("solidity-coverage/lib/collector");

const original = DataCollector.prototype._normalizeHash;
if (typeof original !== "function") {
  // A solidity-coverage upgrade renamed the method: fail loudly rather than silently lose the fix.
  throw new Error("scripts/coverage-collector.cjs: solidity-coverage's DataCollector has no _normalizeHash");
}
if (!original.peerpayPatched) {
  /** The instrumentation hash a stack word names, leading zeros included, or the plugin's own reading. */
  const normalizeHash = function (hash) {
    const digits = hash.slice(2);
    if (this.viaIR && digits.length > 16 && digits.length <= 64) {
      const leftAligned = `0x${digits.padStart(64, "0").slice(0, 16)}`;
      if (this.instrumentationData[leftAligned]) return leftAligned;
    }
    return original.call(this, hash);
  };
  normalizeHash.peerpayPatched = true;
  DataCollector.prototype._normalizeHash = normalizeHash;
}

module.exports = DataCollector;
