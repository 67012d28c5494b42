import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, ErrorFragment, Interface, ZeroAddress, concat, id, makeError, type ParamType } from "ethers";
import { Escrow__factory, FeeOnTransferToken__factory } from "../../../typechain-types";
import {
  AdminError,
  AmountError,
  ContractRevertError,
  DealCreationError,
  DealNotFoundError,
  DealStateError,
  DealStatus,
  InvalidParameterError,
  PeerPayError,
  PeerPayErrorCode,
  ReentrancyError,
  SignatureError,
  TransactionError,
  TransferError,
  UnauthorizedError,
  computeDealId,
  decodeEscrowError,
  packTerms,
  unpackTerms,
} from "../../../sdk";
import { KNOWN_CONTRACT_ERRORS } from "../../../sdk/internal/revert";
import { dealTerms, expectSdkError, sdkFixture } from "../../helpers/sdk";

/** The family each Solidity error decodes into: a change here is an API change. */
const FAMILIES: Record<string, abstract new (...args: never[]) => PeerPayError> = {
  EscrowCreationPaused: DealCreationError,
  EscrowInvalidBeneficiary: DealCreationError,
  EscrowInvalidArbiter: DealCreationError,
  EscrowInvalidArbiterTerms: DealCreationError,
  EscrowInvalidDisputeWindow: DealCreationError,
  EscrowInvalidDeadline: DealCreationError,
  EscrowInvalidAmount: DealCreationError,
  EscrowInvalidSalt: DealCreationError,
  EscrowValueMismatch: DealCreationError,
  EscrowTokenNotContract: DealCreationError,
  EscrowTokenTransferMismatch: DealCreationError,
  EscrowDealExists: DealCreationError,
  EscrowDealNotFound: DealNotFoundError,
  EscrowUnauthorized: UnauthorizedError,
  OwnableUnauthorizedAccount: UnauthorizedError,
  EscrowInvalidStatus: DealStateError,
  EscrowNonceExhausted: DealStateError,
  EscrowDeadlinePassed: DealStateError,
  EscrowTimeoutNotReached: DealStateError,
  EscrowNoArbiter: DealStateError,
  EscrowNotRefundDefault: DealStateError,
  EscrowZeroAmount: AmountError,
  EscrowAmountExceedsRemaining: AmountError,
  EscrowInvalidMilestones: AmountError,
  EscrowMilestoneOutOfRange: AmountError,
  EscrowMilestoneAlreadyReleased: AmountError,
  EscrowSignatureExpired: SignatureError,
  EscrowInvalidSignature: SignatureError,
  EscrowNothingToCollect: TransferError,
  PullPaymentsNothingToWithdraw: TransferError,
  PullPaymentsInvalidRecipient: TransferError,
  SafeERC20FailedOperation: TransferError,
  FailedCall: TransferError,
  InsufficientBalance: TransferError,
  ERC20InsufficientBalance: TransferError,
  ERC20InsufficientAllowance: TransferError,
  EscrowProtocolFeeTooHigh: AdminError,
  EscrowInvalidFeeRecipient: AdminError,
  OwnableInvalidOwner: AdminError,
  ReentrancyGuardReentrantCall: ReentrancyError,
};

/** ShortStrings errors can only come from the constructor (EIP-712 name and version): never from a user call. */
const CONSTRUCTOR_ONLY = ["InvalidShortString", "StringTooLong"];

const SAMPLE_ADDRESS = "0x00000000000000000000000000000000DeaDBeef";
const SAMPLE_HASH = id("sample");

function sampleValue(input: ParamType): unknown {
  if (input.type === "address") return SAMPLE_ADDRESS;
  if (input.type === "bytes32") return SAMPLE_HASH;
  if (input.type === "uint8") return 4n;
  return 123_456n;
}

function screamingSnake(name: string): string {
  return name
    .replace(/ERC20/g, "Erc20")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase();
}

