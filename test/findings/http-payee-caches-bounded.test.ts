// Behind a paywall anyone can send vouchers: each for made-up terms (a fresh salt, a fresh payer) reached
// acceptVoucher, which kept the terms by id, the channel's state and whether the payer has code, forever. Memory grew
// with every unpaid request. Terms of a channel that does not exist are not kept; the state and code caches are
// bounded.
import { expect } from "chai";
import { Wallet, ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  PAYMENT_HEADERS,
  computeChannelId,
  encodeHeaderJson,
  signVoucher,
  type Channel,
  type ChannelId,
  type PaymentRequired,
} from "../../sdk";
import type { ChannelsContext } from "../../sdk/channels/actions/context";
import { PayeeChainView } from "../../sdk/channels/actions/payee/chainView";
import { openChannel } from "../helpers/channels-sdk";
import { Counter, PRICE, httpFixture, payeeClient, paymentPayload, startServer } from "../http/helpers";

describe("finding: payee memory kept per unpaid request (HP-P2, HP-S5)", function () {
  it("HP-S5: a paywall refusing a voucher for a channel that does not exist (CHANNEL_UNKNOWN) keeps no terms for it", async function () {
    const f = await loadFixture(httpFixture);
    const payee = payeeClient(f);
    const server = await startServer("node:http", { payee, price: PRICE }, new Counter());
    try {
      const terms = (payee as unknown as { context: ChannelsContext }).context.terms;
      const key = Wallet.createRandom();
      const ids: ChannelId[] = [];
      for (let salt = 1; salt <= 3; salt++) {
        const channel: Channel = {
          payer: Wallet.createRandom().address,
          payee: f.payee.address,
          token: ZeroAddress,
          signer: key.address,
          challengePeriod: 3_600,
          salt,
        };
        const channelId = computeChannelId({ chainId: f.chainId, contract: f.contract, channel });
        ids.push(channelId);
        const payment = paymentPayload(f, {
          contract: f.contract,
          channel,
          amount: "1000",
          signature: (
            await signVoucher({
              chainId: f.chainId,
              contract: f.contract,
              channelId,
              amount: 1_000n,
              privateKey: key.privateKey,
            })
          ).signature,
        });
        const response = await fetch(`${server.url}/x`, {
          headers: { [PAYMENT_HEADERS.payment]: encodeHeaderJson(payment) },
        });
        expect(response.status).to.equal(402);
        expect(((await response.json()) as PaymentRequired).code).to.equal("CHANNEL_UNKNOWN");
      }
      expect(ids.filter((id) => terms.has(id))).to.deep.equal([]);
    } finally {
      await server.close();
    }
  });

  it("HP-S5: terms dropped on CHANNEL_UNKNOWN are kept again once the channel is opened and its voucher accepted (the claimer resolves it by id)", async function () {
    const f = await loadFixture(httpFixture);
    const payee = payeeClient(f);
    const terms = (payee as unknown as { context: ChannelsContext }).context.terms;
    const key = new Wallet("0x" + "5e".repeat(32));
    const channel: Channel = {
      payer: f.payer.address,
      payee: f.payee.address,
      token: ZeroAddress,
      signer: key.address,
      challengePeriod: 3_600,
      salt: 9,
    };
    const channelId = computeChannelId({ chainId: f.chainId, contract: f.contract, channel });
    const { signature } = await signVoucher({
      chainId: f.chainId,
      contract: f.contract,
      channelId,
      amount: PRICE,
      privateKey: key.privateKey,
    });
    const early = await payee.acceptVoucher({ channel, amount: PRICE, signature }).catch((e: unknown) => e);
    expect((early as { code?: string }).code).to.equal("CHANNEL_UNKNOWN");
    expect(terms.has(channelId)).to.equal(false);
    await openChannel(f, { signer: key.address, amount: 100_000n, salt: 9 });
    await payee.acceptVoucher({ channel, amount: PRICE, signature });
    expect(terms.get(channelId)).to.deep.equal(channel);
  });

  it("HP-P2: the payee's chain view keeps at most 65,536 channel states and 65,536 accounts' code: the oldest is read again", async function () {
    let stateReads = 0;
    let codeReads = 0;
    const provider = {
      getBlock: async () => ({ timestamp: 1 }),
      getCode: async () => {
        codeReads++;
        return "0x";
      },
    };
    const context = {
      tx: { guard: <T>(fn: () => Promise<T>) => fn(), provider: () => provider },
      contract: {
        getChannelState: async () => {
          stateReads++;
          return { deposit: 0n, claimed: 0n, closesAt: 0n, status: 0n, signerChanged: false };
        },
      },
    } as unknown as ChannelsContext;
    // A TTL far beyond the test: an entry read again was evicted, not expired.
    const view = new PayeeChainView(context, 1e12);
    const id = (i: number) => ("0x" + i.toString(16).padStart(64, "0")) as ChannelId;
    const account = (i: number) => "0x" + i.toString(16).padStart(40, "0");
    const n = 65_536 + 1;
    for (let i = 0; i < n; i++) {
      await view.state(id(i), false);
      await view.hasCode(account(i));
    }
    expect(stateReads).to.equal(n);
    expect(codeReads).to.equal(n);
    await view.state(id(0), false);
    await view.hasCode(account(0));
    expect(stateReads).to.equal(n + 1);
    expect(codeReads).to.equal(n + 1);
  });
});
