// A receiver's checks of a balance proof before it stores it (docs/payment-channels.md §8, rule PC-E3), the ones that
// need no engine state beyond the last proof stored from the sender: right channel, field ranges, the lock list, the
// signature (sender, its session key, or its ERC-1271 wallet), the nonce sequence and a non-decreasing total.
import { ZeroAddress, type Provider } from "ethers";
import type { Address } from "../core/types";
import { BalanceProofError } from "../errors/payment-channels";
import { PeerPayErrorCode } from "../errors/codes";
import { requireAddress, requireHex, requireThat } from "../internal/validate";
import {
  computePaymentChannelId,
  locksRootOf,
  normalizeBalanceProof,
  normalizeLock,
  normalizePaymentChannel,
} from "./hashing";
import {
  buildPaymentChannelTypedData,
  verifyPaymentChannelSignature,
  type PaymentChannelSignatureCheck,
  type PaymentChannelsDeployment,
} from "./typed-data";
import {
  PAYMENT_CHANNEL_LIMITS as LIMITS,
  toPaymentChannelId,
  type BalanceProof,
  type Lock,
  type PaymentChannel,
  type PaymentChannelId,
} from "./types";

const C = PeerPayErrorCode;

/**
 * What {@link validateBalanceProof} checks: the proof as received (the channel id it names, the proof, its
 * signature, the pending locks it commits to), the channel it arrived on and its sender, and what the receiver
 * stored last from that sender (`previous`: omit for the first proof). `keys`: the sender's session keys valid now
 * (default: `key1` for participant1, none for participant2: pass them after a rotation); `provider`: to accept an ERC-1271 wallet's signature.
 *
 * @example
 * ```ts
 * const params: ValidateBalanceProofParameters = {
 *   chainId, contract, channel, sender: channel.participant1, channelId, proof, signature, locks, previous: stored?.proof,
 * };
 * ```
 */
export type ValidateBalanceProofParameters = PaymentChannelsDeployment & {
  channel: PaymentChannel;
  sender: Address;
  channelId: PaymentChannelId;
  proof: BalanceProof;
  signature: string;
  locks: readonly Lock[];
  previous?: BalanceProof;
  keys?: readonly Address[];
  provider?: Provider;
};

/**
 * What a valid proof returns: the channel id, the proof and locks normalised, and who signed it.
 *
 * @example
 * ```ts
 * const { proof, signer }: ValidatedBalanceProof = await validateBalanceProof(params);
 * ```
 */
export type ValidatedBalanceProof = {
  channelId: PaymentChannelId;
  proof: BalanceProof;
  locks: Lock[];
  signer: Extract<PaymentChannelSignatureCheck, { valid: true }>;
};

/**
 * Checks a received balance proof as a receiver must before storing it (rule PC-E3): it names this channel; its
 * amounts are below 2^128; `locked` is the sum of at most 32 locks and `locksRoot` their hash (`ZeroHash` for none); it is signed by the
 * sender, one of its session keys or (with a provider) its ERC-1271 wallet; its nonce is exactly one above the
 * previous proof's (a lower or equal nonce is a replay, to answer idempotently; a higher one a gap) and its
 * `transferred` not below it. The balance check (the sender can cover `transferred + locked`) needs the channel's
 * deposits and the other direction, so it is the engine's.
 *
 * @throws {BalanceProofError} the proof breaks one of these rules (the code says which); nothing should be stored.
 * @throws {InvalidParameterError} the parameters themselves are malformed (a sender that is not a participant).
 * @example
 * ```ts
 * const { proof } = await validateBalanceProof({ chainId, contract, channel, sender, channelId, proof: received, signature, locks, previous });
 * await store.put(proof);
 * ```
 */
export async function validateBalanceProof(params: ValidateBalanceProofParameters): Promise<ValidatedBalanceProof> {
  const channel = normalizePaymentChannel(params.channel);
  const sender = requireAddress("sender", params.sender);
  const isFirst = sender === channel.participant1;
  requireThat(isFirst || sender === channel.participant2, "sender", sender, "is not a participant of the channel");
  const expectedId = computePaymentChannelId({ ...params, channel });
  const channelId = toPaymentChannelId(params.channelId);
  const facts = { channelId: expectedId, sender };
  const refuse = (code: ConstructorParameters<typeof BalanceProofError>[0]["code"], message: string, details = {}) =>
    new BalanceProofError({ code, message, details: { ...facts, ...details } });

  if (channelId !== expectedId) {
    throw refuse(C.BALANCE_PROOF_WRONG_CHANNEL, `The proof names channel ${channelId}`, { named: channelId });
  }
  const proof = normalizeBalanceProof(params.proof);
  for (const field of ["transferred", "locked"] as const) {
    if (proof[field] >= LIMITS.proofAmountBound) {
      throw refuse(C.BALANCE_PROOF_AMOUNT_OUT_OF_RANGE, `${field} ${proof[field]} is not below 2^128`, {
        [field]: proof[field],
      });
    }
  }
  requireThat(Array.isArray(params.locks), "locks", params.locks, "must be an array of locks");
  if (params.locks.length > LIMITS.maxLocks) {
    throw refuse(C.BALANCE_PROOF_TOO_MANY_LOCKS, `${params.locks.length} locks, at most ${LIMITS.maxLocks}`, {
      count: params.locks.length,
    });
  }
  const locks = params.locks.map((lock, i) => normalizeLock(lock, `locks[${i}]`));
  const sum = locks.reduce((total, lock) => total + lock.amount, 0n);
  if (sum !== proof.locked) {
    throw refuse(C.BALANCE_PROOF_LOCKED_MISMATCH, `locked ${proof.locked} is not the locks' sum ${sum}`, {
      locked: proof.locked,
      sum,
    });
  }
  const root = locksRootOf(locks);
  if (root !== requireHex("proof.locksRoot", proof.locksRoot, 32)) {
    throw refuse(C.BALANCE_PROOF_LOCKS_ROOT_MISMATCH, "locksRoot is not the hash of the locks", {
      locksRoot: proof.locksRoot,
      expected: root,
    });
  }

  const typedData = buildPaymentChannelTypedData({
    ...params,
    primaryType: "BalanceProof",
    message: { channelId, ...proof },
  });
  const keys = params.keys ?? (isFirst && channel.key1 !== ZeroAddress ? [channel.key1] : []);
  const check = await verifyPaymentChannelSignature({
    typedData,
    signature: params.signature,
    participant: sender,
    keys,
    provider: params.provider,
  });
  if (!check.valid) throw refuse(C.BALANCE_PROOF_INVALID_SIGNATURE, "The proof is not signed by its sender", {});

  const previous = params.previous === undefined ? undefined : normalizeBalanceProof(params.previous, "previous");
  const last = previous?.nonce ?? 0n;
  if (proof.nonce <= last) {
    throw refuse(C.BALANCE_PROOF_REPLAYED, `Nonce ${proof.nonce} is not above the stored ${last}`, {
      nonce: proof.nonce,
      stored: last,
    });
  }
  if (proof.nonce !== last + 1n) {
    throw refuse(C.BALANCE_PROOF_NONCE_GAP, `Nonce ${proof.nonce}, expected ${last + 1n}`, {
      nonce: proof.nonce,
      expected: last + 1n,
    });
  }
  if (previous !== undefined && proof.transferred < previous.transferred) {
    throw refuse(
      C.BALANCE_PROOF_TRANSFERRED_DECREASED,
      `transferred ${proof.transferred} is below the stored ${previous.transferred}`,
      { transferred: proof.transferred, stored: previous.transferred },
    );
  }
  return { channelId, proof, locks, signer: check };
}
