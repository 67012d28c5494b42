import { expect } from "chai";
import { hexlify, keccak256, toBeHex } from "ethers";
import { keccak256Into } from "../../../sdk/internal/keccak";

describe("keccak256Into (the voucher hot path's hash)", function () {
  it("equals ethers' keccak256 for every input length from 0 to 135 bytes", function () {
    const out = new Uint8Array(40);
    for (let length = 0; length <= 135; length++) {
      for (let sample = 0; sample < 4; sample++) {
        // Deterministic, varied bytes: the sample's hash, repeated.
        const seed = keccak256(toBeHex(length * 4 + sample, 32))
          .slice(2)
          .repeat(5);
        const input = Uint8Array.from({ length }, (_, i) => parseInt(seed.slice(2 * i, 2 * i + 2), 16));
        keccak256Into(input, length, out, 8);
        expect(hexlify(out.subarray(8)), `length ${length}`).to.equal(keccak256(input));
      }
    }
  });

  it("hashes only the first `length` bytes and refuses inputs longer than one block", function () {
    const out = new Uint8Array(32);
    const input = new Uint8Array(200).fill(7);
    keccak256Into(input, 10, out, 0);
    expect(hexlify(out)).to.equal(keccak256(input.subarray(0, 10)));
    expect(() => keccak256Into(input, 136, out, 0)).to.throw(RangeError);
    expect(() => keccak256Into(new Uint8Array(4), 5, out, 0)).to.throw(RangeError);
  });
});
