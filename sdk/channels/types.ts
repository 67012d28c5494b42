import { isHexString } from "ethers";
import { InvalidParameterError } from "../errors/base";
import type { Address } from "../core/types";

/**
 * A micropayment channel's id: `keccak256(abi.encode(chainId, contract, channel))`, lowercase hex. Branded so that
 * a deal id or another bytes32 cannot be passed where a channel id is expected.
 *
 * @example
 * ```ts
 * const channelId: ChannelId = computeChannelId({ chainId, contract, channel });
 * ```
 */
export type ChannelId = string & { readonly __brand: "ChannelId" };

/**
 * Checks and brands a channel id (32 bytes of hex), lowercased.
 *
 * @throws {InvalidParameterError} not 32 bytes of hex.
 * @example
 * ```ts
 * const channelId = toChannelId(event.topics[1]);
 * ```
 */
export function toChannelId(value: string): ChannelId {
  if (typeof value !== "string" || !isHexString(value, 32)) {
    throw new InvalidParameterError({ parameter: "channelId", value, reason: "must be 32 bytes of hex" });
  }
  return value.toLowerCase() as ChannelId;
}

/**
 * The immutable terms of a channel, as the contract's `Channel` struct (docs/micropayments.md §1). Addresses are
 * checksummed; `signer` is `ZeroAddress` for none.
 *
 * @example
 * ```ts
 * const channel: Channel = { payer, payee, token: ZeroAddress, signer: sessionKey.address, challengePeriod: 3_600, salt: 7 };
 * ```
 */
export type Channel = {
  payer: Address;
  payee: Address;
  token: Address;
  signer: Address;
  challengePeriod: number;
  salt: number;
};

/**
 * A channel's status on-chain.
 *
 * @example
 * ```ts
 * if (state.status === ChannelStatus.Open) await payee.claim({ channel });
 * ```
 */
export enum ChannelStatus {
  None = 0,
  Open = 1,
  Closed = 2,
}

/**
 * A signed voucher: the payer owes the payee `amount` in all on channel `channelId`.
 *
 * @example
 * ```ts
 * const voucher: Voucher = { channelId, amount: 1_000n, signature };
 * ```
 */
export type Voucher = {
  channelId: ChannelId;
  /** Cumulative, in base units of the channel's token. */
  amount: bigint;
  /**
   * Lowercase hex. ECDSA (the payer or a session key): 65 bytes `r ‖ s ‖ v` or 64 bytes EIP-2098
   * `r ‖ yParity·2^255 + s`; a payee's store keeps the 64-byte form of what it accepted through ECDSA. ERC-1271 (a
   * contract payer): whatever bytes its wallet accepts, at most {@link MAX_SIGNATURE_BYTES}.
   */
  signature: string;
};

/**
 * The longest voucher signature the SDK accepts and stores, in bytes (8 KiB): room for ERC-1271 wallets that sign
 * with several keys or wrap a passkey assertion, while a payee cannot be made to pass megabytes to an `eth_call` or
 * write them to its log. Longer signatures are refused with `VOUCHER_SIGNATURE_TOO_LONG`.
 *
 * @example
 * ```ts
 * if ((signature.length - 2) / 2 > MAX_SIGNATURE_BYTES) return res.status(413).end();
 * ```
 */
export const MAX_SIGNATURE_BYTES = 8_192;
