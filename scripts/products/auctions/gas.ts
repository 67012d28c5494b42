// Auctions' gas scenarios (docs/auctions.md §10): creation of each kind, English bids (first, outbid, extending,
// from credit, ERC20), settles (ERC721 lot, fee off and on, ETH and ERC20 bids), Dutch buys, the sealed-bid cycle, and
// the floors of the three targeted rows. The scenario and determinism: scripts/lib/gas/harness.ts.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  AbiCoder,
  ZeroAddress,
  keccak256,
  parseEther,
  parseUnits,
  type ContractTransactionResponse,
  type Wallet,
} from "ethers";
import { AuctionNFT__factory, Auctions__factory, MockERC20__factory } from "../../../typechain-types";
import { BENCH_START_TIME, calldataStats, createGasBench, type GasRow } from "../../lib/gas/harness";

/** Finite allowances, as the conditions say. */
const ALLOWANCE = parseUnits("1000000000", 18);
const ONE = parseEther("1");
const TOKENS = parseUnits("1000", 18);
const HOUR = 3_600n;
const FEE_BPS = 250n;
const ERC721 = 0;

/**
 * Measures every Auctions operation under the conditions: full receipt, warm contract, the second operation of
 * its kind (each scenario runs twice, the second run is recorded), bidders, sellers and winners already holding ETH,
 * the bid token and an NFT of the lot's collection, finite allowances set, the contract holding other lots (so its
 * NFT balance never returns to zero). Rows `auctions.<eth|erc20>.<kind>.<operation>[.feeOn]`, `….floor` beside the
 * targeted rows.
 */
