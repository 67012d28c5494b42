// Shared fixtures of the payment channel SDK tests: a PaymentChannels deployment, a permit token, the two
// participants, a watchtower and a stranger, and one PaymentChannelsClient per account.
import { ethers } from "hardhat";
import { Wallet, type ContractRunner } from "ethers";
import { MockERC20__factory, PaymentChannels__factory } from "../../typechain-types";
import { PaymentChannelsClient } from "../../sdk";

export const HOUR = 3_600;
export const TOKEN_SUPPLY = 10n ** 15n;

export async function paymentChannelsFixture() {
  const [deployer, alice, bob, tower, stranger] = await ethers.getSigners();
  const channels = await new PaymentChannels__factory(deployer).deploy();
  const token = await new MockERC20__factory(deployer).deploy("Mock USD", "MUSD", 6);
  await token.mint(alice.address, TOKEN_SUPPLY);
  await token.mint(bob.address, TOKEN_SUPPLY);
  const contract = await channels.getAddress();
  const tokenAddress = await token.getAddress();
  const { chainId } = await ethers.provider.getNetwork();
  const client = (runner: ContractRunner) => new PaymentChannelsClient({ address: contract, runner });
  const aliceKey = new Wallet("0x" + "a1".repeat(32));
  const bobKey = new Wallet("0x" + "b2".repeat(32));
  return {
    deployer,
    alice,
    bob,
    tower,
    stranger,
    channels,
    token,
    contract,
    tokenAddress,
    chainId,
    client,
    aliceKey,
    bobKey,
  };
}

export type PaymentChannelsFixture = Awaited<ReturnType<typeof paymentChannelsFixture>>;
