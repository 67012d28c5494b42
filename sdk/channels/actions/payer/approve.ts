import type { TransactionReceipt } from "ethers";
import { IERC20__factory } from "../../../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address } from "../../../core/types";
import type { ChannelsContext } from "../context";

/** Approves the channels contract for exactly `amount` when the allowance is short: never an unlimited allowance. */
export async function approveIfShort(
  context: ChannelsContext,
  { owner, token, amount }: { owner: Address; token: Address; amount: bigint },
): Promise<TransactionReceipt | undefined> {
  const erc20 = IERC20__factory.connect(token, context.tx.provider());
  const allowance = await context.tx.guard(() => erc20.allowance(owner, context.address));
  if (allowance >= amount) return undefined;
  const approve = {
    to: token,
    data: erc20.interface.encodeFunctionData("approve", [context.address, amount]),
    value: 0n,
  };
  return context.tx.send(approve);
}
