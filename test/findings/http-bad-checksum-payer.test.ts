// payload.ts accepted any 0x + 40 hex as an address, but computing the channel id checks EIP-55 checksums: a payer (or
// signer) in mixed case with a wrong checksum made `evaluate` throw, and the middleware called `next(error)`. A
// node:http server written as paywall()'s own example, `pay(req, res, () => res.end(content))`, then served the
// content unpaid.
import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Wallet, ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PAYMENT_HEADERS, encodeHeaderJson, type PaymentRequired } from "../../sdk";
import { paywall } from "../../sdk/node";
import { httpFixture, payeeClient, PRICE, paymentPayload } from "../http/helpers";

/** The address with the case of its first letter flipped: same account, wrong EIP-55 checksum. */
function badChecksum(address: string): string {
  const i = [...address].findIndex((c, k) => k > 1 && /[a-fA-F]/.test(c));
  const c = address[i];
  return address.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + address.slice(i + 1);
}

describe("finding: an address with a wrong checksum in the payment (HP-P3)", function () {
  for (const field of ["payer", "signer"] as const) {
    it(`HP-P3: a channel ${field} with a wrong EIP-55 checksum is a 402 HTTP_PAYMENT_MALFORMED; the paywall example's handler does not run`, async function () {
      const f = await loadFixture(httpFixture);
      const pay = paywall({ payee: payeeClient(f), price: PRICE });
      let runs = 0;
      // paywall()'s JSDoc example, verbatim in shape: the continuation ignores next's argument.
      const server = createServer((req, res) =>
        pay(req, res, () => {
          runs++;
          res.end("paid content");
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
        const channel = {
          payer: f.payer.address,
          payee: f.payee.address,
          token: ZeroAddress,
          signer: Wallet.createRandom().address,
          challengePeriod: 3_600,
          salt: 1,
        };
        channel[field] = badChecksum(channel[field]);
        const payment = paymentPayload(f, {
          contract: f.contract,
          channel,
          amount: PRICE.toString(),
          signature: "0x" + "ab".repeat(65),
        });
        const response = await fetch(url, { headers: { [PAYMENT_HEADERS.payment]: encodeHeaderJson(payment) } });
        const body = (await response.json().catch(() => undefined)) as PaymentRequired | undefined;
        expect(runs).to.equal(0);
        expect(response.status).to.equal(402);
        expect(body?.code).to.equal("HTTP_PAYMENT_MALFORMED");
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  }
});
