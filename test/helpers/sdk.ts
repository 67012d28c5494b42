// Shared fixtures of the SDK tests: an escrow, a permit token, the parties, and one EscrowClient per party.
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, type ContractRunner } from "ethers";
import { Escrow__factory, MockERC20__factory } from "../../typechain-types";
import { EscrowClient, Outcome, type DealParameters, type PeerPayError } from "../../sdk";

export const DAY = 86_400;
export const TOKEN_SUPPLY = 10n ** 15n;

export async function sdkFixture() {
  const [owner, depositor, beneficiary, arbiter, stranger, relayer, feeRecipient] = await ethers.getSigners();
  const escrow = await new Escrow__factory(owner).deploy(owner.address);
  const token = await new MockERC20__factory(owner).deploy("Mock USD", "MUSD", 6);
  await token.mint(depositor.address, TOKEN_SUPPLY);
  const address = await escrow.getAddress();
  const tokenAddress = await token.getAddress();
  const client = (runner: ContractRunner) => new EscrowClient({ address, runner });
  return {
    owner,
    depositor,
    beneficiary,
    arbiter,
    stranger,
    relayer,
    feeRecipient,
    escrow,
    token,
    address,
    tokenAddress,
    client,
    depositorClient: client(depositor),
    beneficiaryClient: client(beneficiary),
    arbiterClient: client(arbiter),
    strangerClient: client(stranger),
    readClient: client(ethers.provider),
  };
}

export type SdkFixture = Awaited<ReturnType<typeof sdkFixture>>;

/** The two assets every shared rule runs for. */
export type AssetCase = {
  name: "ETH" | "ERC20";
  token: (f: SdkFixture) => string;
  balanceOf: (f: SdkFixture, account: string) => Promise<bigint>;
};

export const ASSETS: AssetCase[] = [
  { name: "ETH", token: () => ZeroAddress, balanceOf: (_f, account) => ethers.provider.getBalance(account) },
  { name: "ERC20", token: (f) => f.tokenAddress, balanceOf: (f, account) => f.token.balanceOf(account) },
];

/** Terms of a plain deal between the fixture's parties, a week long, optionally with the arbiter. */
export async function dealTerms(
  f: SdkFixture,
  overrides: Partial<DealParameters> & { withArbiter?: boolean } = {},
): Promise<DealParameters> {
  const { withArbiter, ...rest } = overrides;
  const now = await time.latest();
  const arbiterTerms = withArbiter
    ? { arbiter: f.arbiter.address, disputeWindow: 3 * DAY, fallbackBps: 2_500, arbiterFeeBps: 500 }
    : {};
  return {
    beneficiary: f.beneficiary.address,
    amount: 1_000_000n,
    deadline: now + 7 * DAY,
    defaultOutcome: Outcome.Release,
    ...arbiterTerms,
    ...rest,
  };
}

/**
 * Awaits `action` and asserts it failed with an SDK error of class `Class`, code `code` and (a subset of) `details`.
 * Returns the error for further checks.
 */
export async function expectSdkError<T extends PeerPayError>(
  action: Promise<unknown> | (() => unknown),
  Class: abstract new (...args: never[]) => T,
  code: string,
  details?: Record<string, unknown>,
): Promise<T> {
  let failure: unknown;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) expect.fail(`expected ${Class.name} ${code}, but nothing was thrown`);
  expect(failure, String(failure)).to.be.instanceOf(Class);
  const error = failure as T;
  expect(error.code).to.equal(code);
  if (details) expect(error.details).to.deep.include(details);
  return error;
}