export async function measureAuctionGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.gas.auctions.");
  const { tick, step, second, wallet } = bench;
  const owner = wallet("owner");
  const seller = wallet("seller");
  const alice = wallet("alice");
  const bob = wallet("bob");
  const keeper = wallet("keeper");
  await bench.fund([owner, seller, alice, bob, keeper]);

  await tick();
  const auctions = await new Auctions__factory(owner).deploy(owner.address);
  await auctions.waitForDeployment();
  await tick();
  const nft = await new AuctionNFT__factory(owner).deploy();
  await nft.waitForDeployment();
  await tick();
  const token = await new MockERC20__factory(owner).deploy("PeerPay Bid Token", "PBT", 18);
  await token.waitForDeployment();
  const auctionsAddress = await auctions.getAddress();
  const nftAddress = await nft.getAddress();
  const tokenAddress = await token.getAddress();

  // Every party holds the bid token and an NFT; the seller approves the collection, bidders a finite allowance.
  let nextNft = 1n;
  for (const h of [seller, alice, bob, keeper, owner]) {
    await step(null, () => token.connect(owner).mint(h.address, parseUnits("1000000", 18)));
    await step(null, () => nft.connect(owner).mint(h.address, nextNft++));
  }
  for (const h of [alice, bob]) await step(null, () => token.connect(h).approve(auctionsAddress, ALLOWANCE));
  await step(null, () => token.connect(seller).approve(auctionsAddress, ALLOWANCE));
  await step(null, () => nft.connect(seller).setApprovalForAll(auctionsAddress, true));

  const lot = async () => {
    const id = nextNft++;
    await step(null, () => nft.connect(owner).mint(seller.address, id));
    return { kind: ERC721, token: nftAddress, id, amount: 1n };
  };
  const row = (key: string, label: string, asset: "ETH" | "ERC20" | "-") => ({
    key,
    label: `auctions: ${label}`,
    asset,
  });
  const english = async (bidToken: string, m: boolean, asset: "ETH" | "ERC20") => {
    const l = await lot();
    const prefix = asset === "ETH" ? "auctions.eth" : "auctions.erc20";
    const params = { bidToken, reserve: 1n, incrementBps: 100n, duration: 24n * HOUR, extension: 600n };
    await step(m ? row(`${prefix}.english.create`, "create an English auction of an ERC721", asset) : null, () =>
      auctions.connect(seller).createEnglish(l, params),
    );
    return (await auctions.nextAuctionId()) - 1n;
  };
  const value = (asset: "ETH" | "ERC20", amount: bigint) => (asset === "ETH" ? amount : 0n);
  const amountOf = (asset: "ETH" | "ERC20") => (asset === "ETH" ? ONE : TOKENS);

  // A lot that stays escrowed for the whole run: the contract's NFT balance never drops to zero.
  // A lot that stays escrowed for the whole run (the contract's NFT balance never drops to zero), and a standing
  // ERC20 bid (the contract's token balance neither: it is a recipient already holding a balance).
  const standing = await english(tokenAddress, false, "ERC20");
  await step(null, () => auctions.connect(alice).bid(standing, TOKENS, 0n));

  const setFee = async (bps: bigint) => step(null, () => auctions.connect(owner).setFee(bps, owner.address));
  for (const fee of [0n, FEE_BPS]) {
    await setFee(fee);
    const suffix = fee === 0n ? "" : ".feeOn";
    const feeLabel = fee === 0n ? "" : `, fee ${fee} bps`;
    for (const asset of ["ETH", "ERC20"] as const) {
      const prefix = asset === "ETH" ? "auctions.eth" : "auctions.erc20";
      const bidToken = asset === "ETH" ? ZeroAddress : tokenAddress;
      const a = amountOf(asset);
      await second(async (m) => {
        const id = await english(bidToken, m && fee === 0n, asset);
        const measure = (key: string, label: string) => (m ? row(`${prefix}.english.${key}`, label, asset) : null);
        await step(fee === 0n ? measure("bid.first", "first bid (starts the timer)") : null, () =>
          auctions.connect(alice).bid(id, a, 0n, { value: value(asset, a) }),
        );
        await step(fee === 0n ? measure("bid.outbid", "bid that outbids (refund pushed)") : null, () =>
          auctions.connect(bob).bid(id, 2n * a, 0n, { value: value(asset, 2n * a) }),
        );
        bench.advance(24n * HOUR - 300n);
        await step(fee === 0n ? measure("bid.extending", "outbid in the last minutes (extends the end)") : null, () =>
          auctions.connect(alice).bid(id, 3n * a, 0n, { value: value(asset, 3n * a) }),
        );
        bench.advance(600n);
        await step(measure(`settle.erc721${suffix}`, `settle an ERC721 lot${feeLabel}`), () =>
          auctions.connect(keeper).settle(id),
        );
      });
      await second(async (m) => {
        const l = await lot();
        const params = { bidToken, startPrice: 2n * a, floorPrice: a, duration: HOUR, floorDuration: HOUR };
        await step(
          m && fee === 0n ? row(`${prefix}.dutch.create`, "create a Dutch auction of an ERC721", asset) : null,
          () => auctions.connect(seller).createDutch(l, params),
        );
        const id = (await auctions.nextAuctionId()) - 1n;
        bench.advance(HOUR / 2n);
        // ETH: the buyer sends the start price, the excess comes back (AU-D2).
        await step(
          m ? row(`${prefix}.dutch.buy.erc721${suffix}`, `Dutch buy of an ERC721 lot${feeLabel}`, asset) : null,
          () => auctions.connect(bob).buy(id, { value: value(asset, 2n * a) }),
        );
      });
    }
  }
  await setFee(0n);

  // ---- sealed bid, ETH.
  const salt = (n: bigint) => keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [n]));
  await second(async (m) => {
    const l = await lot();
    const params = { bidToken: ZeroAddress, reserve: 1n, commitDuration: HOUR, revealDuration: HOUR };
    await step(m ? row("auctions.eth.sealed.create", "create a sealed-bid auction of an ERC721", "ETH") : null, () =>
      auctions.connect(seller).createSealed(l, params),
    );
    const id = (await auctions.nextAuctionId()) - 1n;
    const bids: [Wallet, bigint][] = [
      [alice, ONE],
      [bob, 2n * ONE],
    ];
    for (const [i, [w, amount]] of bids.entries()) {
      const hash = await auctions.commitHashOf(id, w.address, amount, salt(BigInt(i)));
      await step(i === 1 && m ? row("auctions.eth.sealed.commit", "commit (deposit 3 ETH)", "ETH") : null, () =>
        auctions.connect(w).commit(id, hash, 3n * ONE, { value: 3n * ONE }),
      );
    }
    bench.advance(HOUR);
    for (const [i, [w, amount]] of bids.entries()) {
      await step(i === 1 && m ? row("auctions.eth.sealed.reveal", "reveal (becomes the highest)", "ETH") : null, () =>
        auctions.connect(w).reveal(id, amount, salt(BigInt(i))),
      );
    }
    bench.advance(HOUR);
    await step(
      m ? row("auctions.eth.sealed.settle.erc721", "settle at the second price (ERC721 lot)", "ETH") : null,
      () => auctions.connect(keeper).settle(id),
    );
    await step(m ? row("auctions.eth.sealed.reclaim", "a revealed loser reclaims its deposit", "ETH") : null, () =>
      auctions.connect(alice).reclaim(id),
    );
  });

  // ---- floors (docs/auctions.md §10): what each targeted operation must pay whatever the code. The token's work of
  // moving one NFT is measured by its owner's `transferFrom` to a holder (an EOA caller: minus its base and calldata);
  // a contract calling it pays the token account's cold access (2,600) and, for `safeTransferFrom` to a cold EOA, the
  // receiver's code check (2,600; 100 when the receiver is the warm caller).
  const spare = nextNft++;
  await step(null, () => nft.connect(owner).mint(keeper.address, spare));
  const plain = await step(null, () => nft.connect(keeper).transferFrom(keeper.address, alice.address, spare));
  const plainTx = await hre.ethers.provider.getTransaction(plain.hash);
  const plainStats = calldataStats(plainTx!.data);
  const nftWork = Number(plain.gasUsed) - 21_000 - (plainStats.zero * 4 + plainStats.nonZero * 16);
  // The bid token's work: a `transferFrom` by a spender with a finite allowance between two holders, and a
  // `transfer` to a holder (EOA callers: minus base and calldata).
  await step(null, () => token.connect(alice).approve(keeper.address, ALLOWANCE));
  const tokenWork = async (tx: () => Promise<ContractTransactionResponse>) => {
    const r = await step(null, tx);
    const t = await hre.ethers.provider.getTransaction(r.hash);
    const c = calldataStats(t!.data);
    return Number(r.gasUsed) - 21_000 - (c.zero * 4 + c.nonZero * 16);
  };
  const pullWork = await tokenWork(() => token.connect(keeper).transferFrom(alice.address, bob.address, 1n));
  const sendWork = await tokenWork(() => token.connect(keeper).transfer(seller.address, 1n));
  const calldataGas = (r: GasRow) => r.calldataZeroBytes * 4 + r.calldataNonZeroBytes * 16;
  const byKey = (key: string): GasRow => {
    const found = bench.rows.find((r) => r.key === key);
    if (found === undefined) throw new Error(`no row ${key}`);
    return found;
  };
  const cold = 2_100;
  const rewrite = 2_900;
  // An ETH push to a cold EOA: access 2,600 + value 9,000 − the 2,300 stipend it does not use.
  const pushCold = 9_300;
  const pushWarm = 6_700;
  // LOG3 (signature, auction id, party) with two data words.
  const event3 = 375 + 3 * 375 + 2 * 32 * 8;
  const nftOut = (receiverWarm: boolean) => 2_600 + nftWork + (receiverWarm ? 100 : 2_600);
  const floors: [string, string, number][] = [
    // One slot read (the bid token and end), the highest-bid slot rewritten, the refund pushed, BidPlaced.
    ["auctions.eth.english.bid.outbid", "English ETH outbid", cold + cold + rewrite + pushCold + event3],
    // Five slots read (state/end/token, winner/amount, seller, lot token, lot id), the state rewritten, the seller
    // paid, the NFT moved to the cold winner, AuctionSettled.
    [
      "auctions.eth.english.settle.erc721",
      "English settle of an ERC721",
      5 * cold + rewrite + pushCold + nftOut(false) + event3,
    ],
    // With the fee on: the fee counter rewritten as well.
    [
      "auctions.eth.english.settle.erc721.feeOn",
      "English settle of an ERC721, fee on",
      5 * cold + 2 * rewrite + cold + pushCold + nftOut(false) + event3,
    ],
    // Five slots read (the three Dutch slots, lot token, lot id), the state rewritten and the price recorded (AU-D4:
    // a second slot rewritten), the seller paid, the excess pushed back to the warm buyer, the NFT moved to the warm
    // buyer, AuctionSettled.
    [
      "auctions.eth.dutch.buy.erc721",
      "Dutch buy of an ERC721",
      5 * cold + 2 * rewrite + pushCold + pushWarm + nftOut(true) + event3,
    ],
    [
      "auctions.eth.dutch.buy.erc721.feeOn",
      "Dutch buy of an ERC721, fee on",
      5 * cold + 3 * rewrite + cold + pushCold + pushWarm + nftOut(true) + event3,
    ],
    // ERC20 bids: the buyer's tokens pulled (cold token) and the seller paid by `transfer` (warm token) instead of
    // the two ETH legs; no excess to return. In a buy the contract's balance slot is written twice: the transfer out
    // pays 100 for it instead of a cold rewrite (2,100 + 2,900), hence the − 4,900.
    [
      "auctions.erc20.english.settle.erc721.feeOn",
      "English settle of an ERC721 (ERC20 bids), fee on",
      5 * cold + 2 * rewrite + cold + 2_600 + sendWork + nftOut(false) + event3,
    ],
    [
      "auctions.erc20.dutch.buy.erc721",
      "Dutch buy of an ERC721 (ERC20 bids)",
      5 * cold + 2 * rewrite + 2_600 + pullWork + 100 + sendWork - 4_900 + nftOut(true) + event3,
    ],
    [
      "auctions.erc20.dutch.buy.erc721.feeOn",
      "Dutch buy of an ERC721 (ERC20 bids), fee on",
      5 * cold + 3 * rewrite + cold + 2_600 + pullWork + 100 + sendWork - 4_900 + nftOut(true) + event3,
    ],
  ];
  for (const [key, label, rest] of floors) {
    const measured = byKey(key);
    bench.rows.push({
      key: `${key}.floor`,
      label: `auctions: floor of the ${label}`,
      asset: measured.asset,
      gas: 21_000 + calldataGas(measured) + rest,
      calldataBytes: measured.calldataBytes,
      calldataZeroBytes: measured.calldataZeroBytes,
      calldataNonZeroBytes: measured.calldataNonZeroBytes,
    });
  }
  return bench.rows;
}
