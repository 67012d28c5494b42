// What a party checks of the other's lock before acting on it (docs/atomic-swaps.md): the counterparty reads the
// initiator's lock on A before locking on B, the initiator reads the counterparty's lock on B before revealing the
// secret there. Everything is read from the chain (the `Locked` event and the status), never taken from the peer.
import { ZeroAddress } from "ethers";
import type { Address } from "../core/types";
import { AtomicSwapError } from "../errors/atomic-swaps";
import { PeerPayErrorCode } from "../errors/codes";
import { requireAddress, requireBigInt, requireHex, requireInteger } from "../internal/validate";
import type { HashedTimelocksClient } from "./client";
import type { HashedTimelockState } from "./parameters";
import { HashedTimelockStatus, type HashedTimelockId } from "./types";

/**
 * The terms the two parties agreed for one leg, as the lock on-chain must carry them: who locks, who receives, the
 * token (omitted for ETH), the amount, the hashlock, and optionally the exact timelock.
 *
 * @example
 * ```ts
 * const expected: AtomicSwapLegTerms = { sender: initiator, receiver: me, token: dUSD, amount: 1_000_000_000n, hashlock };
 * ```
 */
export type AtomicSwapLegTerms = {
  sender: Address;
  receiver: Address;
  token?: Address;
  amount: bigint;
  hashlock: string;
  timelock?: number;
};

/**
 * Reads lock `lockId` through `client` and checks it against the agreed terms: it exists (`Locked` event), its status
 * is Locked, each field is as agreed, and it has at least `confirmations` confirmations.
 *
 * @throws {AtomicSwapError} `HASHED_TIMELOCK_NOT_FOUND`, `ATOMIC_SWAP_LOCK_NOT_ACTIVE`, `ATOMIC_SWAP_TERMS_MISMATCH`
 * (`details.field`), `ATOMIC_SWAP_LOCK_UNCONFIRMED`.
 * @example
 * ```ts
 * const { lock } = await verifyHashedTimelock({ client: clientA, lockId, expected, confirmations: 3 });
 * ```
 */
export async function verifyHashedTimelock(params: {
  client: HashedTimelocksClient;
  lockId: HashedTimelockId;
  expected: AtomicSwapLegTerms;
  confirmations: number;
}): Promise<HashedTimelockState> {
  const { client, lockId } = params;
  const expected = normalizeTerms(params.expected);
  const required = requireInteger("confirmations", params.confirmations, 1, 10_000);
  const [state, head] = await Promise.all([client.getLock({ lock: lockId }), client.blockNumber()]);
  const fail = (code: AtomicSwapError["code"], message: string, details: Record<string, unknown>) =>
    new AtomicSwapError({ code, message, details: { lockId, ...details } });
  if (state.status !== HashedTimelockStatus.Locked) {
    throw fail(PeerPayErrorCode.ATOMIC_SWAP_LOCK_NOT_ACTIVE, `Lock ${lockId} is in status ${state.status}`, {
      status: state.status,
    });
  }
  for (const field of ["sender", "receiver", "token", "amount", "hashlock", "timelock"] as const) {
    const want = expected[field];
    const actual = state.lock[field];
    if (want !== undefined && want !== actual) {
      throw fail(PeerPayErrorCode.ATOMIC_SWAP_TERMS_MISMATCH, `Lock ${lockId}: ${field} is ${actual}, agreed ${want}`, {
        field,
        expected: want,
        actual,
      });
    }
  }
  // A provider may answer the head from a cache older than the logs it just returned: the lock's block exists, so the
  // head is at least that block.
  const confirmations = Math.max(head, state.log.blockNumber) - state.log.blockNumber + 1;
  if (confirmations < required) {
    throw fail(
      PeerPayErrorCode.ATOMIC_SWAP_LOCK_UNCONFIRMED,
      `Lock ${lockId} has ${confirmations} of ${required} confirmations`,
      {
        confirmations,
        required,
      },
    );
  }
  return state;
}

/**
 * Refuses a hashlock whose secret is already public on any of the chains given (a reused hashlock: whoever saw the
 * secret can claim every lock under it).
 *
 * @throws {AtomicSwapError} `ATOMIC_SWAP_SECRET_REVEALED`, with `details.chainId` and the revealing `lockId`.
 * @example
 * ```ts
 * await requireUnrevealedHashlock({ hashlock, clients: [clientA, clientB] });
 * ```
 */
export async function requireUnrevealedHashlock(params: {
  hashlock: string;
  clients: readonly HashedTimelocksClient[];
}): Promise<void> {
  const hashlock = requireHex("hashlock", params.hashlock, 32);
  const found = await Promise.all(params.clients.map((client) => client.findSecret({ hashlock })));
  for (const [i, { revealed }] of found.entries()) {
    if (revealed === undefined) continue;
    const chainId = await params.clients[i].getChainId();
    throw new AtomicSwapError({
      code: PeerPayErrorCode.ATOMIC_SWAP_SECRET_REVEALED,
      message: `The secret of hashlock ${hashlock} was revealed on chain ${chainId} (lock ${revealed.lockId}): use a new secret`,
      details: { hashlock, chainId, lockId: revealed.lockId, blockNumber: revealed.log.blockNumber },
    });
  }
}

function normalizeTerms(t: AtomicSwapLegTerms): Required<Omit<AtomicSwapLegTerms, "timelock">> & { timelock?: number } {
  return {
    sender: requireAddress("expected.sender", t.sender),
    receiver: requireAddress("expected.receiver", t.receiver),
    token: requireAddress("expected.token", t.token ?? ZeroAddress),
    amount: requireBigInt("expected.amount", t.amount, 1n),
    hashlock: requireHex("expected.hashlock", t.hashlock, 32),
    timelock:
      t.timelock === undefined
        ? undefined
        : requireInteger("expected.timelock", t.timelock, 0, Number.MAX_SAFE_INTEGER),
  };
}
