// Fixtures and helpers of the swap tests (docs/swaps.md): EIP-712 orders, signing, a deployment with two tokens,
// a maker and a taker holding balances and finite allowances.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseWallet, Signer, TypedDataDomain } from "ethers";
import type { ISwap, MockERC20, Swap } from "../../typechain-types";

export type Order = ISwap.OrderStruct & {
  maker: string;
  makerToken: string;
  makerAmount: bigint;
  takerToken: string;
  takerAmount: bigint;
  taker: string;
  recipient: string;
  minFill: bigint;
  expiry: bigint;
  nonce: bigint;
  feeBps: bigint;
};

export const ORDER_TYPES = {
  Order: [
    { name: "maker", type: "address" },
    { name: "makerToken", type: "address" },
    { name: "makerAmount", type: "uint256" },
    { name: "takerToken", type: "address" },
    { name: "takerAmount", type: "uint256" },
    { name: "taker", type: "address" },
    { name: "recipient", type: "address" },
    { name: "minFill", type: "uint256" },
    { name: "expiry", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "feeBps", type: "uint16" },
  ],
};

export const DAY = 86_400n;
export const MAKER_AMOUNT = 1_000n * 10n ** 18n;
export const TAKER_AMOUNT = 3_000n * 10n ** 6n;
export const SUPPLY = 10n ** 30n;
/** Finite allowances (the gas conditions and the realistic case): far above any order, below 2^256 - 1. */
export const ALLOWANCE = 10n ** 29n;
export const ZERO = ethers.ZeroAddress;

export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

export async function swapDomain(swap: Swap, chainId?: bigint): Promise<TypedDataDomain> {
  return {
    name: "PeerPay Swap",
    version: "1",
    chainId: chainId ?? (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await swap.getAddress(),
  };
}

export async function signOrder(signer: Signer | BaseWallet, domain: TypedDataDomain, order: Order): Promise<string> {
  return signer.signTypedData(domain, ORDER_TYPES, order);
}

export function orderDigest(domain: TypedDataDomain, order: Order): string {
  return ethers.TypedDataEncoder.hash(domain, ORDER_TYPES, order);
}

/** The EIP-2098 compact (64-byte) form of a 65-byte signature. */
export function compact(signature: string): string {
  return ethers.Signature.from(signature).compactSerialized;
}

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The same signature with s' = n - s and the other v: valid for plain ecrecover, refused as malleable. */
export function highS(signature: string): string {
  const sig = ethers.Signature.from(signature);
  const v = sig.v === 27 ? 28 : 27;
  return ethers.concat([sig.r, ethers.toBeHex(SECP256K1_N - BigInt(sig.s), 32), ethers.toBeHex(v, 1)]);
}

/** ceil(a * b / c), the taker's side of a fill (docs/swaps.md §5). */
export function ceilDiv(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b + c - 1n) / c;
}

export function feeOf(makerFill: bigint, bps: bigint): bigint {
  return (makerFill * bps) / 10_000n;
}

export type SwapFixture = Awaited<ReturnType<typeof swapFixture>>;

export async function swapFixture() {
  const [owner, maker, taker, other, feeRecipient, delegate, recipient] = await ethers.getSigners();
  const swap = await ethers.deployContract("Swap", [owner.address]);
  const tokenA = (await ethers.deployContract("MockERC20", ["Token A", "TKA", 18])) as unknown as MockERC20;
  const tokenB = (await ethers.deployContract("MockERC20", ["Token B", "TKB", 6])) as unknown as MockERC20;
  const swapAddress = await swap.getAddress();
  for (const who of [maker, taker, other, delegate]) {
    await tokenA.mint(who.address, SUPPLY);
    await tokenB.mint(who.address, SUPPLY);
    await tokenA.connect(who).approve(swapAddress, ALLOWANCE);
    await tokenB.connect(who).approve(swapAddress, ALLOWANCE);
  }
  // Receivers already hold a balance (the gas conditions; also what most receivers look like).
  for (const who of [feeRecipient, recipient]) {
    await tokenA.mint(who.address, 1n);
    await tokenB.mint(who.address, 1n);
  }
  const domain = await swapDomain(swap);
  const expiry = (await now()) + DAY;
  // A partial order's nonce has bit 255 set (SW-N1): the helper sets it, so tests write small nonces for both kinds.
  const order = (overrides: Partial<Order> = {}): Order =>
    withNonceKind({
      maker: maker.address,
      makerToken: String(tokenA.target),
      makerAmount: MAKER_AMOUNT,
      takerToken: String(tokenB.target),
      takerAmount: TAKER_AMOUNT,
      taker: ZERO,
      recipient: ZERO,
      minFill: MAKER_AMOUNT,
      expiry,
      nonce: 1n,
      feeBps: 0n,
      ...overrides,
    });
  const sign = (o: Order, signer: Signer = maker) => signOrder(signer, domain, o);
  return {
    swap,
    swapAddress,
    tokenA,
    tokenB,
    owner,
    maker,
    taker,
    other,
    feeRecipient,
    delegate,
    recipient,
    domain,
    expiry,
    order,
    sign,
  };
}

/** Bit 255 of a nonce: set for partial orders, clear for fill-or-kill ones (SW-N1). */
export const PARTIAL_NONCE = 1n << 255n;

/** The order with bit 255 of its nonce set when it is partial (`minFill < makerAmount`), as SW-N1 requires. */
export function withNonceKind(order: Order): Order {
  return order.minFill < order.makerAmount ? { ...order, nonce: order.nonce | PARTIAL_NONCE } : order;
}

/** `swap.fill` from `from` with the order's taker ETH value filled in when the taker leg is ETH. */
export async function fillAs(
  swap: Swap,
  from: HardhatEthersSigner,
  order: Order,
  signature: string,
  makerFill: bigint,
  value?: bigint,
) {
  const takerFill =
    makerFill === order.makerAmount ? order.takerAmount : ceilDiv(makerFill, order.takerAmount, order.makerAmount);
  return swap
    .connect(from)
    .fill(order, signature, makerFill, { value: value ?? (order.takerToken === ZERO ? takerFill : 0n) });
}

/** The selector of one of ISwap's errors, by name. */
export function selectorOf(swap: Swap, name: string): string {
  const fragment = swap.interface.getError(name);
  if (fragment === null) throw new Error(`no error ${name}`);
  return fragment.selector;
}
