// The receiver's check of one incoming proof (rule PC-E3, docs/payment-channels.md §8.2, §8.3): a repeat, an
// equivocation, a gap, a change that does not produce the proof, a signature that is not the sender's or its key's,
// an over-spend, or an expiry whose secret was registered in time. Pure apart from the on-chain secret lookup.
import type { Address } from "../../core/types";
import { PeerMessageError } from "../../errors/peer";
import type { PaymentChannelsClient } from "../client";
import { recoverPaymentChannelSigner } from "../typed-data";
import { PAYMENT_CHANNEL_LIMITS, PaymentChannelStatus, type BalanceProof, type Lock } from "../types";
import { canonicalProof, parseEntry, type PeerLedger, type ProofEntry } from "./ledger";
import { applyChange } from "./proofs";
import type { PeerMessage } from "./types";

/** What checking a proof needs from its peer. */
export type InboundContext = {
  ledger: PeerLedger;
  digest: (proof: BalanceProof) => string;
  keys: ReadonlySet<Address>;
  now: number;
  minLockSeconds: number;
  maxLockSeconds: number;
  client: PaymentChannelsClient;
  /**
   * Proofs with a nonce below this skip the signature check: a later proof of the same frame was checked first, and
   * its signature commits to the cumulative result of every change before it.
   */
  trustedBelow: bigint;
};

/** An accepted proof (its expected form) and the lock list it commits to. */
export type ProofCheck = { entry: ProofEntry; locks: Lock[] };

/**
 * Checks one `proof` message against the stored incoming direction: `"repeat"` for a byte-equal repeat (to be
 * acknowledged again), the accepted proof, or a thrown {@link PeerMessageError}. Changes nothing.
 */
export async function checkIncomingProof(
  context: InboundContext,
  message: Extract<PeerMessage, { type: "proof" }>,
): Promise<"repeat" | ProofCheck> {
  const { ledger } = context;
  const entry = parseEntry(message);
  const stored = ledger.in;
  const facts = { nonce: entry.nonce, stored: stored.proof.nonce };
  if (entry.nonce <= stored.proof.nonce) {
    const known = ledger.recentIn.get(entry.nonce);
    // A repeat older than the remembered window cannot be compared; it is harmless, so it is acknowledged.
    if (known === undefined || known === canonicalProof(entry)) return "repeat";
    throw new PeerMessageError({
      code: "PEER_EQUIVOCATION",
      message: `Nonce ${entry.nonce} was stored with another state`,
      details: facts,
    });
  }
  if (entry.nonce !== stored.proof.nonce + 1n) {
    throw new PeerMessageError({
      code: "PEER_OUT_OF_ORDER",
      message: `Nonce ${entry.nonce}, expected ${stored.proof.nonce + 1n}`,
      details: facts,
    });
  }
  await refuseWhileClosing(context, facts);
  // The receiver recomputes the proof from its stored one and the change (§8.2) instead of trusting the sender.
  const next = applyChange({
    previous: stored,
    change: entry.change,
    now: context.now,
    minLockSeconds: context.minLockSeconds,
    maxLockSeconds: context.maxLockSeconds,
  });
  const p = entry.proof;
  if (p.transferred >= PAYMENT_CHANNEL_LIMITS.proofAmountBound || p.nonce >= PAYMENT_CHANNEL_LIMITS.nonceBound) {
    throw new PeerMessageError({ code: "PEER_INVALID_CHANGE", message: "The proof is out of range", details: facts });
  }
  if (
    next.proof.transferred !== p.transferred ||
    next.proof.locked !== p.locked ||
    next.proof.locksRoot !== p.locksRoot
  ) {
    throw new PeerMessageError({
      code: "PEER_INVALID_CHANGE",
      message: "The proof is not what its change makes of the stored proof",
      details: facts,
    });
  }
  const trusted = entry.nonce < context.trustedBelow;
  const signer = trusted ? undefined : signerOf(context, next.proof, entry.signature);
  if (!trusted && (signer === undefined || !context.keys.has(signer))) {
    throw new PeerMessageError({
      code: "PEER_INVALID_SIGNATURE",
      message: "The proof is not signed by the counterparty or its session key",
      details: { ...facts, signer },
    });
  }
  const commits = p.transferred + p.locked;
  const allowance = ledger.counterpartyAllowance();
  if (commits > allowance && commits > stored.proof.transferred + stored.proof.locked) {
    throw new PeerMessageError({
      code: "PEER_OVERSPEND",
      message: `The proof commits ${commits}, the sender may commit ${allowance}`,
      details: { ...facts, allowance },
    });
  }
  if (entry.change.kind === "expire") {
    const hash = entry.change.secretHash;
    const lock = stored.locks.find((l) => l.secretHash === hash)!;
    // Past the expiry by this peer's clock is not enough: a registration in a block stamped at or before the expiry
    // may not be visible yet. Once the chain's head is past the expiry, every such block is below it.
    const head = await context.client.runner?.provider?.getBlock("latest");
    if (head === null || head === undefined || head.timestamp <= lock.expiry) {
      throw new PeerMessageError({
        code: "PEER_INVALID_CHANGE",
        message: `The chain has not passed the lock's expiry ${lock.expiry} yet`,
        details: { ...facts, expiry: lock.expiry, chainTime: head?.timestamp },
      });
    }
    const at = await context.client.secretRegisteredAt({ secretHash: hash });
    if (at !== 0 && at <= lock.expiry) {
      throw new PeerMessageError({
        code: "PEER_INVALID_CHANGE",
        message: "The lock's secret was registered on-chain in time: it cannot expire",
        details: { ...facts, registeredAt: at },
      });
    }
  }
  return { entry: { ...entry, proof: next.proof }, locks: next.locks };
}

