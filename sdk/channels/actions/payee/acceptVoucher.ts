import { isHexString } from "ethers";
import { InvalidParameterError } from "../../../errors/base";
import { VoucherError } from "../../../errors/channels";
import { PeerPayErrorCode } from "../../../errors/codes";
import type { Address } from "../../../core/types";
import { checksumAddress } from "../../../internal/address";
import { requireBigInt } from "../../../internal/validate";
import { requireSignatureLength } from "../../validate";
import type { AcceptVoucherParameters, AcceptVoucherReturnType, ChannelState } from "../../parameters";
import { ChannelStatus, type ChannelId } from "../../types";
import { compactSignature } from "../../verifier";
import { resolveChannel } from "../resolveChannel";
import { isAuthorizedAt, isChannelKey, walletAccepts } from "./checks";
import type { PayeeContext } from "./context";

const UINT256_BOUND = 1n << 256n;

type Refuse = (code: VoucherError["code"], message: string, details?: Record<string, unknown>) => VoucherError;

/**
 * Checks a voucher against the chain (docs/micropayments.md §5) and stores it durably; resolves once it is stored,
 * with what it adds to what the payee already holds: the best stored voucher, or the channel's claimed total
 * on-chain when that is higher (a store that is new, lost or another process's knows nothing of past payments).
 */
export async function acceptVoucher(
  context: PayeeContext,
  { channel, amount, signature }: AcceptVoucherParameters,
): Promise<AcceptVoucherReturnType> {
  requireSignatureLength(signature, { amount });
  const { channel: terms, channelId } = await resolveChannel(context, channel);
  const payee = await context.payee();
  if (terms.payee !== payee) {
    throw new InvalidParameterError({ parameter: "channel.payee", value: terms.payee, reason: `is not ${payee}` });
  }
  const value = requireBigInt("amount", amount, 1n, UINT256_BOUND);
  const verifier = await context.verifier();
  // A contract payer (ERC-1271) may sign with bytes that recover to no key or to another one: as the contract,
  // try ECDSA first, then ask the payer, with any whole number of bytes up to MAX_SIGNATURE_BYTES.
  let recovered: string | undefined;
  try {
    recovered = verifier.recoverLowercase({ channelId, amount: value, signature });
  } catch (error) {
    const wellFormed = typeof signature === "string" && signature.length % 2 === 0 && isHexString(signature);
    if (!(error instanceof VoucherError) || !wellFormed || !(await context.chain.hasCode(terms.payer))) throw error;
  }
  const refuse: Refuse = (code, message, details = {}) =>
    new VoucherError({ code, message, details: { channelId, amount: value, ...details } });

  let { state, fresh } = await context.chain.state(channelId, false);
  if (state.status === ChannelStatus.None) {
    // Anyone can send made-up terms (a paywall takes them from any request): keeping them would grow memory per
    // request. Terms (and the state) of a channel that does not exist pay nothing; both are read again if it is opened.
    context.terms.delete(channelId);
    context.chain.drop(channelId);
    throw refuse(PeerPayErrorCode.CHANNEL_UNKNOWN, `No channel ${channelId} on-chain`);
  }
  requireOpen(context, channelId, state, refuse);
  // The key must stay valid for claimMargin more seconds: the payee needs that long to get a claim mined.
  const authorized = () =>
    recovered !== undefined && isAuthorizedAt(terms, state, recovered, context.chain.now() + context.claimMargin);
  if (!authorized() && !fresh) {
    ({ state, fresh } = await context.chain.state(channelId, true));
    requireOpen(context, channelId, state, refuse);
  }
  let signer: Address;
  // What is stored and later submitted: an ECDSA signature in its 64-byte form (the contract recovers the same key
  // from it, for less calldata); a wallet's signature exactly as the wallet accepted it.
  let kept: string;
  if (authorized()) {
    signer = checksumAddress(recovered!);
    kept = compactSignature(signature);
  } else if (await walletAccepts(context, { payer: terms.payer, channelId, amount: value, signature })) {
    signer = terms.payer;
    kept = signature.toLowerCase();
  } else if (
    recovered === undefined ||
    (!isChannelKey(terms, state, recovered) && (await context.chain.hasCode(terms.payer)))
  ) {
    // The payer is a wallet and it refused: what ECDSA recovers from a wallet's signature is no signer of this
    // channel, so naming it would mislead. Only a channel key past its validity is reported as a signer.
    throw refuse(PeerPayErrorCode.VOUCHER_INVALID_SIGNATURE, `The payer wallet ${terms.payer} refused the signature`, {
      wallet: terms.payer,
      signature,
    });
  } else {
    const key = checksumAddress(recovered);
    throw refuse(PeerPayErrorCode.VOUCHER_UNAUTHORIZED_SIGNER, `${key} may not sign for ${channelId}`, {
      signer: key,
    });
  }
  // Within the process, acceptances on one channel run one at a time (no wasted chain reads, no vouchers refused
  // for a race they would lose). Across processes sharing the store, the credit comes from the store's atomic
  // `previous`, not from the `get` below: two racing vouchers (120 and 125 over 100) are credited 20 and 5, never
  // 20 and 25 (docs/payee-stores.md, PS-A2).
  return exclusive(context, channelId, async () => {
    const best = await context.store.get(channelId);
    // With no record of the channel, the store cannot know what was paid before (it is new, or was lost or
    // replaced, or another process accepted the earlier vouchers): the claimed total is read from the chain once,
    // and the voucher stored next carries it forward. Otherwise the cached claimed total, at most cacheTtl old and
    // dropped on each claim the client sends or the watcher sees, costs nothing.
    if (best === undefined && !fresh) {
      ({ state, fresh } = await context.chain.state(channelId, true));
      requireOpen(context, channelId, state, refuse);
    }
    const floor = (stored: bigint) => (stored < state.claimed ? state.claimed : stored);
    const notMonotonic = (paid: bigint) =>
      refuse(PeerPayErrorCode.VOUCHER_NOT_MONOTONIC, `Voucher ${value} is not above ${paid}, already paid for`, {
        best: paid,
        claimed: state.claimed,
      });
    const seen = floor(best?.amount ?? 0n);
    if (value <= seen) throw notMonotonic(seen);
    if (value > state.deposit && !fresh) ({ state, fresh } = await context.chain.state(channelId, true));
    if (value > state.deposit) {
      throw refuse(PeerPayErrorCode.VOUCHER_EXCEEDS_DEPOSIT, `Voucher ${value} exceeds the deposit ${state.deposit}`, {
        deposit: state.deposit,
      });
    }
    const { stored, previous } = await context.store.putIfHigher({ channelId, amount: value, signature: kept });
    const paid = floor(previous);
    if (!stored) throw notMonotonic(paid);
    // stored means value > previous, and value > seen >= claimed: the increment is positive.
    return { channelId, amount: value, signer, increment: value - paid };
  });
}

