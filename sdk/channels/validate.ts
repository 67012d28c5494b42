import { MAX_SIGNATURE_BYTES, toChannelId, type Voucher } from "./types";
import { VoucherError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import { requireBigInt, requireHex } from "../internal/validate";

const UINT256_BOUND = 1n << 256n;

/**
 * Throws `VOUCHER_SIGNATURE_TOO_LONG` if `signature` is a string of more than {@link MAX_SIGNATURE_BYTES} bytes of
 * hex (checked by length alone, before any parsing, so that a huge string costs nothing).
 */
export function requireSignatureLength(signature: unknown, details: Record<string, unknown> = {}): void {
  if (typeof signature === "string" && signature.length > 2 + 2 * MAX_SIGNATURE_BYTES) {
    throw new VoucherError({
      code: PeerPayErrorCode.VOUCHER_SIGNATURE_TOO_LONG,
      message: `The signature is longer than ${MAX_SIGNATURE_BYTES} bytes`,
      details: { ...details, length: Math.ceil((signature.length - 2) / 2), max: MAX_SIGNATURE_BYTES },
    });
  }
}

/**
 * A voucher's fields checked and normalised (lowercase hex), so that every store keeps the same bytes. The
 * signature is any whole number of bytes up to {@link MAX_SIGNATURE_BYTES}: ECDSA (64 or 65) or ERC-1271 (any).
 */
export function checkVoucher(voucher: Voucher): Voucher {
  const channelId = toChannelId(voucher?.channelId);
  const amount = requireBigInt("amount", voucher?.amount, 1n, UINT256_BOUND);
  requireSignatureLength(voucher.signature, { channelId, amount });
  return { channelId, amount, signature: requireHex("signature", voucher.signature) };
}
