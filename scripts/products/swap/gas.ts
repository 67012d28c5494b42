// Swap's gas scenarios (docs/swaps.md §10): whole and partial fills per taker asset, fee off and on, a fresh bitmap
// word, a delegate's and an ERC-1271 maker's signature, cancels, delegation, a credit's withdrawal; then the floors of
// the rows whose targets this design cannot meet. The scenario and determinism: scripts/lib/gas/harness.ts.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Signature, ZeroAddress, parseEther, parseUnits, type Wallet } from "ethers";
import {
  MockAccount__factory,
  MockERC1271Wallet__factory,
  MockERC20__factory,
  Swap__factory,
} from "../../../typechain-types";
import type { ISwap } from "../../../typechain-types/contracts/Swap";
import { BENCH_START_TIME, calldataStats, createGasBench, type GasRow } from "../../lib/gas/harness";

type Order = ISwap.OrderStruct;

/** The EIP-712 `Order` of docs/swaps.md §3 (the SDK's own copy lives in sdk/swap/). */
const ORDER_TYPES = {
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

const MAKER_AMOUNT = parseUnits("1000", 18);
const TAKER_AMOUNT = parseUnits("3000", 18);
const ETH_TAKER_AMOUNT = parseEther("1");
const FEE_BPS = 30n;
/** Finite allowances, as the conditions say (an unlimited one saves the allowance write: ~2,900 per leg). */
const ALLOWANCE = parseUnits("1000000000", 18);
const DAY = 86_400n;
/** Bit 255 of a nonce: set for partial orders (docs/swaps.md SW-N1). */
const PARTIAL = 1n << 255n;

/**
 * Measures every Swap operation under the conditions: full receipt, warm contract, the second operation of
 * its kind (every scenario runs twice, the second run is recorded), every party already holding both tokens and ETH,
 * finite allowances already set, the protocol fee off unless the key says `feeOn` (30 bps), the order's nonce in a
 * bitmap word the maker already used unless the key says `freshWord`, signatures in the 64-byte EIP-2098 form.
 *
 * Rows: `swap.<erc20|eth>.<operation>`, `swap.<operation>`, and `….floor` beside each row whose target is impossible.
 */
export async function measureSwapGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.gas.swap.");
  const { provider, tick, send, step, second, wallet } = bench;

  const owner = wallet("owner");
  const maker = wallet("maker");
  const taker = wallet("taker");
  const delegate = wallet("delegate");
  const feeRecipient = wallet("feeRecipient");
  const walletOwner = wallet("walletOwner");
  const canceller = wallet("canceller");
  await bench.fund([owner, maker, taker, delegate, feeRecipient, walletOwner, canceller]);

  await tick();
  const swap = await new Swap__factory(owner).deploy(owner.address);
  await swap.waitForDeployment();
  await tick();
  const tokenA = await new MockERC20__factory(owner).deploy("PeerPay Maker Token", "PMT", 18);
  await tokenA.waitForDeployment();
  await tick();
  const tokenB = await new MockERC20__factory(owner).deploy("PeerPay Taker Token", "PTT", 18);
  await tokenB.waitForDeployment();
  await tick();
  const safe = await new MockERC1271Wallet__factory(walletOwner).deploy(walletOwner.address);
  await safe.waitForDeployment();
  await tick();
  const rejecting = await new MockAccount__factory(walletOwner).deploy(walletOwner.address);
  await rejecting.waitForDeployment();
  await tick();
  await send(rejecting.connect(walletOwner).setRejectEth(true));

  const swapAddress = await swap.getAddress();
  const tokenAAddress = await tokenA.getAddress();
  const tokenBAddress = await tokenB.getAddress();
  const safeAddress = await safe.getAddress();
  const rejectingAddress = await rejecting.getAddress();
  const { chainId } = await provider.getNetwork();
  const domain = { name: "PeerPay Swap", version: "1", chainId, verifyingContract: swapAddress };

  // Every party holds both tokens (so no receiver's balance slot is fresh) and has approved a finite allowance.
  for (const h of [maker, taker, delegate, feeRecipient, walletOwner]) {
    for (const t of [tokenA, tokenB]) {
      await tick();
      await send(t.connect(owner).mint(h.address, parseUnits("1000000", 18)));
    }
  }
  for (const h of [maker, taker]) {
    for (const t of [tokenA, tokenB]) {
      await tick();
      await send(t.connect(h).approve(swapAddress, ALLOWANCE));
    }
  }
  await tick();
  await send(tokenA.connect(owner).mint(safeAddress, parseUnits("1000000", 18)));
  await tick();
  await send(
    safe
      .connect(walletOwner)
      .execute(tokenAAddress, 0n, tokenA.interface.encodeFunctionData("approve", [swapAddress, ALLOWANCE])),
  );

  // Nonces count up inside word 1 (256…), which the maker uses from the first scenario on; `freshWord` rows take
  // the first nonce of a word of their own.
  let nonce = 256n;
  let freshWord = 1n << 20n;
  const orderOf = (overrides: Partial<Order> = {}): Order => ({
    maker: maker.address,
    makerToken: tokenAAddress,
    makerAmount: MAKER_AMOUNT,
    takerToken: tokenBAddress,
    takerAmount: TAKER_AMOUNT,
    taker: ZeroAddress,
    recipient: ZeroAddress,
    minFill: MAKER_AMOUNT,
    expiry: bench.now() + DAY,
    nonce: nonce++,
    feeBps: 0n,
    ...overrides,
  });
  const sign = async (signer: Wallet, order: Order) =>
    Signature.from(await signer.signTypedData(domain, ORDER_TYPES, order)).compactSerialized;
  const row = (key: string, label: string, asset: "ETH" | "ERC20" | "-") => ({ key, label: `swap: ${label}`, asset });
  const valueOf = (order: Order, makerFill: bigint) =>
    order.takerToken === ZeroAddress
      ? (BigInt(order.takerAmount) * makerFill + BigInt(order.makerAmount) - 1n) / BigInt(order.makerAmount)
      : 0n;
  const fill = (order: Order, signature: string, makerFill: bigint) =>
    swap.connect(taker).fill(order, signature, makerFill, { value: valueOf(order, makerFill) });
  const setFee = async (bps: bigint) => {
    await tick();
    await send(swap.connect(owner).setProtocolFee(bps, bps === 0n ? ZeroAddress : feeRecipient.address));
  };

  // The maker's word 1 of each kind is used before anything is measured (a partial nonce is PARTIAL + n).
  await step(null, () => swap.connect(maker).cancel([255n + (1n << 8n), PARTIAL + 255n + (1n << 8n)]));
  nonce = 257n;
  let partialNonce = PARTIAL + 256n;

  type Kind = { asset: "ETH" | "ERC20"; prefix: string; takerToken: string; takerAmount: bigint };
  const kinds: Kind[] = [
    { asset: "ERC20", prefix: "swap.erc20", takerToken: tokenBAddress, takerAmount: TAKER_AMOUNT },
    { asset: "ETH", prefix: "swap.eth", takerToken: ZeroAddress, takerAmount: ETH_TAKER_AMOUNT },
  ];
  for (const fee of [0n, FEE_BPS]) {
    await setFee(fee);
    const suffix = fee === 0n ? "" : ".feeOn";
    const feeLabel = fee === 0n ? "" : `, fee ${fee} bps`;
    for (const kind of kinds) {
      const base = { takerToken: kind.takerToken, takerAmount: kind.takerAmount, feeBps: fee };
      await second(async (m) => {
        const order = orderOf(base);
        const sig = await sign(maker, order);
        await step(m ? row(`${kind.prefix}.fill${suffix}`, `whole fill${feeLabel}`, kind.asset) : null, () =>
          fill(order, sig, MAKER_AMOUNT),
        );
      });
      await second(async (m) => {
        const order = orderOf({ ...base, minFill: MAKER_AMOUNT / 10n, nonce: partialNonce++ });
        const sig = await sign(maker, order);
        const [first, later, last] = [MAKER_AMOUNT / 4n, MAKER_AMOUNT / 4n, MAKER_AMOUNT / 2n];
        await step(
          m ? row(`${kind.prefix}.fill.partial.first${suffix}`, `first partial fill${feeLabel}`, kind.asset) : null,
          () => fill(order, sig, first),
        );
        await step(
          m ? row(`${kind.prefix}.fill.partial.later${suffix}`, `later partial fill${feeLabel}`, kind.asset) : null,
          () => fill(order, sig, later),
        );
        await step(
          m
            ? row(
                `${kind.prefix}.fill.partial.last${suffix}`,
                `partial fill completing the order${feeLabel}`,
                kind.asset,
              )
            : null,
          () => fill(order, sig, last),
        );
      });
    }
  }
  await setFee(0n);

  await second(async (m) => {
    const order = orderOf({ nonce: freshWord });
    freshWord += 256n;
    const sig = await sign(maker, order);
    await step(m ? row("swap.erc20.fill.freshWord", "whole fill, nonce in a fresh bitmap word", "ERC20") : null, () =>
      fill(order, sig, MAKER_AMOUNT),
    );
  });
  await step(null, () => swap.connect(maker).setDelegate(delegate.address));
  // A delegate's fill reads the delegate slot; the maker's own signature never does (SW-S1).
  await second(async (m) => {
    const order = orderOf();
    const sig = await sign(delegate, order);
    await step(m ? row("swap.erc20.fill.delegate", "whole fill signed by the maker's delegate", "ERC20") : null, () =>
      fill(order, sig, MAKER_AMOUNT),
    );
  });
  await second(async (m) => {
    const order = orderOf({ maker: safeAddress, nonce: nonce++ });
    const sig = await walletOwner.signTypedData(domain, ORDER_TYPES, order);
    await step(m ? row("swap.erc20.fill.erc1271", "whole fill from an ERC-1271 maker", "ERC20") : null, () =>
      fill(order, sig, MAKER_AMOUNT),
    );
  });
  await second(async (m) => {
    const order = orderOf({ takerToken: ZeroAddress, takerAmount: ETH_TAKER_AMOUNT, recipient: rejectingAddress });
    const sig = await sign(maker, order);
    await step(m ? row("swap.eth.fill.credited", "whole fill, ETH recipient refuses: credited", "ETH") : null, () =>
      fill(order, sig, MAKER_AMOUNT),
    );
  });
  await tick();
  await send(rejecting.connect(walletOwner).setRejectEth(false));
  await step(row("swap.withdraw", "withdraw an ETH credit", "ETH"), () =>
    rejecting
      .connect(walletOwner)
      .execute(swapAddress, 0n, swap.interface.encodeFunctionData("withdraw", [ZeroAddress, rejectingAddress])),
  );

  // Cancels by a maker that used word 1 already; the fresh-word and cancel-below rows pay for a new slot.
  await step(null, () => swap.connect(canceller).cancel([256n]));
  await second(async (m) => {
    await step(m ? row("swap.cancel", "cancel one nonce (used bitmap word)", "-") : null, () =>
      swap.connect(canceller).cancel([nonce++]),
    );
  });
  await second(async (m) => {
    await step(m ? row("swap.cancel.freshWord", "cancel one nonce in a fresh bitmap word", "-") : null, () =>
      swap.connect(canceller).cancel([(freshWord += 256n)]),
    );
  });
  await second(async (m) => {
    const batch = Array.from({ length: 10 }, () => nonce++);
    await step(m ? row("swap.cancel.ten", "cancel ten nonces of one word", "-") : null, () =>
      swap.connect(canceller).cancel(batch),
    );
  });
  // cancelRange writes one slot per bitmap word: a fresh word costs a new slot (20,000 + its cold access).
  await second(async (m) => {
    const from = (freshWord += 256n);
    await step(m ? row("swap.cancelRange", "cancelRange of 256 nonces (one fresh word)", "-") : null, () =>
      swap.connect(canceller).cancelRange(from, from + 256n),
    );
  });
  await second(async (m) => {
    const from = nonce;
    nonce += 10n;
    await step(m ? row("swap.cancelRange.used", "cancelRange of 10 nonces in a used word", "-") : null, () =>
      swap.connect(canceller).cancelRange(from, from + 10n),
    );
  });
  await second(async (m) => {
    const from = (freshWord += 256n * 8n);
    await step(
      m ? row("swap.cancelRange.eightWords", "cancelRange of 2,048 nonces (eight fresh words)", "-") : null,
      () => swap.connect(canceller).cancelRange(from, from + 2_048n),
    );
  });
  // Replacing a delegate retires the old one (SW-D1): one fresh slot more than a plain overwrite.
  const delegates = [wallet("delegateA"), wallet("delegateB")];
  await second(async (m) => {
    await step(m ? row("swap.setDelegate", "setDelegate, replacing (and retiring) a delegate", "-") : null, () =>
      swap.connect(maker).setDelegate(delegates[m ? 1 : 0].address),
    );
  });

  // ---- floors (docs/swaps.md §10): what a fill must pay in this design whatever the code, from the EVM's prices and
  // the token's own work measured here. A `transferFrom` by an EOA spender with a finite allowance, between two
  // holders, measures the token's work; a contract calling it pays the token account's cold access (2,600) on top,
  // except for a second call to the same token. The rest: the base 21,000, the fill's own calldata, the two slots
  // every fill reads (fee, bitmap word: 2 × 2,100 cold; the maker's delegate slot is read only for a delegate's
  // signature) and what it writes (bitmap 2,900; a partial nonce's `_filled`: 20,000 more when fresh), one ecrecover
  // (3,000), the OrderFilled event (LOG4 + 2 words), and for an ETH leg the value transfer to an EOA recipient: 9,300
  // as the bench measured it (docs/swaps.md §10). It leaves out the fee-on-transfer checks (two balance reads per
  // leg) and every instruction of the contract itself.
  await tick();
  await send(tokenB.connect(maker).approve(taker.address, ALLOWANCE));
  await tick();
  const plain = await send(tokenB.connect(taker).transferFrom(maker.address, delegate.address, 1n));
  const plainStats = calldataStats(plain.response.data);
  const calldataGas = (r: GasRow) => r.calldataZeroBytes * 4 + r.calldataNonZeroBytes * 16;
  const tokenWork = Number(plain.receipt.gasUsed) - 21_000 - (plainStats.zero * 4 + plainStats.nonZero * 16);
  const coldToken = 2_600;
  // OrderFilled: LOG4 (its signature and three indexed topics) with two data words (makerFill, takerFill).
  const eventGas = 375 + 4 * 375 + 2 * 32 * 8;
  const reads = 2 * 2_100;
  const ecrecover = 3_000;
  const ethLeg = 9_300;
  const byKey = (key: string): GasRow => {
    const found = bench.rows.find((r) => r.key === key);
    if (found === undefined) throw new Error(`no row ${key}`);
    return found;
  };
  const floors: [string, string, number][] = [
    ["swap.erc20.fill", "whole ERC20 fill", 2_900 + 2 * (tokenWork + coldToken)],
    ["swap.eth.fill", "whole ETH fill", 2_900 + tokenWork + coldToken + ethLeg],
    // A partial fill that does not complete its order reads the bitmap but writes `_filled` instead: fresh (20,000
    // + its cold access 2,100) on the first fill, cold read and rewrite (2,100 + 2,900) later.
    ["swap.erc20.fill.partial.first", "first partial ERC20 fill", 22_100 + 2 * (tokenWork + coldToken)],
    ["swap.erc20.fill.partial.later", "later partial ERC20 fill", 2_100 + 2_900 + 2 * (tokenWork + coldToken)],
  ];
  for (const [key, label, rest] of floors) {
    const measured = byKey(key);
    bench.rows.push({
      key: `${key}.floor`,
      label: `swap: floor of the ${label}`,
      asset: measured.asset,
      gas: 21_000 + calldataGas(measured) + reads + ecrecover + eventGas + rest,
      calldataBytes: measured.calldataBytes,
      calldataZeroBytes: measured.calldataZeroBytes,
      calldataNonZeroBytes: measured.calldataNonZeroBytes,
    });
  }
  return bench.rows;
}
