// Story 12 of the demo (scripts/demo.ts): peer-to-peer loans (docs/lending.md). Dana, a lender, signs an offer of
// 1,000 dUSD against 0.5 dETH at 12% a year pro-rated, with a 10% platform fee on the interest, and shares it as JSON;
// Bea parses it and accepts. Ten days later Bea repays 400 dUSD; Dana then sells her lender position (an ERC-721
// token) to Carl, who is paid the rest when Bea repays it ten days after that and gets her dETH back. A second loan is
// signed the other way round: Fay requests 300 dUSD against an NFT, Carl accepts; she never repays, Carl's claim one
// second before the default is refused and at the default time he takes the NFT. Each peer runs its own
// LendingClient; the story checks every amount to the unit.
import { ethers } from "hardhat";
import { ZeroAddress, type Signer } from "ethers";
import {
  CollateralKind,
  InterestKind,
  LendingClient,
  PeerPayError,
  serializeSignedOffer,
  serializeSignedRequest,
  type LendingWriteReturnType,
  type LoanTerms,
} from "../../sdk";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { gas, printDeltas, step } from "./common";

const USD = 6;
const usd = (value: string) => ethers.parseUnits(value, USD);
const fmtUsd = (value: bigint) => `${ethers.formatUnits(value, USD)} dUSD`;
const DAY = 86_400n;

type Peer = { name: string; address: string; signer: Signer; client: LendingClient };

