// A user who clicks "Reject": the EIP-1193 wallet answers error 4001, and every client turns it into the SDK's
// TransactionError USER_REJECTED, for signatures as for transactions, with nothing sent (docs/signers.md SG-W3).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, parseEther } from "ethers";
import {
  EscrowClient,
  HashedTimelocksClient,
  PayerClient,
  PaymentChannelsClient,
  SwapClient,
  TransactionError,
  createSecret,
  signAsSafe,
  buildVoucherTypedData,
  toChannelId,
} from "../../../sdk";
import { pageSigner, type RecordingEip1193 } from "../../helpers/eip1193";
import { channelsFixture, openChannel } from "../../helpers/channels-sdk";
import { htlcFixture } from "../../helpers/hashed-timelocks";
import { paymentChannelsFixture } from "../../helpers/payment-channels-sdk";
import { dealTerms, expectSdkError, sdkFixture } from "../../helpers/sdk";
import { swapSdkFixture } from "../swap/fixture";
import { createSafe, safeContracts } from "../../helpers/safe";

const SIGN = "eth_signTypedData_v4";
const SEND = "eth_sendTransaction";

/** Asserts `action` fails with USER_REJECTED, keeps the wallet's error as cause, and `method` was asked once. */
async function expectRejected(wallet: RecordingEip1193, method: string, action: () => Promise<unknown>) {
  wallet.rejecting.add(method);
  const mark = wallet.seen.length;
  const error = await expectSdkError(action, TransactionError, "USER_REJECTED");
  expect(error.cause, "the wallet's error is kept as cause").to.not.equal(undefined);
  expect(wallet.seen.slice(mark).filter((m) => m === method)).to.have.length(1);
  wallet.rejecting.delete(method);
}

describe("EIP-1193 wallet: a declined prompt is USER_REJECTED in every client (docs/signers.md)", function () {
  it("SG-W3: escrow: a declined release signature, permit and transaction", async function () {
    const f = await loadFixture(sdkFixture);
    const { wallet, signer } = await pageSigner(f.depositor.address);
    const client = new EscrowClient({ address: f.address, runner: signer });
    const terms = await dealTerms(f);
    await expectRejected(wallet, SIGN, () => client.createDeal({ ...terms, token: f.tokenAddress, funding: "permit" }));
    expect(wallet.seen).to.not.include(SEND);
    await expectRejected(wallet, SEND, () => client.createDeal(terms));
    const { deal } = await client.createDeal(terms);
    const expiry = (await time.latest()) + 3_600;
    await expectRejected(wallet, SIGN, () => client.signRelease({ deal, amount: 1n, expiry }));
  });

  it("SG-W3: micropayments: a declined voucher and a declined open", async function () {
    const f = await loadFixture(channelsFixture);
    const { channel } = await openChannel(f);
    const { wallet, signer } = await pageSigner(f.payer.address);
    const payer = new PayerClient({ address: f.contract, runner: signer });
    await expectRejected(wallet, SIGN, () => payer.pay({ channel, amount: 10n }));
    // Nothing was signed, so the running total did not move.
    expect(await payer.cumulativeOf({ channel })).to.equal(0n);
    await expectRejected(wallet, SEND, () =>
      payer.open({ payee: f.payee.address, amount: 1_000n, challengePeriod: 3_600 }),
    );
  });

  it("SG-W3: two-way channels: a declined balance proof", async function () {
    const f = await loadFixture(paymentChannelsFixture);
    const { channel } = await f
      .client(f.alice)
      .open({ participant2: f.bob.address, amount: 1_000n, challengePeriod: 3_600 });
    const { wallet, signer } = await pageSigner(f.alice.address);
    const client = new PaymentChannelsClient({ address: f.contract, runner: signer });
    const proof = { nonce: 1n, transferred: 1n, locked: 0n, locksRoot: ZeroHash };
    await expectRejected(wallet, SIGN, () => client.signBalanceProof({ channel, proof }));
  });

  it("SG-W3: swaps: a declined order", async function () {
    const f = await loadFixture(swapSdkFixture);
    const { wallet, signer } = await pageSigner(f.maker.address);
    const client = new SwapClient({ address: f.address, runner: signer });
    const order = await client.makeOrder({
      makerToken: f.dusdAddress,
      makerAmount: 1n,
      takerToken: ZeroAddress,
      takerAmount: parseEther("0.001"),
    });
    await expectRejected(wallet, SIGN, () => client.signOrder({ order }));
  });

  it("SG-W3: atomic swaps: a declined permit of lockWithPermit", async function () {
    const f = await loadFixture(htlcFixture);
    const { wallet, signer } = await pageSigner(f.sender.address);
    const client = new HashedTimelocksClient({ address: f.htlcAddress, runner: signer });
    const { hashlock } = createSecret();
    const timelock = (await time.latest()) + 3_600;
    await expectRejected(wallet, SIGN, () =>
      client.lock({
        receiver: f.receiver.address,
        token: f.tokenAddress,
        amount: 1n,
        hashlock,
        timelock,
        funding: "permit",
      }),
    );
    expect(wallet.seen).to.not.include(SEND);
  });

  it("SG-W3: Safe: an owner who declines the SafeMessage makes signAsSafe fail with USER_REJECTED", async function () {
    const signers = await ethers.getSigners();
    const [o1, o2] = signers.slice(14, 16);
    const contracts = await safeContracts();
    const { safe } = await createSafe(contracts, { owners: [o1.address, o2.address], threshold: 2 });
    const { wallet, signer } = await pageSigner(o2.address);
    const { chainId } = await ethers.provider.getNetwork();
    const typedData = buildVoucherTypedData({ chainId, contract: safe, channelId: toChannelId(ZeroHash), amount: 1n });
    await expectRejected(wallet, SIGN, () => signAsSafe({ safe, typedData, owners: [o1, signer] }));
  });
});
