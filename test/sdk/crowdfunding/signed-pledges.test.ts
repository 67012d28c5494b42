// Relayed pledges through the SDK (CF-P7, CF-P8, CF-SDK-6): signed by an EOA, by a page's EIP-1193 wallet (exactly one
// eth_signTypedData_v4; a declined prompt is USER_REJECTED) and by a Safe (ERC-1271) as the backer; verified as the
// contract decides, submitted by a relayer, refused when replayed, expired, cancelled or for another deployment.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import {
  CrowdfundingClient,
  CrowdfundingInputError,
  CrowdfundingPledgeError,
  SafeSigner,
  TransactionError,
  decodeCrowdfundingError,
  hashPledge,
} from "../../../sdk";
import { countSince, pageSigner } from "../../helpers/eip1193";
import { createSafe, safeContracts } from "../../helpers/safe";
import { expectSdkError } from "../../helpers/sdk";
import { UNIT, createCampaign, expectTokenChange, sdkCrowdfundingFixture } from "./fixture";

const SIGN = "eth_signTypedData_v4";

async function tokenCampaignFixture() {
  const f = await sdkCrowdfundingFixture();
  const { campaignId, deadline } = await createCampaign(f, { token: f.tokenAddress });
  return { ...f, campaignId, deadline };
}

