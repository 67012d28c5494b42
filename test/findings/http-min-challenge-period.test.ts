// The paywall states `extra.minChallengePeriod` (HP-X2: the payee needs at least this to claim in time) but accepted
// vouchers of channels with any challenge period: a payer opening with the contract's one-hour minimum could be served,
// request a close and take its deposit back before a payee sized for its stated period claims.
import { expect } from "chai";
import { Wallet } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PAYMENT_HEADERS, encodeHeaderJson, signVoucher, type PaymentRequired } from "../../sdk";
import { HOUR, openChannel } from "../helpers/channels-sdk";
import { Counter, PRICE, httpFixture, payeeClient, startServer, paymentPayload } from "../http/helpers";

describe("finding: the paywall's minChallengePeriod (HP-X2, HP-P4)", function () {
  it("HP-X2, HP-P4: a channel whose challenge period is minChallengePeriod − 1 is HTTP_PAYMENT_FOREIGN and not served; minChallengePeriod and + 1 are paid", async function () {
    const f = await loadFixture(httpFixture);
    const key = new Wallet("0x" + "5e".repeat(32));
    const counter = new Counter();
    const min = 2 * HOUR;
    const server = await startServer(
      "node:http",
      { payee: payeeClient(f), price: PRICE, minChallengePeriod: min },
      counter,
    );
    try {
      const pay = async (challengePeriod: number, salt: number) => {
        const { channel, channelId } = await openChannel(f, { signer: key.address, challengePeriod, salt });
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

      const short = await pay(min - 1, 1);
      expect(short.status).to.equal(402);
      expect(short.body.code).to.equal("HTTP_PAYMENT_FOREIGN");
      expect(counter.runs).to.equal(0);
      expect((await pay(min, 2)).status).to.equal(200);
      expect((await pay(min + 1, 3)).status).to.equal(200);
      expect(counter.runs).to.equal(2);
    } finally {
      await server.close();
    }
  });
});
