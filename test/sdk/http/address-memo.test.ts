// The checksum memo (sdk/internal/address.ts) must accept and refuse exactly what ethers' getAddress does, whatever it
// remembered before: an address with a wrong EIP-55 checksum is refused (HP-P3) even right after its correct form and
// its lowercase form were accepted.
import { expect } from "chai";
import { Wallet, getAddress } from "ethers";
import { checksumAddress, isChecksumValid } from "../../../sdk/internal/address";
import { parsePayment } from "../../../sdk/http/server/payload";

/** The address with the case of its first letter flipped: same account, wrong EIP-55 checksum. */
function badChecksum(address: string): string {
  const i = [...address].findIndex((c, k) => k > 1 && /[a-fA-F]/.test(c));
  const c = address[i];
  return address.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + address.slice(i + 1);
}

describe("checksum memo (sdk/internal/address.ts)", function () {
  it("HP-P3: a wrong EIP-55 checksum is refused after the correct and lowercase forms of the address were remembered", function () {
    const good = Wallet.createRandom().address;
    expect(checksumAddress(good)).to.equal(good);
    expect(checksumAddress(good.toLowerCase())).to.equal(good);
    expect(isChecksumValid(good)).to.equal(true);
    const bad = badChecksum(good);
    expect(() => checksumAddress(bad)).to.throw();
    expect(() => getAddress(bad)).to.throw();
    expect(isChecksumValid(bad)).to.equal(false);
    // Still refused the second time (a refusal is never remembered as an acceptance).
    expect(isChecksumValid(bad)).to.equal(false);
  });

  it("HP-P3: non-addresses are refused as ethers refuses them (wrong length, not hex, not a string)", function () {
    for (const value of ["0x1234", "0x" + "g".repeat(40), "", 42, null, undefined]) {
      expect(isChecksumValid(value), String(value)).to.equal(false);
    }
  });

  it("HP-P3: a payment whose channel payer has a wrong checksum is malformed after the same payer, checksummed, parsed ok", function () {
    const payer = Wallet.createRandom().address;
    const payment = (p: string) => ({
      x402Version: 2,
      accepted: { scheme: "peerpay-channel", network: "eip155:1", payTo: payer, asset: payer, amount: "1" },
      payload: {
        contract: payer,
        channel: { payer: p, payee: payer, token: payer, signer: payer, challengePeriod: 3_600, salt: 0 },
        amount: "1",
        signature: "0x" + "ab".repeat(65),
      },
    });
    expect(parsePayment(payment(payer)).ok).to.equal(true);
    const refused = parsePayment(payment(badChecksum(payer)));
    expect(refused).to.deep.include({ ok: false, code: "HTTP_PAYMENT_MALFORMED" });
  });
});
