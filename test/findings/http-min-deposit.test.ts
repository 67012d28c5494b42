// The paywall states `extra.minDeposit` (HP-X2: the smallest deposit it accepts for a new channel) but served
// channels of any deposit: a payer could open channels too small for the payee's claim to be worth its gas, be
// served, and count on the payee not claiming.
import { expect } from "chai";
import { Wallet } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PAYMENT_HEADERS, encodeHeaderJson, signVoucher, type PaymentRequired } from "../../sdk";
import { openChannel } from "../helpers/channels-sdk";
import { Counter, PRICE, httpFixture, payeeClient, startServer, paymentPayload } from "../http/helpers";

describe("finding: the paywall's minDeposit (HP-X2, HP-P4)", function () {
  it("HP-X2, HP-P4: a new channel funded with minDeposit − 1 is HTTP_PAYMENT_FOREIGN and not served; minDeposit and + 1 are paid", async function () {
    const f = await loadFixture(httpFixture);
    const key = new Wallet("0x" + "5e".repeat(32));
    const counter = new Counter();
    const min = 50_000n;
    const server = await startServer("node:http", { payee: payeeClient(f), price: PRICE, minDeposit: min }, counter);
    try {
      const pay = async (amount: bigint, salt: number) => {
        const { channel, channelId } = await openChannel(f, { signer: key.address, amount, salt });
        const { signature } = await signVoucher({
          chainId: f.chainId,
          contract: f.contract,
          channelId,
          amount: PRICE,
          privateKey: key.privateKey,
        });
        const payment = paymentPayload(f, { contract: f.contract, channel, amount: PRICE.toString(), signature });
        const response = await fetch(`${server.url}/x`, {
          headers: { [PAYMENT_HEADERS.payment]: encodeHeaderJson(payment) },
        });
        return { status: response.status, body: (await response.json().catch(() => undefined)) as PaymentRequired };
      };

      const small = await pay(min - 1n, 1);
      expect(small.status).to.equal(402);
      expect(small.body.code).to.equal("HTTP_PAYMENT_FOREIGN");
      expect(counter.runs).to.equal(0);
      expect((await pay(min, 2)).status).to.equal(200);
      expect((await pay(min + 1n, 3)).status).to.equal(200);
      expect(counter.runs).to.equal(2);
    } finally {
      await server.close();
    }
  });
});
