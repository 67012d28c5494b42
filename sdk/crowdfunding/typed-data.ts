// The EIP-712 `Pledge` of relayed pledges (CF-P7): domain, types, typed data and digest, checked against the
// contract's own `pledgeDigest` in the tests, so that what the SDK signs is exactly what the contract verifies.
import type { TypedDataDomain } from "ethers";
import type { Address } from "../core/types";
import { hashTypedData, type TypedData } from "../signing/eip712";
import type { CampaignId } from "./types";

/**
 * The EIP-712 struct a backer signs for a relayed pledge, field for field as the contract's typehash
 * `Pledge(uint256 campaignId,address backer,uint256 amount,uint256 nonce,uint256 deadline)`.
 *
 * @example
 * ```ts
 * const fields = CROWDFUNDING_EIP712_TYPES.Pledge.map((field) => field.name);
 * ```
 */
export const CROWDFUNDING_EIP712_TYPES = Object.freeze({
  Pledge: Object.freeze([
    { name: "campaignId", type: "uint256" },
    { name: "backer", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ]),
});

/**
 * A relayed pledge's message.
 *
 * @example
 * ```ts
 * const message: PledgeMessage = { campaignId, backer, amount: 10n ** 18n, nonce: 0n, deadline: 1_767_225_600 };
 * ```
 */
export type PledgeMessage = {
  campaignId: CampaignId;
  backer: Address;
  amount: bigint;
  nonce: bigint;
  deadline: number;
};

/**
 * The EIP-712 domain of a Crowdfunding deployment: `{ name: "PeerPay Crowdfunding", version: "1", chainId,
 * verifyingContract }`.
 *
 * @example
 * ```ts
 * const domain = crowdfundingDomain({ chainId: 1n, contract: crowdfundingAddress });
 * ```
 */
export function crowdfundingDomain(params: { chainId: bigint; contract: Address }): TypedDataDomain {
  return { name: "PeerPay Crowdfunding", version: "1", chainId: params.chainId, verifyingContract: params.contract };
}

/**
 * The typed data a backer signs for a relayed pledge on a deployment.
 *
 * @example
 * ```ts
 * const typedData = buildPledgeTypedData({ chainId, contract, message });
 * ```
 */
export function buildPledgeTypedData(params: {
  chainId: bigint;
  contract: Address;
  message: PledgeMessage;
}): TypedData<PledgeMessage> {
  return {
    domain: crowdfundingDomain(params),
    types: CROWDFUNDING_EIP712_TYPES,
    primaryType: "Pledge",
    message: params.message,
  };
}

/**
 * The digest a backer signs (what the contract's `pledgeDigest` returns for the same fields).
 *
 * @example
 * ```ts
 * const digest = hashPledge({ chainId, contract, message });
 * ```
 */
export function hashPledge(params: { chainId: bigint; contract: Address; message: PledgeMessage }): string {
  return hashTypedData(buildPledgeTypedData(params));
}