/**
 * Refuses an incoming proof once this peer signed a close: a cooperative close pays the balances it names, so a
 * payment stored after signing it would be voided by it (the payer could pay, get the ack, then submit the close).
 * Proofs are taken again only once the close can no longer land: its expiry passed by the chain's clock and the
 * channel is still open. A unilateral close (expiry never) refuses them for good: the channel is ending.
 */
async function refuseWhileClosing(context: InboundContext, facts: Record<string, unknown>): Promise<void> {
  const { ledger, client } = context;
  const closing = ledger.closing;
  if (closing === undefined) return;
  if (BigInt(context.now) > closing.expiry) {
    const [state, head] = await Promise.all([
      client.getChannel({ channel: ledger.channel }),
      client.runner?.provider?.getBlock("latest"),
    ]);
    if (
      state.status === PaymentChannelStatus.Open &&
      head !== null &&
      head !== undefined &&
      BigInt(head.timestamp) > closing.expiry
    ) {
      ledger.closing = undefined;
      return;
    }
  }
  throw new PeerMessageError({
    code: "PEER_REQUEST_REFUSED",
    message: "A close was signed: no payment is taken until it can no longer land",
    details: { ...facts, closingExpiry: closing.expiry },
  });
}

/** Who signed `proof` (undefined for a malformed signature). */
export function signerOf(context: Pick<InboundContext, "digest">, proof: BalanceProof, signature: string) {
  return recoverPaymentChannelSigner({ digest: context.digest(proof), signature });
}

/**
 * The nonce of a frame's last proof when the frame holds several proofs and that one is signed by the counterparty
 * (or its key), else 0: the proofs below it may skip their own signature check (see `InboundContext.trustedBelow`).
 */
export function trustedBelow(
  context: Pick<InboundContext, "digest" | "keys">,
  channelId: string,
  frame: readonly PeerMessage[],
): bigint {
  const proofs = Array.isArray(frame) ? frame.filter((m) => m?.type === "proof" && m.channelId === channelId) : [];
  if (proofs.length < 2) return 0n;
  try {
    const entry = parseEntry(proofs[proofs.length - 1] as Extract<PeerMessage, { type: "proof" }>);
    const signer = signerOf(context, entry.proof, entry.signature);
    return signer !== undefined && context.keys.has(signer) ? entry.nonce : 0n;
  } catch {
    return 0n;
  }
}
