// A client of a watchtower (docs/payment-channels.md §6, §8.7, rule PC-E6): registers a channel with the client's
// signature, hands in the proofs the client receives (each, or every N-th, the latest always on `flush`) with a
// `Reward` naming the watchtower, and turns every refusal into a typed WatchtowerError. Browser-safe: `fetch` only.
import { SigningKey, type Signer } from "ethers";
import type { Address } from "../core/types";
import { WatchtowerError } from "../errors/watchtower";
import { requireAddress, requireHex, requireInteger } from "../internal/validate";
import type { PaymentChannelRole } from "../payment-channels/discovery";
import { computePaymentChannelId, normalizeBalanceProof, normalizePaymentChannel } from "../payment-channels/hashing";
import {
  balanceProofHash,
  signPaymentChannelMessage,
  type PaymentChannelsDeployment,
} from "../payment-channels/typed-data";
import {
  toPaymentChannelId,
  type BalanceProof,
  type PaymentChannel,
  type PaymentChannelId,
} from "../payment-channels/types";
import { hashTypedData, signTypedData } from "../signing/eip712";
import {
  buildWatchtowerRegistrationTypedData,
  isWatchtowerCode,
  toWireChannel,
  toWireProof,
  type ErrorAnswer,
  type InfoAnswer,
  type ProofAnswer,
  type ProofBody,
  type RegisterAnswer,
  type RegisterBody,
} from "./messages";

/**
 * How a {@link WatchtowerClient} reaches its watchtower and signs: the deployment, the watchtower's base URL and
 * address (pinned: the client's `Reward`s name it), the client's wallet (`signer`) or session key (`privateKey`),
 * and `every`: hand in every N-th received proof (default 1, each).
 *
 * @example
 * ```ts
 * const params: WatchtowerClientParameters = { chainId, contract, url: "https://tower.example", watchtower, signer, every: 10 };
 * ```
 */
export type WatchtowerClientParameters = PaymentChannelsDeployment & {
  url: string;
  watchtower: Address;
  every?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
} & ({ signer: Signer; privateKey?: undefined } | { privateKey: string; signer?: undefined });

/**
 * What `WatchtowerClient.submitProof` takes: a proof the client received, its sender's signature, and the
 * reward offered (default 0: an unpaid service); without a `signature` the client signs the `Reward` itself.
 *
 * @example
 * ```ts
 * const params: SubmitProofParameters = { channelId, proof, signature, reward: { amount: 1_000n } };
 * ```
 */
export type SubmitProofParameters = {
  channelId: PaymentChannelId;
  proof: BalanceProof;
  signature: string;
  reward?: { amount: bigint; signature?: string };
};

type Pending = Required<Pick<SubmitProofParameters, "channelId" | "proof" | "signature">> & {
  reward: { amount: bigint; signature?: string };
};

/**
 * A client's handle on one watchtower. Register each channel once, then hand in what the counterparty pays you.
 *
 * @example
 * ```ts
 * const tower = new WatchtowerClient({ chainId, contract, url, watchtower, signer: bobWallet, every: 10 });
 * await tower.register({ channel, role: "participant2" });
 * await tower.submitProof({ channelId, proof: received.proof, signature: received.signature });
 * await tower.flush(); // before going offline
 * ```
 */
export class WatchtowerClient {
  readonly url: string;
  readonly watchtower: Address;
  readonly every: number;
  readonly #params: WatchtowerClientParameters;
  readonly #fetch: typeof fetch;
  readonly #received = new Map<PaymentChannelId, number>();
  readonly #pending = new Map<PaymentChannelId, Pending>();

  constructor(params: WatchtowerClientParameters) {
    this.#params = params;
    this.url = params.url.replace(/\/+$/, "");
    this.watchtower = requireAddress("watchtower", params.watchtower);
    this.every = requireInteger("every", params.every ?? 1, 1, 1_000_000);
    this.#fetch = params.fetch ?? ((input, init) => fetch(input, init));
    if (params.privateKey !== undefined) requireHex("privateKey", params.privateKey, 32);
  }

  /**
   * The watchtower's address, chain, contract and safety margin (`GET /info`).
   *
   * @throws {WatchtowerError} unreachable or refused.
   * @example
   * ```ts
   * const { watchtower } = await client.info();
   * ```
   */
  info(): Promise<InfoAnswer> {
    return this.#request<InfoAnswer>("GET", "/info");
  }

