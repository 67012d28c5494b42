// A channel's terms are public (its ChannelOpened event). The paywall queued every request naming a channel behind
// the previous one for the whole of acceptVoucher, verification included; a forged voucher for someone else's channel
// forces a fresh chain read (its signer is unknown), so a stream of them kept the real payer's requests waiting. The
// increment check of acceptVoucher already makes concurrent acceptances safe (HP-S2); the paywall no longer queues.
import { expect } from "chai";
import { Wallet } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { encodeHeaderJson, signVoucher, type AcceptVoucherParameters } from "../../sdk";
import { PaywallCore } from "../../sdk/node";
import { openChannel } from "../helpers/channels-sdk";
import { PRICE, httpFixture, payeeClient, paymentPayload } from "../http/helpers";

describe("finding: forged vouchers queued ahead of a channel's payer (HP-S1, HP-S2)", function () {
  it("HP-S1, HP-S2: a forged voucher still being verified does not hold back the payer's own voucher on that channel, which is served", async function () {
    this.timeout(30_000);
    const f = await loadFixture(httpFixture);
    const key = new Wallet("0x" + "5e".repeat(32));
    const { channel, channelId } = await openChannel(f, { signer: key.address, amount: 100_000n });
    const payee = payeeClient(f);
    const forger = Wallet.createRandom();
    // The forged voucher's verification (a chain read) completes only once the payer's voucher has reached
    // acceptVoucher: queued behind the forgery, it never does.
    let payerArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (payerArrived = resolve));
    const accept = payee.acceptVoucher.bind(payee);
    payee.acceptVoucher = async (params: AcceptVoucherParameters) => {
      if (params.signature.toLowerCase() === (await sign(forger.privateKey)).toLowerCase()) await arrived;
      else payerArrived();
      return accept(params);
    };
    const core = new PaywallCore({ payee, price: PRICE });
    async function sign(privateKey: string) {
      return (await signVoucher({ chainId: f.chainId, contract: f.contract, channelId, amount: PRICE, privateKey }))
        .signature;
    }
    const request = async (privateKey: string) => {
      const payment = paymentPayload(f, {
        contract: f.contract,
        channel,
        amount: PRICE.toString(),
        signature: await sign(privateKey),
      });
      return { url: "/x", headers: { "payment-signature": encodeHeaderJson(payment) } };
    };

    const forged = core.evaluate(await request(forger.privateKey));
    const paid = await core.evaluate(await request(key.privateKey));
    expect(paid.paid).to.equal(true);
    const refused = await forged;
    expect(refused.paid).to.equal(false);
    expect(!refused.paid && refused.body.code).to.equal("VOUCHER_UNAUTHORIZED_SIGNER");
  });
});
