import { expect } from "chai";
import { ZeroAddress } from "ethers";
import {
  HttpPaymentError,
  MemoryPayerStateStore,
  PlainSessionKeySealer,
  StoreError,
  decodeHeaderJson,
  encodeHeaderJson,
  paidChannelKey,
  type ChannelId,
  type PaidChannelRecord,
} from "../../../sdk";
import { parsePaymentHeader } from "../../../sdk/http/server/payload";

const A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const B = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

function record(key: string, signed = 0n): PaidChannelRecord {
  return {
    key,
    chainId: 31_337n,
    contract: A,
    channel: { payer: A, payee: B, token: ZeroAddress, signer: B, challengePeriod: 3_600, salt: 1 },
    channelId: ("0x" + "11".repeat(32)) as ChannelId,
    deposit: 100n,
    acknowledged: 0n,
    signed,
    sessionKey: { scheme: "plain", privateKey: "0x" + "22".repeat(32) },
    updatedAt: 0,
  };
}

describe("sdk/http: payer state, sealer and wire helpers", function () {
  it("HP-C2: paidChannelKey is eip155:<chainId>:<contract>:<payer>:<payee>:<token>, addresses lowercase", function () {
    expect(paidChannelKey({ chainId: 5n, contract: A, payer: B, payee: A, token: ZeroAddress })).to.equal(
      `eip155:5:${A.toLowerCase()}:${B.toLowerCase()}:${A.toLowerCase()}:${ZeroAddress}`,
    );
    expect(() => paidChannelKey({ chainId: 0n, contract: A, payer: B, payee: A, token: ZeroAddress })).to.throw();
  });

  it("HP-C4: MemoryPayerStateStore copies records in and out, so a caller's mutation does not change the store", async function () {
    const store = new MemoryPayerStateStore();
    const r = record("k");
    await store.put(r);
    r.signed = 99n;
    const got = (await store.get("k"))!;
    expect(got.signed).to.equal(0n);
    got.channel.salt = 7;
    expect((await store.get("k"))!.channel.salt).to.equal(1);
    expect(await store.list()).to.have.length(1);
    await store.delete("k");
    expect(await store.get("k")).to.equal(undefined);
    await store.close();
    let closed: unknown;
    await store.get("k").catch((e: unknown) => (closed = e));
    expect(closed).to.be.instanceOf(StoreError);
  });

  it("HP-C3: exclusive runs the tasks of one key one at a time, in order, and those of other keys meanwhile", async function () {
    const store = new MemoryPayerStateStore();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = store.exclusive("a", async () => {
      log.push("a1 start");
      await gate;
      log.push("a1 end");
    });
    const second = store.exclusive("a", async () => void log.push("a2"));
    const other = store.exclusive("b", async () => void log.push("b"));
    await other;
    expect(log).to.deep.equal(["a1 start", "b"]);
    release();
    await Promise.all([first, second]);
    expect(log).to.deep.equal(["a1 start", "b", "a1 end", "a2"]);
    // A failing task releases the key.
    await store.exclusive("a", async () => Promise.reject(new Error("x"))).catch(() => undefined);
    expect(await store.exclusive("a", async () => 42)).to.equal(42);
  });

  it("PlainSessionKeySealer round-trips a key and refuses another scheme with HTTP_SESSION_KEY_UNAVAILABLE", async function () {
    const sealer = new PlainSessionKeySealer();
    const key = "0x" + "33".repeat(32);
    expect(await sealer.unseal(await sealer.seal(key))).to.equal(key);
    const error = await sealer.unseal({ scheme: "webcrypto" }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(HttpPaymentError);
    expect((error as HttpPaymentError).code).to.equal("HTTP_SESSION_KEY_UNAVAILABLE");
  });

  it("header JSON round-trips UTF-8 through base64; garbage decodes to undefined", function () {
    const value = { url: "/ünïcode/✓", n: "1" };
    expect(decodeHeaderJson(encodeHeaderJson(value))).to.deep.equal(value);
    expect(decodeHeaderJson("%%%")).to.equal(undefined);
    expect(decodeHeaderJson(btoa("{nope"))).to.equal(undefined);
  });

  it("HP-P2, HP-P3: the header parser names the failure without echoing the header", function () {
    expect(parsePaymentHeader(undefined)).to.deep.include({ ok: false, code: "HTTP_PAYMENT_REQUIRED" });
    expect(parsePaymentHeader(["a", "b"])).to.deep.include({ ok: false, code: "HTTP_PAYMENT_MALFORMED" });
    expect(parsePaymentHeader("A".repeat(32 * 1024 + 4))).to.deep.include({
      ok: false,
      code: "HTTP_PAYMENT_TOO_LARGE",
    });
    const parsed = parsePaymentHeader(encodeHeaderJson({ x402Version: 1 }));
    expect(parsed.ok).to.equal(false);
    expect(JSON.stringify(parsed)).to.not.include('x402Version":1');
  });
});
