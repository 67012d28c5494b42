import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroHash } from "ethers";
import {
  PeerMessageError,
  locksRootOf,
  secretHash,
  signPaymentChannelMessage,
  validateBalanceProof,
  type PeerMessage,
  type ProofChange,
  type BalanceProof,
  type WireChange,
} from "../../../../sdk";
import {
  DEPOSIT,
  aliceFacingTest,
  engineChannelFixture,
  proofMessage,
  until,
  type EngineFixture,
} from "../../../helpers/engine";

const SECRET = "0x" + "5e".repeat(32);

/** Alice's peer, with the test playing Bob at the other end of the transport; Bob's proofs signed by his key. */
async function aliceFacing(f: EngineFixture) {
  const { alice, clock, replies } = await aliceFacingTest(f);
  const signed = (change: WireChange, proof: BalanceProof, key: { privateKey: string } = f.bobKey) =>
    proofMessage({ f, change, proof, key });
  return { ...alice, f, clock, replies, proofMessage: signed };
}

type Side = Awaited<ReturnType<typeof aliceFacing>>;

/** Sends one frame and checks it is refused with `code`, answered with an `error` message, and changed nothing. */
async function expectRefused(
  side: Side,
  frame: PeerMessage[],
  code: PeerMessageError["code"],
  also: PeerMessageError["code"][] = [],
): Promise<void> {
  const before = { balances: side.peer.balances(), records: (await side.store.load()).length };
  side.replies.length = 0;
  const refusals = await side.peer.receive(frame);
  expect(refusals.map((e) => e.code)).to.have.members([...also, code]);
  expect(refusals[0]).to.be.instanceOf(PeerMessageError);
  await until(() => side.replies.some((m) => m.type === "error"), 5_000, "the error reply");
  expect(side.replies.filter((m) => m.type === "error").map((m) => m.type === "error" && m.code)).to.include(code);
  expect(side.peer.balances()).to.deep.equal(before.balances);
  expect((await side.store.load()).length).to.equal(before.records);
}

