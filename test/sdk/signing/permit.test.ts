import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { BlocklistToken__factory } from "../../../typechain-types";
import { PermitError, signPermit } from "../../../sdk";
import { expectSdkError, sdkFixture } from "../../helpers/sdk";

async function chainId(): Promise<bigint> {
  return (await ethers.provider.getNetwork()).chainId;
}

describe("sdk/signing/permit: EIP-2612 permits", function () {
  it("signPermit produces a permit the token accepts", async function () {
    const f = await loadFixture(sdkFixture);
    const deadline = (await time.latest()) + 600;
    const { v, r, s, typedData } = await signPermit({
      signer: f.depositor,
      token: f.tokenAddress,
      spender: f.address,
      value: 777n,
      deadline,
    });
    expect(typedData.domain).to.deep.equal({
      name: "Mock USD",
      version: "1",
      chainId: await chainId(),
      verifyingContract: f.tokenAddress,
    });
    expect(typedData.message.nonce).to.equal(0n);
    await f.token.permit(f.depositor.address, f.address, 777n, deadline, v, r, s);
    expect(await f.token.allowance(f.depositor.address, f.address)).to.equal(777n);
  });

  it("a token without a permit gets PermitError PERMIT_UNSUPPORTED before anything is signed", async function () {
    const f = await loadFixture(sdkFixture);
    const token = await new BlocklistToken__factory(f.owner).deploy();
    const signing = {
      signTypedData: () => expect.fail("must not sign"),
      provider: ethers.provider,
      getAddress: async () => f.depositor.address,
    };
    await expectSdkError(
      signPermit({
        signer: signing as unknown as Signer,
        token: await token.getAddress(),
        spender: f.address,
        value: 1n,
        deadline: (await time.latest()) + 600,
      }),
      PermitError,
      "PERMIT_UNSUPPORTED",
    );
  });
});
