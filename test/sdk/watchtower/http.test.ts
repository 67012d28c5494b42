// The watchtower's HTTP API refuses what it must (docs/payment-channels.md §8.7, rule PC-E6): registrations that are
// not a participant's, proofs that are forged, stale or of another channel (nothing stored), quotas (429), oversized
// (413) and malformed (400) bodies. Every refusal reaches the client as a typed WatchtowerError.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { type Signer } from "ethers";
import {
  WatchtowerClient,
  WatchtowerError,
  balanceProofHash,
  buildWatchtowerRegistrationTypedData,
  signPaymentChannelMessage,
  signTypedData,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { aliceProof, closeServers, post, startTower, watchtowerFixture, type WatchtowerFixture } from "./fixture";

/** A registration body signed by `signer`, claiming `participant`, naming `watchtower`, expiring at `expiry`. */
async function registrationBody(
  f: WatchtowerFixture,
  params: { signer: Signer; participant: string; watchtower: string; expiry?: bigint },
) {
  const { signer, participant, watchtower } = params;
  const expiry = params.expiry ?? BigInt(Math.floor(Date.now() / 1000) + 600);
  const message = { channelId: f.channelId, participant, watchtower, nonce: 7n, expiry };
  const typedData = buildWatchtowerRegistrationTypedData({ chainId: f.chainId, contract: f.contract, message });
  const { signature } = await signTypedData({ signer, typedData });
  return { channel: { ...f.channel }, participant, watchtower, nonce: "7", expiry: expiry.toString(), signature };
}

/** A `POST /proofs` body for Alice's `proof` on `channelId`, with a Reward signed by `rewardSigner`. */
async function proofBody(
  f: WatchtowerFixture,
  params: { channelId: string; proof: Awaited<ReturnType<typeof aliceProof>>; rewardSigner: Signer },
) {
  const { proof, signature } = params.proof;
  const channelId = params.channelId as typeof f.channelId;
  const { signature: reward } = await signPaymentChannelMessage({
    chainId: f.chainId,
    contract: f.contract,
    signer: params.rewardSigner,
    primaryType: "Reward",
    message: {
      channelId,
      balanceProofHash: balanceProofHash({ channelId, proof }),
      watchtower: f.tower.address,
      amount: 0n,
    },
  });
  const wire = {
    nonce: `${proof.nonce}`,
    transferred: `${proof.transferred}`,
    locked: "0",
    locksRoot: proof.locksRoot,
  };
  return { channelId, proof: wire, signature, reward: { amount: "0", signature: reward } };
}

async function openAnother(f: WatchtowerFixture, salt: number) {
  return f.client(f.alice).open({ participant2: f.bob.address, amount: 10n, challengePeriod: 3_600, salt });
}

describe("Watchtower HTTP API: refusals (PC-E6)", function () {
  afterEach(closeServers);

  it("PC-E6 refuses a registration signed by a non-participant (403), whoever it claims to be, and stores nothing", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const tower = f.tower.address;
    const claimsBob = await registrationBody(f, { signer: f.stranger, participant: f.bob.address, watchtower: tower });
    const claimsSelf = await registrationBody(f, {
      signer: f.stranger,
      participant: f.stranger.address,
      watchtower: tower,
    });

    for (const body of [claimsBob, claimsSelf]) {
      const answer = await post(`${t.server.url}/register`, JSON.stringify(body));
      expect([answer.status, answer.json.error.code]).to.deep.equal([403, "WATCHTOWER_NOT_PARTICIPANT"]);
    }
    await expectSdkError(
      t.client(f.stranger).register({ channel: f.channel, role: "participant2" }),
      WatchtowerError,
      "WATCHTOWER_NOT_PARTICIPANT",
      { status: 403 },
    );
    expect(await t.store.load()).to.deep.equal([]);
  });

  it("accepts a registration signed by the participant's current session key, once (idempotent)", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    await f.client(f.bob).setSessionKey({ channel: f.channel, key: f.bobKey.address });
    const viaKey = new WatchtowerClient({
      chainId: f.chainId,
      contract: f.contract,
      url: t.server.url,
      watchtower: f.tower.address,
      privateKey: f.bobKey.privateKey,
    });
    const expected = {
      channelId: f.channelId,
      participant: f.bob.address,
      watchtower: f.tower.address,
      status: "Open",
    };
    expect(await viaKey.register({ channel: f.channel, role: "participant2" })).to.deep.equal(expected);
    expect(await viaKey.register({ channel: f.channel, role: "participant2" })).to.deep.equal(expected);
    expect((await t.store.load()).filter((r) => r.type === "wt-registered")).to.have.length(1);
  });

  it("refuses a registration naming another watchtower (a replay) or expired (400), and stores nothing", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const bob = { signer: f.bob, participant: f.bob.address };
    const replayed = await registrationBody(f, { ...bob, watchtower: f.stranger.address });
    const past = BigInt(Math.floor(Date.now() / 1000) - 1);
    const expired = await registrationBody(f, { ...bob, watchtower: f.tower.address, expiry: past });
    for (const body of [replayed, expired]) {
      const answer = await post(`${t.server.url}/register`, JSON.stringify(body));
      expect([answer.status, answer.json.error.code]).to.deep.equal([400, "WATCHTOWER_REGISTRATION_INVALID"]);
    }
    expect(await t.store.load()).to.deep.equal([]);
  });

  it("refuses to watch a settled channel (409)", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const terms = {
      channel: f.channel,
      balance1: 1_000n,
      balance2: 500n,
      // The contract judges the expiry by the chain's clock, which earlier test files may have moved ahead.
      expiry: BigInt((await time.latest()) + 600),
    };
    const { signature: signature2 } = await f.client(f.bob).signCooperativeClose(terms);
    await f.client(f.alice).cooperativeClose({ ...terms, signature2 });
    await expectSdkError(
      t.client(f.bob).register({ channel: f.channel, role: "participant2" }),
      WatchtowerError,
      "WATCHTOWER_CHANNEL_NOT_WATCHABLE",
      { status: 409 },
    );
  });

  it("PC-E6 refuses a forged proof, another channel's proof, a stranger's Reward and an unregistered channel; stores none", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    await t.client(f.bob).register({ channel: f.channel, role: "participant2" });
    const before = await t.store.load();
    const other = await openAnother(f, 2);
    const genuine = await aliceProof(f, 1n, 100n);
    // Signed by Bob for himself: not Alice's signature.
    const forged = {
      proof: genuine.proof,
      signature: (await f.client(f.bob).signBalanceProof({ channel: f.channel, proof: genuine.proof })).signature,
    };
    const otherChannels = await aliceProof(f, 1n, 100n, other.channel);
    const cases: [Promise<object>, number, string][] = [
      [proofBody(f, { channelId: f.channelId, proof: forged, rewardSigner: f.bob }), 400, "WATCHTOWER_INVALID_PROOF"],
      [
        proofBody(f, { channelId: f.channelId, proof: otherChannels, rewardSigner: f.bob }),
        400,
        "WATCHTOWER_INVALID_PROOF",
      ],
      [
        proofBody(f, { channelId: f.channelId, proof: genuine, rewardSigner: f.stranger }),
        400,
        "WATCHTOWER_INVALID_REWARD",
      ],
      [
        proofBody(f, { channelId: other.channelId, proof: otherChannels, rewardSigner: f.bob }),
        404,
        "WATCHTOWER_NOT_REGISTERED",
      ],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post(`${t.server.url}/proofs`, JSON.stringify(await body));
      expect([answer.status, answer.json.error.code]).to.deep.equal([status, code]);
    }
    expect(await t.store.load()).to.deep.equal(before);
    // The genuine one is accepted: the refusals were about the proofs, not the set-up.
    const accepted = await post(
      `${t.server.url}/proofs`,
      JSON.stringify(await proofBody(f, { channelId: f.channelId, proof: genuine, rewardSigner: f.bob })),
    );
    expect([accepted.status, accepted.json]).to.deep.equal([200, { channelId: f.channelId, nonce: "1" }]);
  });

  it("PC-E6 quota of channels per client: the second registration is refused with 429 WATCHTOWER_QUOTA_CHANNELS", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f, { quotas: { maxChannels: 1 } });
    const other = await openAnother(f, 2);
    const bob = t.client(f.bob);
    await bob.register({ channel: f.channel, role: "participant2" });
    await expectSdkError(
      bob.register({ channel: other.channel, role: "participant2" }),
      WatchtowerError,
      "WATCHTOWER_QUOTA_CHANNELS",
      {
        status: 429,
      },
    );
    // Quotas are per client: Alice may still register.
    await t.client(f.alice).register({ channel: other.channel, role: "participant1" });
  });

  it("PC-E6 quota of stored bytes per client: a proof that would exceed it is refused with 429 and not stored", async function () {
    const f = await loadFixture(watchtowerFixture);
    // A registration record is about 400 bytes, a proof record about 500: room for one of each, not a second channel's.
    const t = await startTower(f, { quotas: { maxBytes: 1_500 } });
    const other = await openAnother(f, 2);
    const bob = t.client(f.bob);
    await bob.register({ channel: f.channel, role: "participant2" });
    await bob.register({ channel: other.channel, role: "participant2" });
    await bob.submitProof({ channelId: f.channelId, ...(await aliceProof(f, 1n, 1n)) });
    const before = await t.store.load();
    await expectSdkError(
      bob.submitProof({ channelId: other.channelId, ...(await aliceProof(f, 1n, 1n, other.channel)) }),
      WatchtowerError,
      "WATCHTOWER_QUOTA_BYTES",
      { status: 429 },
    );
    expect(await t.store.load()).to.deep.equal(before);
  });

  it("PC-E6 rate limit per client (token bucket): the request past the burst gets 429 with Retry-After, a second later one passes", async function () {
    const f = await loadFixture(watchtowerFixture);
    let now = 1_000_000;
    const t = await startTower(f, {
      rate: { requestsPerSecond: 1, burst: 3 },
      clock: () => now,
      maxRegistrationLifetime: 1e12,
    });
    const bob = t.client(f.bob);
    for (let i = 0; i < 3; i++) await bob.register({ channel: f.channel, role: "participant2" });
    const refused = await expectSdkError(
      bob.register({ channel: f.channel, role: "participant2" }),
      WatchtowerError,
      "WATCHTOWER_RATE_LIMITED",
      { status: 429 },
    );
    expect(refused.details.retryAfter).to.equal(1);
    now += 1_000;
    await bob.register({ channel: f.channel, role: "participant2" });
  });

  it("refuses a body over the limit with 413, malformed JSON and missing fields with 400, unknown paths with 404", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f, { maxBodyBytes: 1_024 });
    const big = await post(`${t.server.url}/proofs`, JSON.stringify({ pad: "x".repeat(2_000) }));
    expect([big.status, big.json.error.code]).to.deep.equal([413, "WATCHTOWER_BODY_TOO_LARGE"]);
    const notJson = await post(`${t.server.url}/proofs`, "{ nope");
    expect([notJson.status, notJson.json.error.code]).to.deep.equal([400, "WATCHTOWER_MALFORMED_REQUEST"]);
    const missing = await post(`${t.server.url}/register`, JSON.stringify({ channel: f.channel }));
    expect([missing.status, missing.json.error.code, missing.json.error.details.field]).to.deep.equal([
      400,
      "WATCHTOWER_MALFORMED_REQUEST",
      "participant",
    ]);
    const unknown = await post(`${t.server.url}/nowhere`, "{}");
    expect([unknown.status, unknown.json.error.code]).to.deep.equal([404, "WATCHTOWER_NOT_FOUND"]);
    expect(await t.store.load()).to.deep.equal([]);
  });

  it("GET /info names the watchtower, the chain and the contract", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    expect(await t.client(f.bob).info()).to.deep.equal({
      watchtower: f.tower.address,
      chainId: f.chainId.toString(),
      contract: f.contract,
      safetyMargin: 600,
    });
  });

  it("reports an unreachable watchtower as WATCHTOWER_UNAVAILABLE", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const url = t.server.url;
    await closeServers();
    const client = new WatchtowerClient({
      chainId: f.chainId,
      contract: f.contract,
      url,
      watchtower: f.tower.address,
      signer: f.bob,
    });
    await expectSdkError(client.info(), WatchtowerError, "WATCHTOWER_UNAVAILABLE");
  });
});
