// Finishing a lock (rules HT-9..HT-12): a claim with the secret before the timelock, a refund from it on; anyone may
// send either, and the money always goes where the terms say. Credits of failed pushes are withdrawn here too.
import { ZeroAddress } from "ethers";
import type { Address, PreparedTransaction } from "../../core/types";
import { AtomicSwapError } from "../../errors/atomic-swaps";
import { PeerPayErrorCode } from "../../errors/codes";
import { requireAddress, requireHex } from "../../internal/validate";
import { hashedTimelockTuple, hashlockOf } from "../hashing";
import type { ClaimParameters, HashedTimelockWriteReturnType, RefundParameters } from "../parameters";
import { encodeCall, resolveLock, sendOnTime, type HashedTimelocksContext } from "./context";

/** `claim(lock, secret)`, refused before sending when the secret does not hash to the hashlock. */
export async function buildClaim(
  context: HashedTimelocksContext,
  params: Omit<ClaimParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { lock, lockId } = await resolveLock(context, params.lock);
  const secret = requireHex("secret", params.secret, 32);
  if (hashlockOf(secret) !== lock.hashlock) {
    throw new AtomicSwapError({
      code: PeerPayErrorCode.ATOMIC_SWAP_WRONG_SECRET,
      message: `The secret does not hash to lock ${lockId}'s hashlock`,
      details: { lockId, hashlock: lock.hashlock },
    });
  }
  return encodeCall(context, "claim", [hashedTimelockTuple(lock), secret]);
}

/**
 * Sends {@link buildClaim}; through the client's submitter, if any, with the last second the contract accepts the
 * claim (`timelock - 1`) as its deadline.
 */
export async function claim(
  context: HashedTimelocksContext,
  params: ClaimParameters,
): Promise<HashedTimelockWriteReturnType> {
  const request = await buildClaim(context, params);
  const { lock } = await resolveLock(context, params.lock);
  return sendOnTime(context, { request, overrides: params.overrides, label: "claim", deadline: lock.timelock - 1 });
}

/** `refund(lock)`. */
export async function buildRefund(
  context: HashedTimelocksContext,
  params: Omit<RefundParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { lock } = await resolveLock(context, params.lock);
  return encodeCall(context, "refund", [hashedTimelockTuple(lock)]);
}

/** Sends {@link buildRefund}; through the client's submitter, if any (a refund has no deadline). */
export async function refund(
  context: HashedTimelocksContext,
  params: RefundParameters,
): Promise<HashedTimelockWriteReturnType> {
  return sendOnTime(context, {
    request: await buildRefund(context, params),
    overrides: params.overrides,
    label: "refund",
  });
}

/** `withdraw(token, to)`: a credit left by a push that failed (a receiver refusing ETH, a token blocking it). */
export async function buildWithdrawCredit(
  context: HashedTimelocksContext,
  params: { token?: Address; to?: Address },
): Promise<PreparedTransaction> {
  const token = requireAddress("token", params.token ?? ZeroAddress);
  const to = requireAddress("to", params.to ?? (await context.tx.signerAddress("Pass to")));
  return encodeCall(context, "withdraw", [token, to]);
}