describe("CrowdfundingClient relayed pledges (CF-P7, CF-SDK-6)", function () {
  it("CF-SDK-6: an EOA's signed pledge hashes as the contract's pledgeDigest, verifies, and a relayer submits it", async function () {
    const f = await loadFixture(tokenCampaignFixture);
    const signed = await f.aliceClient.signPledge({ campaignId: f.campaignId, amount: 3n * UNIT });
    expect(signed).to.deep.include({ backer: f.alice.address, nonce: 0n, chainId: 31337n, contract: f.cfAddress });
    const { signature, chainId, contract, ...message } = signed;
    expect(signature).to.match(/^0x[0-9a-f]{130}$/);
    expect(hashPledge({ chainId, contract, message })).to.equal(
      await f.cf.pledgeDigest(message.campaignId, message.backer, message.amount, message.nonce, message.deadline),
    );
    expect(await f.relayerClient.verifyPledge({ pledge: signed })).to.deep.equal({ valid: true });
    const relayerTokens = await f.token.balanceOf(f.stranger.address);
    await expectTokenChange(
      f.token,
      f.alice.address,
      () => f.relayerClient.pledgeBySig({ pledge: signed }),
      -3n * UNIT,
    );
    expect(await f.token.balanceOf(f.stranger.address), "the relayer pays gas only").to.equal(relayerTokens);
    expect(await f.reader.pledgeOf({ campaignId: f.campaignId, backer: f.alice.address })).to.deep.include({
      amount: 3n * UNIT,
    });
    expect(await f.reader.nonceOf({ backer: f.alice.address })).to.equal(1n);
  });

  it("CF-SDK-6 (CF-P7): a replayed pledge is refused by the SDK before sending, and by the contract if sent anyway", async function () {
    const f = await loadFixture(tokenCampaignFixture);
    const signed = await f.aliceClient.signPledge({ campaignId: f.campaignId, amount: UNIT });
    await f.relayerClient.pledgeBySig({ pledge: signed });
    expect(await f.relayerClient.verifyPledge({ pledge: signed })).to.deep.equal({
      valid: false,
      reason: "CROWDFUNDING_PLEDGE_NONCE_USED",
    });
    const sent = await ethers.provider.getTransactionCount(f.stranger.address);
    await expectSdkError(
      f.relayerClient.pledgeBySig({ pledge: signed }),
      CrowdfundingInputError,
      "CROWDFUNDING_PLEDGE_NONCE_USED",
    );
    expect(await ethers.provider.getTransactionCount(f.stranger.address), "nothing sent").to.equal(sent);
    // The unchecked path: the builder's transaction, sent raw, is refused on-chain and decodes to the typed error.
    const request = await f.relayerClient.buildPledgeBySig({ pledge: signed });
    const raw = f.stranger.sendTransaction({ ...request, gasLimit: 300_000 }).then((tx) => tx.wait());
    await expectSdkError(
      raw.catch((error: unknown) => Promise.reject(decodeCrowdfundingError(error))),
      CrowdfundingPledgeError,
      "CROWDFUNDING_INVALID_SIGNATURE",
    );
    expect((await f.reader.pledgeOf({ campaignId: f.campaignId, backer: f.alice.address })).amount).to.equal(UNIT);
  });

  it("CF-SDK-6 (CF-P8): cancelNonce kills a signed pledge; a pledge for another deployment is refused", async function () {
    const f = await loadFixture(tokenCampaignFixture);
    const signed = await f.aliceClient.signPledge({ campaignId: f.campaignId, amount: UNIT });
    const other = new CrowdfundingClient({ address: f.tokenAddress, runner: f.stranger });
    await expectSdkError(
      other.pledgeBySig({ pledge: signed }),
      CrowdfundingInputError,
      "CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT",
    );
    expect(await other.verifyPledge({ pledge: signed })).to.deep.include({ valid: false });
    await f.aliceClient.cancelNonce();
    await expectSdkError(
      f.relayerClient.pledgeBySig({ pledge: signed }),
      CrowdfundingInputError,
      "CROWDFUNDING_PLEDGE_NONCE_USED",
    );
    // A pledge signed by someone else for Alice does not verify.
    const forged = await f.bobClient.signPledge({ campaignId: f.campaignId, amount: UNIT, backer: f.alice.address });
    expect(await f.relayerClient.verifyPledge({ pledge: forged })).to.deep.equal({
      valid: false,
      reason: "CROWDFUNDING_INVALID_SIGNATURE",
    });
  });

  it("CF-SDK-6: a signature with deadline t verifies while the chain is at t − 1 (next block t) and is expired at t", async function () {
    const f = await loadFixture(tokenCampaignFixture);
    const t = (await time.latest()) + 100;
    const signed = await f.aliceClient.signPledge({ campaignId: f.campaignId, amount: UNIT, deadline: t });
    await time.increaseTo(t - 1);
    expect(await f.relayerClient.verifyPledge({ pledge: signed })).to.deep.equal({ valid: true });
    await time.increaseTo(t);
    expect(await f.relayerClient.verifyPledge({ pledge: signed })).to.deep.equal({
      valid: false,
      reason: "CROWDFUNDING_SIGNATURE_EXPIRED",
    });
    await expectSdkError(
      f.relayerClient.pledgeBySig({ pledge: signed }),
      CrowdfundingInputError,
      "CROWDFUNDING_SIGNATURE_EXPIRED",
    );
  });

  it("CF-SDK-6: a page's EIP-1193 wallet signs with exactly one eth_signTypedData_v4; a declined prompt or transaction is USER_REJECTED", async function () {
    const f = await loadFixture(tokenCampaignFixture);
    const { wallet, signer } = await pageSigner(f.carol.address);
    const backer = new CrowdfundingClient({ address: f.cfAddress, runner: signer });
    let mark = wallet.seen.length;
    const signed = await backer.signPledge({ campaignId: f.campaignId, amount: 2n * UNIT });
    expect(countSince(wallet, SIGN, mark)).to.equal(1);
    expect(wallet.seen.slice(mark)).to.not.include("eth_sendTransaction");
    await f.relayerClient.pledgeBySig({ pledge: signed });
    expect((await f.reader.pledgeOf({ campaignId: f.campaignId, backer: f.carol.address })).amount).to.equal(2n * UNIT);

    wallet.rejecting.add(SIGN);
    mark = wallet.seen.length;
    const error = await expectSdkError(
      backer.signPledge({ campaignId: f.campaignId, amount: UNIT }),
      TransactionError,
      "USER_REJECTED",
    );
    expect(error.cause).to.not.equal(undefined);
    expect(countSince(wallet, SIGN, mark)).to.equal(1);

    // A declined transaction (a direct pledge) is USER_REJECTED too, and nothing moves.
    wallet.rejecting.add("eth_sendTransaction");
    await expectSdkError(backer.pledge({ campaignId: f.campaignId, amount: UNIT }), TransactionError, "USER_REJECTED");
    expect((await f.reader.pledgeOf({ campaignId: f.campaignId, backer: f.carol.address })).amount).to.equal(2n * UNIT);
  });

  it("CF-SDK-6 (CF-P7): a Safe (ERC-1271) backer approves and signs through SafeSigner; a relayer pledges for it", async function () {
    const f = await loadFixture(tokenCampaignFixture);
    const [o1, o2] = (await ethers.getSigners()).slice(14, 16);
    const { safe } = await createSafe(await safeContracts(), { owners: [o1.address, o2.address], threshold: 2 });
    await f.token.mint(safe, 10n * UNIT);
    await f.owner.sendTransaction({ to: safe, value: parseEther("1") });
    const asSafe = new SafeSigner({ safe, owners: [o1, o2], provider: ethers.provider, relayer: o1 });
    const backer = new CrowdfundingClient({ address: f.cfAddress, runner: asSafe });
    await backer.approve({ campaignId: f.campaignId, amount: 4n * UNIT }); // the Safe's execTransaction
    expect(await f.token.allowance(safe, f.cfAddress)).to.equal(4n * UNIT);
    const signed = await backer.signPledge({ campaignId: f.campaignId, amount: 4n * UNIT });
    expect(signed.backer).to.equal(safe);
    expect(await f.relayerClient.verifyPledge({ pledge: signed })).to.deep.equal({ valid: true });
    await expectTokenChange(f.token, safe, () => f.relayerClient.pledgeBySig({ pledge: signed }), -4n * UNIT);
    expect((await f.reader.pledgeOf({ campaignId: f.campaignId, backer: safe })).amount).to.equal(4n * UNIT);
  });
});
