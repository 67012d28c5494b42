import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, ErrorFragment, ZeroHash, concat, id, type ParamType } from "ethers";
import { PaymentChannels__factory } from "../../../typechain-types";
import {
  ContractRevertError,
  InvalidParameterError,
  PaymentChannelLockError,
  PaymentChannelOpenError,
  PaymentChannelSignatureError,
  PaymentChannelStateError,
  PaymentChannelsClient,
  PeerPayErrorCode,
  ReentrancyError,
  RecordUnavailableError,
  TransferError,
  UnauthorizedError,
  decodeChannelsError,
  decodePaymentChannelsError,
  locksRootOf,
  secretHash,
  type PeerPayError,
} from "../../../sdk";
import { KNOWN_PAYMENT_CHANNEL_ERRORS } from "../../../sdk/internal/revert";
import { HOUR, paymentChannelsFixture } from "../../helpers/payment-channels-sdk";
import { expectSdkError } from "../../helpers/sdk";

/** The family each Solidity error of the payment channels decodes into: a change here is an API change. */
const FAMILIES: Record<string, abstract new (...args: never[]) => PeerPayError> = {
  PaymentChannelInvalidParticipants: PaymentChannelOpenError,
  PaymentChannelInvalidKey: PaymentChannelOpenError,
  PaymentChannelInvalidChallengePeriod: PaymentChannelOpenError,
  PaymentChannelInvalidAmount: PaymentChannelOpenError,
  PaymentChannelTokenNotContract: PaymentChannelOpenError,
  PaymentChannelValueMismatch: PaymentChannelOpenError,
  PaymentChannelTokenTransferMismatch: PaymentChannelOpenError,
  PaymentChannelExists: PaymentChannelOpenError,
  PaymentChannelNotFound: PaymentChannelStateError,
  PaymentChannelInvalidStatus: PaymentChannelStateError,
  PaymentChannelInvalidRecord: PaymentChannelStateError,
  PaymentChannelChallengeOver: PaymentChannelStateError,
  PaymentChannelChallengeNotOver: PaymentChannelStateError,
  PaymentChannelKeyChangePending: PaymentChannelStateError,
  PaymentChannelNotParticipant: UnauthorizedError,
  PaymentChannelInvalidSignature: PaymentChannelSignatureError,
  PaymentChannelExpired: PaymentChannelSignatureError,
  PaymentChannelInvalidWithdrawal: PaymentChannelSignatureError,
  PaymentChannelInvalidBalances: PaymentChannelSignatureError,
  PaymentChannelStaleProof: PaymentChannelSignatureError,
  PaymentChannelInvalidProof: PaymentChannelSignatureError,
  PaymentChannelSecretKnown: PaymentChannelLockError,
  PaymentChannelInvalidLocks: PaymentChannelLockError,
  PaymentChannelNothingToUnlock: PaymentChannelLockError,
  PaymentChannelLockNotExpired: PaymentChannelLockError,
  PullPaymentsNothingToWithdraw: TransferError,
  PullPaymentsInvalidRecipient: TransferError,
  SafeERC20FailedOperation: TransferError,
  FailedCall: TransferError,
  InsufficientBalance: TransferError,
  ERC20InsufficientBalance: TransferError,
  ERC20InsufficientAllowance: TransferError,
  ReentrancyGuardReentrantCall: ReentrancyError,
};

/** Errors of the deployed contract that no call can raise: ShortStrings, in the EIP712 constructor only. */
const UNREACHABLE = ["InvalidShortString", "StringTooLong"];

function sampleValue(input: ParamType): unknown {
  if (input.type === "address") return "0x00000000000000000000000000000000DeaDBeef";
  if (input.type === "bytes32") return id("sample");
  if (input.type === "uint8") return 2;
  return 123_456n;
}

function screamingSnake(name: string): string {
  return name
    .replace(/ERC20/g, "Erc20")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase();
}