describe("ChannelPeer: refusing messages (PC-E3, §8.3)", function () {
  this.timeout(60_000);
  let side: Side;
  let first: PeerMessage;
  const pay1: BalanceProof = { nonce: 1n, transferred: 5n, locked: 0n, locksRoot: ZeroHash };

  beforeEach(async function () {
    const f = await loadFixture(engineChannelFixture);
    side = await aliceFacing(f);
    first = await side.proofMessage({ kind: "pay", amount: "5" }, pay1);
    expect(await side.peer.receive([first])).to.deep.equal([]);
    await until(() => side.replies.some((m) => m.type === "ack" && m.nonce === "1"), 5_000, "the ack of nonce 1");
  });

  afterEach(async function () {
    await side.peer.stop();
  });

  it("PC-E3: a byte-equal repeat is acknowledged again and changes nothing", async function () {
    const records = (await side.store.load()).length;
    side.replies.length = 0;
    expect(await side.peer.receive([first])).to.deep.equal([]);
    await until(() => side.replies.length > 0, 5_000, "the re-ack");
    expect(side.replies).to.deep.equal([{ type: "ack", channelId: side.peer.channelId, nonce: "1" }]);
    expect((await side.store.load()).length).to.equal(records);
    expect(side.peer.balances()).to.deep.include({ received: 5n, receivedNonce: 1n });
  });

  it("§8.3: a differing proof with a stored nonce is an equivocation (PEER_EQUIVOCATION)", async function () {
    const other = await side.proofMessage({ kind: "pay", amount: "6" }, { ...pay1, transferred: 6n });
    await expectRefused(side, [other], "PEER_EQUIVOCATION");
  });

  it("§8.3: a nonce above stored + 1 is refused as out of order (PEER_OUT_OF_ORDER)", async function () {
    const gap = await side.proofMessage({ kind: "pay", amount: "1" }, { ...pay1, nonce: 3n, transferred: 6n });
    await expectRefused(side, [gap], "PEER_OUT_OF_ORDER");
  });

  it("PC-E3: a proof signed by anyone but the sender or its session key is refused (PEER_INVALID_SIGNATURE)", async function () {
    const proof = { ...pay1, nonce: 2n, transferred: 6n };
    const forged = await side.proofMessage({ kind: "pay", amount: "1" }, proof, Wallet.createRandom());
    await expectRefused(side, [forged], "PEER_INVALID_SIGNATURE");
    // In a frame whose run stops before its validly signed last proof, the unchecked forged proof is rolled back.
    const broken = await side.proofMessage({ kind: "pay", amount: "1" }, { ...pay1, nonce: 3n, transferred: 99n });
    const last = await side.proofMessage({ kind: "pay", amount: "1" }, { ...pay1, nonce: 4n, transferred: 100n });
    await expectRefused(side, [forged, broken, last], "PEER_INVALID_SIGNATURE", [
      "PEER_INVALID_CHANGE",
      "PEER_OUT_OF_ORDER",
    ]);
  });

  it("§8.1: a proof committing more than the sender's deposit plus acknowledged receipts is refused (PEER_OVERSPEND)", async function () {
    const proof = { ...pay1, nonce: 2n, transferred: DEPOSIT + 1n };
    const over = await side.proofMessage({ kind: "pay", amount: (DEPOSIT - 4n).toString() }, proof);
    await expectRefused(side, [over], "PEER_OVERSPEND");
  });

  it("PC-E3: a proof of another channel is refused (PEER_WRONG_CHANNEL)", async function () {
    const next = await side.proofMessage({ kind: "pay", amount: "1" }, { ...pay1, nonce: 2n, transferred: 6n });
    await expectRefused(side, [{ ...next, channelId: "0x" + "99".repeat(32) }], "PEER_WRONG_CHANNEL");
  });

  it("§8.2: a proof that its change does not produce (a forged change) is refused (PEER_INVALID_CHANGE)", async function () {
    const proof = { ...pay1, nonce: 2n, transferred: 50n };
    const forged = await side.proofMessage({ kind: "pay", amount: "1" }, proof);
    await expectRefused(side, [forged], "PEER_INVALID_CHANGE");
  });

  it("§8.2: a wrong secret, an early expiry and an unknown lock are refused; a malformed message too", async function () {
    const expiry = side.clock.now() + 3_600;
    const lock = { amount: 10n, expiry, secretHash: secretHash(SECRET) };
    const locked: BalanceProof = { nonce: 2n, transferred: 5n, locked: 10n, locksRoot: locksRootOf([lock]) };
    const lockMessage = await side.proofMessage(
      { kind: "lock", lock: { amount: "10", expiry, secretHash: lock.secretHash } },
      locked,
    );
    expect(await side.peer.receive([lockMessage])).to.deep.equal([]);
    const paid: BalanceProof = { nonce: 3n, transferred: 15n, locked: 0n, locksRoot: ZeroHash };
    const wrongSecret = await side.proofMessage(
      { kind: "unlock", secretHash: lock.secretHash, secret: "0x" + "00".repeat(32) },
      paid,
    );
    await expectRefused(side, [wrongSecret], "PEER_INVALID_CHANGE");
    const back: BalanceProof = { nonce: 3n, transferred: 5n, locked: 0n, locksRoot: ZeroHash };
    const early = await side.proofMessage({ kind: "expire", secretHash: lock.secretHash }, back);
    await expectRefused(side, [early], "PEER_INVALID_CHANGE");
    const unknown = await side.proofMessage({ kind: "expire", secretHash: "0x" + "77".repeat(32) }, back);
    await expectRefused(side, [unknown], "PEER_UNKNOWN_LOCK");
    const malformed = { ...(await side.proofMessage({ kind: "pay", amount: "1" }, paid)), change: { kind: "pay" } };
    await expectRefused(side, [malformed as PeerMessage], "PEER_MALFORMED_MESSAGE");
  });

  it("§2, §8.2: transferred ≥ 2^128, a lock amount ≥ 2^96, an expiry ≥ 2^40 and a pending secret hash are refused", async function () {
    const huge = 2n ** 128n;
    const over = await side.proofMessage(
      { kind: "pay", amount: (huge - 5n).toString() },
      { ...pay1, nonce: 2n, transferred: huge },
    );
    await expectRefused(side, [over], "PEER_INVALID_CHANGE");
    const expiry = side.clock.now() + 3_600;
    const hash = secretHash(SECRET);
    const bad = [
      { amount: (2n ** 96n).toString(), expiry, secretHash: hash },
      { amount: "10", expiry: 2 ** 40, secretHash: hash },
    ];
    for (const lock of bad) {
      const proof = { nonce: 2n, transferred: 5n, locked: BigInt(lock.amount), locksRoot: ZeroHash };
      await expectRefused(side, [await side.proofMessage({ kind: "lock", lock }, proof)], "PEER_INVALID_CHANGE");
    }
    const lock = { amount: 10n, expiry, secretHash: hash };
    const wire = { amount: "10", expiry, secretHash: hash };
    const first = { nonce: 2n, transferred: 5n, locked: 10n, locksRoot: locksRootOf([lock]) };
    expect(await side.peer.receive([await side.proofMessage({ kind: "lock", lock: wire }, first)])).to.deep.equal([]);
    const twice = { nonce: 3n, transferred: 5n, locked: 20n, locksRoot: locksRootOf([lock, lock]) };
    await expectRefused(side, [await side.proofMessage({ kind: "lock", lock: wire }, twice)], "PEER_INVALID_CHANGE");
  });

  it("§8.2: a lock expiring sooner than the minimum is refused (PEER_UNSAFE_EXPIRY)", async function () {
    const lock = { amount: 10n, expiry: side.clock.now() + 10, secretHash: secretHash(SECRET) };
    const proof: BalanceProof = { nonce: 2n, transferred: 5n, locked: 10n, locksRoot: locksRootOf([lock]) };
    const soon = await side.proofMessage(
      { kind: "lock", lock: { amount: "10", expiry: lock.expiry, secretHash: lock.secretHash } },
      proof,
    );
    await expectRefused(side, [soon], "PEER_UNSAFE_EXPIRY");
  });

  it("PC-W1: a withdraw-request with a bad signature, for the wrong participant, or beyond the deposit is refused", async function () {
    const { f } = side;
    const expiry = BigInt(side.clock.now() + 600);
    const request = async (participant: string, totalWithdrawn: bigint, key: { privateKey: string } = f.bobKey) => {
      const { signature } = await signPaymentChannelMessage({
        chainId: f.chainId,
        contract: f.contract,
        privateKey: key.privateKey,
        primaryType: "Withdraw",
        message: { channelId: f.channelId, participant, totalWithdrawn, expiry },
      });
      const message: PeerMessage = {
        type: "withdraw-request",
        channelId: f.channelId,
        id: "w1",
        participant,
        totalWithdrawn: totalWithdrawn.toString(),
        expiry: expiry.toString(),
        signature,
      };
      return message;
    };
    await expectRefused(side, [await request(f.bob.address, 10n, Wallet.createRandom())], "PEER_INVALID_SIGNATURE");
    await expectRefused(side, [await request(f.alice.address, 10n)], "PEER_REQUEST_REFUSED");
    // Bob committed 5 to Alice: withdrawing his whole deposit would leave nothing to cover it.
    await expectRefused(side, [await request(f.bob.address, DEPOSIT)], "PEER_OVERSPEND");
  });

  it("PC-C1: a close-request whose balances differ from the peer's view is refused", async function () {
    const { f } = side;
    const message = {
      channelId: f.channelId,
      balance1: DEPOSIT,
      balance2: DEPOSIT,
      expiry: BigInt(side.clock.now() + 600),
    };
    const { signature } = await signPaymentChannelMessage({
      chainId: f.chainId,
      contract: f.contract,
      privateKey: f.bobKey.privateKey,
      primaryType: "CooperativeClose",
      message,
    });
    const request: PeerMessage = {
      type: "close-request",
      channelId: f.channelId,
      id: "c1",
      balance1: DEPOSIT.toString(),
      balance2: DEPOSIT.toString(),
      expiry: message.expiry.toString(),
      signature,
    };
    await expectRefused(side, [request], "PEER_REQUEST_REFUSED");
    // Refusing signed nothing: Alice still pays.
    void side.peer.pay({ amount: 1n }).catch(() => undefined);
    await until(() => side.peer.balances().sentNonce === 1n, 5_000, "Alice's next proof");
  });

  it("the engine's proofs carry EIP-712 signatures that validateBalanceProof accepts (the hand-encoded digest)", async function () {
    const f = side.f;
    void side.peer.pay({ amount: 3n }).catch(() => undefined); // never acknowledged: the test plays Bob
    await until(() => side.replies.some((m) => m.type === "proof"), 5_000, "Alice's proof");
    const message = side.replies.find((m) => m.type === "proof") as PeerMessage & { type: "proof" };
    const proof = {
      nonce: BigInt(message.proof.nonce),
      transferred: BigInt(message.proof.transferred),
      locked: 0n,
      locksRoot: ZeroHash,
    };
    const checked = await validateBalanceProof({
      chainId: f.chainId,
      contract: f.contract,
      channel: f.channel,
      sender: f.alice.address,
      channelId: f.channelId,
      proof,
      signature: message.signature,
      locks: [],
    });
    expect(checked.signer).to.deep.equal({ valid: true, by: "sessionKey", signer: f.aliceKey.address });
    const change: ProofChange = { kind: "pay", amount: 3n };
    expect(message.change).to.deep.equal({ kind: change.kind, amount: "3" });
  });
});
