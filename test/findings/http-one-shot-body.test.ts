// HP-C8: a body that cannot be sent twice is refused before anything is signed. Only a web ReadableStream was
// recognised: Node's fetch also takes an async iterable (a Node Readable, a generator), which the unpaid request
// consumed, so the paid retry carried an empty body and the payer paid for a request the server never got whole.
import { expect } from "chai";
import { Readable } from "node:stream";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { InvalidParameterError } from "../../sdk";
import { Counter, PRICE, httpFixture, payeeClient, payerFetch, startServer } from "../http/helpers";

describe("finding: one-shot request bodies (HP-C8)", function () {
  const bodies: Record<string, () => unknown> = {
    "a web ReadableStream": () => new Blob(["payload"]).stream(),
    "an async generator": () =>
      (async function* () {
        yield new TextEncoder().encode("payload");
      })(),
    "a Node Readable": () => Readable.from([Buffer.from("payload")]),
  };
  for (const [name, body] of Object.entries(bodies)) {
    it(`HP-C8: ${name} body is INVALID_PARAMETER before anything is opened or signed; the handler never runs`, async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, counter);
      try {
        const { fetch, store } = payerFetch(f);
        const init = { method: "POST", body: body(), duplex: "half" } as unknown as RequestInit;
        const error = await fetch(`${server.url}/upload`, init).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(InvalidParameterError);
        expect(await store.list()).to.deep.equal([]);
        expect(counter.runs).to.equal(0);
      } finally {
        await server.close();
      }
    });
  }
});
