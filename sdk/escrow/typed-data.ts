import type { Signer, TypedDataDomain } from "ethers";
// The escrow's signed actions as EIP-712 typed data (docs/escrow.md §8): the structs, the domain, the typed data a
// wallet signs, and signing it. Beside the escrow, as the voucher's typed data is beside the channels.
import { RunnerError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { requireAddress, requireBigInt, requireInteger } from "../internal/validate";
import { signTypedData, type SignedTypedData, type TypedData } from "../signing/eip712";
import { toDealId } from "./terms";
import type { DealId } from "./types";

/**
 * The escrow's EIP-712 structs (docs/escrow.md §8), field by field as `DealLib`'s typehashes. `nonce` and `expiry`
 * are uint256 in the struct although the deal's nonce is a uint16.
 *
 * @example
 * ```ts
 * TypedDataEncoder.from({ Release: [...ESCROW_EIP712_TYPES.Release] }).encodeType("Release");
 * // "Release(bytes32 dealId,uint256 amount,uint256 nonce,uint256 expiry)"
 * ```
 */
export const ESCROW_EIP712_TYPES = {
  Release: [
    { name: "dealId", type: "bytes32" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
  Refund: [
    { name: "dealId", type: "bytes32" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
  Settle: [
    { name: "dealId", type: "bytes32" },
    { name: "toBeneficiary", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
} as const;

/**
 * The escrow's EIP-712 domain on one chain: `{ name: "PeerPay Escrow", version: "1", chainId, verifyingContract }`.
 *
 * @example
 * ```ts
 * const domain = escrowDomain({ chainId: 8453, escrow: escrowAddress });
 * ```
 */
export function escrowDomain({ chainId, escrow }: { chainId: number | bigint; escrow: string }): TypedDataDomain {
  return {
    name: "PeerPay Escrow",
    version: "1",
    chainId: BigInt(requireInteger("chainId", chainId, 1, Number.MAX_SAFE_INTEGER)),
    verifyingContract: requireAddress("escrow", escrow),
  };
}

/**
 * A depositor's consent to release `amount` (`releaseWithSig`).
 *
 * @example
 * ```ts
 * const message: ReleaseMessage = { dealId, amount: 5n, nonce: 0, expiry: 1_767_225_600 };
 * ```
 */
export type ReleaseMessage = { dealId: DealId; amount: bigint; nonce: number; expiry: number };
/**
 * A beneficiary's consent to refund `amount` (`refundWithSig`).
 *
 * @example
 * ```ts
 * const message: RefundMessage = { dealId, amount: 5n, nonce: 0, expiry: 1_767_225_600 };
 * ```
 */
export type RefundMessage = { dealId: DealId; amount: bigint; nonce: number; expiry: number };
/**
 * A party's consent to split the remainder, `toBeneficiary` to the beneficiary (gross of the protocol fee) and the
 * rest to the depositor (`settle`). Both parties sign the same message.
 *
 * @example
 * ```ts
 * const message: SettleMessage = { dealId, toBeneficiary: 600n, nonce: 2, expiry: 1_767_225_600 };
 * ```
 */
export type SettleMessage = { dealId: DealId; toBeneficiary: bigint; nonce: number; expiry: number };

/**
 * Where a signed escrow action is valid: the chain and the escrow contract.
 *
 * @example
 * ```ts
 * const where: EscrowSigningContext = { chainId: 1, escrow: escrowAddress };
 * ```
 */
export type EscrowSigningContext = { chainId: number | bigint; escrow: string };

function messageCommon(message: { dealId: DealId; nonce: number; expiry: number }) {
  return {
    dealId: toDealId(message.dealId),
    nonce: requireInteger("nonce", message.nonce, 0, 0xffff),
    expiry: requireInteger("expiry", message.expiry, 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * The typed data of a `Release` (signed by the depositor).
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const typedData = buildReleaseTypedData({ chainId: 1, escrow, dealId, amount: 5n, nonce: 0, expiry });
 * ```
 */
export function buildReleaseTypedData(params: EscrowSigningContext & ReleaseMessage): TypedData<ReleaseMessage> {
  const message = { ...messageCommon(params), amount: requireBigInt("amount", params.amount, 1n) };
  return {
    domain: escrowDomain(params),
    types: { Release: ESCROW_EIP712_TYPES.Release },
    primaryType: "Release",
    message,
  };
}

/**
 * The typed data of a `Refund` (signed by the beneficiary).
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const typedData = buildRefundTypedData({ chainId: 1, escrow, dealId, amount: 5n, nonce: 0, expiry });
 * ```
 */
export function buildRefundTypedData(params: EscrowSigningContext & RefundMessage): TypedData<RefundMessage> {
  const message = { ...messageCommon(params), amount: requireBigInt("amount", params.amount, 1n) };
  return {
    domain: escrowDomain(params),
    types: { Refund: ESCROW_EIP712_TYPES.Refund },
    primaryType: "Refund",
    message,
  };
}

/**
 * The typed data of a `Settle` (signed by both parties).
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const typedData = buildSettleTypedData({ chainId: 1, escrow, dealId, toBeneficiary: 600n, nonce: 2, expiry });
 * ```
 */
export function buildSettleTypedData(params: EscrowSigningContext & SettleMessage): TypedData<SettleMessage> {
  const message = { ...messageCommon(params), toBeneficiary: requireBigInt("toBeneficiary", params.toBeneficiary, 0n) };
  return {
    domain: escrowDomain(params),
    types: { Settle: ESCROW_EIP712_TYPES.Settle },
    primaryType: "Settle",
    message,
  };
}

/**
 * What the `sign*` helpers take: the signer, the message, the escrow, and optionally the chain id (read from the
 * signer's provider when omitted).
 *
 * @example
 * ```ts
 * const params: SignEscrowActionParameters<ReleaseMessage> = { signer, escrow, dealId, amount: 5n, nonce: 0, expiry };
 * ```
 */
export type SignEscrowActionParameters<TMessage> = TMessage & {
  signer: Signer;
  escrow: string;
  chainId?: number | bigint;
};

async function chainIdOf(signer: Signer, chainId: number | bigint | undefined): Promise<number | bigint> {
  if (chainId !== undefined) return chainId;
  if (signer.provider === null) {
    throw new RunnerError({
      code: PeerPayErrorCode.PROVIDER_REQUIRED,
      message: "Pass chainId or a signer connected to a provider",
    });
  }
  return (await signer.provider.getNetwork()).chainId;
}

/**
 * Signs a `Release` as the depositor. Submit it with `EscrowClient.releaseWithSig`. The signature is only valid at
 * the deal's current `nonce` and until `expiry`.
 *
 * @example
 * ```ts
 * const { signature, typedData } = await signRelease({ signer: depositor, escrow, dealId, amount: 5n, nonce, expiry });
 * ```
 */
export async function signRelease({
  signer,
  chainId,
  ...message
}: SignEscrowActionParameters<ReleaseMessage>): Promise<SignedTypedData<ReleaseMessage>> {
  const typedData = buildReleaseTypedData({ ...message, chainId: await chainIdOf(signer, chainId) });
  return signTypedData({ signer, typedData });
}

/**
 * Signs a `Refund` as the beneficiary. Submit it with `EscrowClient.refundWithSig`.
 *
 * @example
 * ```ts
 * const { signature } = await signRefund({ signer: beneficiary, escrow, dealId, amount: 5n, nonce, expiry });
 * ```
 */
export async function signRefund({
  signer,
  chainId,
  ...message
}: SignEscrowActionParameters<RefundMessage>): Promise<SignedTypedData<RefundMessage>> {
  const typedData = buildRefundTypedData({ ...message, chainId: await chainIdOf(signer, chainId) });
  return signTypedData({ signer, typedData });
}

/**
 * Signs a `Settle` as either party. Submit both parties' signatures (or one, from the other party) with
 * `EscrowClient.settle`.
 *
 * @example
 * ```ts
 * const { signature } = await signSettle({ signer: beneficiary, escrow, dealId, toBeneficiary: 600n, nonce, expiry });
 * ```
 */
export async function signSettle({
  signer,
  chainId,
  ...message
}: SignEscrowActionParameters<SettleMessage>): Promise<SignedTypedData<SettleMessage>> {
  const typedData = buildSettleTypedData({ ...message, chainId: await chainIdOf(signer, chainId) });
  return signTypedData({ signer, typedData });
}
