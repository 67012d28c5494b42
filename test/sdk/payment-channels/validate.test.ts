import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { ZeroAddress, ZeroHash, type Signer } from "ethers";
import { MockERC1271Wallet__factory } from "../../../typechain-types";
import {
  BalanceProofError,
  InvalidParameterError,
  computePaymentChannelId,
  lockedAmount,
  locksRootOf,
  signPaymentChannelMessage,
  type BalanceProof,
  type Lock,
  type PaymentChannel,
  type ValidateBalanceProofParameters,
  validateBalanceProof,
} from "../../../sdk";
import { HOUR, paymentChannelsFixture } from "../../helpers/payment-channels-sdk";
import { expectSdkError } from "../../helpers/sdk";

const LOCKS: Lock[] = [
  { amount: 40n, expiry: 2_000_000_000, secretHash: "0x" + "aa".repeat(32) },
  { amount: 2n, expiry: 2_000_000_001, secretHash: "0x" + "bb".repeat(32) },
];

async function validateFixture() {
  const f = await paymentChannelsFixture();
  const channel: PaymentChannel = {
    participant1: f.alice.address,
    participant2: f.bob.address,
    token: ZeroAddress,
    key1: f.aliceKey.address,
    challengePeriod: HOUR,
    salt: 9,
  };
  const channelId = computePaymentChannelId({ chainId: f.chainId, contract: f.contract, channel });
  const proof: BalanceProof = {
    nonce: 5n,
    transferred: 300n,
    locked: lockedAmount(LOCKS),
    locksRoot: locksRootOf(LOCKS),
  };
  const sign = async (p: BalanceProof, signer: Signer = f.alice, id = channelId) =>
    (
      await signPaymentChannelMessage({
        chainId: f.chainId,
        contract: f.contract,
        signer,
        primaryType: "BalanceProof",
        message: { channelId: id, ...p },
      })
    ).signature;
  const params: ValidateBalanceProofParameters = {
    chainId: f.chainId,
    contract: f.contract,
    channel,
    sender: f.alice.address,
    channelId,
    proof,
    signature: await sign(proof),
    locks: LOCKS,
    previous: { nonce: 4n, transferred: 250n, locked: 0n, locksRoot: ZeroHash },
  };
  return { ...f, channel, channelId, proof, sign, params };
}

