// Creating a deal: validate the terms at the chain's time, find a free id, encode `createDeal` (or
// `createDealWithPermit`), and for `createDeal` fund it (allowance, an exact approve, or a permit) and send it.
import { ZeroAddress, randomBytes, type Signer, type TransactionReceipt } from "ethers";
import type { IEscrow } from "../../../typechain-types/contracts/interfaces/IEscrow";
import { IERC20__factory } from "../../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address, PreparedTransaction } from "../../core/types";
import { DealLookupError, InvalidParameterError } from "../../errors/base";
import { PeerPayErrorCode } from "../../errors/codes";
import { escrowInterface } from "../../internal/abi";
import { requireAddress, requireThat } from "../../internal/validate";
import { signPermit } from "../../signing/permit";
import { escrowRequest, guard, rememberDeal, sendTransaction, type EscrowContext } from "../context";
import type {
  BuildCreateDealParameters,
  BuildCreateDealReturnType,
  CreateDealParameters,
  CreateDealReturnType,
  DepositPermit,
} from "../parameters";
import { computeDealId, milestonesHash, packTerms } from "../terms";
import { DealStatus, type Deal, type DealId } from "../types";
import { validateDealParameters, type DealParameters, type ValidDealParameters } from "../validation";

/** Salts tried before giving up on finding a free deal id; a collision of random 32-bit salts is already unlikely. */
const SALT_ATTEMPTS = 4;
/** Default validity of a deposit permit: it is used within the same flow, seconds after signing. */
const PERMIT_VALIDITY = 3_600;

type PreparedDeal = { params: ValidDealParameters & { salt: number }; deal: Deal; dealId: DealId; now: number };

/** The creation transaction for these terms, with a salt whose deal id is checked free. */
export async function buildCreateDeal(
  context: EscrowContext,
  params: BuildCreateDealParameters,
): Promise<BuildCreateDealReturnType> {
  const depositor = params.depositor ?? (await context.runner.signerAddress("Pass depositor, or use a Signer runner"));
  const prepared = await prepareDeal(context, params, depositor);
  return { ...encodeCreate(context, prepared, params.permit), deal: prepared.deal, dealId: prepared.dealId };
}

/** Creates and funds a deal from the context's signer; returns the deal as the `DealCreated` event recorded it. */
export async function createDeal(context: EscrowContext, params: CreateDealParameters): Promise<CreateDealReturnType> {
  const signer = context.runner.signer();
  const depositor = await context.runner.signerAddress();
  const prepared = await prepareDeal(context, params, depositor);
  const { token, amount } = prepared.params;
  const funding = params.funding ?? "allowance";
  requireThat(["allowance", "approve", "permit"].includes(funding), "funding", funding, "unknown funding method");
  requireThat(token !== ZeroAddress || funding === "allowance", "funding", funding, "ETH deals are funded by value");

  const approvalReceipt = funding === "approve" ? await approveIfShort(context, depositor, token, amount) : undefined;
  const permit =
    funding === "permit"
      ? await signDepositPermit(context, signer, token, amount, params.permitDeadline ?? prepared.now + PERMIT_VALIDITY)
      : undefined;
  const { receipt, events } = await sendTransaction(context, encodeCreate(context, prepared, permit), params.overrides);

  const created = events.find((event) => event.type === "DealCreated");
  if (
    created?.type !== "DealCreated" ||
    !rememberDeal(context, created.dealId, created.deal, prepared.params.milestones)
  ) {
    throw new DealLookupError({
      code: PeerPayErrorCode.DEAL_TERMS_UNAVAILABLE,
      message: "The creation receipt holds no valid DealCreated event",
      details: { transactionHash: receipt.hash },
    });
  }
  const { dealId, deal, terms } = created;
  return { dealId, deal, terms, milestones: prepared.params.milestones, receipt, events, approvalReceipt };
}

