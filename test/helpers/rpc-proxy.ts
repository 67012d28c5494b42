// A JSON-RPC endpoint that can be switched off: an HTTP proxy in front of a node, for failover tests. Off means the
// port is closed (connection refused) and open connections are dropped, as when a provider's endpoint dies.
import { createServer, type Server } from "node:http";
import { freePort } from "./anvil";

export interface RpcProxy {
  url: string;
  /** JSON-RPC requests forwarded so far. */
  readonly forwarded: number;
  /** Closes the port and drops open connections. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startRpcProxy(target: string): Promise<RpcProxy> {
  const port = await freePort();
  let forwarded = 0;
  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          forwarded++;
          fetch(target, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: Buffer.concat(chunks),
          })
            .then(async (answer) => {
              response.writeHead(answer.status, { "content-type": "application/json" });
              response.end(Buffer.from(await answer.arrayBuffer()));
            })
            .catch(() => response.destroy());
        });
      });
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        server = next;
        resolve();
      });
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    get forwarded() {
      return forwarded;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (server === undefined) return resolve();
        const closing = server;
        server = undefined;
        closing.close(() => resolve());
        closing.closeAllConnections();
      }),
    start: listen,
  };
}
