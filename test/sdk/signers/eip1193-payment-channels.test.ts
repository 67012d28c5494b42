// The two-way payment channels' signed messages (balance proof, withdraw, cooperative close, watchtower reward) and
// their session keys, with participant1 in a page behind a bare EIP-1193 wallet (docs/signers.md SG-W1, SG-W4).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";
import { PaymentChannelsClient, validateBalanceProof, type BalanceProof } from "../../../sdk";
import { countSince, pageSigner } from "../../helpers/eip1193";
import { HOUR, paymentChannelsFixture } from "../../helpers/payment-channels-sdk";

const SIGN = "eth_signTypedData_v4";

/** Alice (in the page) opens an ERC20 channel to Bob with a permit she signs in her wallet; Bob deposits. */
async function pageChannelFixture() {
  const f = await paymentChannelsFixture();
  const page = await pageSigner(f.alice.address);
  const alice = new PaymentChannelsClient({ address: f.contract, runner: page.signer });
  const bob = f.client(f.bob);
  const opened = await alice.open({
    participant2: f.bob.address,
    token: f.tokenAddress,
    amount: 1_000n,
    challengePeriod: HOUR,
    funding: "permit",
    key1: f.aliceKey.address,
  });
  await bob.deposit({ channel: opened.channelId, amount: 500n, approve: true });
  return { ...f, ...opened, page, aliceClient: alice, bobClient: bob };
}

describe("EIP-1193 wallet signing: two-way payment channels (docs/signers.md)", function () {
  it("SG-W1: the open's permit, a withdraw, a balance proof and a cooperative close signed in the wallet are accepted on-chain", async function () {
    const f = await loadFixture(pageChannelFixture);
    const { page, aliceClient: alice, bobClient: bob, channel } = f;
    expect(countSince(page.wallet, SIGN)).to.equal(1); // the permit

    const expiry = BigInt((await time.latest()) + HOUR);
    let mark = page.wallet.seen.length;
    const withdraw = { channel, participant: f.bob.address, totalWithdrawn: 50n, expiry };
    const { signature: signature1 } = await alice.signWithdraw(withdraw);
    expect(countSince(page.wallet, SIGN, mark)).to.equal(1);
    await bob.cooperativeWithdraw({ ...withdraw, signature1 });
    expect(await f.token.balanceOf(f.bob.address)).to.equal(10n ** 15n - 500n + 50n);

    mark = page.wallet.seen.length;
    const proof: BalanceProof = { nonce: 1n, transferred: 100n, locked: 0n, locksRoot: ZeroHash };
    const { signature } = await alice.signBalanceProof({ channel, proof });
    expect(countSince(page.wallet, SIGN, mark)).to.equal(1);
    const checked = await validateBalanceProof({
      chainId: f.chainId,
      contract: f.contract,
      channel,
      channelId: f.channelId,
      sender: f.alice.address,
      proof,
      signature,
      locks: [],
    });
    expect(checked.signer.by).to.equal("participant");

    mark = page.wallet.seen.length;
    const close = { channel, balance1: 900n, balance2: 550n, expiry };
    const { signature: closeSignature } = await alice.signCooperativeClose(close);
    expect(countSince(page.wallet, SIGN, mark)).to.equal(1);
    const { events } = await bob.cooperativeClose({ ...close, signature1: closeSignature });
    expect(events.find((e) => e.type === "ChannelCooperativelyClosed")).to.deep.include({
      amount1: 900n,
      amount2: 550n,
    });
  });

  it("SG-W1: a proof signed in the wallet closes the channel, and a reward signed in the wallet lets a watchtower update", async function () {
    const f = await loadFixture(pageChannelFixture);
    const { page, aliceClient: alice, bobClient: bob, channel } = f;
    const a1: BalanceProof = { nonce: 1n, transferred: 100n, locked: 0n, locksRoot: ZeroHash };
    const { signature: a1sig } = await alice.signBalanceProof({ channel, proof: a1 });
    const b1: BalanceProof = { nonce: 1n, transferred: 30n, locked: 0n, locksRoot: ZeroHash };
    const { signature: b1sig } = await bob.signBalanceProof({ channel, proof: b1 });
    await bob.close({ channel, proof: a1, signature: a1sig });
    const mark = page.wallet.seen.length;
    const { signature: rewardSignature } = await alice.signReward({
      channel,
      proof: b1,
      watchtower: f.tower.address,
      amount: 5n,
    });
    expect(countSince(page.wallet, SIGN, mark)).to.equal(1);
    await f
      .client(f.tower)
      .updateFor({ channel, sender: f.bob.address, proof: b1, signature: b1sig, reward: 5n, rewardSignature });
    const state = await f.client(ethers.provider).getChannel({ channel });
    expect(state.record!.d21).to.deep.include({ nonce: 1n, transferred: 30n, rewardee: f.tower.address, reward: 5n });
  });

  it("SG-W4: with the session key named at open, proofs are signed with zero wallet requests and close the channel", async function () {
    const f = await loadFixture(pageChannelFixture);
    const { page, aliceClient: alice, bobClient: bob, channel } = f;
    await alice.useSessionKey({ channel, privateKey: f.aliceKey.privateKey });
    const mark = page.wallet.seen.length;
    let last: { proof: BalanceProof; signature: string } | undefined;
    for (let n = 1n; n <= 3n; n++) {
      const proof: BalanceProof = { nonce: n, transferred: 10n * n, locked: 0n, locksRoot: ZeroHash };
      last = { proof, signature: (await alice.signBalanceProof({ channel, proof })).signature };
    }
    expect(countSince(page.wallet, SIGN, mark)).to.equal(0);
    const { events } = await bob.close({ channel, ...last! });
    expect(events.find((e) => e.type === "ChannelClosed")).to.not.equal(undefined);
    const state = await f.client(ethers.provider).getChannel({ channel });
    expect(state.record!.d12).to.deep.include({ nonce: 3n, transferred: 30n });
  });
});
