// The session-key sealers (docs/browser.md §3, rules BR-K*): WebCryptoSessionKeySealer over fake-indexeddb and Node's
// WebCrypto, WalletSessionKeySealer with ethers wallets standing in for an injected one.
import { expect } from "chai";
import { webcrypto } from "node:crypto";
import {
  Signature,
  Wallet,
  isError,
  makeError,
  verifyTypedData,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import {
  SessionKeySealError,
  TransactionError,
  WalletSessionKeySealer,
  WebCryptoSessionKeySealer,
  type IndexedDbFactory,
  type TypedDataSigner,
  type WalletSessionKeySealerParameters,
  type WebCryptoLike,
} from "../../../sdk";
import { freshIndexedDb, rawRow, rejects, type RawFactory } from "./fixtures";

const ORIGIN = "https://files.example";

/** Flips the last hex digit of a field of a sealed key. */
function altered<T extends Record<string, unknown>>(sealed: T, field: string): T {
  const value = sealed[field] as string;
  const last = value.at(-1) === "0" ? "1" : "0";
  return { ...sealed, [field]: value.slice(0, -1) + last };
}

describe("WebCryptoSessionKeySealer (BR-K1..BR-K3)", function () {
  let factory: RawFactory;
  let sealer: WebCryptoSessionKeySealer;
  const sealerOn = (on: RawFactory, keyId?: string) =>
    new WebCryptoSessionKeySealer({ indexedDB: on as IndexedDbFactory, keyId });

  beforeEach(function () {
    factory = freshIndexedDb();
    sealer = sealerOn(factory);
  });

  afterEach(async function () {
    await sealer.close();
  });

  it("BR-K2: seals to hex ciphertext under the browser's key and unseals to the same private key", async function () {
    const key = Wallet.createRandom();
    const sealed = await sealer.seal(key.privateKey);
    expect(Object.keys(sealed).sort()).to.deep.equal(["ciphertext", "iv", "keyId", "scheme"]);
    expect(sealed).to.deep.include({ scheme: "webcrypto-aes-256-gcm-v1", keyId: "default" });
    expect(JSON.stringify(sealed)).not.to.include(key.privateKey.slice(2));
    expect(await sealer.unseal(sealed)).to.equal(key.privateKey);
  });

  it("BR-K2: two seals of one key differ (fresh IV) and both unseal", async function () {
    const key = Wallet.createRandom();
    const [a, b] = [await sealer.seal(key.privateKey), await sealer.seal(key.privateKey)];
    expect(a.iv).not.to.equal(b.iv);
    expect(a.ciphertext).not.to.equal(b.ciphertext);
    expect([await sealer.unseal(a), await sealer.unseal(b)]).to.deep.equal([key.privateKey, key.privateKey]);
  });

  it("BR-K2: the AES key is a non-extractable CryptoKey in the database; a new sealer (a reload) unseals with it", async function () {
    const key = Wallet.createRandom();
    const sealed = await sealer.seal(key.privateKey);
    const row = (await rawRow(factory, "peerpay", "sealing-keys", "default")) as { key: webcrypto.CryptoKey };
    expect(row.key).to.be.instanceOf((globalThis as unknown as { CryptoKey: typeof webcrypto.CryptoKey }).CryptoKey);
    expect(row.key.extractable).to.equal(false);
    let exported: unknown;
    await crypto.subtle.exportKey("raw", row.key).catch((error) => (exported = error));
    // Node names it InvalidAccessException, browsers InvalidAccessError.
    expect((exported as Error).name).to.match(/^InvalidAccess/);
    const reloaded = sealerOn(factory);
    expect(await reloaded.unseal(sealed)).to.equal(key.privateKey);
    await reloaded.close();
  });

  it("BR-K2: two sealers racing to create the first key end with one key that unseals both", async function () {
    const other = sealerOn(factory);
    const keys = [Wallet.createRandom(), Wallet.createRandom()];
    const [a, b] = await Promise.all([sealer.seal(keys[0].privateKey), other.seal(keys[1].privateKey)]);
    const third = sealerOn(factory);
    expect([await third.unseal(a), await third.unseal(b)]).to.deep.equal(keys.map((k) => k.privateKey));
    await Promise.all([other.close(), third.close()]);
  });

  it("BR-K7: altered ciphertext or IV, or another key id's AES key, is SESSION_KEY_UNSEAL_FAILED", async function () {
    const sealed = await sealer.seal(Wallet.createRandom().privateKey);
    await rejects(sealer.unseal(altered(sealed, "ciphertext")), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
    await rejects(sealer.unseal(altered(sealed, "iv")), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
    // Another key id in the same database: its own AES key, and the id is in the associated data.
    const other = sealerOn(factory, "second");
    const foreign = await other.seal(Wallet.createRandom().privateKey);
    await rejects(sealer.unseal(foreign), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
    await rejects(other.unseal({ ...sealed, keyId: "second" }), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
    await other.close();
  });

  it("BR-K7: a key sealed in another browser profile is SESSION_KEY_SEALING_KEY_MISSING here", async function () {
    const sealed = await sealer.seal(Wallet.createRandom().privateKey);
    const elsewhere = sealerOn(freshIndexedDb());
    await rejects(elsewhere.unseal(sealed), SessionKeySealError, "SESSION_KEY_SEALING_KEY_MISSING");
    await elsewhere.close();
  });

  it("BR-K1: another scheme, missing fields or a bad private key are typed errors", async function () {
    const sealed = await sealer.seal(Wallet.createRandom().privateKey);
    await rejects(
      sealer.unseal({ scheme: "plain", privateKey: "0x01" }),
      SessionKeySealError,
      "SESSION_KEY_SCHEME_MISMATCH",
    );
    await rejects(sealer.unseal({ ...sealed, iv: undefined }), SessionKeySealError, "SESSION_KEY_MALFORMED");
    await rejects(sealer.unseal({ ...sealed, iv: "0xzz" }), SessionKeySealError, "SESSION_KEY_MALFORMED");
    for (const bad of ["0x00", "0x" + "0".repeat(64), "0x" + "f".repeat(64), "ab".repeat(32)]) {
      await rejects(sealer.seal(bad), SessionKeySealError, "SESSION_KEY_MALFORMED");
    }
  });

  it("BR-K7: without WebCrypto (an insecure page) sealing is WEBCRYPTO_UNAVAILABLE", async function () {
    const insecure = new WebCryptoSessionKeySealer({
      indexedDB: factory as IndexedDbFactory,
      crypto: { getRandomValues: crypto.getRandomValues.bind(crypto) } as unknown as WebCryptoLike,
    });
    await rejects(insecure.seal(Wallet.createRandom().privateKey), SessionKeySealError, "WEBCRYPTO_UNAVAILABLE");
  });
});

/** A wallet as an injected one looks to the sealer, counting its signatures; `sign` may be replaced. */
function countingSigner(wallet: Pick<Wallet, "signTypedData">, sign?: TypedDataSigner["signTypedData"]) {
  const counter = {
    calls: 0,
    signTypedData: async (
      domain: TypedDataDomain,
      types: Record<string, TypedDataField[]>,
      value: Record<string, unknown>,
    ) => {
      counter.calls++;
      return (sign ?? wallet.signTypedData.bind(wallet))(domain, types, value);
    },
  };
  return counter;
}

describe("WalletSessionKeySealer (BR-K4..BR-K7)", function () {
  const wallet = Wallet.createRandom();
  const params = (overrides: Partial<WalletSessionKeySealerParameters> = {}): WalletSessionKeySealerParameters => ({
    signer: wallet,
    chainId: 8453n,
    payer: wallet.address,
    app: "Files",
    origin: ORIGIN,
    ...overrides,
  });

  it("BR-K4: signs one EIP-712 message naming chain, origin, app and payer, recoverable to the payer", async function () {
    const sealer = new WalletSessionKeySealer(params());
    const { domain, types, message } = sealer.typedData();
    expect(domain).to.deep.equal({ name: "PeerPay", version: "1", chainId: 8453n });
    expect(message).to.deep.include({ origin: ORIGIN, app: "Files", payer: wallet.address });
    const signature = await wallet.signTypedData(domain, types, message);
    expect(verifyTypedData(domain, types, message, signature)).to.equal(wallet.address);
  });

  it("BR-K5: the first seal asks the wallet twice, later seals never; a reloaded sealer unseals with one signature", async function () {
    const signer = countingSigner(wallet);
    const sealer = new WalletSessionKeySealer(params({ signer }));
    const keys = [Wallet.createRandom(), Wallet.createRandom()];
    const sealed = [await sealer.seal(keys[0].privateKey), await sealer.seal(keys[1].privateKey)];
    expect(signer.calls).to.equal(2);
    expect(sealed[0].salt).not.to.equal(sealed[1].salt);
    expect(JSON.stringify(sealed)).not.to.include(keys[0].privateKey.slice(2));
    expect(await sealer.unseal(sealed[1])).to.equal(keys[1].privateKey);
    expect(signer.calls).to.equal(2);

    const reloadedSigner = countingSigner(wallet);
    const reloaded = new WalletSessionKeySealer(params({ signer: reloadedSigner }));
    expect(await reloaded.unseal(sealed[0])).to.equal(keys[0].privateKey);
    expect(await reloaded.unseal(sealed[1])).to.equal(keys[1].privateKey);
    // Unsealing proved the wallet deterministic: a new seal needs no second signature.
    await reloaded.seal(Wallet.createRandom().privateKey);
    expect(reloadedSigner.calls).to.equal(1);
  });

  it("BR-K5: a signature returned with v as 0/1 instead of 27/28 derives the same key", async function () {
    const sealed = await new WalletSessionKeySealer(params()).seal(wallet.privateKey);
    const rawV = countingSigner(wallet, async (domain, types, value) => {
      const signature = Signature.from(await wallet.signTypedData(domain, types, value));
      return signature.r + signature.s.slice(2) + (signature.v - 27).toString(16).padStart(2, "0");
    });
    expect(await new WalletSessionKeySealer(params({ signer: rawV })).unseal(sealed)).to.equal(wallet.privateKey);
  });

  it("BR-K5: a wallet whose two signatures differ is refused with SESSION_KEY_WALLET_NOT_DETERMINISTIC", async function () {
    const others = [wallet, Wallet.createRandom()];
    let turn = 0;
    // Stands for a wallet with random nonces (some MPC and smart-account wallets): each signature is different.
    const signer = countingSigner(wallet, (domain, types, value) =>
      others[turn++ % 2].signTypedData(domain, types, value),
    );
    const sealer = new WalletSessionKeySealer(params({ signer }));
    await rejects(
      sealer.seal(Wallet.createRandom().privateKey),
      SessionKeySealError,
      "SESSION_KEY_WALLET_NOT_DETERMINISTIC",
    );
    expect(signer.calls).to.equal(2);
  });

  it("BR-K7: another wallet, altered bytes or a swapped salt are SESSION_KEY_UNSEAL_FAILED", async function () {
    const sealed = await new WalletSessionKeySealer(params()).seal(Wallet.createRandom().privateKey);
    const impostor = Wallet.createRandom();
    // The impostor claims the payer's address; only the signature can tell, and it does.
    const wrong = new WalletSessionKeySealer(params({ signer: impostor }));
    await rejects(wrong.unseal(sealed), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
    const sealer = new WalletSessionKeySealer(params());
    for (const field of ["ciphertext", "iv", "salt"]) {
      await rejects(sealer.unseal(altered(sealed, field)), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
    }
  });

  it("BR-K4: a key sealed for another chain, origin, app or payer fails before the wallet is asked", async function () {
    const sealed = await new WalletSessionKeySealer(params()).seal(Wallet.createRandom().privateKey);
    const payer = Wallet.createRandom();
    for (const overrides of [
      { chainId: 1n },
      { origin: "https://evil.example" },
      { app: "Other" },
      { payer: payer.address, signer: payer },
    ]) {
      const signer = countingSigner(overrides.signer ?? wallet);
      const sealer = new WalletSessionKeySealer(params({ ...overrides, signer }));
      const error = await rejects(sealer.unseal(sealed), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
      expect(error.details.field).to.be.oneOf(["chainId", "origin", "app", "payer"]);
      expect(signer.calls).to.equal(0);
    }
    // The binding is also in the associated data: rewriting it in the sealed key does not help.
    const forged = new WalletSessionKeySealer(params({ app: "Other" }));
    await rejects(forged.unseal({ ...sealed, app: "Other" }), SessionKeySealError, "SESSION_KEY_UNSEAL_FAILED");
  });

  it("BR-K7: a refusal in the wallet is USER_REJECTED; any other wallet failure is SESSION_KEY_WALLET_FAILED", async function () {
    const refusing = countingSigner(wallet, async () => {
      throw makeError("user rejected action", "ACTION_REJECTED", { action: "signTypedData", reason: "rejected" });
    });
    const eip1193 = countingSigner(wallet, async () => {
      throw Object.assign(new Error("User denied message signature."), { code: 4001 });
    });
    const broken = countingSigner(wallet, async () => {
      throw Object.assign(new Error("Internal JSON-RPC error."), { code: -32603 });
    });
    const key = Wallet.createRandom().privateKey;
    for (const signer of [refusing, eip1193]) {
      const error = await rejects(
        new WalletSessionKeySealer(params({ signer })).seal(key),
        TransactionError,
        "USER_REJECTED",
      );
      expect(isError(error.cause, "ACTION_REJECTED") || (error.cause as { code: number }).code === 4001).to.equal(true);
    }
    await rejects(
      new WalletSessionKeySealer(params({ signer: broken })).seal(key),
      SessionKeySealError,
      "SESSION_KEY_WALLET_FAILED",
    );
    const junk = countingSigner(wallet, async () => "0x1234");
    await rejects(
      new WalletSessionKeySealer(params({ signer: junk })).seal(key),
      SessionKeySealError,
      "SESSION_KEY_MALFORMED",
    );
  });

  it("BR-K4: a sealer without an origin (no page, none given) is refused at construction", function () {
    expect(() => new WalletSessionKeySealer({ ...params(), origin: undefined })).to.throw(/origin/);
  });
});
