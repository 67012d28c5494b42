// Money that left the deals: a party's credit (payouts that could not be pushed) and the protocol's fees.
import { ZeroAddress } from "ethers";
import type { PreparedTransaction } from "../../core/types";
import { escrowInterface } from "../../internal/abi";
import { requireAddress, requireThat } from "../../internal/validate";
import { escrowRequest, type EscrowContext } from "../context";
import type { TokenParameters, WithdrawParameters } from "../parameters";

/** `withdraw(token, to)`: the caller's whole credit in `token` (ETH when omitted) goes to `to`. */
export async function buildWithdraw(
  context: EscrowContext,
  { token, to }: WithdrawParameters,
): Promise<PreparedTransaction> {
  const recipient = requireAddress("to", to);
  requireThat(recipient !== ZeroAddress, "to", recipient, "must not be the zero address");
  const tokenAddress = requireAddress("token", token ?? ZeroAddress);
  return escrowRequest(context, escrowInterface.encodeFunctionData("withdraw", [tokenAddress, recipient]));
}

/** `collectProtocolFees(token)`: anyone sends the accrued fees in `token` (ETH when omitted) to the fee recipient. */
export async function buildCollectProtocolFees(
  context: EscrowContext,
  { token }: TokenParameters = {},
): Promise<PreparedTransaction> {
  const tokenAddress = requireAddress("token", token ?? ZeroAddress);
  return escrowRequest(context, escrowInterface.encodeFunctionData("collectProtocolFees", [tokenAddress]));
}
