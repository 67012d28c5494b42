// A Safe 1.4.1 as the runner of the SDK's own clients (docs/signers.md SG-S6): the same calls as an EOA's, the Safe
// sending through execTransaction and signing through the SafeMessage wrapping, one owner an EIP-1193 wallet.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { Escrow__factory, MicropaymentChannels__factory } from "../../../typechain-types";
import {
  EscrowClient,
  MemoryVoucherStore,
  Outcome,
  PayeeClient,
  PayerClient,
  RunnerError,
  SafeSignatureError,
  SafeSigner,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { countSince, pageSigner } from "../../helpers/eip1193";
import { createSafe, safeContracts } from "../../helpers/safe";

async function safeSignerFixture() {
  const signers = await ethers.getSigners();
  const [deployer, beneficiary, payee] = signers;
  const [o1, o2, o3, stranger] = signers.slice(14, 18);
  const contracts = await safeContracts();
  const { safe } = await createSafe(contracts, { owners: [o1.address, o2.address, o3.address], threshold: 2 });
  await deployer.sendTransaction({ to: safe, value: parseEther("10") });
  const escrow = await (await new Escrow__factory(deployer).deploy(deployer.address)).getAddress();
  const channels = await (await new MicropaymentChannels__factory(deployer).deploy()).getAddress();
  return { beneficiary, payee, o1, o2, o3, stranger, safe, escrow, channels };
}

describe("SafeSigner: a Safe as the runner of PeerPay's clients (docs/signers.md)", function () {
  it("SG-S6: an escrow deal created by the Safe, a release signed by it through EscrowClient, paid on-chain", async function () {
    const f = await loadFixture(safeSignerFixture);
    const page = await pageSigner(f.o1.address);
    const asSafe = new SafeSigner({ safe: f.safe, owners: [page.signer, f.o2], provider: ethers.provider });
    const escrow = new EscrowClient({ address: f.escrow, runner: asSafe });
    const { deal } = await escrow.createDeal({
      beneficiary: f.beneficiary.address,
      amount: parseEther("1"),
      deadline: (await time.latest()) + 86_400,
      defaultOutcome: Outcome.Refund,
    });
    expect(deal.depositor).to.equal(f.safe);
    const expiry = (await time.latest()) + 3_600;
    const { signature } = await escrow.signRelease({ deal, amount: parseEther("0.3"), expiry });
    expect(ethers.dataLength(signature)).to.equal(130);
    // The owner in the page signed twice (the SafeTx of the creation, the SafeMessage of the release), only as typed data.
    expect(countSince(page.wallet, "eth_signTypedData_v4")).to.equal(2);
    // It is also the default relayer: it sent the one execTransaction.
    expect(countSince(page.wallet, "eth_sendTransaction")).to.equal(1);
    const before = await ethers.provider.getBalance(f.beneficiary.address);
    const beneficiary = new EscrowClient({ address: f.escrow, runner: f.beneficiary });
    const { receipt } = await beneficiary.releaseWithSig({ deal, amount: parseEther("0.3"), expiry, signature });
    const paid =
      (await ethers.provider.getBalance(f.beneficiary.address)) - before + receipt.gasUsed * receipt.gasPrice;
    expect(paid).to.equal(parseEther("0.3"));
  });

  it("SG-S6: a channel opened by the Safe through PayerClient; its vouchers are accepted and claimed", async function () {
    const f = await loadFixture(safeSignerFixture);
    const asSafe = new SafeSigner({
      safe: f.safe,
      owners: [f.o3, f.o1],
      provider: ethers.provider,
      relayer: f.stranger,
    });
    const payer = new PayerClient({ address: f.channels, runner: asSafe });
    const { channel } = await payer.open({ payee: f.payee.address, amount: parseEther("1"), challengePeriod: 3_600 });
    expect(channel.payer).to.equal(f.safe);
    const payee = new PayeeClient({ address: f.channels, runner: f.payee, store: new MemoryVoucherStore() });
    await payee.acceptVoucher(await payer.pay({ channel, amount: 700n }));
    await payee.acceptVoucher(await payer.pay({ channel, amount: 300n }));
    const before = await ethers.provider.getBalance(f.payee.address);
    const { receipt } = await payee.claim({ channel });
    const after = await ethers.provider.getBalance(f.payee.address);
    expect(after - before + receipt.gasUsed * receipt.gasPrice).to.equal(1_000n);
  });

  it("SG-S6: below the threshold the client's call fails with SAFE_THRESHOLD_NOT_MET; raw messages are refused", async function () {
    const f = await loadFixture(safeSignerFixture);
    const asSafe = new SafeSigner({ safe: f.safe, owners: [f.o1], provider: ethers.provider });
    const payer = new PayerClient({ address: f.channels, runner: asSafe });
    await expectSdkError(
      payer.open({ payee: f.payee.address, amount: 1n, challengePeriod: 3_600 }),
      SafeSignatureError,
      "SAFE_THRESHOLD_NOT_MET",
    );
    await expectSdkError(asSafe.signMessage(), RunnerError, "SIGNER_REQUIRED");
    await expectSdkError(asSafe.signTransaction(), RunnerError, "SIGNER_REQUIRED");
  });
});
