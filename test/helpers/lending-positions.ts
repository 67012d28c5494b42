// Position-token fixtures (docs/lending.md §8): one running loan and ERC-721 receivers of every kind.
import { ethers } from "hardhat";
import { deployLending, startLoan, type LendingFixture, type Terms } from "./lending";
import type { LendingPositionNoHook, LendingPositionReceiver } from "../../typechain-types";

/** LendingPositionReceiver modes (contracts/mocks/LendingPositionMocks.sol). */
export enum ReceiverMode {
  Accept = 0,
  RevertReason = 1,
  RevertCustom = 2,
  RevertEmpty = 3,
  WrongValue = 4,
}

export interface PositionsFixture extends LendingFixture {
  loanId: bigint;
  terms: Terms;
  /** The lender token (even) and the borrower token (odd). */
  lenderToken: bigint;
  borrowerToken: bigint;
  receivers: Record<ReceiverMode, LendingPositionReceiver>;
  noHook: LendingPositionNoHook;
}

/** A usd loan (1,000 + 50 fixed) against 2 wbtc, and the receivers. */
export async function positionsFixture(): Promise<PositionsFixture> {
  const fx = await deployLending();
  const { loanId, terms } = await startLoan(fx);
  const factory = await ethers.getContractFactory("LendingPositionReceiver");
  const receivers = {} as Record<ReceiverMode, LendingPositionReceiver>;
  for (const mode of [0, 1, 2, 3, 4] as ReceiverMode[]) receivers[mode] = await factory.deploy(mode);
  const noHook = await (await ethers.getContractFactory("LendingPositionNoHook")).deploy();
  return { ...fx, loanId, terms, lenderToken: loanId, borrowerToken: loanId + 1n, receivers, noHook };
}
