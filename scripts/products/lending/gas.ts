// Lending's gas scenarios (docs/lending.md §12): accepting an offer (ERC20 and ERC721 collateral, ETH from a deposit)
// and a request (ETH principal), partial and full repayments (fixed and pro-rated interest), the default claim, a
// refinance with a new lender's offer, a collateral sale started and settled; then the floors of the rows the issue
// sets a ceiling for, measured in the same run. The scenario and determinism: scripts/lib/gas/harness.ts.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ZeroAddress, parseEther, parseUnits, type ContractTransactionResponse, type Wallet } from "ethers";
import { AuctionNFT__factory, Auctions__factory, Lending__factory, MockERC20__factory } from "../../../typechain-types";
import type { ILending } from "../../../typechain-types/contracts/Lending";
import { BENCH_START_TIME, calldataStats, createGasBench, type GasRow } from "../../lib/gas/harness";

/** Finite allowances, as the conditions say. */
const ALLOWANCE = parseUnits("1000000000", 18);
const TOKENS = parseUnits("1000", 18);
const ONE = parseEther("1");
const DAY = 86_400n;
const DURATION = 30n * DAY;
const GRACE = 3n * DAY;
const ERC20 = 0;
const ERC721 = 1;
const FIXED = 0;
const PRO_RATED = 1;

type Terms = ILending.TermsStruct;
type Offer = ILending.OfferStruct;
type Request = ILending.RequestStruct;

/**
 * Measures the Lending operations under the issue's conditions: full receipt, warm contract, the second loan of its
 * kind (each scenario runs twice, the second run recorded), finite allowances set, every recipient already holding
 * ETH, both tokens and an NFT of the collection, fee off. Standing loans between the parties, never ended, keep every
 * party's position count and the contract's collateral balances above zero, and the signers' nonces share one bitmap
 * word, so no measured operation writes a slot a first use would create or empties one a later use refills. Rows:
 * `lending.<erc20|eth>.<operation>`, and `….floor` beside each row with a target.
 */
