// The payee's checks of a voucher against the chain, shared by acceptance and batch claims: the same rules as the
// contract's `_requireVoucher` and `_requireClaimWindow` (docs/micropayments.md §2, §3, M-C2), at a chosen time.
import { ZeroAddress, hexlify } from "ethers";
import { IERC1271__factory } from "../../../../typechain-types/factories/@openzeppelin/contracts/interfaces/IERC1271__factory";
import type { Address } from "../../../core/types";
import type { ChannelState } from "../../parameters";
import type { Channel, ChannelId } from "../../types";
import type { PayeeContext } from "./context";

const ERC1271_MAGIC_VALUE = "0x1626ba7e";
/**
 * The gas a payer wallet's ERC-1271 check may use when the payee verifies a voucher off-chain. Multisig and passkey
 * wallets check in well under 300,000; a voucher whose check needs more is refused (the payee can still claim it
 * on-chain, where the check gets 63/64 of the transaction's gas).
 */
const ERC1271_CHECK_GAS = 1_000_000n;

/**
 * Whether `signer` (lowercase) authorises the channel's vouchers in a block at chain time `at`: the payer, or a
 * session key valid then (the open-time key, the current key, or the previous key until its grace period ends).
 */
export function isAuthorizedAt(channel: Channel, state: ChannelState, signer: string, at: number): boolean {
  if (signer === channel.payer.toLowerCase()) return true;
  const change = state.signerChange;
  if (!state.signerChanged || change === undefined) {
    return channel.signer !== ZeroAddress && signer === channel.signer.toLowerCase();
  }
  if (change.current !== ZeroAddress && signer === change.current.toLowerCase()) return true;
  return (
    change.previous !== ZeroAddress &&
    signer === change.previous.toLowerCase() &&
    at <= change.changedAt + channel.challengePeriod
  );
}

/**
 * Whether `signer` (lowercase) is one of the channel's keys the chain knows (open-time, current or previous
 * session key), valid or not: a voucher it signed is an expired key's, not a signature of something else.
 */
export function isChannelKey(channel: Channel, state: ChannelState, signer: string): boolean {
  const keys = [channel.signer, state.signerChange?.current, state.signerChange?.previous];
  return keys.some((key) => key !== undefined && key !== ZeroAddress && key.toLowerCase() === signer);
}

/**
 * As OpenZeppelin's `SignatureChecker` on-chain: the payer has code and its `isValidSignature` returns the magic
 * value for the voucher's digest and these exact bytes. The call is capped at 1,000,000 gas.
 */
export async function walletAccepts(
  context: PayeeContext,
  { payer, channelId, amount, signature }: { payer: Address; channelId: ChannelId; amount: bigint; signature: string },
): Promise<boolean> {
  if (!(await context.chain.hasCode(payer))) return false;
  const digest = hexlify((await context.verifier()).digest({ channelId, amount }));
  try {
    // Capped, so that a wallet burning all the gas it is given costs the payee one bounded call, not the node's
    // whole eth_call allowance, for every voucher it sends.
    const wallet = IERC1271__factory.connect(payer, context.tx.provider());
    const result = await wallet.isValidSignature(digest, signature, { gasLimit: ERC1271_CHECK_GAS });
    return result.toLowerCase() === ERC1271_MAGIC_VALUE;
  } catch {
    // A wallet that reverts or returns garbage makes the contract's check fail too.
    return false;
  }
}
