// Sharing signed orders: the strict JSON form and the compact paste-able string, round trips, canonical encoding,
// and every kind of tampering or mistyping refused with a typed error. The formats are the SDK's (sdk/swap/serialize.ts,
// compact.ts); the spec's rule behind them is SW-S3: an order is bound to one chain and one contract.
import { expect } from "chai";
import fc from "fast-check";
import { Wallet, ZeroAddress, getAddress } from "ethers";
import {
  SwapOrderError,
  parseOrder,
  serializeOrder,
  serializeOrderCompact,
  signSwapOrder,
  type SignedSwapOrder,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { OFFLINE_DEPLOYMENT, arbSigned } from "../../helpers/swap-sdk";

const RUNS = 300;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

async function sampleSigned(overrides: Partial<SignedSwapOrder["order"]> = {}): Promise<SignedSwapOrder> {
  const maker = Wallet.createRandom();
  return signSwapOrder({
    ...OFFLINE_DEPLOYMENT,
    signer: maker,
    order: {
      maker: maker.address,
      makerToken: getAddress("0x1000000000000000000000000000000000000001"),
      makerAmount: 1_000_000_000n,
      takerToken: ZeroAddress,
      takerAmount: 400_000_000_000_000_000n,
      taker: ZeroAddress,
      recipient: ZeroAddress,
      minFill: 1_000_000_000n,
      expiry: 1_800_000_000n,
      nonce: 7n,
      feeBps: 30,
      ...overrides,
    },
  });
}

function jsonOf(signed: SignedSwapOrder): Record<string, unknown> & { order: Record<string, unknown> } {
  return JSON.parse(serializeOrder(signed));
}

describe("swap order serialisation", function () {
  describe("JSON", function () {
    it("round-trips every well-formed signed order exactly (random orders, whole uint256 range)", function () {
      fc.assert(
        fc.property(arbSigned, (signed) => {
          const text = serializeOrder(signed);
          expect(parseOrder({ text })).to.deep.equal({ ...signed, signature: signed.signature.toLowerCase() });
          expect(serializeOrder(parseOrder({ text }))).to.equal(text);
        }),
        { numRuns: RUNS },
      );
    });

    it("writes bigints as decimal strings, addresses checksummed, and the chain, contract and signature", async function () {
      const signed = await sampleSigned();
      const json = jsonOf(signed);
      expect(json).to.include({ kind: "peerpay.swap.order", version: 1, chainId: "31337" });
      expect(json.contract).to.equal(OFFLINE_DEPLOYMENT.contract);
      expect(json.order).to.include({ makerAmount: "1000000000", takerAmount: "400000000000000000", feeBps: 30 });
      expect(json.order.maker).to.equal(signed.order.maker);
      expect(json.signature).to.equal(signed.signature);
    });

    it("accepts a parsed object as well as text", async function () {
      const signed = await sampleSigned();
      expect(parseOrder({ text: jsonOf(signed) })).to.deep.equal(signed);
    });

    const tamperings: [string, (json: ReturnType<typeof jsonOf>) => void][] = [
      ["an extra field", (j) => (j.order.extra = "1")],
      ["a missing field", (j) => delete j.order.nonce],
      ["an extra top-level field", (j) => (j.note = "hi")],
      ["an amount as a number", (j) => (j.order.makerAmount = 1000)],
      ["an amount with a leading zero", (j) => (j.order.makerAmount = "01000")],
      ["a negative amount", (j) => (j.order.takerAmount = "-1")],
      ["an amount in hex", (j) => (j.order.takerAmount = "0x10")],
      ["an amount of 2^256", (j) => (j.order.makerAmount = (1n << 256n).toString())],
      ["an expiry of 2^64", (j) => (j.order.expiry = (1n << 64n).toString())],
      ["a fee of 65,536 bps", (j) => (j.order.feeBps = 65_536)],
      ["a fractional fee", (j) => (j.order.feeBps = 1.5)],
      ["a lowercase (unchecksummed) address", (j) => (j.order.maker = String(j.order.maker).toLowerCase())],
      ["a wrong checksum", (j) => (j.order.taker = "0x" + "aB".repeat(20))],
      ["not an address", (j) => (j.order.makerToken = "0x1234")],
      ["a chain id of 0", (j) => (j.chainId = "0")],
      ["an empty signature", (j) => (j.signature = "0x")],
      ["an odd-length signature", (j) => (j.signature = "0x123")],
      ["another kind", (j) => (j.kind = "peerpay.escrow.deal")],
    ];
    for (const [what, tamper] of tamperings) {
      it(`refuses ${what} with SWAP_ORDER_MALFORMED`, async function () {
        const json = jsonOf(await sampleSigned());
        tamper(json);
        await expectSdkError(() => parseOrder({ text: JSON.stringify(json) }), SwapOrderError, "SWAP_ORDER_MALFORMED");
      });
    }

    it("refuses text that is neither JSON nor a ppswap string, and a JSON array", function () {
      expect(() => parseOrder({ text: "hello" }))
        .to.throw(SwapOrderError)
        .with.property("code", "SWAP_ORDER_MALFORMED");
      expect(() => parseOrder({ text: "[]" }))
        .to.throw(SwapOrderError)
        .with.property("code", "SWAP_ORDER_MALFORMED");
    });

    it("refuses version 2 with SWAP_ORDER_UNSUPPORTED_VERSION", async function () {
      const json = jsonOf(await sampleSigned());
      json.version = 2;
      await expectSdkError(
        () => parseOrder({ text: JSON.stringify(json) }),
        SwapOrderError,
        "SWAP_ORDER_UNSUPPORTED_VERSION",
        { version: 2 },
      );
    });
  });

  describe("compact string", function () {
    it("round-trips every well-formed signed order, and one order has exactly one string", function () {
      fc.assert(
        fc.property(arbSigned, (signed) => {
          const text = serializeOrderCompact(signed);
          expect(text).to.match(/^ppswap1:[A-Za-z0-9_-]+$/);
          const parsed = parseOrder({ text });
          expect(parsed).to.deep.equal({ ...signed, signature: signed.signature.toLowerCase() });
          expect(serializeOrderCompact(parsed)).to.equal(text);
        }),
        { numRuns: RUNS },
      );
    });

    it("an ECDSA-signed ETH order fits in under 300 characters", async function () {
      const text = serializeOrderCompact(await sampleSigned());
      expect(text.length).to.be.below(300);
    });

    it("ignores whitespace a chat inserted (line breaks, spaces) around and inside the string", async function () {
      const signed = await sampleSigned();
      const text = serializeOrderCompact(signed);
      const wrapped = `\n  ${text.slice(0, 40)}\n${text.slice(40, 100)} ${text.slice(100)}\n`;
      expect(parseOrder({ text: wrapped })).to.deep.equal(signed);
    });

    it("refuses every single mistyped character with a typed error, never as another order", function () {
      fc.assert(
        fc.property(arbSigned, fc.nat(), fc.constantFrom(...ALPHABET), (signed, at, char) => {
          const text = serializeOrderCompact(signed);
          const position = "ppswap1:".length + (at % (text.length - "ppswap1:".length));
          fc.pre(text[position] !== char);
          const typo = text.slice(0, position) + char + text.slice(position + 1);
          let error: unknown;
          try {
            parseOrder({ text: typo });
          } catch (caught) {
            error = caught;
          }
          expect(error, typo).to.be.instanceOf(SwapOrderError);
          expect((error as SwapOrderError).code).to.be.oneOf(["SWAP_ORDER_CHECKSUM_MISMATCH", "SWAP_ORDER_MALFORMED"]);
        }),
        { numRuns: RUNS },
      );
    });

    it("refuses a string cut short at any length with SWAP_ORDER_CHECKSUM_MISMATCH or MALFORMED", async function () {
      const text = serializeOrderCompact(await sampleSigned());
      const codes = new Set<string>();
      for (let length = "ppswap1:".length; length < text.length; length++) {
        let error: unknown;
        try {
          parseOrder({ text: text.slice(0, length) });
        } catch (caught) {
          error = caught;
        }
        expect(error, `cut at ${length}`).to.be.instanceOf(SwapOrderError);
        codes.add((error as SwapOrderError).code);
      }
      expect([...codes]).to.include("SWAP_ORDER_CHECKSUM_MISMATCH");
      expect([...codes].filter((code) => !code.startsWith("SWAP_ORDER_"))).to.deep.equal([]);
    });

    it("refuses a character outside base64url, a swapped pair of characters, and an appended one", async function () {
      const text = serializeOrderCompact(await sampleSigned());
      const at = 20;
      const swapped = text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2);
      for (const bad of [`${text.slice(0, at)}+${text.slice(at + 1)}`, swapped, `${text}A`]) {
        if (bad === text) continue;
        expect(() => parseOrder({ text: bad }), bad).to.throw(SwapOrderError);
      }
    });

    it("refuses another format version with SWAP_ORDER_UNSUPPORTED_VERSION and no prefix as MALFORMED", async function () {
      const text = serializeOrderCompact(await sampleSigned());
      await expectSdkError(
        () => parseOrder({ text: text.replace("ppswap1:", "ppswap2:") }),
        SwapOrderError,
        "SWAP_ORDER_UNSUPPORTED_VERSION",
        { version: 2 },
      );
      await expectSdkError(
        () => parseOrder({ text: text.replace("ppswap1:", "ppswapx:") }),
        SwapOrderError,
        "SWAP_ORDER_MALFORMED",
      );
    });
  });

  describe("the deployment an order is for", function () {
    for (const form of ["JSON", "compact"] as const) {
      const write = form === "JSON" ? serializeOrder : serializeOrderCompact;

      it(`SW-S3: refuses a ${form} order signed for another chain with SWAP_ORDER_WRONG_CHAIN`, async function () {
        const text = write(await sampleSigned());
        await expectSdkError(
          () => parseOrder({ text, chainId: 1n, contract: OFFLINE_DEPLOYMENT.contract }),
          SwapOrderError,
          "SWAP_ORDER_WRONG_CHAIN",
          { chainId: 31_337n, expected: 1n },
        );
      });

      it(`SW-S3: refuses a ${form} order signed for another contract with SWAP_ORDER_WRONG_CONTRACT`, async function () {
        const text = write(await sampleSigned());
        const other = getAddress("0x" + "12".repeat(20));
        await expectSdkError(
          () => parseOrder({ text, chainId: 31_337n, contract: other }),
          SwapOrderError,
          "SWAP_ORDER_WRONG_CONTRACT",
          { contract: OFFLINE_DEPLOYMENT.contract, expected: other },
        );
      });

      it(`SW-S3: accepts a ${form} order for the expected deployment (lowercase contract given)`, async function () {
        const signed = await sampleSigned();
        const parsed = parseOrder({ text: write(signed), ...OFFLINE_DEPLOYMENT });
        expect(parsed).to.deep.equal(signed);
        expect(
          parseOrder({ text: write(signed), chainId: 31_337n, contract: OFFLINE_DEPLOYMENT.contract.toLowerCase() }),
        ).to.deep.equal(signed);
      });
    }
  });
});
