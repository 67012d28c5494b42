// The generated actions of the Auctions property test (test/auctions/Auctions.property.test.ts), its world (the
// contract, the blocklisting bid token, the NFT collection, the parties) and the decoder of its errors.
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { Auctions__factory, BlocklistToken__factory } from "../../typechain-types";
import { errorsInterface } from "./property";
import { Kind } from "./auctions";
export const ACCT = 3; // MockAccount: refuses ETH while `rejectEth`, never accepts an NFT
export const CAROL = 2; // blocklisted by the bid token
export const ONE = 10n ** 18n;

export type Action =
  | { t: "create"; kind: Kind; seller: 0 | 1; eth: boolean; reserve: bigint; step: bigint; d1: number; d2: number }
  | { t: "bid"; pick: number; who: number; over: bigint; credit: boolean; badValue: boolean; jump: number }
  | { t: "buy"; pick: number; who: number; extra: bigint; jump: number }
  | { t: "commit"; pick: number; who: number; amount: bigint; cover: bigint }
  | { t: "reveal"; pick: number; who: number; wrongSalt: boolean; jump: number }
  | { t: "reclaim" | "settle" | "claimLot"; pick: number; who: number; jump: number }
  | { t: "cancel"; pick: number; bySeller: boolean }
  | { t: "withdraw"; who: number; eth: boolean }
  | { t: "setFee"; bps: bigint }
  | { t: "collect"; eth: boolean }
  | { t: "donate" | "force" | "donateNft"; amount: bigint }
  | { t: "rejectEth"; on: boolean }
  | { t: "warp"; seconds: number };

const who = fc.integer({ min: 0, max: 3 });
const pick = fc.nat(40);
const small = fc.bigInt({ min: 0n, max: 3n * ONE });
/** -1, 0, 1: first jump to the action's deadline + this (t-1, t, t+1); otherwise stay. */
const jump = fc.integer({ min: -1, max: 4 });
export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("create" as const),
      kind: fc.constantFrom(Kind.English, Kind.Dutch, Kind.Sealed),
      seller: fc.constantFrom(0 as const, 1 as const),
      eth: fc.boolean(),
      reserve: fc.oneof(fc.constant(0n), small),
      step: fc.bigInt({ min: 0n, max: 2_000n }),
      d1: fc.integer({ min: 1, max: 2_000 }),
      d2: fc.integer({ min: 0, max: 2_000 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant("bid" as const),
      pick,
      who,
      over: fc.oneof(fc.constant(0n), fc.constant(-1n), small),
      credit: fc.boolean(),
      badValue: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      jump,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant("buy" as const), pick, who, extra: fc.oneof(fc.constant(-1n), small), jump }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant("commit" as const),
      pick,
      who,
      amount: small,
      cover: fc.bigInt({ min: -1n, max: ONE }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant("reveal" as const),
      pick,
      who,
      wrongSalt: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      jump,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constantFrom("reclaim" as const, "settle" as const, "claimLot" as const),
      pick,
      who,
      jump,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("cancel" as const), pick, bySeller: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("withdraw" as const), who, eth: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("setFee" as const), bps: fc.bigInt({ min: 0n, max: 600n }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("collect" as const), eth: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constantFrom("donate" as const, "force" as const, "donateNft" as const),
      amount: fc.bigInt({ min: 1n, max: ONE }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("rejectEth" as const), on: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("warp" as const), seconds: fc.integer({ min: 1, max: 300 }) }) },
);

export async function world() {
  const [owner, alice, bob, carol, acctOwner, seller] = await ethers.getSigners();
  const auctions = await ethers.deployContract("Auctions", [owner.address]);
  const address = await auctions.getAddress();
  const token = await ethers.deployContract("BlocklistToken");
  const nft = await ethers.deployContract("AuctionNFT");
  const acct = await ethers.deployContract("MockAccount", [acctOwner.address], { value: 1_000n * ONE });
  const acctAddress = await acct.getAddress();
  for (const s of [alice, bob, carol, seller]) {
    await token.mint(s.address, 10n ** 24n);
    await token.connect(s).approve(address, ethers.MaxUint256);
    await nft.connect(s).setApprovalForAll(address, true);
  }
  await token.mint(acctAddress, 10n ** 24n);
  await acct
    .connect(acctOwner)
    .execute(await token.getAddress(), 0n, token.interface.encodeFunctionData("approve", [address, ethers.MaxUint256]));
  await token.setBlocked(carol.address, true);
  await network.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  await network.provider.send("evm_mine", []);
  const actors = [alice, bob, carol];
  const addresses = [alice.address, bob.address, carol.address, acctAddress];
  return { owner, alice, seller, carol, acctOwner, auctions, address, token, nft, acct, actors, addresses };
}
export type World = Awaited<ReturnType<typeof world>>;

export const errors = errorsInterface(
  [Auctions__factory.createInterface(), BlocklistToken__factory.createInterface()],
  ["error ReentrancyGuardReentrantCall()"],
);
