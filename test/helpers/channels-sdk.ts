// Shared fixtures of the channel SDK tests: a MicropaymentChannels deployment, a permit token, the parties and a
// session key. Channels are opened through the contract directly here, so that the SDK is checked against the chain.
import { ethers } from "hardhat";
import { Wallet, ZeroAddress, type Signer } from "ethers";
import { impersonateAccount, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { MicropaymentChannels__factory, MockERC1271Wallet__factory, MockERC20__factory } from "../../typechain-types";
import { computeChannelId, type Channel, type ChannelId } from "../../sdk";

export const HOUR = 3_600;
export const TOKEN_SUPPLY = 10n ** 15n;
/** secp256k1's group order, to build high-s signatures. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export async function channelsFixture() {
  const [deployer, payer, payee, stranger, relayer] = await ethers.getSigners();
  const channels = await new MicropaymentChannels__factory(deployer).deploy();
  const token = await new MockERC20__factory(deployer).deploy("Mock USD", "MUSD", 6);
  await token.mint(payer.address, TOKEN_SUPPLY);
  const contract = await channels.getAddress();
  const tokenAddress = await token.getAddress();
  const { chainId } = await ethers.provider.getNetwork();
  const sessionKey = new Wallet("0x" + "5e".repeat(32));
  return { deployer, payer, payee, stranger, relayer, channels, token, contract, tokenAddress, chainId, sessionKey };
}

export type ChannelsFixture = Awaited<ReturnType<typeof channelsFixture>>;

/** Opens a channel from the fixture's payer to its payee with the contract itself; returns its terms and id. */
export async function openChannel(
  f: ChannelsFixture,
  {
    token = ZeroAddress,
    signer = ZeroAddress,
    amount = 1_000_000n,
    challengePeriod = HOUR,
    salt = 1,
    from = f.payer,
  } = {} as {
    token?: string;
    signer?: string;
    amount?: bigint;
    challengePeriod?: number;
    salt?: number;
    from?: Signer & { address: string };
  },
): Promise<{ channel: Channel; channelId: ChannelId }> {
  if (token !== ZeroAddress) await f.token.connect(from).approve(f.contract, amount);
  const params = { payee: f.payee.address, token, signer, amount, challengePeriod, salt };
  await f.channels.connect(from).open(params, { value: token === ZeroAddress ? amount : 0n });
  const channel: Channel = { payer: from.address, payee: f.payee.address, token, signer, challengePeriod, salt };
  return { channel, channelId: computeChannelId({ chainId: f.chainId, contract: f.contract, channel }) };
}

/**
 * Deploys an ERC-1271 wallet owned by the fixture's payer (MockERC1271Wallet: mode 0 accepts the owner's
 * signatures, 1 refuses all) and opens an ETH channel from it to the payee, the wallet impersonated.
 */
export async function openWalletChannel(
  f: ChannelsFixture,
  { signer = ZeroAddress, amount = 1_000n, challengePeriod = HOUR, salt = 3 } = {} as {
    signer?: string;
    amount?: bigint;
    challengePeriod?: number;
    salt?: number;
  },
) {
  const wallet = await new MockERC1271Wallet__factory(f.deployer).deploy(f.payer.address);
  const walletAddress = await wallet.getAddress();
  await impersonateAccount(walletAddress);
  await setBalance(walletAddress, 10n ** 18n);
  const asWallet = await ethers.getSigner(walletAddress);
  const opened = await openChannel(f, { signer, amount, challengePeriod, salt, from: asWallet });
  return { wallet, walletAddress, asWallet, ...opened };
}
