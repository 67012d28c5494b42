// Lets other processes reach the demo's embedded Hardhat network: a JSON-RPC endpoint on loopback that hands every
// request to the in-process provider. The peers, the hub and the watchtower of story 6 are separate processes, each
// with its own JsonRpcProvider, as they would be against a real node.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Eip1193 = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };
type Request = { jsonrpc: "2.0"; id: number | string | null; method: string; params?: unknown[] };
const MAX_BODY = 8 * 1024 * 1024;

async function answer(provider: Eip1193, request: Request) {
  try {
    const result = await provider.request({ method: request.method, params: request.params ?? [] });
    return { jsonrpc: "2.0", id: request.id, result };
  } catch (caught) {
    const error = caught as { code?: unknown; message?: unknown; data?: unknown };
    return {
      jsonrpc: "2.0",
      id: request.id,
      error: {
        code: typeof error.code === "number" ? error.code : -32603,
        message: typeof error.message === "string" ? error.message : String(caught),
        ...(error.data === undefined ? {} : { data: error.data }),
      },
    };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("request too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Serves `provider` over HTTP JSON-RPC on 127.0.0.1 (single and batch requests); `close()` stops it. */
export async function serveRpc(provider: Eip1193): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then(async (text) => {
        const parsed = JSON.parse(text) as Request | Request[];
        const body = Array.isArray(parsed)
          ? await Promise.all(parsed.map((r) => answer(provider, r)))
          : await answer(provider, parsed);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      })
      .catch((error: Error) => {
        const body = { jsonrpc: "2.0", id: null, error: { code: -32700, message: error.message } };
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(body));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
