// The generated actions of the Lending property test (test/lending/Lending.property.test.ts), its world (Auctions
// with a lot fee, Lending selling on it, a blocklisting principal token, a blocklisting collateral token, an NFT
// collection, four parties and a fee recipient) and the decoder of its errors.
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { Auctions__factory, BlocklistToken__factory, Lending__factory } from "../../typechain-types";
import { errorsInterface } from "./property";
import { shareArbWith, type Share } from "./property-runner";

export const ONE = 10n ** 18n;
/** Auctions' lot fee in the world (so a sale's proceeds are the price less it, LN-D4). */
export const AUCTION_FEE_BPS = 100n;
export const ACTORS = 4;

export type Flaw = null | "expired" | "reuse" | "self" | "wrongCaller";
/** A loan reference: 0..7 among the loans the action can act on, 8..15 any loan; negative: the k-th newest. */
export type LoanPick = number;

export interface TermsChoice {
  eth: boolean;
  nft: boolean;
  pro: boolean;
  fee: boolean;
  sale: boolean;
  principal: number;
  dur: number;
  grace: number;
}

export type Action =
  | ({
      t: "offer" | "request";
      signer: number;
      caller: number;
      anyId: boolean;
      open: boolean;
      flaw: Flaw;
      fund: boolean;
    } & TermsChoice)
  | {
      t: "repay";
      pick: LoanPick;
      payer: number;
      mode: "share" | "belowInterest" | "interestOnly" | "over";
      share: Share;
    }
  | { t: "transfer"; pick: LoanPick; lenderSide: boolean; byHolder: boolean; to: number }
  | { t: "claim" | "withdrawCollateral"; pick: LoanPick; byHolder: boolean; to: number }
  | { t: "startSale" | "settleSale"; pick: LoanPick; by: number }
  | { t: "buy"; pick: LoanPick; by: number; extra: bigint }
  | ({
      t: "refiOffer" | "refiRequest";
      pick: LoanPick;
      newLender: number;
      share: Share;
      above: boolean;
      pay: Share;
      flaw: Flaw;
      fund: boolean;
    } & Pick<TermsChoice, "pro" | "fee" | "sale" | "dur" | "grace">)
  | { t: "deposit"; who: number; amount: bigint }
  | { t: "withdrawDeposit"; who: number; share: Share; toSelf: boolean }
  | { t: "withdraw"; who: number; eth: boolean }
  | { t: "cancel"; who: number; below: boolean; k: number }
  | { t: "block"; who: number; collateral: boolean; on: boolean }
  | { t: "donate"; what: "P" | "C" | "ETH" | "NFT"; amount: bigint }
  | { t: "warp"; pick: LoanPick; where: number; secs: number };

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
/** An actor, or 4: the fee recipient (a party that never signs). */
const anyone = fc.integer({ min: 0, max: ACTORS });
const pick = fc.integer({ min: 0, max: 15 });
const flaw: fc.Arbitrary<Flaw> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom<Flaw>("expired", "reuse", "self", "wrongCaller") },
);
const terms = {
  pro: fc.boolean(),
  fee: fc.boolean(),
  sale: fc.boolean(),
  dur: fc.integer({ min: 0, max: 3 }),
  grace: fc.integer({ min: 0, max: 2 }),
};

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constantFrom("offer" as const, "request" as const),
      signer: actor,
      caller: actor,
      anyId: fc.boolean(),
      open: fc.boolean(),
      flaw,
      fund: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      eth: fc.boolean(),
      nft: fc.boolean(),
      principal: fc.integer({ min: 1, max: 5 }),
      ...terms,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("repay" as const),
      pick,
      payer: fc.integer({ min: -2, max: ACTORS }),
      mode: fc.constantFrom(
        "share" as const,
        "share" as const,
        "belowInterest" as const,
        "interestOnly" as const,
        "over" as const,
      ),
      share: shareArbWith(3),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("transfer" as const),
      pick,
      lenderSide: fc.boolean(),
      byHolder: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      to: fc.integer({ min: -1, max: ACTORS }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constantFrom("claim" as const, "withdrawCollateral" as const),
      pick,
      byHolder: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      to: fc.integer({ min: -2, max: ACTORS }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constantFrom("startSale" as const, "settleSale" as const), pick, by: anyone }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant("buy" as const), pick, by: actor, extra: fc.bigInt({ min: 0n, max: ONE }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constantFrom("refiOffer" as const, "refiRequest" as const),
      pick,
      newLender: actor,
      share: shareArbWith(3),
      above: fc.boolean(),
      pay: shareArbWith(4),
      flaw,
      fund: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      ...terms,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("deposit" as const),
      who: actor,
      amount: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 3n * ONE })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("withdrawDeposit" as const),
      who: actor,
      share: shareArbWith(2),
      toSelf: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("withdraw" as const), who: anyone, eth: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("cancel" as const),
      who: actor,
      below: fc.boolean(),
      k: fc.integer({ min: 0, max: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant("block" as const), who: anyone, collateral: fc.boolean(), on: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("donate" as const),
      what: fc.constantFrom("P" as const, "C" as const, "ETH" as const, "NFT" as const),
      amount: fc.bigInt({ min: 1n, max: ONE }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("warp" as const),
      pick,
      where: fc.integer({ min: -1, max: 3 }),
      secs: fc.integer({ min: 1, max: 900 }),
    }),
  },
);

export async function world() {
  const [owner, alice, bob, carol, dave, feeTaker] = await ethers.getSigners();
  const auctions = await ethers.deployContract("Auctions", [owner.address]);
  await auctions.setFee(AUCTION_FEE_BPS, owner.address);
  const lending = await ethers.deployContract("Lending", [await auctions.getAddress()]);
  const principal = await ethers.deployContract("BlocklistToken");
  const collateral = await ethers.deployContract("BlocklistToken");
  const nft = await ethers.deployContract("AuctionNFT");
  const [lendingAddress, auctionsAddress] = [await lending.getAddress(), await auctions.getAddress()];
  const actors = [alice, bob, carol, dave];
  for (const [i, s] of [...actors, feeTaker].entries()) {
    await principal.mint(s.address, 10n ** 24n);
    await collateral.mint(s.address, 10n ** 24n);
    await principal.connect(s).approve(lendingAddress, ethers.MaxUint256);
    await principal.connect(s).approve(auctionsAddress, ethers.MaxUint256);
    await collateral.connect(s).approve(lendingAddress, ethers.MaxUint256);
    await nft.connect(s).setApprovalForAll(lendingAddress, true);
    for (const k of [1n, 2n]) await nft.mint(s.address, BigInt(10 * (i + 1)) + k);
  }
  await network.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  await network.provider.send("evm_mine", []);
  return {
    owner,
    actors,
    feeTaker,
    auctions,
    lending,
    principal,
    collateral,
    nft,
    addresses: {
      lending: lendingAddress,
      auctions: auctionsAddress,
      principal: await principal.getAddress(),
      collateral: await collateral.getAddress(),
      nft: await nft.getAddress(),
    },
  };
}
export type World = Awaited<ReturnType<typeof world>>;

export const errors = errorsInterface(
  [Lending__factory.createInterface(), Auctions__factory.createInterface(), BlocklistToken__factory.createInterface()],
  [
    "error ReentrancyGuardReentrantCall()",
    "error SafeERC20FailedOperation(address token)",
    "error ERC721NonexistentToken(uint256 tokenId)",
    "error ERC721IncorrectOwner(address sender, uint256 tokenId, address owner)",
    "error ERC721InsufficientApproval(address operator, uint256 tokenId)",
    "error FailedCall()",
  ],
);