describe("decodePaymentChannelsError", function () {
  const fragments = PaymentChannels__factory.createInterface()
    .fragments.filter((fragment): fragment is ErrorFragment => fragment.type === "error")
    .filter((fragment) => !UNREACHABLE.includes(fragment.name));

  it("knows every reachable custom error of the deployed contract's ABI, and the ERC20 errors a deposit can bubble", function () {
    const names = fragments.map((f) => f.name);
    expect([...KNOWN_PAYMENT_CHANNEL_ERRORS].sort()).to.deep.equal(
      [...names, "ERC20InsufficientAllowance", "ERC20InsufficientBalance"].sort(),
    );
    expect(Object.keys(FAMILIES).sort()).to.deep.equal([...KNOWN_PAYMENT_CHANNEL_ERRORS].sort());
  });

  it("decodes each error of the contract into its family, its stable code and its named arguments", function () {
    for (const fragment of fragments) {
      const values = fragment.inputs.map(sampleValue);
      const data = concat([fragment.selector, AbiCoder.defaultAbiCoder().encode(fragment.inputs, values)]);
      const error = decodePaymentChannelsError(data);
      expect(error, fragment.name).to.be.instanceOf(FAMILIES[fragment.name]);
      expect(error, fragment.name).to.be.instanceOf(ContractRevertError);
      expect(error.code, fragment.name).to.equal(screamingSnake(fragment.name));
      expect(Object.values(PeerPayErrorCode)).to.include(error.code);
      expect(error.details, fragment.name).to.deep.equal(
        Object.fromEntries(fragment.inputs.map((input, i) => [input.name, values[i]])),
      );
      expect(error.message, fragment.name).to.not.include("undefined");
    }
  });

  it("leaves payment channel errors raw in the micropayment channels' decoder", function () {
    const fragment = fragments.find((f) => f.name === "PaymentChannelSecretKnown")!;
    const data = concat([fragment.selector, id("x")]);
    expect(decodeChannelsError(data).code).to.equal("CONTRACT_REVERT");
    expect(decodePaymentChannelsError(data).code).to.equal("PAYMENT_CHANNEL_SECRET_KNOWN");
  });

  describe("through the client, from real reverts", function () {
    async function openedFixture() {
      const f = await paymentChannelsFixture();
      const opened = await f
        .client(f.alice)
        .open({ participant2: f.bob.address, amount: 100n, challengePeriod: HOUR, salt: 1 });
      return { ...f, ...opened };
    }

    it("a reused salt, a stranger's update, a stale proof, an early settle, a known secret, a wrong or empty lock list, no credit", async function () {
      const f = await loadFixture(openedFixture);
      const alice = f.client(f.alice);
      const bob = f.client(f.bob);
      await expectSdkError(
        alice.open({ participant2: f.bob.address, amount: 100n, challengePeriod: HOUR, salt: 1 }),
        PaymentChannelOpenError,
        "PAYMENT_CHANNEL_EXISTS",
        { channelId: f.channelId },
      );
      const locks = [{ amount: 5n, expiry: (await time.latest()) + 10 * HOUR, secretHash: id("lock") }];
      const p2 = { nonce: 2n, transferred: 10n, locked: 5n, locksRoot: locksRootOf(locks) };
      const { signature: p2sig } = await alice.signBalanceProof({ channel: f.channel, proof: p2 });
      await bob.close({ channel: f.channel, proof: p2, signature: p2sig });
      // Alice may not record a proof of her own direction (PC-U2).
      await expectSdkError(
        alice.update({ channel: f.channel, sender: f.alice.address, proof: p2, signature: p2sig }),
        UnauthorizedError,
        "PAYMENT_CHANNEL_NOT_PARTICIPANT",
      );
      const p1 = { ...p2, nonce: 2n, transferred: 1n };
      const { signature: p1sig } = await alice.signBalanceProof({ channel: f.channel, proof: p1 });
      await expectSdkError(
        bob.update({ channel: f.channel, sender: f.alice.address, proof: p1, signature: p1sig }),
        PaymentChannelSignatureError,
        "PAYMENT_CHANNEL_STALE_PROOF",
        { nonce: 2n, recorded: 2n },
      );
      await expectSdkError(
        bob.settle({ channel: f.channel }),
        PaymentChannelStateError,
        "PAYMENT_CHANNEL_CHALLENGE_NOT_OVER",
      );
      await expectSdkError(
        alice.deposit({ channel: f.channel, amount: 1n }),
        PaymentChannelStateError,
        "PAYMENT_CHANNEL_INVALID_STATUS",
      );
      const secret = "0x" + "01".repeat(32);
      await bob.registerSecret({ secret });
      await expectSdkError(bob.registerSecret({ secret }), PaymentChannelLockError, "PAYMENT_CHANNEL_SECRET_KNOWN", {
        secretHash: secretHash(secret),
      });
      await time.increase(HOUR + 1);
      await bob.settle({ channel: f.channel });
      await expectSdkError(
        bob.unlock({ channel: f.channel, sender: f.alice.address, locks: [] }),
        PaymentChannelLockError,
        "PAYMENT_CHANNEL_INVALID_LOCKS",
      );
      await expectSdkError(
        bob.unlock({ channel: f.channel, sender: f.bob.address, locks: [] }),
        PaymentChannelLockError,
        "PAYMENT_CHANNEL_NOTHING_TO_UNLOCK",
      );
      // The lock's secret is not registered and its expiry is hours away: it may still pay Bob (PC-L1).
      await expectSdkError(
        bob.unlock({ channel: f.channel, sender: f.alice.address, locks }),
        PaymentChannelLockError,
        "PAYMENT_CHANNEL_LOCK_NOT_EXPIRED",
        { expiry: BigInt(locks[0].expiry) },
      );
      await time.increase(10 * HOUR);
      await bob.unlock({ channel: f.channel, sender: f.alice.address, locks });
      await expectSdkError(bob.withdrawCredit({}), TransferError, "PULL_PAYMENTS_NOTHING_TO_WITHDRAW");
    });

    it("refuses bad inputs before sending, and reports a record it cannot rebuild", async function () {
      const f = await loadFixture(openedFixture);
      const alice = f.client(f.alice);
      await expectSdkError(
        alice.open({ participant2: f.alice.address, amount: 1n, challengePeriod: HOUR }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "participant2" },
      );
      await expectSdkError(
        alice.open({ participant2: f.bob.address, amount: 1n, challengePeriod: HOUR, key1: f.bob.address }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "key1" },
      );
      await expectSdkError(
        alice.open({ participant2: f.bob.address, amount: 1n, challengePeriod: 60 }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "challengePeriod" },
      );
      await expectSdkError(
        alice.deposit({ channel: f.channel, amount: 1n, participant: f.stranger.address }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "participant" },
      );
      await expectSdkError(alice.settle({ channel: f.channel }), InvalidParameterError, "INVALID_PARAMETER", {
        parameter: "record",
      });
      await expectSdkError(
        alice.close({ channel: f.channel, proof: { nonce: 1n, transferred: 0n, locked: 0n, locksRoot: ZeroHash } }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "signature" },
      );
      await f.client(f.bob).close({ channel: f.channel });
      // A client whose first block is after the close cannot find the record that matches the commitment.
      const late = new PaymentChannelsClient({
        address: f.contract,
        runner: f.alice,
        fromBlock: (await time.latestBlock()) + 1,
      });
      await expectSdkError(
        late.getChannel({ channel: f.channel }),
        RecordUnavailableError,
        "PAYMENT_CHANNEL_RECORD_UNAVAILABLE",
      );
    });
  });
});
