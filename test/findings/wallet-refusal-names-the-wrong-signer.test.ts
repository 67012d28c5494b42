// Finding: when a contract payer's wallet (a Safe, ERC-1271) refused a voucher's signature, acceptVoucher refused the
// voucher, rightly, but with VOUCHER_UNAUTHORIZED_SIGNER naming whatever address ECDSA recovered from the bytes (an
// owner of the wallet, or a random address): an operator was sent looking for a key that is no signer of the
// channel. Fix: a contract payer's voucher that ECDSA does not authorise and the wallet refuses is
// VOUCHER_INVALID_SIGNATURE naming the wallet (`details.wallet`); only a session key of the channel past its
// validity is still reported as an unauthorised signer (docs/micropayments.md §5).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";
import { MemoryVoucherStore, PayeeClient, VoucherError, signVoucher } from "../../sdk";
import { HOUR, channelsFixture, openWalletChannel } from "../helpers/channels-sdk";
import { expectSdkError } from "../helpers/sdk";

async function fixture() {
  const f = await channelsFixture();
  return { ...f, ...(await openWalletChannel(f, { signer: f.sessionKey.address })) };
}

async function setup() {
  const f = await loadFixture(fixture);
  const payeeClient = new PayeeClient({
    address: f.contract,
    runner: f.payee,
    store: new MemoryVoucherStore(),
    claimMargin: 60,
  });
  const context = { chainId: f.chainId, contract: f.contract, channelId: f.channelId };
  return { ...f, payeeClient, context };
}

describe("finding: a wallet's refused signature was reported as an unauthorised signer named by ecrecover", function () {
  it("names the wallet, not the owner's key, when the wallet refuses its owner's signature", async function () {
    const f = await setup();
    await f.wallet.setMode(1);
    const { signature } = await signVoucher({ ...f.context, amount: 10n, signer: f.payer });
    const error = await expectSdkError(
      f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature }),
      VoucherError,
      "VOUCHER_INVALID_SIGNATURE",
      { wallet: f.walletAddress },
    );
    expect(error.message).to.contain(f.walletAddress);
    expect(error.message).to.not.contain(f.payer.address);
    expect(error.details).to.not.have.property("signer");
  });

  it("names the wallet for a stranger's signature that the wallet does not accept", async function () {
    const f = await setup();
    const stranger = Wallet.createRandom();
    const { signature } = await signVoucher({ ...f.context, amount: 10n, privateKey: stranger.privateKey });
    await expectSdkError(
      f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature }),
      VoucherError,
      "VOUCHER_INVALID_SIGNATURE",
      { wallet: f.walletAddress },
    );
  });

  it("still names the channel's own session key when it signs past its validity", async function () {
    const f = await setup();
    const { signature } = await signVoucher({ ...f.context, amount: 10n, privateKey: f.sessionKey.privateKey });
    expect((await f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature })).signer).to.equal(
      f.sessionKey.address,
    );
    await f.channels.connect(f.asWallet).setSigner(f.channel, Wallet.createRandom().address);
    await time.increase(HOUR + 1);
    const late = await signVoucher({ ...f.context, amount: 20n, privateKey: f.sessionKey.privateKey });
    // A client that reads the state now: the first one cached it before the rotation (its watcher would drop it).
    const restarted = new PayeeClient({ address: f.contract, runner: f.payee, store: f.payeeClient.store });
    await expectSdkError(
      restarted.acceptVoucher({ channel: f.channel, amount: 20n, signature: late.signature }),
      VoucherError,
      "VOUCHER_UNAUTHORIZED_SIGNER",
      { signer: f.sessionKey.address },
    );
  });
});
