import { expect } from "chai";
import { AbiCoder, ErrorFragment, concat, id, type ParamType } from "ethers";
import { MicropaymentChannels__factory } from "../../../typechain-types";
import {
  ChannelClaimError,
  ChannelOpenError,
  ChannelStateError,
  ContractRevertError,
  PeerPayErrorCode,
  ReentrancyError,
  TransferError,
  UnauthorizedError,
  decodeChannelsError,
  decodeEscrowError,
  type PeerPayError,
} from "../../../sdk";
import { KNOWN_CHANNEL_ERRORS } from "../../../sdk/internal/revert";

/** The family each Solidity error of the channels decodes into: a change here is an API change. */
const FAMILIES: Record<string, abstract new (...args: never[]) => PeerPayError> = {
  ChannelInvalidPayee: ChannelOpenError,
  ChannelInvalidSigner: ChannelOpenError,
  ChannelInvalidAmount: ChannelOpenError,
  ChannelInvalidChallengePeriod: ChannelOpenError,
  ChannelInvalidSalt: ChannelOpenError,
  ChannelValueMismatch: ChannelOpenError,
  ChannelTokenNotContract: ChannelOpenError,
  ChannelTokenTransferMismatch: ChannelOpenError,
  ChannelExists: ChannelOpenError,
  ChannelNotFound: ChannelStateError,
  ChannelNotOpen: ChannelStateError,
  ChannelClosing: ChannelStateError,
  ChannelChallengeOver: ChannelStateError,
  ChannelChallengeNotOver: ChannelStateError,
  ChannelSignerChangePending: ChannelStateError,
  ChannelNothingToClaim: ChannelClaimError,
  ChannelInvalidSignature: ChannelClaimError,
  ChannelEmptyBatch: ChannelClaimError,
  ChannelUnauthorized: UnauthorizedError,
  PullPaymentsNothingToWithdraw: TransferError,
  PullPaymentsInvalidRecipient: TransferError,
  SafeERC20FailedOperation: TransferError,
  FailedCall: TransferError,
  InsufficientBalance: TransferError,
  ERC20InsufficientBalance: TransferError,
  ERC20InsufficientAllowance: TransferError,
  ReentrancyGuardReentrantCall: ReentrancyError,
};

/** Errors of the deployed contract that no call can raise: ShortStrings (constructor) and ECDSA (only `try` used). */
const UNREACHABLE = [
  "InvalidShortString",
  "StringTooLong",
  "ECDSAInvalidSignature",
  "ECDSAInvalidSignatureLength",
  "ECDSAInvalidSignatureS",
];

function sampleValue(input: ParamType): unknown {
  if (input.type === "address") return "0x00000000000000000000000000000000DeaDBeef";
  if (input.type === "bytes32") return id("sample");
  return 123_456n;
}

function screamingSnake(name: string): string {
  return name
    .replace(/ERC20/g, "Erc20")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase();
}

describe("decodeChannelsError", function () {
  const fragments = MicropaymentChannels__factory.createInterface()
    .fragments.filter((fragment): fragment is ErrorFragment => fragment.type === "error")
    .filter((fragment) => !UNREACHABLE.includes(fragment.name));

  it("knows every reachable custom error of the deployed contract's ABI, and the ERC20 errors a deposit can bubble", function () {
    const names = fragments.map((f) => f.name);
    expect([...KNOWN_CHANNEL_ERRORS].sort()).to.deep.equal(
      [...names, "ERC20InsufficientAllowance", "ERC20InsufficientBalance"].sort(),
    );
    expect(Object.keys(FAMILIES).sort()).to.deep.equal([...KNOWN_CHANNEL_ERRORS].sort());
  });

  it("decodes each error of the contract into its family, code and named arguments", function () {
    for (const fragment of fragments) {
      const values = fragment.inputs.map(sampleValue);
      const data = concat([fragment.selector, AbiCoder.defaultAbiCoder().encode(fragment.inputs, values)]);
      const error = decodeChannelsError(data);
      expect(error, fragment.name).to.be.instanceOf(FAMILIES[fragment.name]);
      expect(error, fragment.name).to.be.instanceOf(ContractRevertError);
      expect(error.code, fragment.name).to.equal(screamingSnake(fragment.name));
      expect(Object.values(PeerPayErrorCode)).to.include(error.code);
      expect(error.details, fragment.name).to.deep.equal(
        Object.fromEntries(fragment.inputs.map((input, i) => [input.name, values[i]])),
      );
    }
  });

  it("leaves channel errors raw in the escrow decoder (each contract's decoder knows its own errors)", function () {
    const fragment = fragments.find((f) => f.name === "ChannelEmptyBatch")!;
    expect(decodeEscrowError(fragment.selector).code).to.equal("CONTRACT_REVERT");
    expect(decodeChannelsError(fragment.selector).code).to.equal("CHANNEL_EMPTY_BATCH");
  });
});
