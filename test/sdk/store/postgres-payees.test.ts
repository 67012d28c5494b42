// Two PayeeClients in front of one PostgresVoucherStore (docs/payee-stores.md, PS-A2): whatever order racing
// vouchers land in, no range of a channel is credited twice.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";
import { PayeeClient, PayerClient, signVoucher, type AcceptVoucherReturnType } from "../../../sdk";
import { PostgresVoucherStore } from "../../../sdk/node";
import { HOUR, channelsFixture } from "../../helpers/channels-sdk";
import { testSchema } from "../../helpers/postgres";

async function openedFixture() {
  const f = await channelsFixture();
  const session = new Wallet("0x" + "5e".repeat(32));
  const { channel, channelId } = await new PayerClient({ address: f.contract, runner: f.payer }).open({
    payee: f.payee.address,
    amount: 100_000n,
    challengePeriod: HOUR,
    signer: session.address,
  });
  return { ...f, channel, channelId, session };
}

describe("PostgresVoucherStore behind two PayeeClients (PS-A2)", function () {
  this.timeout(120_000);

  it("PS-A2: vouchers 120 and 125 over a best of 100 at a price of 20 never both pass, round after round", async function () {
    const f = await loadFixture(openedFixture);
    const { url, schema, drop } = await testSchema();
    const stores = await Promise.all([0, 1].map(() => PostgresVoucherStore.open({ connection: url, schema })));
    try {
      const [a, b] = stores.map(
        (store) => new PayeeClient({ address: f.contract, runner: f.payee, store, claimMargin: 60 }),
      );
      const sign = (amount: bigint) =>
        signVoucher({
          chainId: f.chainId,
          contract: f.contract,
          channelId: f.channelId,
          amount,
          privateKey: f.session.privateKey,
        });
      const accept = async (client: PayeeClient, amount: bigint) =>
        client.acceptVoucher({ channel: f.channel, amount, signature: (await sign(amount)).signature });
      expect((await accept(a!, 100n)).increment).to.equal(100n);
      const price = 20n;
      let best = 100n;
      for (let round = 0; round < 12; round++) {
        // Alternate which client gets which voucher, so both orders of arrival are exercised.
        const [low, high] = [best + 20n, best + 25n];
        const pair = round % 2 === 0 ? [accept(a!, low), accept(b!, high)] : [accept(b!, low), accept(a!, high)];
        const results = await Promise.allSettled(pair);
        const credited = results
          .filter((r): r is PromiseFulfilledResult<AcceptVoucherReturnType> => r.status === "fulfilled")
          .map((r) => r.value.increment);
        for (const r of results) if (r.status === "rejected") expect(r.reason.code).to.equal("VOUCHER_NOT_MONOTONIC");
        expect(
          credited.reduce((sum, x) => sum + x, 0n),
          `round ${round}`,
        ).to.equal(25n);
        expect(credited.filter((x) => x >= price).length, `round ${round}`).to.equal(1);
        best = high;
        expect((await stores[1]!.get(f.channelId))?.amount).to.equal(best);
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await drop();
    }
  });
});
