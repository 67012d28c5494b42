// Test-side helpers for contracts/MicropaymentChannels.sol, written against docs/micropayments.md and independent of
// sdk/. Channel ids and voucher digests are computed here from the spec, so a test comparing them with the contract's
// own values checks the contract, not a copy of it. Generic helpers (balances, time, signature mangling) come from
// ./escrow.
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse, TypedDataDomain } from "ethers";
import type { MicropaymentChannels, MockERC20 } from "../../typechain-types";
import { ETH, TOKEN_SUPPLY, blockTimeOf } from "./escrow";

// ------------------------------------------------------------------ constants (docs/micropayments.md)

export enum ChannelStatus {
  None = 0,
  Open = 1,
  Closed = 2,
}

export const HOUR = 3_600n;
export const MIN_CHALLENGE_PERIOD = HOUR;
export const MAX_CHALLENGE_PERIOD = 30n * 86_400n;
export const MAX_UINT96 = (1n << 96n) - 1n;
export const MAX_UINT32 = (1n << 32n) - 1n;
/** The challenge period of the fixture channels. */
export const PERIOD = 2n * HOUR;
/** A deposit that is not a round number, so that every remainder is checked. */
export const DEPOSIT = 10n ** 18n + 12_345n;

// ------------------------------------------------------------------ channels

/** The immutable terms, as `IMicropaymentChannels.Channel`. */
export interface Channel {
  payer: string;
  payee: string;
  token: string;
  signer: string;
  challengePeriod: bigint;
  salt: bigint;
}

/** As `IMicropaymentChannels.OpenParams`. */
export interface OpenParams {
  payee: string;
  token: string;
  signer: string;
  amount: bigint;
  challengePeriod: bigint;
  salt: bigint;
}

export interface ChannelState {
  deposit: bigint;
  claimed: bigint;
  closesAt: bigint;
  status: ChannelStatus;
  signerChanged: boolean;
}

const CHANNEL_TYPES = ["address", "address", "address", "address", "uint32", "uint32"];

export function channelTuple(c: Channel): [string, string, string, string, bigint, bigint] {
  return [c.payer, c.payee, c.token, c.signer, c.challengePeriod, c.salt];
}

/** `keccak256(abi.encode(chainId, contract, channel))`: a static struct encodes as its six words in order. */
export function channelIdOf(chainId: bigint, contract: string, c: Channel): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", ...CHANNEL_TYPES],
      [chainId, contract, ...channelTuple(c)],
    ),
  );
}

export function channelOf(payer: string, p: OpenParams): Channel {
  return {
    payer,
    payee: p.payee,
    token: p.token,
    signer: p.signer,
    challengePeriod: p.challengePeriod,
    salt: p.salt,
  };
}

export interface OpenedChannel {
  channel: Channel;
  channelId: string;
  tx: ContractTransactionResponse;
  openedAt: bigint;
}

/** The channel opened by `tx` (any open, including through a contract account), checked against the spec's id. */
export async function channelFromTx(mp: MicropaymentChannels, tx: ContractTransactionResponse): Promise<OpenedChannel> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  const mpAddress = await mp.getAddress();
  for (const log of receipt.logs) {
    if (log.address !== mpAddress) continue;
    const parsed = mp.interface.parseLog(log);
    if (parsed?.name !== "ChannelOpened") continue;
    const c = parsed.args.channel;
    const channel: Channel = {
      payer: c.payer,
      payee: c.payee,
      token: c.token,
      signer: c.signer,
      challengePeriod: c.challengePeriod,
      salt: c.salt,
    };
    const { chainId } = await ethers.provider.getNetwork();
    const channelId: string = parsed.args.channelId;
    expect(channelId, "ChannelOpened id is keccak256(abi.encode(chainId, contract, channel))").to.equal(
      channelIdOf(chainId, mpAddress, channel),
    );
    return { channel, channelId, tx, openedAt: await blockTimeOf(tx) };
  }
  throw new Error("no ChannelOpened event");
}

/** Opens a channel from `payer`; ETH channels send `params.amount` unless `value` is given. */
export async function openChannel(
  mp: MicropaymentChannels,
  payer: HardhatEthersSigner,
  params: OpenParams,
  value?: bigint,
): Promise<OpenedChannel> {
  const tx = await mp.connect(payer).open(params, { value: value ?? (params.token === ETH ? params.amount : 0n) });
  return channelFromTx(mp, tx);
}

export async function getChannelState(mp: MicropaymentChannels, channelId: string): Promise<ChannelState> {
  const s = await mp.getChannelState(channelId);
  return {
    deposit: s.deposit,
    claimed: s.claimed,
    closesAt: s.closesAt,
    status: Number(s.status) as ChannelStatus,
    signerChanged: s.signerChanged,
  };
}