/** CHANNEL_NOT_OPEN when the channel is closed, or its challenge period ends within the claim margin. */
function requireOpen(context: PayeeContext, channelId: ChannelId, state: ChannelState, refuse: Refuse): void {
  if (state.status !== ChannelStatus.Open) {
    throw refuse(PeerPayErrorCode.CHANNEL_NOT_OPEN, `Channel ${channelId} is closed`, { status: state.status });
  }
  if (state.closesAt !== 0 && context.chain.now() + context.claimMargin > state.closesAt) {
    throw refuse(
      PeerPayErrorCode.CHANNEL_NOT_OPEN,
      `Channel ${channelId} closes at ${state.closesAt}, within the claim margin`,
      { closesAt: state.closesAt },
    );
  }
}

/**
 * Runs `task` after every earlier task of the same channel has settled, so that acceptances on one channel are
 * sequential while different channels proceed concurrently.
 */
async function exclusive<T>(context: PayeeContext, channelId: ChannelId, task: () => Promise<T>): Promise<T> {
  const run = (context.acceptances.get(channelId) ?? Promise.resolve()).then(task, task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  context.acceptances.set(channelId, tail);
  try {
    return await run;
  } finally {
    if (context.acceptances.get(channelId) === tail) context.acceptances.delete(channelId);
  }
}
