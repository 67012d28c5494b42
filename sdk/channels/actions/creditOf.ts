import { ZeroAddress } from "ethers";
import type { Address } from "../../core/types";
import { requireAddress } from "../../internal/validate";
import type { ChannelsContext } from "./context";

/** `account`'s withdrawable credit in `token` (ETH when omitted): payouts that could not be pushed. */
export async function creditOf(
  context: ChannelsContext,
  { token, account }: { token?: Address; account: Address },
): Promise<bigint> {
  const tokenAddress = requireAddress("token", token ?? ZeroAddress);
  return context.tx.guard(() => context.contract.creditOf(tokenAddress, requireAddress("account", account)));
}
