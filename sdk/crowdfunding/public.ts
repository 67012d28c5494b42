// The public names of the crowdfunding (docs/crowdfunding.md), re-exported whole by sdk/index.ts: listed here by
// name, pinned by test/sdk/exports.test.ts.
export {
  CrowdfundingCampaignError,
  CrowdfundingInputError,
  CrowdfundingPledgeError,
  CrowdfundingStateError,
} from "../errors/crowdfunding";
export { KNOWN_CROWDFUNDING_ERRORS, decodeCrowdfundingError } from "./abi";
export {
  CROWDFUNDING_LIMITS,
  CampaignState,
  campaignTokenOf,
  isEthCampaign,
  toCampaignId,
  type Campaign,
  type CampaignId,
} from "./types";
export {
  CROWDFUNDING_EIP712_TYPES,
  buildPledgeTypedData,
  crowdfundingDomain,
  hashPledge,
  type PledgeMessage,
} from "./typed-data";
export { decodeCrowdfundingEvents, type CrowdfundingEvent, type DecodeCrowdfundingEventsParameters } from "./events";
export type {
  ArbiterCampaignsReturnType,
  Backing,
  BackingsOfReturnType,
  CampaignsOfReturnType,
  CreatedCampaign,
} from "./discovery";
export { CrowdfundingClient } from "./client";
export type {
  BackerPledge,
  CampaignTallies,
  CreateCampaignParameters,
  CreateCampaignReturnType,
  CrowdfundingClientParameters,
  CrowdfundingWriteReturnType,
  PledgeParameters,
  PledgePermit,
  PledgeReturnType,
  ReleaseTime,
  SignedPledge,
  SignPledgeParameters,
  VerifyPledgeReturnType,
} from "./parameters";