describe("sdk/errors", function () {
  describe("decodeEscrowError on revert data", function () {
    const escrowErrors = Escrow__factory.createInterface().fragments.filter(
      (fragment): fragment is ErrorFragment => fragment.type === "error",
    );

    it("knows every custom error of the escrow's ABI, and the ERC20 errors a deposit can bubble", function () {
      const names = escrowErrors.map((error) => error.name).filter((name) => !CONSTRUCTOR_ONLY.includes(name));
      expect([...KNOWN_CONTRACT_ERRORS].sort()).to.deep.equal(
        [...names, "ERC20InsufficientAllowance", "ERC20InsufficientBalance"].sort(),
      );
      expect(Object.keys(FAMILIES).sort()).to.deep.equal([...KNOWN_CONTRACT_ERRORS].sort());
    });

    it("decodes each known error into its family, code and named arguments", function () {
      const erc20Errors = new Interface([
        "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
        "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
      ]);
      const fragments = [
        ...escrowErrors,
        ...erc20Errors.fragments.filter((f): f is ErrorFragment => f.type === "error"),
      ];
      for (const fragment of fragments.filter((f) => !CONSTRUCTOR_ONLY.includes(f.name))) {
        const values = fragment.inputs.map(sampleValue);
        const data = concat([fragment.selector, AbiCoder.defaultAbiCoder().encode(fragment.inputs, values)]);
        const error = decodeEscrowError(data);

        expect(error, fragment.name).to.be.instanceOf(FAMILIES[fragment.name]);
        expect(error, fragment.name).to.be.instanceOf(ContractRevertError);
        expect(error.code, fragment.name).to.equal(screamingSnake(fragment.name));
        expect(Object.values(PeerPayErrorCode)).to.include(error.code);
        expect((error as ContractRevertError).errorName).to.equal(fragment.name);
        expect((error as ContractRevertError).data).to.equal(data);
        const expected = Object.fromEntries(
          fragment.inputs.map((input, i) => [input.name, input.type === "uint8" ? 4 : values[i]]),
        );
        expect(error.details, fragment.name).to.deep.equal(expected);
        expect(error.message.length, fragment.name).to.be.greaterThan(0);
      }
    });

    it("keeps an unknown custom error raw as CONTRACT_REVERT", function () {
      const data = "0xdeadbeef" + "00".repeat(31) + "01";
      const error = decodeEscrowError(data);
      expect(error.constructor).to.equal(ContractRevertError);
      expect(error.code).to.equal("CONTRACT_REVERT");
      expect((error as ContractRevertError).data).to.equal(data);
      expect((error as ContractRevertError).errorName).to.equal(undefined);
    });

    it("reports a require message and a panic code", function () {
      const reason = new Interface(["error Error(string)"]).encodeErrorResult("Error", ["owner"]);
      const panic = new Interface(["error Panic(uint256)"]).encodeErrorResult("Panic", [0x11]);
      const withReason = decodeEscrowError(reason);
      expect(withReason.code).to.equal("CONTRACT_REVERT");
      expect(withReason.details).to.deep.equal({ reason: "owner" });
      expect(withReason.message).to.equal("Reverted: owner");
      expect(decodeEscrowError(panic).details).to.deep.equal({ panicCode: 0x11n });
    });

    it("finds the data in the shapes providers and wallets nest it in", function () {
      const data = Escrow__factory.createInterface().encodeErrorResult("EscrowZeroAmount", []);
      const shapes = [
        { data },
        { error: { code: 3, message: "execution reverted", data } },
        { info: { error: { data } }, transaction: { data: "0x12345678" } },
        { error: { data: { data } } },
        { cause: { data } },
      ];
      for (const shape of shapes) expect(decodeEscrowError(shape).code).to.equal("ESCROW_ZERO_AMOUNT");
    });

    it("never mistakes the calldata of the failed transaction for revert data", function () {
      const calldata = Escrow__factory.createInterface().encodeErrorResult("EscrowZeroAmount", []);
      const mined = makeError("transaction execution reverted", "CALL_EXCEPTION", {
        action: "sendTransaction",
        data: null,
        reason: null,
        transaction: { to: null, data: calldata },
        invocation: null,
        revert: null,
      });
      const error = decodeEscrowError(mined);
      expect(error.code).to.equal("CONTRACT_REVERT");
      expect((error as ContractRevertError).data).to.equal("0x");
    });
  });

  describe("decodeEscrowError on other failures", function () {
    it("maps wallet and provider failures to TransactionError codes, keeping the cause", function () {
      const rejected = makeError("user rejected", "ACTION_REJECTED", { action: "sendTransaction", reason: "rejected" });
      const poor = makeError("insufficient funds", "INSUFFICIENT_FUNDS", { transaction: {} });
      const network = new Error("socket hang up");
      expect(decodeEscrowError(rejected)).to.be.instanceOf(TransactionError).and.to.include({ code: "USER_REJECTED" });
      expect(decodeEscrowError(poor).code).to.equal("INSUFFICIENT_FUNDS");
      const wrapped = decodeEscrowError(network);
      expect(wrapped.code).to.equal("PROVIDER_ERROR");
      expect(wrapped.cause).to.equal(network);
    });

    it("returns an SDK error unchanged", function () {
      const error = new InvalidParameterError({ parameter: "amount", value: 0n, reason: "must be positive" });
      expect(decodeEscrowError(error)).to.equal(error);
    });

    it("serialises to JSON with bigints as strings", function () {
      const error = decodeEscrowError(
        Escrow__factory.createInterface().encodeErrorResult("EscrowAmountExceedsRemaining", [5n, 3n]),
      );
      expect(JSON.parse(JSON.stringify(error))).to.deep.equal({
        name: "AmountError",
        code: "ESCROW_AMOUNT_EXCEEDS_REMAINING",
        message: "Amount 5 exceeds the remaining 3",
        details: { amount: "5", remaining: "3" },
      });
    });
  });

  describe("contract errors through the client", function () {
    it("a stranger releasing gets UnauthorizedError ESCROW_UNAUTHORIZED with the deal id and the caller", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal } = await f.depositorClient.createDeal(await dealTerms(f));
      const error = await expectSdkError(
        f.strangerClient.release({ deal, amount: 1n }),
        UnauthorizedError,
        "ESCROW_UNAUTHORIZED",
        { dealId, caller: f.stranger.address },
      );
      expect(error.errorName).to.equal("EscrowUnauthorized");
    });

    it("acting on a closed deal gets DealStateError with the status as a DealStatus", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal } = await f.depositorClient.createDeal(await dealTerms(f, { amount: 10n }));
      await f.depositorClient.release({ deal, amount: 10n });
      await expectSdkError(f.depositorClient.release({ deal, amount: 1n }), DealStateError, "ESCROW_INVALID_STATUS", {
        dealId,
        current: DealStatus.Closed,
      });
    });

    it("terms differing in one field get DealNotFoundError for their own id", async function () {
      const f = await loadFixture(sdkFixture);
      const { deal } = await f.depositorClient.createDeal(await dealTerms(f));
      const forged = { ...deal, terms: packTerms({ ...unpackTerms(deal.terms), amount: 10n ** 9n }) };
      await expectSdkError(
        f.depositorClient.release({ deal: forged, amount: 1n }),
        DealNotFoundError,
        "ESCROW_DEAL_NOT_FOUND",
        {
          dealId: computeDealId(forged),
        },
      );
    });

    it("more than the remainder gets AmountError with both amounts", async function () {
      const f = await loadFixture(sdkFixture);
      const { deal } = await f.depositorClient.createDeal(await dealTerms(f, { amount: 100n }));
      await f.depositorClient.release({ deal, amount: 60n });
      await expectSdkError(
        f.depositorClient.release({ deal, amount: 41n }),
        AmountError,
        "ESCROW_AMOUNT_EXCEEDS_REMAINING",
        {
          amount: 41n,
          remaining: 40n,
        },
      );
    });

    it("time and arbiter rules get DealStateError codes", async function () {
      const f = await loadFixture(sdkFixture);
      const terms = await dealTerms(f);
      const { dealId, deal } = await f.depositorClient.createDeal(terms);
      await expectSdkError(f.beneficiaryClient.markPaid({ deal }), DealStateError, "ESCROW_NO_ARBITER", { dealId });
      await expectSdkError(f.strangerClient.triggerTimeout({ deal }), DealStateError, "ESCROW_TIMEOUT_NOT_REACHED", {
        dealId,
        opensAt: BigInt(terms.deadline) + 1n,
      });
    });

    it("creation while paused gets DealCreationError ESCROW_CREATION_PAUSED", async function () {
      const f = await loadFixture(sdkFixture);
      await f.escrow.connect(f.owner).setCreationPaused(true);
      await expectSdkError(
        f.depositorClient.createDeal(await dealTerms(f)),
        DealCreationError,
        "ESCROW_CREATION_PAUSED",
      );
    });

    it("a fee-on-transfer token gets ESCROW_TOKEN_TRANSFER_MISMATCH with what arrived", async function () {
      const f = await loadFixture(sdkFixture);
      const fot = await new FeeOnTransferToken__factory(f.owner).deploy(100);
      await fot.mint(f.depositor.address, 10_000n);
      const terms = await dealTerms(f, { token: await fot.getAddress(), amount: 10_000n });
      await expectSdkError(
        f.depositorClient.createDeal({ ...terms, funding: "approve" }),
        DealCreationError,
        "ESCROW_TOKEN_TRANSFER_MISMATCH",
        { expected: 10_000n, received: 9_900n },
      );
    });

    it("an ERC20 deposit without allowance gets TransferError ERC20_INSUFFICIENT_ALLOWANCE", async function () {
      const f = await loadFixture(sdkFixture);
      await expectSdkError(
        f.depositorClient.createDeal(await dealTerms(f, { token: f.tokenAddress })),
        TransferError,
        "ERC20_INSUFFICIENT_ALLOWANCE",
        { spender: f.address, allowance: 0n, needed: 1_000_000n },
      );
    });

    it("withdrawing or collecting nothing gets TransferError codes", async function () {
      const f = await loadFixture(sdkFixture);
      await expectSdkError(
        f.strangerClient.withdraw({ to: f.stranger.address }),
        TransferError,
        "PULL_PAYMENTS_NOTHING_TO_WITHDRAW",
        {
          account: f.stranger.address,
          token: ZeroAddress,
        },
      );
      await expectSdkError(f.strangerClient.collectProtocolFees(), TransferError, "ESCROW_NOTHING_TO_COLLECT", {
        token: ZeroAddress,
      });
    });

    it("decodes errors thrown by the TypeChain contract too (OwnableUnauthorizedAccount)", async function () {
      const f = await loadFixture(sdkFixture);
      let thrown: unknown;
      await f.escrow
        .connect(f.stranger)
        .setProtocolFee(10, f.stranger.address)
        .catch((error: unknown) => (thrown = error));
      const error = decodeEscrowError(thrown);
      expect(error).to.be.instanceOf(UnauthorizedError);
      expect(error.code).to.equal("OWNABLE_UNAUTHORIZED_ACCOUNT");
      expect(error.details).to.deep.equal({ account: f.stranger.address });
    });

    it("a transaction that passed its estimate but reverted when mined is replayed for its reason", async function () {
      const f = await loadFixture(sdkFixture);
      const { deal } = await f.depositorClient.createDeal(await dealTerms(f, { amount: 10n }));
      await network.provider.send("evm_setAutomine", [false]);
      try {
        // With a gas limit given nothing is estimated: both enter the same block, the first closes the deal and
        // the second reverts on-chain, as when two parties race.
        const pendingBefore = await ethers.provider.getTransactionCount(f.depositor.address, "pending");
        const first = f.depositorClient.release({ deal, amount: 10n, overrides: { gasLimit: 300_000n } });
        const second = f.depositorClient.release({ deal, amount: 10n, overrides: { gasLimit: 300_000n } });
        const settled = Promise.allSettled([first, second]);
        while ((await ethers.provider.getTransactionCount(f.depositor.address, "pending")) < pendingBefore + 2) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await network.provider.send("evm_mine");
        // Which of the two the node orders first is up to it: exactly one succeeds.
        const outcomes = await settled;
        expect(outcomes.map((outcome) => outcome.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
        const failed = outcomes.find((outcome) => outcome.status === "rejected");
        const error = (failed as PromiseRejectedResult).reason as PeerPayError;
        expect(error).to.be.instanceOf(DealStateError);
        expect(error.code).to.equal("ESCROW_INVALID_STATUS");
        expect(error.details.current).to.equal(DealStatus.Closed);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
    });
  });
});
