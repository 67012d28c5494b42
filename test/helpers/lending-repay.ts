// Helpers for the interest and repayment tests of Lending (docs/lending.md §4, §5): loans with a known start, due and
// default time, the contract account of contracts/mocks/LendingRepayMocks.sol (a lender, payer or fee recipient that
// refuses ETH or calls back into Lending on receipt) and principal and collateral tokens that misbehave on demand.
import { ethers } from "hardhat";
import { MaxUint256 } from "ethers";
import { ETH, InterestKind, ONE, deployLending, startLoan, type LendingFixture, type Terms } from "./lending";
import type {
  BlocklistToken,
  FeeOnTransferToken,
  Lending,
  LendingRepayActor,
  LendingRepayHookToken,
  LendingSaleNFT,
} from "../../typechain-types";

/** LendingRepayActor modes (contracts/mocks/LendingRepayMocks.sol). */
export enum ActorMode {
  Accept = 0,
  Reject = 1,
  Call = 2,
  CallThenReject = 3,
}

/** 10% a year, pro-rated. */
export const PRO_RATED: Partial<Terms> = { interestKind: InterestKind.ProRated, interest: 1_000n };

/** An ETH principal of 10 ETH with 1 ETH of fixed interest. */
export const ETH_LOAN: Partial<Terms> = { principalToken: ETH, principal: 10n * ONE, interest: ONE };

/** The revert data of OpenZeppelin's transient reentrancy guard, as a hook sees it. */
export const guardError = (lending: Lending): string =>
  lending.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);

export interface RepayBase extends LendingFixture {
  /** A contract account holding 100 ETH (mode Accept). */
  actor: LendingRepayActor;
  /** A blocklisting ERC20, a fee-on-transfer ERC20 (fee 0 until set) and an ERC20 with a receive hook. */
  blk: BlocklistToken;
  fot: FeeOnTransferToken;
  hook: LendingRepayHookToken;
  /** An ERC721 that refuses transfers to blocked addresses; ids 1 and 2 held by the borrower. */
  snft: LendingSaleNFT;
}

/**
 * deployLending, the actor and the extra tokens: blk, fot and hook minted (1,000,000) to the lender, the borrower,
 * the stranger and the actor, and approved to Lending by each; snft ids 1..2 to the borrower, approved.
 */
export async function deployRepay(): Promise<RepayBase> {
  const fx = await deployLending();
  const lending = await fx.lending.getAddress();
  const actor = await (await ethers.getContractFactory("LendingRepayActor")).deploy({ value: 100n * ONE });
  const blk = await (await ethers.getContractFactory("BlocklistToken")).deploy();
  const fot = await (await ethers.getContractFactory("FeeOnTransferToken")).deploy(0n);
  const hook = await (await ethers.getContractFactory("LendingRepayHookToken")).deploy();
  const snft = await (await ethers.getContractFactory("LendingSaleNFT")).deploy();
  for (const s of [fx.lender, fx.borrower, fx.stranger]) {
    await blk.mint(s.address, 1_000_000n * ONE);
    await fot.mint(s.address, 1_000_000n * ONE);
    await hook.mint(s.address, 1_000_000n * ONE);
    await blk.connect(s).approve(lending, MaxUint256);
    await fot.connect(s).approve(lending, MaxUint256);
    await hook.connect(s).approve(lending, MaxUint256);
  }
  await hook.mint(await actor.getAddress(), 1_000_000n * ONE);
  await actor.execute(hook.target, 0n, hook.interface.encodeFunctionData("approve", [lending, MaxUint256]));
  for (const id of [1n, 2n]) await snft.mint(fx.borrower.address, id);
  await snft.connect(fx.borrower).setApprovalForAll(lending, true);
  return { ...fx, actor, blk, fot, hook, snft };
}

export interface RepayLoan {
  loanId: bigint;
  terms: Terms;
  start: bigint;
  /** start + duration, and start + duration + gracePeriod (LN-R7). */
  due: bigint;
  defaultsAt: bigint;
}

/** Starts a loan (startLoan's offer from the lender, accepted by the borrower) and reads its times. */
export async function openLoan(fx: LendingFixture, over: Partial<Terms> = {}): Promise<RepayLoan> {
  const { loanId, terms } = await startLoan(fx, over);
  const { start } = await fx.lending.loanOf(loanId);
  const due = start + terms.duration;
  return { loanId, terms, start, due, defaultsAt: due + terms.gracePeriod };
}

/** A fixture: `deploy` (deployLending or deployRepay), then one loan of the terms `over` returns for it. */
export function loanFixture<F extends LendingFixture>(
  deploy: () => Promise<F>,
  over: (fx: F) => Partial<Terms> = () => ({}),
): () => Promise<F & RepayLoan> {
  return async function repayLoanFixture() {
    const fx = await deploy();
    return { ...fx, ...(await openLoan(fx, over(fx))) };
  };
}

/** The fee fields: `bps` of the interest to the fixture's fee taker. */
export const feeTo = (fx: LendingFixture, bps: bigint): Partial<Terms> => ({
  feeBps: bps,
  feeRecipient: fx.feeTaker.address,
});