export async function measureLendingGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.gas.lending.");
  const { tick, step, second, wallet } = bench;
  const owner = wallet("owner");
  const lender = wallet("lender");
  const newLender = wallet("newLender");
  const borrower = wallet("borrower");
  const keeper = wallet("keeper");
  const buyer = wallet("buyer");
  await bench.fund([owner, lender, newLender, borrower, keeper, buyer]);

  await tick();
  const auctions = await new Auctions__factory(owner).deploy(owner.address);
  await auctions.waitForDeployment();
  await tick();
  const lending = await new Lending__factory(owner).deploy(await auctions.getAddress());
  await lending.waitForDeployment();
  await tick();
  const usd = await new MockERC20__factory(owner).deploy("PeerPay Loan Token", "PLT", 18);
  await usd.waitForDeployment();
  await tick();
  const wbtc = await new MockERC20__factory(owner).deploy("PeerPay Collateral Token", "PCT", 18);
  await wbtc.waitForDeployment();
  await tick();
  const nft = await new AuctionNFT__factory(owner).deploy();
  await nft.waitForDeployment();
  const lendingAddress = await lending.getAddress();
  const auctionsAddress = await auctions.getAddress();
  const usdAddress = await usd.getAddress();
  const wbtcAddress = await wbtc.getAddress();
  const nftAddress = await nft.getAddress();

  // Every party holds both tokens and an NFT; lenders and the borrower approved finite allowances, the borrower the
  // collection, the buyer Auctions.
  let nextNft = 1n;
  for (const h of [owner, lender, newLender, borrower, keeper, buyer]) {
    await step(null, () => usd.connect(owner).mint(h.address, parseUnits("1000000", 18)));
    await step(null, () => wbtc.connect(owner).mint(h.address, parseUnits("1000000", 18)));
    await step(null, () => nft.connect(owner).mint(h.address, nextNft++));
  }
  for (const h of [lender, newLender, borrower]) {
    await step(null, () => usd.connect(h).approve(lendingAddress, ALLOWANCE));
    await step(null, () => wbtc.connect(h).approve(lendingAddress, ALLOWANCE));
  }
  await step(null, () => nft.connect(borrower).setApprovalForAll(lendingAddress, true));
  await step(null, () => usd.connect(buyer).approve(auctionsAddress, ALLOWANCE));

  const nonces = new Map<string, bigint>();
  const nonceOf = (w: Wallet): bigint => {
    const n = (nonces.get(w.address) ?? 0n) + 1n;
    nonces.set(w.address, n);
    return n;
  };
  const termsOf = (over: Partial<Terms> = {}): Terms => ({
    principalToken: usdAddress,
    principal: TOKENS,
    collateralToken: wbtcAddress,
    collateralAmount: 2n * ONE,
    collateralId: 0n,
    collateralKind: ERC20,
    interestKind: FIXED,
    interest: 50n * ONE,
    duration: DURATION,
    gracePeriod: GRACE,
    feeBps: 0n,
    feeRecipient: ZeroAddress,
    saleStartBps: 0n,
    saleFloorBps: 0n,
    saleDuration: 0n,
    saleFloorDuration: 0n,
    ...over,
  });
  const nftTerms = (collateralId: bigint, over: Partial<Terms> = {}): Terms =>
    termsOf({ collateralToken: nftAddress, collateralAmount: 0n, collateralId, collateralKind: ERC721, ...over });
  const newNft = async (): Promise<bigint> => {
    const id = nextNft++;
    await step(null, () => nft.connect(owner).mint(borrower.address, id));
    return id;
  };
  // Signed as the SDK signs (signTypedData: 65 bytes); RFC 6979 makes the bytes, and so the gas, the same each run.
  const offerOf = (from: Wallet, terms: Terms, over: Partial<Offer> = {}): Offer => ({
    lender: from.address,
    borrower: ZeroAddress,
    terms,
    anyCollateralId: false,
    refinances: 0n,
    nonce: nonceOf(from),
    expiry: bench.now() + DAY,
    ...over,
  });
  const signOffer = async (from: Wallet, offer: Offer) => {
    const digest = await lending.offerDigest(offer);
    return { signature: from.signingKey.sign(digest).serialized, loanId: BigInt(digest) & ~1n };
  };
  const requestOf = (terms: Terms): Request => ({
    borrower: borrower.address,
    lender: ZeroAddress,
    terms,
    refinances: 0n,
    nonce: nonceOf(borrower),
    expiry: bench.now() + DAY,
  });
  /** The borrower accepts an offer of `from` (measured as `measured`); returns the loan id. */
  const accept = async (measured: Parameters<typeof step>[0], terms: Terms, from: Wallet = lender): Promise<bigint> => {
    const offer = offerOf(from, terms);
    const { signature, loanId } = await signOffer(from, offer);
    await step(measured, () => lending.connect(borrower).acceptOffer(offer, signature, terms.collateralId));
    return loanId;
  };
  const row = (key: string, label: string, asset: "ETH" | "ERC20" | "-") => ({
    key,
    label: `lending: ${label}`,
    asset,
  });

  // Standing loans, never ended: the lender's, the new lender's and the borrower's position counts never return to
  // zero, and the contract always holds the collateral token and an NFT of the collection.
  const standing = { duration: 4n * 365n * DAY };
  await accept(null, termsOf(standing));
  await accept(null, termsOf(standing), newLender);
  await accept(null, nftTerms(await newNft(), standing));

  // ---- ERC20 principal and ERC20 collateral, fixed interest: accept, half repaid, then the rest.
  await second(async (m) => {
    const t = termsOf();
    const id = await accept(
      m ? row("lending.erc20.acceptOffer", "accept an offer (ERC20 collateral)", "ERC20") : null,
      t,
    );
    bench.advance(10n * DAY);
    await step(m ? row("lending.erc20.repay.partial.fixed", "partial repayment, fixed interest", "ERC20") : null, () =>
      lending.connect(borrower).repay(t, id, TOKENS / 2n),
    );
    bench.advance(10n * DAY);
    await step(
      m ? row("lending.erc20.repay.full", "full repayment, fixed interest (collateral back)", "ERC20") : null,
      () => lending.connect(borrower).repay(t, id, TOKENS),
    );
  });
  // ---- pro-rated interest (10% a year): a partial repayment pays the accrued interest and part of the principal.
  await second(async (m) => {
    const t = termsOf({ interestKind: PRO_RATED, interest: 1_000n });
    const id = await accept(null, t);
    bench.advance(10n * DAY);
    await step(
      m ? row("lending.erc20.repay.partial.proRated", "partial repayment, pro-rated interest", "ERC20") : null,
      () => lending.connect(borrower).repay(t, id, TOKENS / 2n),
    );
    bench.advance(10n * DAY);
    await step(m ? row("lending.erc20.repay.full.proRated", "full repayment, pro-rated interest", "ERC20") : null, () =>
      lending.connect(borrower).repay(t, id, 2n * TOKENS),
    );
  });
  // ---- ERC721 collateral: accept, then repaid in full (the NFT back).
  await second(async (m) => {
    const t = nftTerms(await newNft());
    const id = await accept(
      m ? row("lending.erc20.acceptOffer.erc721", "accept an offer (ERC721 collateral)", "ERC20") : null,
      t,
    );
    bench.advance(10n * DAY);
    await step(
      m ? row("lending.erc20.repay.full.erc721", "full repayment, ERC721 collateral back", "ERC20") : null,
      () => lending.connect(borrower).repay(t, id, 2n * TOKENS),
    );
  });
  // ---- default: the lender claims the collateral after the grace period.
  for (const kind of ["erc20", "erc721"] as const) {
    await second(async (m) => {
      const t = kind === "erc20" ? termsOf() : nftTerms(await newNft());
      const id = await accept(null, t);
      bench.advance(DURATION + GRACE);
      const key = kind === "erc20" ? "lending.erc20.claim" : "lending.erc20.claim.erc721";
      await step(m ? row(key, `default claim (${kind.toUpperCase()} collateral to the lender)`, "ERC20") : null, () =>
        lending.connect(lender).claim(t, id, lender.address),
      );
    });
  }
  // ---- refinance: ten days into a pro-rated loan, the borrower takes a new lender's offer of the same principal at
  // half the rate; the new principal pays the old lender, the borrower pays the accrued interest (the shortfall).
  await second(async (m) => {
    const t = termsOf({ interestKind: PRO_RATED, interest: 1_000n });
    const id = await accept(null, t);
    bench.advance(10n * DAY);
    const newTerms = termsOf({ interestKind: PRO_RATED, interest: 500n });
    const offer = offerOf(newLender, newTerms, { borrower: borrower.address, refinances: id });
    const { signature } = await signOffer(newLender, offer);
    await step(
      m
        ? row(
            "lending.erc20.refinanceWithOffer",
            "refinance with a new lender's offer (borrower pays the interest)",
            "ERC20",
          )
        : null,
      () => lending.connect(borrower).refinanceWithOffer(t, id, offer, signature, TOKENS),
    );
  });
  // ---- ETH principal: a request accepted by the lender (msg.value), an offer lent from the lender's deposit.
  await second(async (m) => {
    const t = termsOf({ principalToken: ZeroAddress, principal: ONE, interest: ONE / 20n });
    const request = requestOf(t);
    const signature = borrower.signingKey.sign(await lending.requestDigest(request)).serialized;
    await step(m ? row("lending.eth.acceptRequest", "accept a request, ETH principal (msg.value)", "ETH") : null, () =>
      lending.connect(lender).acceptRequest(request, signature, { value: ONE }),
    );
    await step(null, () => lending.connect(lender).deposit({ value: ONE }));
    await accept(
      m ? row("lending.eth.acceptOffer.deposit", "accept an ETH offer (from the lender's deposit)", "ETH") : null,
      t,
    );
  });
  // ---- a defaulted loan with sale terms: anyone lists the collateral on Auctions, a buyer takes it, anyone settles.
  await second(async (m) => {
    const t = termsOf({
      saleStartBps: 15_000n,
      saleFloorBps: 8_000n,
      saleDuration: DAY,
      saleFloorDuration: DAY,
    });
    const id = await accept(null, t);
    bench.advance(DURATION + GRACE);
    await step(m ? row("lending.erc20.startSale", "start a collateral sale (Dutch auction)", "ERC20") : null, () =>
      lending.connect(keeper).startSale(t, id),
    );
    const { auctionId } = await lending.saleOf(id);
    bench.advance(DAY / 2n);
    await step(null, () => auctions.connect(buyer).buy(auctionId));
    await step(
      m ? row("lending.erc20.settleSale", "settle a sold collateral sale (proceeds split)", "ERC20") : null,
      () => lending.connect(keeper).settleSale(t, id),
    );
  });

  // ---- floors (docs/lending.md §12): what each targeted operation must pay in this design whatever the code. The
  // tokens' work is measured: a `transferFrom` by a spender with a finite allowance between two holders, a `transfer`
  // between holders, an NFT's `transferFrom` by an operator approved for all; a contract calling a token pays its cold
  // access (2,600: `check` reads the tokens' code first). Slots: a cold read 2,100, a rewrite 2,900, a new slot
  // 20,000 + its cold read, a slot cleared refunds 4,800. A position count read and rewritten is 5,000.
  const work = async (tx: () => Promise<ContractTransactionResponse>): Promise<number> => {
    const r = await step(null, tx);
    const sent = await hre.ethers.provider.getTransaction(r.hash);
    const c = calldataStats(sent!.data);
    return Number(r.gasUsed) - 21_000 - (c.zero * 4 + c.nonZero * 16);
  };
  await step(null, () => usd.connect(lender).approve(keeper.address, ALLOWANCE));
  const pull = await work(() => usd.connect(keeper).transferFrom(lender.address, borrower.address, 1n));
  const push = await work(() => wbtc.connect(keeper).transfer(borrower.address, 1n));
  const spare = await newNft();
  await step(null, () => nft.connect(borrower).setApprovalForAll(keeper.address, true));
  const nftPull = await work(() => nft.connect(keeper).transferFrom(borrower.address, lender.address, spare));
  const cold = 2_100;
  const rewrite = 2_900;
  const slot = cold + rewrite;
  const fresh = 22_100;
  const cleared = rewrite - 4_800;
  const coldToken = 2_600;
  const ecrecover = 3_000;
  // keccak of the 17-word Terms struct (the stored hash every call checks).
  const termsHash = 30 + 6 * 17;
  // A log: 375, 375 a topic (the signature's included), 8 a data byte.
  const log = (topics: number, words: number) => 375 + topics * 375 + words * 32 * 8;
  // ERC-721 Transfer(from, to, id): four topics.
  const transferLog = log(4, 0);
  // LoanStarted and Refinanced: three indexed arguments, the terms (16 words) and two more words.
  const termsLog = log(4, 18);
  // Repaid(loanId, payer; payment, interestPaid, fee, outstanding).
  const repaidLog = log(3, 4);
  // Accepting: three fresh loan slots, the two position counts, the signer's nonce word, the signature, both positions'
  // Transfer logs and LoanStarted.
  const open = 3 * fresh + 2 * slot + slot + ecrecover + termsHash + 2 * transferLog + termsLog;
  // Ending: the loan's slots read, slot 0 rewritten (status), slot 1 cleared, both position counts, both burns' logs.
  const end = 3 * cold + rewrite + cleared + 2 * slot + 2 * transferLog + termsHash;
  const floors: [string, string, number][] = [
    ["lending.erc20.acceptOffer", "accept (ERC20 collateral)", open + 2 * (coldToken + pull)],
    ["lending.erc20.acceptOffer.erc721", "accept (ERC721 collateral)", open + coldToken + nftPull + coldToken + pull],
    // The loan's three slots read, `outstanding` rewritten, the payment pulled to the lender, Repaid.
    [
      "lending.erc20.repay.partial.fixed",
      "partial repayment, fixed interest",
      3 * cold + rewrite + termsHash + coldToken + pull + repaidLog,
    ],
    // The same and the checkpoint rewritten.
    [
      "lending.erc20.repay.partial.proRated",
      "partial repayment, pro-rated interest",
      3 * cold + 2 * rewrite + termsHash + coldToken + pull + repaidLog,
    ],
    // The payment pulled, the collateral back, Repaid and LoanRepaid(loanId).
    ["lending.erc20.repay.full", "full repayment", end + coldToken + pull + coldToken + push + repaidLog + log(2, 0)],
    // The collateral to the lender, CollateralClaimed(loanId, lender; to).
    ["lending.erc20.claim", "default claim", end + coldToken + push + log(3, 1)],
    // The loan's three slots read and rewritten, the new lender's nonce word, its signature, the lender token's
    // approval read, its burn and mint (two counts, two logs), the old and the new terms hashed, two pulls to the old
    // lender (the second finds the token and the old lender's balance warm: 100 and a dirty write instead of 2,600
    // and 5,000), Refinanced.
    [
      "lending.erc20.refinanceWithOffer",
      "refinance with an offer",
      3 * slot +
        slot +
        ecrecover +
        cold +
        2 * slot +
        2 * transferLog +
        2 * termsHash +
        coldToken +
        pull +
        100 +
        pull -
        4_900 +
        termsLog,
    ],
  ];
  const calldataGas = (r: GasRow) => r.calldataZeroBytes * 4 + r.calldataNonZeroBytes * 16;
  for (const [key, label, rest] of floors) {
    const measured = bench.rows.find((r) => r.key === key);
    if (measured === undefined) throw new Error(`no row ${key}`);
    bench.rows.push({
      key: `${key}.floor`,
      label: `lending: floor of the ${label}`,
      asset: measured.asset,
      gas: 21_000 + calldataGas(measured) + rest,
      calldataBytes: measured.calldataBytes,
      calldataZeroBytes: measured.calldataZeroBytes,
      calldataNonZeroBytes: measured.calldataNonZeroBytes,
    });
  }
  return bench.rows;
}