/** Asserts every field of the channel's state. */
export async function expectChannelState(
  mp: MicropaymentChannels,
  channelId: string,
  expected: ChannelState,
): Promise<void> {
  expect(await getChannelState(mp, channelId)).to.deep.equal(expected);
}

/** The state of an open channel that nobody asked to close, with the given totals. */
export function openState(deposit: bigint, claimed = 0n, signerChanged = false): ChannelState {
  return { deposit, claimed, closesAt: 0n, status: ChannelStatus.Open, signerChanged };
}

// ------------------------------------------------------------------ EIP-712 (docs/micropayments.md §2)

export const VOUCHER_TYPES = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "amount", type: "uint256" },
  ],
};

export function micropaymentsDomain(chainId: bigint, verifyingContract: string): TypedDataDomain {
  return { name: "PeerPay Micropayments", version: "1", chainId, verifyingContract };
}

export async function domainOfChannels(mp: MicropaymentChannels): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return micropaymentsDomain(chainId, await mp.getAddress());
}

type TypedDataSigner = {
  signTypedData(
    domain: TypedDataDomain,
    types: typeof VOUCHER_TYPES,
    value: { channelId: string; amount: bigint },
  ): Promise<string>;
};

export function signVoucher(
  signer: TypedDataSigner,
  domain: TypedDataDomain,
  channelId: string,
  amount: bigint,
): Promise<string> {
  return signer.signTypedData(domain, VOUCHER_TYPES, { channelId, amount });
}

export function voucherDigestOf(domain: TypedDataDomain, channelId: string, amount: bigint): string {
  return ethers.TypedDataEncoder.hash(domain, VOUCHER_TYPES, { channelId, amount });
}

// ------------------------------------------------------------------ fixtures

/** A channels contract, a standard ERC20 with permit, and named accounts (payer and payee approve and hold tokens). */
export async function channelsFixture() {
  const signers = await ethers.getSigners();
  const [payer, payee, stranger, relayer, other, sessionKey, newKey, payee2] = signers;
  const mp = (await ethers.deployContract("MicropaymentChannels")) as unknown as MicropaymentChannels;
  const token = (await ethers.deployContract("MockERC20", ["Mock Token", "MCK", 18])) as unknown as MockERC20;
  const mpAddress = await mp.getAddress();
  const tokenAddress = await token.getAddress();
  for (const who of [payer, payee, stranger, other]) {
    await token.mint(who.address, TOKEN_SUPPLY);
    await token.connect(who).approve(mpAddress, ethers.MaxUint256);
  }
  const domain = await domainOfChannels(mp);
  const { chainId } = await ethers.provider.getNetwork();
  return {
    signers,
    payer,
    payee,
    stranger,
    relayer,
    other,
    sessionKey,
    newKey,
    payee2,
    mp,
    token,
    mpAddress,
    tokenAddress,
    domain,
    chainId,
  };
}

export type ChannelsFixture = Awaited<ReturnType<typeof channelsFixture>>;

/** Params for a channel from the fixture's payer to its payee with the session key authorised at open. */
export function channelParams(fx: ChannelsFixture, token: string, over: Partial<OpenParams> = {}): OpenParams {
  return {
    payee: fx.payee.address,
    token,
    signer: fx.sessionKey.address,
    amount: DEPOSIT,
    challengePeriod: PERIOD,
    salt: 1n,
    ...over,
  };
}

async function openedIn(fx: ChannelsFixture, token: string) {
  const opened = await openChannel(fx.mp, fx.payer, channelParams(fx, token));
  return { ...fx, asset: token, ...opened };
}

/** One open ETH channel (payer → payee, session key authorised at open, deposit DEPOSIT). */
export async function ethChannelFixture() {
  return openedIn(await channelsFixture(), ETH);
}

/** The same channel in the standard ERC20. */
export async function erc20ChannelFixture() {
  const fx = await channelsFixture();
  return openedIn(fx, fx.tokenAddress);
}

export type ChannelFixture = Awaited<ReturnType<typeof ethChannelFixture>>;

export interface ChannelAsset {
  name: string;
  fixture: () => Promise<ChannelFixture>;
}

/** Every shared behaviour runs once per asset. */
export const CHANNEL_ASSETS: readonly ChannelAsset[] = [
  { name: "ETH", fixture: ethChannelFixture },
  { name: "ERC20", fixture: erc20ChannelFixture },
];

/** Sends a top-up from `payer` with the right value for the channel's asset. */
export function topUp(mp: MicropaymentChannels, payer: HardhatEthersSigner, channel: Channel, amount: bigint) {
  return mp.connect(payer).topUp(channel, amount, { value: channel.token === ETH ? amount : 0n });
}
