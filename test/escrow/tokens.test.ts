// docs/escrow.md §2, rules E-C7 (which tokens are accepted) and E-C8 (deposits with a permit).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { FeeOnTransferToken, MockERC20, NoReturnToken } from "../../typechain-types";
import {
  AMOUNT,
  DAY,
  ETH,
  PROTOCOL_FEE_BPS,
  Status,
  createDeal,
  expectState,
  feeEscrowFixture,
  feeOf,
  now,
  plainParams,
} from "../helpers/escrow";

const fee = (gross: bigint) => feeOf(gross, PROTOCOL_FEE_BPS);

async function tokensFixture() {
  const fx = await feeEscrowFixture();
  const { depositor, escrowAddress } = fx;
  const fot = (await ethers.deployContract("FeeOnTransferToken", [100n])) as unknown as FeeOnTransferToken;
  const noReturn = (await ethers.deployContract("NoReturnToken")) as unknown as NoReturnToken;
  for (const t of [fot, noReturn]) {
    await t.mint(depositor.address, 10n * AMOUNT);
    await t.connect(depositor).approve(escrowAddress, ethers.MaxUint256);
  }
  const deadline = (await now()) + DAY;
  return { ...fx, fot, noReturn, deadline };
}

describe("E-C7 tokens", function () {
  it("reverts with EscrowValueMismatch(value, 0) when ETH is sent with an ERC20 deal", async function () {
    const fx = await loadFixture(tokensFixture);
    await expect(
      fx.escrow.connect(fx.depositor).createDeal(plainParams(fx, fx.tokenAddress, fx.deadline), [], { value: 1n }),
    )
      .to.be.revertedWithCustomError(fx.escrow, "EscrowValueMismatch")
      .withArgs(1n, 0n);
  });

  it("reverts with EscrowTokenNotContract for a token address without code, with or without permit", async function () {
    const fx = await loadFixture(tokensFixture);
    const noCode = fx.stranger.address;
    const params = plainParams(fx, noCode, fx.deadline);
    await expect(fx.escrow.connect(fx.depositor).createDeal(params, []))
      .to.be.revertedWithCustomError(fx.escrow, "EscrowTokenNotContract")
      .withArgs(noCode);
    await expect(
      fx.escrow.connect(fx.depositor).createDealWithPermit(params, [], 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(fx.escrow, "EscrowTokenNotContract")
      .withArgs(noCode);
  });

  it("reverts with EscrowTokenTransferMismatch(amount, received) for a fee-on-transfer token", async function () {
    const fx = await loadFixture(tokensFixture);
    const params = plainParams(fx, await fx.fot.getAddress(), fx.deadline);
    const received = AMOUNT - (AMOUNT * 100n) / 10_000n;
    await expect(fx.escrow.connect(fx.depositor).createDeal(params, []))
      .to.be.revertedWithCustomError(fx.escrow, "EscrowTokenTransferMismatch")
      .withArgs(AMOUNT, received);
  });

  it("accepts the same token once its transfer fee is 0 (the rejection above is the fee)", async function () {
    const fx = await loadFixture(tokensFixture);
    await fx.fot.setFeeBps(0n);
    const created = await createDeal(fx.escrow, fx.depositor, plainParams(fx, await fx.fot.getAddress(), fx.deadline));
    await expect(created.tx).to.changeTokenBalances(fx.fot, [fx.depositor, fx.escrowAddress], [-AMOUNT, AMOUNT]);
  });

  it("works end to end with a token that returns nothing (USDT-style): deposit, release, refund, timeout, fees", async function () {
    const fx = await loadFixture(tokensFixture);
    const { escrow, noReturn, depositor, beneficiary, stranger, feeRecipient, escrowAddress } = fx;
    const t = await noReturn.getAddress();
    const created = await createDeal(escrow, depositor, plainParams(fx, t, fx.deadline));
    await expect(created.tx).to.changeTokenBalances(noReturn, [depositor, escrowAddress], [-AMOUNT, AMOUNT]);

    const part = AMOUNT / 4n;
    await expect(escrow.connect(depositor).release(created.deal, part)).to.changeTokenBalances(
      noReturn,
      [beneficiary, escrowAddress],
      [part - fee(part), -(part - fee(part))],
    );
    await expect(escrow.connect(beneficiary).refund(created.deal, part)).to.changeTokenBalances(
      noReturn,
      [depositor, escrowAddress],
      [part, -part],
    );
    await time.increaseTo(fx.deadline + 1n);
    const rest = AMOUNT - 2n * part;
    const timeout = await escrow.connect(stranger).triggerTimeout(created.deal);
    await expect(timeout).to.changeTokenBalances(noReturn, [beneficiary], [rest - fee(rest)]);
    await expect(timeout).not.to.emit(escrow, "PaymentCredited");
    await expectState(escrow, created.dealId, {
      status: Status.Closed,
      nonce: 2n,
      disputedAt: 0n,
      released: AMOUNT - part,
      refunded: part,
    });
    await expect(escrow.collectProtocolFees(t)).to.changeTokenBalances(
      noReturn,
      [feeRecipient, escrowAddress],
      [fee(part) + fee(rest), -(fee(part) + fee(rest))],
    );
  });
});

describe("E-C8 deposits with a permit", function () {
  /** A permit token the depositor has not approved. */
  async function permitFixture() {
    const fx = await feeEscrowFixture();
    const permitToken = (await ethers.deployContract("MockERC20", ["Permit Token", "PMT", 18])) as unknown as MockERC20;
    await permitToken.mint(fx.depositor.address, 10n * AMOUNT);
    const deadline = (await now()) + DAY;
    const params = plainParams(fx, await permitToken.getAddress(), deadline);
    return { ...fx, permitToken, deadline, params };
  }

  async function signPermit(
    token: MockERC20,
    owner: HardhatEthersSigner,
    spender: string,
    value: bigint,
    deadline: bigint,
  ) {
    const { chainId } = await ethers.provider.getNetwork();
    const domain = { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
    const types = {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    const nonce = await token.nonces(owner.address);
    return ethers.Signature.from(
      await owner.signTypedData(domain, types, { owner: owner.address, spender, value, nonce, deadline }),
    );
  }

  it("creates the deal from a valid permit without any prior allowance", async function () {
    const { escrow, escrowAddress, depositor, permitToken, params, deadline } = await loadFixture(permitFixture);
    expect(await permitToken.allowance(depositor.address, escrowAddress)).to.equal(0n);
    const sig = await signPermit(permitToken, depositor, escrowAddress, AMOUNT, deadline);
    const tx = await escrow.connect(depositor).createDealWithPermit(params, [], deadline, sig.v, sig.r, sig.s);
    await expect(tx).to.changeTokenBalances(permitToken, [depositor, escrowAddress], [-AMOUNT, AMOUNT]);
    await expect(tx).to.emit(escrow, "DealCreated");
    expect(await permitToken.nonces(depositor.address)).to.equal(1n);
    expect(await permitToken.allowance(depositor.address, escrowAddress)).to.equal(0n);
  });

  it("still creates the deal when someone front-ran the permit (already used)", async function () {
    const { escrow, escrowAddress, depositor, stranger, permitToken, params, deadline } =
      await loadFixture(permitFixture);
    const sig = await signPermit(permitToken, depositor, escrowAddress, AMOUNT, deadline);
    await permitToken.connect(stranger).permit(depositor.address, escrowAddress, AMOUNT, deadline, sig.v, sig.r, sig.s);
    const tx = await escrow.connect(depositor).createDealWithPermit(params, [], deadline, sig.v, sig.r, sig.s);
    await expect(tx).to.changeTokenBalances(permitToken, [depositor, escrowAddress], [-AMOUNT, AMOUNT]);
    await expect(tx).to.emit(escrow, "DealCreated");
  });

  it("reverts in the transfer when the permit is invalid and there is no allowance", async function () {
    const { escrow, escrowAddress, depositor, stranger, permitToken, params, deadline } =
      await loadFixture(permitFixture);
    const bySomeoneElse = await signPermit(permitToken, stranger, escrowAddress, AMOUNT, deadline);
    await expect(
      escrow
        .connect(depositor)
        .createDealWithPermit(params, [], deadline, bySomeoneElse.v, bySomeoneElse.r, bySomeoneElse.s),
    )
      .to.be.revertedWithCustomError(permitToken, "ERC20InsufficientAllowance")
      .withArgs(escrowAddress, 0n, AMOUNT);
  });

  it("reverts in the transfer when the permit has expired and there is no allowance", async function () {
    const { escrow, escrowAddress, depositor, permitToken, params } = await loadFixture(permitFixture);
    const expired = (await now()) - 1n;
    const sig = await signPermit(permitToken, depositor, escrowAddress, AMOUNT, expired);
    await expect(escrow.connect(depositor).createDealWithPermit(params, [], expired, sig.v, sig.r, sig.s))
      .to.be.revertedWithCustomError(permitToken, "ERC20InsufficientAllowance")
      .withArgs(escrowAddress, 0n, AMOUNT);
  });

  it("ignores the permit of a token without permit when the allowance is in place", async function () {
    const fx = await loadFixture(tokensFixture);
    const params = plainParams(fx, await fx.noReturn.getAddress(), fx.deadline);
    const tx = await fx.escrow
      .connect(fx.depositor)
      .createDealWithPermit(params, [], 0n, 27, ethers.ZeroHash, ethers.ZeroHash);
    await expect(tx).to.changeTokenBalances(fx.noReturn, [fx.depositor, fx.escrowAddress], [-AMOUNT, AMOUNT]);
  });

  it("reverts with EscrowTokenNotContract for an ETH deal with a permit", async function () {
    const fx = await loadFixture(tokensFixture);
    await expect(
      fx.escrow
        .connect(fx.depositor)
        .createDealWithPermit(plainParams(fx, ETH, fx.deadline), [], 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
    )
      .to.be.revertedWithCustomError(fx.escrow, "EscrowTokenNotContract")
      .withArgs(ETH);
  });
});