/** The terms validated at the latest block's time, with the current protocol fee and a salt whose id is free. */
async function prepareDeal(context: EscrowContext, params: DealParameters, depositor: Address): Promise<PreparedDeal> {
  const provider = context.runner.provider();
  const [block, config] = await Promise.all([guard(() => provider.getBlock("latest")), context.client.getConfig()]);
  const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
  const valid = validateDealParameters(params, { depositor, escrow: context.address, now });
  for (let attempt = 0; attempt < SALT_ATTEMPTS; attempt++) {
    const salt = valid.salt ?? randomSalt();
    const deal = dealFromParameters(valid, requireAddress("depositor", depositor), salt, config.protocolFeeBps);
    const dealId = computeDealId(deal);
    const { status } = await context.client.getDealState({ dealId });
    if (status === DealStatus.None) return { params: { ...valid, salt }, deal, dealId, now };
    if (valid.salt !== undefined) break;
  }
  throw new InvalidParameterError({
    parameter: "salt",
    value: valid.salt,
    reason: "a deal with these terms already exists; choose another salt",
  });
}

function encodeCreate(
  context: EscrowContext,
  { params }: PreparedDeal,
  permit: DepositPermit | undefined,
): PreparedTransaction {
  const dealParams: IEscrow.DealParamsStruct = {
    beneficiary: params.beneficiary,
    arbiter: params.arbiter,
    token: params.token,
    amount: params.amount,
    deadline: params.deadline,
    disputeWindow: params.disputeWindow,
    defaultOutcome: params.defaultOutcome,
    fallbackBps: params.fallbackBps,
    arbiterFeeBps: params.arbiterFeeBps,
    salt: params.salt,
  };
  if (permit === undefined) {
    const value = params.token === ZeroAddress ? params.amount : 0n;
    return escrowRequest(
      context,
      escrowInterface.encodeFunctionData("createDeal", [dealParams, params.milestones]),
      value,
    );
  }
  requireThat(params.token !== ZeroAddress, "permit", permit, "ETH deals take no permit");
  const { deadline, v, r, s } = permit;
  return escrowRequest(
    context,
    escrowInterface.encodeFunctionData("createDealWithPermit", [dealParams, params.milestones, deadline, v, r, s]),
  );
}

/** Approves exactly `amount` when the allowance is short: never an unlimited allowance on the user's behalf. */
async function approveIfShort(
  context: EscrowContext,
  owner: Address,
  token: Address,
  amount: bigint,
): Promise<TransactionReceipt | undefined> {
  const erc20 = IERC20__factory.connect(token, context.runner.provider());
  const allowance = await guard(() => erc20.allowance(owner, context.address));
  if (allowance >= amount) return undefined;
  const approve = {
    to: token,
    data: erc20.interface.encodeFunctionData("approve", [context.address, amount]),
    value: 0n,
  };
  return (await sendTransaction(context, approve)).receipt;
}

async function signDepositPermit(
  context: EscrowContext,
  signer: Signer,
  token: Address,
  amount: bigint,
  deadline: number,
): Promise<DepositPermit> {
  const { v, r, s } = await signPermit({ signer, token, spender: context.address, value: amount, deadline });
  return { deadline, v, r, s };
}

/** A uniformly random 32-bit salt from the platform's CSPRNG (ethers uses WebCrypto or node:crypto). */
function randomSalt(): number {
  const bytes = randomBytes(4);
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** The `Deal` the contract will build for these parameters: the depositor and the current protocol fee added. */
function dealFromParameters(
  params: ValidDealParameters,
  depositor: Address,
  salt: number,
  protocolFeeBps: number,
): Deal {
  return {
    depositor,
    beneficiary: params.beneficiary,
    arbiter: params.arbiter,
    token: params.token,
    terms: packTerms({
      amount: params.amount,
      deadline: params.deadline,
      disputeWindow: params.disputeWindow,
      defaultOutcome: params.defaultOutcome,
      fallbackBps: params.fallbackBps,
      arbiterFeeBps: params.arbiterFeeBps,
      protocolFeeBps,
      salt,
    }),
    milestonesHash: milestonesHash(params.milestones),
  };
}