  /**
   * Registers the channel for the client's `role`, signed by the client's key (`POST /register`). The registration
   * names this watchtower and expires after `expiresIn` seconds (default 3,600), so a copy is of no use elsewhere.
   *
   * @throws {WatchtowerError} `WATCHTOWER_NOT_PARTICIPANT`, `WATCHTOWER_CHANNEL_NOT_WATCHABLE`, `WATCHTOWER_QUOTA_CHANNELS`...
   * @example
   * ```ts
   * const { channelId, status } = await tower.register({ channel, role: "participant2" });
   * ```
   */
  async register(params: {
    channel: PaymentChannel;
    role: PaymentChannelRole;
    expiresIn?: number;
  }): Promise<RegisterAnswer> {
    const channel = normalizePaymentChannel(params.channel);
    const participant = channel[params.role === "participant1" ? "participant1" : "participant2"];
    const channelId = computePaymentChannelId({ ...this.#params, channel });
    const expiresIn = requireInteger("expiresIn", params.expiresIn ?? 3_600, 1, 365 * 86_400);
    const nonceBytes = new Uint8Array(16);
    globalThis.crypto.getRandomValues(nonceBytes);
    const message = {
      channelId,
      participant,
      watchtower: this.watchtower,
      nonce: BigInt("0x" + [...nonceBytes].map((b) => b.toString(16).padStart(2, "0")).join("")),
      expiry: BigInt(Math.floor(Date.now() / 1000) + expiresIn),
    };
    const typedData = buildWatchtowerRegistrationTypedData({ ...this.#params, message });
    const signature =
      this.#params.signer !== undefined
        ? (await signTypedData({ signer: this.#params.signer, typedData })).signature
        : new SigningKey(this.#params.privateKey).sign(hashTypedData(typedData)).serialized;
    const body: RegisterBody = {
      channel: toWireChannel(channel),
      participant,
      watchtower: this.watchtower,
      nonce: message.nonce.toString(),
      expiry: message.expiry.toString(),
      signature,
    };
    return this.#request<RegisterAnswer>("POST", "/register", body);
  }

  /**
   * Hands in a proof the client received. With `every: N`, only every N-th call sends (the others keep the latest
   * for `flush`); returns whether this call sent.
   *
   * @throws {WatchtowerError} the watchtower refused it (`WATCHTOWER_INVALID_PROOF`, `WATCHTOWER_STALE_PROOF`, a 429...).
   * @example
   * ```ts
   * const { sent } = await tower.submitProof({ channelId, proof, signature });
   * ```
   */
  async submitProof(params: SubmitProofParameters): Promise<{ sent: boolean; answer?: ProofAnswer }> {
    const channelId = toPaymentChannelId(params.channelId);
    const pending: Pending = {
      channelId,
      proof: normalizeBalanceProof(params.proof),
      signature: requireHex("signature", params.signature),
      reward: params.reward ?? { amount: 0n },
    };
    const count = (this.#received.get(channelId) ?? 0) + 1;
    this.#received.set(channelId, count);
    this.#pending.set(channelId, pending);
    if (count % this.every !== 0) return { sent: false };
    return { sent: true, answer: await this.#send(pending) };
  }

  /**
   * Sends the latest proof of each channel that was kept back (`every` > 1, or a failed send). Call it before the
   * client goes offline. A proof the watchtower already holds (409) counts as sent.
   *
   * @throws {WatchtowerError} the first refusal other than `WATCHTOWER_STALE_PROOF`; the others are still tried.
   * @example
   * ```ts
   * await tower.flush();
   * ```
   */
  async flush(): Promise<number> {
    let sent = 0;
    let failure: unknown;
    for (const pending of [...this.#pending.values()]) {
      try {
        await this.#send(pending);
        sent += 1;
      } catch (err) {
        if (err instanceof WatchtowerError && err.code === "WATCHTOWER_STALE_PROOF") {
          this.#pending.delete(pending.channelId);
        } else failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
    return sent;
  }

  async #send(pending: Pending): Promise<ProofAnswer> {
    const { channelId, proof } = pending;
    const reward = pending.reward.signature ?? (await this.#signReward(pending));
    const body: ProofBody = {
      channelId,
      proof: toWireProof(proof),
      signature: pending.signature,
      reward: { amount: pending.reward.amount.toString(), signature: reward },
    };
    const answer = await this.#request<ProofAnswer>("POST", "/proofs", body);
    // Sent: nothing to flush for this channel unless a newer proof arrived meanwhile.
    if (this.#pending.get(channelId) === pending) this.#pending.delete(channelId);
    return answer;
  }

  async #signReward({ channelId, proof, reward }: Pending): Promise<string> {
    const message = {
      channelId,
      balanceProofHash: balanceProofHash({ channelId, proof }),
      watchtower: this.watchtower,
      amount: reward.amount,
    };
    const signing = { chainId: this.#params.chainId, contract: this.#params.contract, primaryType: "Reward" as const };
    const signed =
      this.#params.signer !== undefined
        ? await signPaymentChannelMessage({ ...signing, message, signer: this.#params.signer })
        : await signPaymentChannelMessage({ ...signing, message, privateKey: this.#params.privateKey });
    return signed.signature;
  }

  async #request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new WatchtowerError({ code: "WATCHTOWER_UNAVAILABLE", message: `${this.url} unreachable`, cause });
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed !== undefined) return parsed as T;
    const error = (parsed as ErrorAnswer | undefined)?.error;
    const code = isWatchtowerCode(error?.code) ? error.code : "WATCHTOWER_UNAVAILABLE";
    throw new WatchtowerError({
      code,
      message: error?.message ?? `HTTP ${response.status} from ${path}`,
      details: { ...error?.details, status: response.status },
    });
  }
}
