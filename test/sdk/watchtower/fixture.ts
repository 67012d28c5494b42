// Shared set-up of the watchtower tests: an ETH channel Alice (participant1) → Bob (participant2), Alice's proofs
// to Bob, a watchtower server over a memory store on the hardhat network, and Bob's watchtower client.
import { ethers } from "hardhat";
import { ZeroHash, type Signer } from "ethers";
import { WatchtowerClient, type BalanceProof, type PaymentChannel } from "../../../sdk";
import { MemoryPeerStore } from "../../../sdk/store/memory-peer";
import { WatchtowerServer, type WatchtowerServerParameters } from "../../../sdk/node";
import { HOUR, paymentChannelsFixture, type PaymentChannelsFixture } from "../../helpers/payment-channels-sdk";
import { SignerSubmitter } from "../../helpers/signer-submitter";

export const SAFETY_MARGIN = 600;

export async function watchtowerFixture() {
  const f = await paymentChannelsFixture();
  const alice = f.client(f.alice);
  const opened = await alice.open({ participant2: f.bob.address, amount: 1_000n, challengePeriod: HOUR, salt: 1 });
  await f.client(f.bob).deposit({ channel: opened.channelId, amount: 500n });
  return { ...f, ...opened };
}

export type WatchtowerFixture = PaymentChannelsFixture & Awaited<ReturnType<typeof watchtowerFixture>>;

/** Alice's proof to Bob with `nonce` and `transferred`, signed by Alice. */
export async function aliceProof(f: WatchtowerFixture, nonce: bigint, transferred: bigint, channel?: PaymentChannel) {
  const proof: BalanceProof = { nonce, transferred, locked: 0n, locksRoot: ZeroHash };
  const { signature } = await f.client(f.alice).signBalanceProof({ channel: channel ?? f.channel, proof });
  return { proof, signature };
}

/** Servers started by a test, closed after it. */
export const servers: WatchtowerServer[] = [];

export async function closeServers(): Promise<void> {
  while (servers.length > 0) await servers.pop()!.close();
}

/** A watchtower server for the fixture's deployment, sending from `f.tower`; polling off: tests call `sync`. */
export async function startTower(
  f: WatchtowerFixture,
  options: Partial<WatchtowerServerParameters> & { store?: MemoryPeerStore } = {},
) {
  const store = options.store ?? new MemoryPeerStore();
  const submitter = await SignerSubmitter.of(f.tower);
  const lines: string[] = [];
  const server = await WatchtowerServer.start({
    contract: f.contract,
    provider: ethers.provider,
    submitter,
    store,
    pollInterval: 0,
    safetyMargin: SAFETY_MARGIN,
    log: (line) => lines.push(line),
    ...options,
  });
  servers.push(server);
  const client = (signer: Signer, every?: number) =>
    new WatchtowerClient({
      chainId: f.chainId,
      contract: f.contract,
      url: server.url,
      watchtower: f.tower.address,
      signer,
      every,
    });
  return { server, tower: server.tower, store, submitter, lines, client };
}

/** POSTs raw text to the server, for the malformed and oversized bodies a client never sends. */
/** A JSON answer as a test reads it: the success body, or `error` with its code and details. */
type Answer = { error: { code: string; details: Record<string, unknown> } } & Record<string, unknown>;

export async function post(url: string, body: string): Promise<{ status: number; json: Answer }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Answer };
}
