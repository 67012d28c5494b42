// Finding (adversarial review of the engine, issue 10): a payer could void payments it had just made. Having signed a
// cooperative close at the current balances, the receiver still stored and acknowledged the payer's later proofs; the
// payer then submitted the close, which pays the balances it names, so the receiver lost every payment acknowledged
// after signing. Fix (docs/payment-channels.md §8.3, PC-C1): once a peer signed a close it refuses incoming proofs
// until the close can no longer land (its expiry passed on-chain and the channel is still open).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";
import { ethers } from "hardhat";
import { signPaymentChannelMessage, type PeerMessage } from "../../sdk";
import {
  DEPOSIT,
  aliceFacingTest,
  engineChannelFixture,
  proofMessage,
  until,
  type EngineFixture,
} from "../helpers/engine";

/** Alice's peer; the test plays Bob, a payer who tries to void its payments. */
async function aliceWithBobPlayedByTheTest(f: EngineFixture) {
  const { alice, clock, replies } = await aliceFacingTest(f);
  const pay = (nonce: bigint, transferred: bigint, amount: bigint): Promise<PeerMessage> =>
    proofMessage({
      f,
      change: { kind: "pay", amount: amount.toString() },
      proof: { nonce, transferred, locked: 0n, locksRoot: ZeroHash },
      key: f.bobKey,
    });
  /** Bob's request for a cooperative close at `close`, signed by him. */
  const closeRequest = async (close: { balance1: bigint; balance2: bigint; expiry: bigint }): Promise<PeerMessage> => {
    const { signature } = await signPaymentChannelMessage({
      chainId: f.chainId,
      contract: f.contract,
      privateKey: f.bobKey.privateKey,
      primaryType: "CooperativeClose",
      message: { channelId: f.channelId, ...close },
    });
    const wire = { balance1: `${close.balance1}`, balance2: `${close.balance2}`, expiry: `${close.expiry}` };
    return { type: "close-request", channelId: f.channelId, id: "c1", ...wire, signature };
  };
  return { alice, clock, replies, pay, closeRequest };
}

describe("finding: a payer voided its payments with a cooperative close signed before them (PC-C1)", function () {
  this.timeout(60_000);

  it("PC-C1: after signing a close, the receiver refuses the payer's next proof, also once the close has landed", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, clock, replies, pay, closeRequest } = await aliceWithBobPlayedByTheTest(f);
    expect(await alice.peer.receive([await pay(1n, 5n, 5n)])).to.deep.equal([]);
    // Bob asks for a close at the current balances (Alice is participant1) and gets Alice's signature.
    const close = { balance1: DEPOSIT + 5n, balance2: DEPOSIT - 5n, expiry: BigInt(clock.now() + 600) };
    expect(await alice.peer.receive([await closeRequest(close)])).to.deep.equal([]);
    await until(() => replies.some((m) => m.type === "close-signature"), 5_000, "Alice's close signature");
    const aliceSignature = (replies.find((m) => m.type === "close-signature") as { signature: string }).signature;

    // Bob pays 100 more: were it stored and acknowledged, the close below would void it.
    const refusals = await alice.peer.receive([await pay(2n, 105n, 100n)]);
    expect(refusals.map((e) => e.code)).to.deep.equal(["PEER_REQUEST_REFUSED"]);
    expect(alice.peer.balances()).to.deep.include({ received: 5n, receivedNonce: 1n });
    expect(replies.some((m) => m.type === "ack" && m.nonce === "2")).to.equal(false);

    // The close pays what it names, not a payment after it.
    const before = await ethers.provider.getBalance(f.alice.address);
    await f.client(f.bob).cooperativeClose({ channel: f.channel, ...close, signature1: aliceSignature });
    expect((await ethers.provider.getBalance(f.alice.address)) - before).to.equal(close.balance1);
    // Past the close's expiry, a channel the close ended takes no payment either.
    await time.increase(700);
    await clock.sync();
    const late = await alice.peer.receive([await pay(2n, 105n, 100n)]);
    expect(late.map((e) => e.code)).to.deep.equal(["PEER_REQUEST_REFUSED"]);
    expect(alice.peer.balances().received).to.equal(5n);
    await alice.peer.stop();
  });

  it("PC-C1: a signed close that expired unused on-chain no longer blocks payments", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, clock, replies, pay, closeRequest } = await aliceWithBobPlayedByTheTest(f);
    const close = { balance1: DEPOSIT, balance2: DEPOSIT, expiry: BigInt(clock.now() + 600) };
    expect(await alice.peer.receive([await closeRequest(close)])).to.deep.equal([]);
    await until(() => replies.some((m) => m.type === "close-signature"), 5_000, "Alice's close signature");
    expect((await alice.peer.receive([await pay(1n, 5n, 5n)])).map((e) => e.code)).to.deep.equal([
      "PEER_REQUEST_REFUSED",
    ]);
    await time.increase(601);
    await clock.sync();
    expect(await alice.peer.receive([await pay(1n, 5n, 5n)])).to.deep.equal([]);
    expect(alice.peer.balances()).to.deep.include({ received: 5n, receivedNonce: 1n });
    await alice.peer.stop();
  });
});