function expectEqual(actual: bigint, expected: bigint, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

function repaidOf(result: LendingWriteReturnType) {
  const repaid = result.events.find((event) => event.type === "Repaid");
  if (repaid?.type !== "Repaid") throw new Error(`no Repaid event in ${result.receipt.hash}`);
  return repaid;
}

/** The next block lands at `at` (unix seconds): the story's interest is computed for that second. */
async function nextBlockAt(at: bigint): Promise<void> {
  await ethers.provider.send("evm_setNextBlockTimestamp", [Number(at)]);
}

/** Runs the story on the suite's Lending deployment. */
export async function lendingDesk(
  signers: { platform: Signer; lender: Signer; borrower: Signer; buyer: Signer; nftOwner: Signer },
  token: MockERC20,
  deployment: { address: string; fromBlock: number },
): Promise<void> {
  console.log(
    "\n12. Lending: a signed dUSD loan repaid in two parts, its lender position sold midway; an NFT loan defaults",
  );
  const { address, fromBlock } = deployment;
  const peer = async (name: string, signer: Signer): Promise<Peer> => ({
    name,
    signer,
    address: await signer.getAddress(),
    client: new LendingClient({ address, runner: signer, fromBlock }),
  });
  const Dana = await peer("Dana (lender)", signers.lender);
  const Bea = await peer("Bea (borrower)", signers.borrower);
  const Carl = await peer("Carl (buys the loan)", signers.buyer);
  const Fay = await peer("Fay (NFT borrower)", signers.nftOwner);
  const Platform = { name: "the platform (fee)", address: await signers.platform.getAddress() };
  const dusd = await token.getAddress();
  const approve = async (who: Peer, tokenAddress: string, amount: bigint, what: string) =>
    gas(
      await (await who.signer.sendTransaction(who.client.buildApprove({ token: tokenAddress, amount }))).wait(),
      what,
    );

  // The collateral: a second demo token, 18 decimals.
  const deth = await new MockERC20__factory(signers.platform).deploy("Demo Ether", "dETH", 18);
  await deth.waitForDeployment();
  const dethAddress = await deth.getAddress();
  await (await deth.mint(Bea.address, ethers.parseEther("0.5"))).wait();
  await (await token.connect(signers.platform).mint(Dana.address, usd("1000"))).wait();
  await (await token.connect(signers.platform).mint(Bea.address, usd("20"))).wait(); // for the interest
  await (await token.connect(signers.platform).mint(Carl.address, usd("900"))).wait();
  step(`collateral token dETH (18 decimals) at ${dethAddress}; Bea holds 0.5 dETH`);

  // ---------------------------------------------------------------- loan 1: an offer, shared as JSON
  const peers = [Dana, Bea, Carl, Platform];
  const before = await Promise.all(peers.map((p) => token.balanceOf(p.address)));
  const terms: LoanTerms = {
    principalToken: dusd,
    principal: usd("1000"),
    collateralToken: dethAddress,
    collateralAmount: ethers.parseEther("0.5"),
    collateralId: 0n,
    collateralKind: CollateralKind.ERC20,
    interestKind: InterestKind.ProRated,
    interest: 1_200n, // 12% a year, to the second
    duration: 30n * DAY,
    gracePeriod: 3n * DAY,
    feeBps: 1_000n, // 10% of the interest goes to the platform
    feeRecipient: Platform.address,
    saleStartBps: 0n,
    saleFloorBps: 0n,
    saleDuration: 0n,
    saleFloorDuration: 0n,
  };
  const offer = await Dana.client.signOffer({ terms, validFor: DAY });
  const text = serializeSignedOffer(offer);
  step(
    `Dana signs an offer: 1,000 dUSD against 0.5 dETH, 12%/year pro-rated, 30 days + 3 of grace, 10% of the interest to the platform`,
  );
  step(`she shares it as JSON (${text.length} characters, nonce ${offer.offer.nonce}): no transaction, no gas`);
  const parsed = await Bea.client.parseOffer({ text });
  const check = await Bea.client.verifyOffer({ offer: parsed });
  step(
    `Bea parses it: signed by Dana (${check.valid ? "valid" : check.reason}), ${fmtUsd(parsed.offer.terms.principal)}`,
  );
  await approve(Dana, dusd, terms.principal, "approve 1,000 dUSD (Dana)");
  await approve(Bea, dethAddress, terms.collateralAmount, "approve 0.5 dETH (Bea)");
  const accepted = await Bea.client.acceptOffer({ offer: parsed });
  gas(accepted.receipt, "acceptOffer (ERC20 principal and collateral, 2 position tokens)");
  const loanId = accepted.loanId;
  const loan = await Bea.client.loan({ loanId });
  step(`Bea accepts: 1,000 dUSD to her, her 0.5 dETH held (loan ${loanId.toString(16).slice(0, 8)}…)`);

  // ---------------------------------------------------------------- a partial repayment after 10 days
  const tenDays = loan.start + 10n * DAY;
  const owed10 = await Bea.client.owedAt({ loanId, at: tenDays });
  await approve(Bea, dusd, usd("400"), "approve 400 dUSD (Bea)");
  await nextBlockAt(tenDays);
  const partial = await Bea.client.repay({ loanId, terms, amount: usd("400") });
  gas(partial.receipt, "repay (partial, pro-rated)");
  const first = repaidOf(partial);
  expectEqual(first.interestPaid, owed10.interestPart, "the interest of 10 days");
  expectEqual(first.fee, (owed10.interestPart * 1_000n) / 10_000n, "the platform fee");
  step(
    `10 days later Bea repays 400 dUSD: ${fmtUsd(first.interestPaid)} interest (fee ${fmtUsd(first.fee)}), ${fmtUsd(first.outstanding)} principal left`,
  );

  // ---------------------------------------------------------------- Dana sells her lender position to Carl
  const price = usd("600");
  gas(await (await token.connect(Carl.signer).transfer(Dana.address, price)).wait(), "transfer 600 dUSD (Carl)");
  const sold = await Dana.client.contract.transferFrom(Dana.address, Carl.address, loanId);
  gas(await sold.wait(), "transferFrom (the lender position)");
  const { positions } = await Carl.client.loansOf({ account: Carl.address, roles: ["lender"], fromBlock });
  const held = positions.filter((p) => p.holding && p.loanId === loanId).length;
  step(`Dana sells her lender position (token ${loanId.toString(16).slice(0, 8)}…) to Carl for ${fmtUsd(price)}`);
  step(
    `Carl's positions from the Transfer logs: ${held} lender position of this loan, ${fmtUsd(first.outstanding)} owed`,
  );

  // ---------------------------------------------------------------- the rest, ten days later: to Carl
  const twentyDays = loan.start + 20n * DAY;
  const owed20 = await Bea.client.owedAt({ loanId, at: twentyDays });
  await approve(Bea, dusd, owed20.total, `approve ${fmtUsd(owed20.total)} (Bea)`);
  const carlBefore = await token.balanceOf(Carl.address);
  await nextBlockAt(twentyDays);
  const full = await Bea.client.repay({ loanId, terms, amount: owed20.total });
  gas(full.receipt, "repay (full: ends the loan, returns the collateral)");
  const last = repaidOf(full);
  expectEqual(last.payment, owed20.total, "the full repayment");
  expectEqual(last.outstanding, 0n, "what is left");
  expectEqual((await token.balanceOf(Carl.address)) - carlBefore, last.payment - last.fee, "Carl's repayment");
  expectEqual(await deth.balanceOf(Bea.address), ethers.parseEther("0.5"), "Bea's dETH");
  step(
    `10 days later Bea repays the rest, ${fmtUsd(last.payment)} (${fmtUsd(last.interestPaid)} interest): Carl gets ${fmtUsd(last.payment - last.fee)}, the platform ${fmtUsd(last.fee)}`,
  );
  step(`the loan is repaid: Bea has her 0.5 dETH back, both position tokens are burned`);
  const after = await Promise.all(peers.map((p) => token.balanceOf(p.address)));
  printDeltas("dUSD balances", peers, before, after, fmtUsd);
  expectEqual(after[3] - before[3], first.fee + last.fee, "the platform's fees");
  expectEqual(after[1] - before[1], terms.principal - first.payment - last.payment, "Bea's dUSD");

  // ---------------------------------------------------------------- loan 2: a request against an NFT, in default
  const nft = await ethers.deployContract("AuctionNFT", [], signers.nftOwner);
  await nft.waitForDeployment();
  const nftAddress = await nft.getAddress();
  await (await nft.mint(Fay.address, 1n)).wait();
  const nftTerms: LoanTerms = {
    ...terms,
    principal: usd("300"),
    collateralToken: nftAddress,
    collateralAmount: 0n,
    collateralId: 1n,
    collateralKind: CollateralKind.ERC721,
    interestKind: InterestKind.Fixed,
    interest: usd("9"),
    duration: 14n * DAY,
    gracePeriod: 2n * DAY,
    feeBps: 0n,
    feeRecipient: ZeroAddress,
  };
  const request = await Fay.client.signRequest({ terms: nftTerms, validFor: DAY });
  const shared = serializeSignedRequest(request);
  step(`Fay requests 300 dUSD against her NFT #1 for 14 days + 2 of grace, 9 dUSD fixed interest (signed, shared)`);
  gas(await (await nft.approve(address, 1n)).wait(), "approve NFT #1 (Fay)");
  await approve(Carl, dusd, nftTerms.principal, "approve 300 dUSD (Carl)");
  const nftLoan = await Carl.client.acceptRequest({ request: await Carl.client.parseRequest({ text: shared }) });
  gas(nftLoan.receipt, "acceptRequest (ERC721 collateral)");
  const started = await Carl.client.loan({ loanId: nftLoan.loanId });
  const defaultsAt = started.start + nftTerms.duration + nftTerms.gracePeriod;
  step(`Carl accepts it: Fay gets 300 dUSD, her NFT is held; in default from ${clock(defaultsAt)} if unpaid`);

  await nextBlockAt(defaultsAt - 1n);
  try {
    await Carl.client.claim({ loanId: nftLoan.loanId, terms: nftTerms });
    throw new Error("a claim before the default was accepted");
  } catch (error) {
    if (!(error instanceof PeerPayError)) throw error;
    step(`Fay never repays. Carl claims one second early: refused, ${error.code}`);
  }
  await nextBlockAt(defaultsAt);
  const claimed = await Carl.client.claim({ loanId: nftLoan.loanId, terms: nftTerms });
  gas(claimed.receipt, "claim (the defaulted collateral)");
  if ((await nft.ownerOf(1n)) !== Carl.address) throw new Error("NFT #1 is not Carl's");
  step(`at the default time (${clock(defaultsAt)}) his claim succeeds: NFT #1 is Carl's, Fay keeps the 300 dUSD`);
}

function clock(t: bigint): string {
  return new Date(Number(t) * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
