// The SDK tests' deployment of the real Swap contract (docs/swaps.md): two tokens (dUSD with 6 decimals, a WETH-like
// token with 18), a maker, two takers, a delegate, an ERC-1271 wallet owned by an EOA, and one SwapClient per party.
import { ethers } from "hardhat";
import type { ContractRunner } from "ethers";
import { SwapClient } from "../../../sdk";
import type { MockERC1271Wallet, MockERC20, Swap } from "../../../typechain-types";

export const HOUR = 3_600n;
export const SUPPLY = 10n ** 30n;
export const ALLOWANCE = 10n ** 29n;

export async function swapSdkFixture() {
  const [owner, maker, taker, taker2, delegate, stranger, feeRecipient, walletOwner] = await ethers.getSigners();
  const swap = (await ethers.deployContract("Swap", [owner.address])) as unknown as Swap;
  const dusd = (await ethers.deployContract("MockERC20", ["Demo USD", "dUSD", 6])) as unknown as MockERC20;
  const weth = (await ethers.deployContract("MockERC20", ["Wrapped Ether", "WETH", 18])) as unknown as MockERC20;
  const wallet = (await ethers.deployContract("MockERC1271Wallet", [
    walletOwner.address,
  ])) as unknown as MockERC1271Wallet;
  const address = await swap.getAddress();
  const walletAddress = await wallet.getAddress();
  for (const who of [maker, taker, taker2, delegate, stranger]) {
    for (const token of [dusd, weth]) {
      await token.mint(who.address, SUPPLY);
      await token.connect(who).approve(address, ALLOWANCE);
    }
  }
  // The contract wallet holds dUSD and approves the Swap through its owner.
  await dusd.mint(walletAddress, SUPPLY);
  await wallet
    .connect(walletOwner)
    .execute(await dusd.getAddress(), 0n, dusd.interface.encodeFunctionData("approve", [address, ALLOWANCE]));
  // A client keeps the nonces it handed out, and loadFixture hands every test the same object: a test that counts
  // nonces makes its own client with `client(signer)`.
  const client = (runner: ContractRunner) => new SwapClient({ address, runner });
  const { chainId } = await ethers.provider.getNetwork();
  return {
    swap,
    address,
    chainId,
    dusd,
    weth,
    dusdAddress: await dusd.getAddress(),
    wethAddress: await weth.getAddress(),
    wallet,
    walletAddress,
    owner,
    maker,
    taker,
    taker2,
    delegate,
    stranger,
    feeRecipient,
    walletOwner,
    client,
    makerClient: client(maker),
    takerClient: client(taker),
    taker2Client: client(taker2),
    readClient: client(ethers.provider),
  };
}

export type SwapSdkFixture = Awaited<ReturnType<typeof swapSdkFixture>>;
