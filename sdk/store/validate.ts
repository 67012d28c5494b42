import { toChannelId, type Voucher } from "../channels/types";
import { requireBigInt, requireHex } from "../internal/validate";

const UINT256_BOUND = 1n << 256n;

/** A voucher's fields checked and normalised (lowercase hex), so that every store keeps the same bytes. */
export function checkVoucher(voucher: Voucher): Voucher {
  return {
    channelId: toChannelId(voucher?.channelId),
    amount: requireBigInt("amount", voucher?.amount, 1n, UINT256_BOUND),
    signature: requireHex("signature", voucher?.signature, 65),
  };
}
