// What every crowdfunding action works on: the deployment, the runner (decoding the contract's reverts), the chain's
// clock. CrowdfundingClient is a façade over one context.
import type { Interface } from "ethers";
import type { ICrowdfunding } from "../../typechain-types/contracts/interfaces/ICrowdfunding";
import { ICrowdfunding__factory } from "../../typechain-types/factories/contracts/interfaces/ICrowdfunding__factory";
import type { PreparedTransaction, TransactionOverrides } from "../core/types";
import { createContractContextBase, type ContractContextBase } from "../internal/context";
import { crowdfundingInterface, decodeCrowdfundingError } from "./abi";
import { decodeCrowdfundingEvents } from "./events";
import type { CrowdfundingClientParameters, CrowdfundingWriteReturnType } from "./parameters";

/** A crowdfunding client's context. */
export type CrowdfundingContext = ContractContextBase & { readonly contract: ICrowdfunding };

/** Checks the client parameters and builds the context of a client. */
export function createCrowdfundingContext(params: CrowdfundingClientParameters): CrowdfundingContext {
  const base = createContractContextBase({ ...params, decodeError: decodeCrowdfundingError });
  return { ...base, contract: ICrowdfunding__factory.connect(base.address, base.runner) };
}

/** A call of the Crowdfunding contract, as every `build*` action returns it. */
export function encodeCall(
  context: CrowdfundingContext,
  name: string,
  args: readonly unknown[],
  value = 0n,
): PreparedTransaction {
  return { to: context.address, data: (crowdfundingInterface as Interface).encodeFunctionData(name, args), value };
}

/** Estimates (decoding a revert into a typed error before anything is sent), sends, waits, decodes the events. */
export async function send(
  context: CrowdfundingContext,
  request: PreparedTransaction,
  overrides?: TransactionOverrides,
): Promise<CrowdfundingWriteReturnType> {
  const receipt = await context.tx.send(request, overrides);
  return { receipt, events: decodeCrowdfundingEvents({ receipt, address: context.address }) };
}

/** A view call, its failure decoded. */
export function read<T>(context: CrowdfundingContext, call: (contract: ICrowdfunding) => Promise<T>): Promise<T> {
  return context.tx.guard(() => call(context.contract));
}

/** The latest block's timestamp: the clock the contract judges deadlines by. */
export async function chainTime(context: CrowdfundingContext): Promise<number> {
  const block = await context.tx.guard(async () => {
    const found = await context.tx.provider().getBlock("latest");
    if (found === null) throw new Error("The provider returned no latest block");
    return found;
  });
  return block.timestamp;
}
