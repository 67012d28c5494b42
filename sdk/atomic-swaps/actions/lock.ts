// Making a lock (rules HT-3 and HT-5 as far as it can be checked off-chain): the sender is the signer, terms are checked
// before anything is signed or sent, an ERC20 is funded by allowance, an exact approval or a permit.
import { ZeroAddress, ZeroHash, randomBytes, toBigInt, type TransactionReceipt } from "ethers";
import { IERC20__factory } from "../../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address } from "../../core/types";
import { requireAddress, requireBigInt, requireHex, requireInteger, requireThat } from "../../internal/validate";
import { signPermit } from "../../signing/permit";
import { computeHashedTimelockId, hashedTimelockTuple } from "../hashing";
import type {
  BuildLockParameters,
  BuildLockReturnType,
  HashedTimelockPermit,
  LockParameters,
  LockReturnType,
} from "../parameters";
import { HASHED_TIMELOCK_LIMITS as LIMITS, type HashedTimelock } from "../types";
import { chainHead, encodeCall, send, type HashedTimelocksContext } from "./context";

const PERMIT_VALIDITY = 3_600;

/** The `lock` (or `lockWithPermit`) transaction, with the terms and id of the lock it makes. */
export async function buildLock(
  context: HashedTimelocksContext,
  params: BuildLockParameters,
): Promise<BuildLockReturnType> {
  const sender = requireAddress("sender", params.sender ?? (await context.tx.signerAddress("Pass sender")));
  const lock = lockFromParameters({ ...params, salt: params.salt ?? 0n }, sender);
  const lockId = computeHashedTimelockId(lock);
  const terms = hashedTimelockTuple(lock);
  if (params.permit !== undefined) {
    requireThat(lock.token !== ZeroAddress, "permit", params.permit, "ETH locks take no permit");
    const { deadline, v, r, s } = params.permit;
    return { ...encodeCall(context, "lockWithPermit", [terms, deadline, v, r, s], lock.safetyDeposit), lock, lockId };
  }
  const value = lock.token === ZeroAddress ? lock.amount + lock.safetyDeposit : lock.safetyDeposit;
  return { ...encodeCall(context, "lock", [terms], value), lock, lockId };
}

/** Locks from the context's signer: ETH by value; an ERC20 by allowance, an exact approval, or a permit. */
export async function lock(context: HashedTimelocksContext, params: LockParameters): Promise<LockReturnType> {
  const signer = context.tx.signer();
  const sender = await context.tx.signerAddress();
  const salt = params.salt ?? randomSalt();
  const funding = params.funding ?? "allowance";
  requireThat(["allowance", "approve", "permit"].includes(funding), "funding", funding, "unknown funding method");
  // Validate before any approval or permit is signed.
  const terms = lockFromParameters({ ...params, salt }, sender);
  requireThat(terms.token !== ZeroAddress || funding === "allowance", "funding", funding, "ETH is locked by value");
  const approvalReceipt =
    funding === "approve"
      ? await approveIfShort(context, { owner: sender, token: terms.token, amount: terms.amount })
      : undefined;
  let permit: HashedTimelockPermit | undefined;
  if (funding === "permit") {
    const deadline = params.permitDeadline ?? (await chainHead(context)).timestamp + PERMIT_VALIDITY;
    const signed = await signPermit({
      signer,
      token: terms.token,
      spender: context.address,
      value: terms.amount,
      deadline,
    });
    permit = { deadline, v: signed.v, r: signed.r, s: signed.s };
  }
  const { lock: made, lockId, ...request } = await buildLock(context, { ...params, salt, sender, permit });
  const result = await send(context, request, params.overrides);
  context.terms.set(lockId, made);
  return { ...result, lock: made, lockId, approvalReceipt };
}

/** Approves the contract for exactly `amount` when the allowance is short: never an unlimited allowance. */
async function approveIfShort(
  context: HashedTimelocksContext,
  { owner, token, amount }: { owner: Address; token: Address; amount: bigint },
): Promise<TransactionReceipt | undefined> {
  const erc20 = IERC20__factory.connect(token, context.tx.provider());
  const allowance = await context.tx.guard(() => erc20.allowance(owner, context.address));
  if (allowance >= amount) return undefined;
  const data = erc20.interface.encodeFunctionData("approve", [context.address, amount]);
  return context.tx.send({ to: token, data, value: 0n });
}

/**
 * The terms of a new lock, checked against what HT-3 and HT-5 say without the chain's clock: a receiver, a positive amount,
 * a non-zero hashlock, and public times that fit the deposit and the timelock. The timelock's window (after now,
 * within 30 days) is the contract's to check against its own clock.
 */
export function lockFromParameters(
  params: Omit<BuildLockParameters, "sender" | "permit">,
  sender: Address,
): HashedTimelock {
  const receiver = requireAddress("receiver", params.receiver);
  requireThat(receiver !== ZeroAddress, "receiver", receiver, "must not be the zero address");
  const hashlock = requireHex("hashlock", params.hashlock, 32);
  requireThat(hashlock !== ZeroHash, "hashlock", hashlock, "must not be zero");
  const timelock = requireInteger("timelock", params.timelock, 1, LIMITS.timeMax);
  const safetyDeposit = requireBigInt("safetyDeposit", params.safetyDeposit ?? 0n, 0n);
  const publicClaimAt = requireInteger("publicClaimAt", params.publicClaimAt ?? 0, 0, LIMITS.timeMax);
  const publicRefundAt = requireInteger("publicRefundAt", params.publicRefundAt ?? 0, 0, LIMITS.timeMax);
  if (safetyDeposit === 0n) {
    requireThat(
      publicClaimAt === 0 && publicRefundAt === 0,
      "publicClaimAt",
      publicClaimAt,
      "must be 0 (and publicRefundAt too) without a deposit",
    );
  } else {
    requireThat(
      publicClaimAt > 0 && publicClaimAt <= timelock,
      "publicClaimAt",
      publicClaimAt,
      "must be in (0, timelock]",
    );
    requireThat(publicRefundAt >= timelock, "publicRefundAt", publicRefundAt, "must be at least the timelock");
  }
  return {
    sender,
    receiver,
    token: requireAddress("token", params.token ?? ZeroAddress),
    amount: requireBigInt("amount", params.amount, 1n),
    hashlock,
    timelock,
    safetyDeposit,
    publicClaimAt,
    publicRefundAt,
    salt: requireBigInt("salt", params.salt ?? 0n, 0n),
  };
}

/** A uniformly random 256-bit salt from the platform's CSPRNG, so two identical trades never share an id. */
function randomSalt(): bigint {
  return toBigInt(randomBytes(32));
}