describe("validateBalanceProof (rule PC-E3)", function () {
  it("accepts the sender's next proof and returns it normalised with its signer", async function () {
    const { params, alice } = await loadFixture(validateFixture);
    const result = await validateBalanceProof(params);
    expect(result.signer).to.deep.equal({ valid: true, by: "participant", signer: alice.address });
    expect(result.locks).to.deep.equal(LOCKS);
  });

  it("accepts nonce 1 as the first proof of a direction (no previous)", async function () {
    const { params, sign } = await loadFixture(validateFixture);
    const first = { ...params.proof, nonce: 1n };
    const result = await validateBalanceProof({
      ...params,
      proof: first,
      signature: await sign(first),
      previous: undefined,
    });
    expect(result.proof.nonce).to.equal(1n);
  });

  it("accepts participant1's open-time key by default, and a rotated key of participant2 when passed", async function () {
    const { params, aliceKey, bob, bobKey, sign, proof } = await loadFixture(validateFixture);
    const byKey = await sign(proof, aliceKey);
    expect((await validateBalanceProof({ ...params, signature: byKey })).signer.by).to.equal("sessionKey");
    const fromBob = { ...params, sender: bob.address, signature: await sign(proof, bobKey) };
    await expectSdkError(validateBalanceProof(fromBob), BalanceProofError, "BALANCE_PROOF_INVALID_SIGNATURE");
    expect((await validateBalanceProof({ ...fromBob, keys: [bobKey.address] })).signer.by).to.equal("sessionKey");
  });

  it("accepts an ERC-1271 participant's signature with a provider", async function () {
    const { params, deployer, alice, chainId, contract, channel, proof } = await loadFixture(validateFixture);
    const wallet = await new MockERC1271Wallet__factory(deployer).deploy(alice.address);
    const walletChannel = { ...channel, participant1: await wallet.getAddress(), key1: ZeroAddress };
    const channelId = computePaymentChannelId({ chainId, contract, channel: walletChannel });
    const { signature } = await signPaymentChannelMessage({
      chainId,
      contract,
      signer: alice,
      primaryType: "BalanceProof",
      message: { channelId, ...proof },
    });
    const walletParams = {
      ...params,
      channel: walletChannel,
      sender: walletChannel.participant1,
      channelId,
      signature,
    };
    await expectSdkError(validateBalanceProof(walletParams), BalanceProofError, "BALANCE_PROOF_INVALID_SIGNATURE");
    const result = await validateBalanceProof({ ...walletParams, provider: ethers.provider });
    expect(result.signer.by).to.equal("erc1271");
  });

  it("refuses each broken rule with its code", async function () {
    const { params, sign, proof, bob } = await loadFixture(validateFixture);
    const other = "0x" + "77".repeat(32);
    const cases: [string, Partial<ValidateBalanceProofParameters>][] = [
      ["BALANCE_PROOF_WRONG_CHANNEL", { channelId: other as never }],
      ["BALANCE_PROOF_AMOUNT_OUT_OF_RANGE", { proof: { ...proof, transferred: 1n << 128n } }],
      ["BALANCE_PROOF_AMOUNT_OUT_OF_RANGE", { proof: { ...proof, locked: 1n << 128n } }],
      ["BALANCE_PROOF_TOO_MANY_LOCKS", { locks: Array.from({ length: 33 }, () => LOCKS[0]) }],
      ["BALANCE_PROOF_LOCKED_MISMATCH", { locks: LOCKS.slice(1) }],
      ["BALANCE_PROOF_LOCKS_ROOT_MISMATCH", { locks: [LOCKS[1], LOCKS[0]] }],
      ["BALANCE_PROOF_INVALID_SIGNATURE", { signature: await sign(proof, bob) }],
      ["BALANCE_PROOF_INVALID_SIGNATURE", { signature: "0x1234" }],
      ["BALANCE_PROOF_REPLAYED", { previous: { ...proof } }],
      ["BALANCE_PROOF_REPLAYED", { previous: { ...proof, nonce: 9n } }],
      ["BALANCE_PROOF_NONCE_GAP", { previous: { ...proof, nonce: 3n } }],
      ["BALANCE_PROOF_NONCE_GAP", { previous: undefined }],
      ["BALANCE_PROOF_TRANSFERRED_DECREASED", { previous: { ...proof, nonce: 4n, transferred: 301n } }],
    ];
    for (const [code, change] of cases) {
      await expectSdkError(validateBalanceProof({ ...params, ...change }), BalanceProofError, code);
    }
  });

  it("an empty lock list needs a zero root and zero locked", async function () {
    const { params, sign } = await loadFixture(validateFixture);
    const bare = { nonce: 5n, transferred: 300n, locked: 0n, locksRoot: ZeroHash };
    const signature = await sign(bare);
    expect((await validateBalanceProof({ ...params, proof: bare, signature, locks: [] })).proof).to.deep.equal(bare);
    await expectSdkError(
      validateBalanceProof({ ...params, proof: bare, signature, locks: LOCKS }),
      BalanceProofError,
      "BALANCE_PROOF_LOCKED_MISMATCH",
    );
  });

  it("refuses a sender that is not a participant as a parameter error", async function () {
    const { params, stranger } = await loadFixture(validateFixture);
    await expectSdkError(
      validateBalanceProof({ ...params, sender: stranger.address }),
      InvalidParameterError,
      "INVALID_PARAMETER",
    );
  });
});
