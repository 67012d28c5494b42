// The swap benchmark's measurements (`npm run bench:swap`, test/bench/swap.test.ts): our Swap beside AirSwap's
// SwapERC20 in one run on the Hardhat network (same EVM, same hardfork, same tokens and accounts), under issue 11's
// conditions: full receipt gas; a warm contract; the second operation of its kind (every scenario runs twice and
// the second run is recorded); every account already holding both tokens; finite allowances already set (approve
// not counted); the protocol fee off unless the row says "fee on"; nonces in an already-used bitmap word unless the
// row says "fresh word". Fixed keys, a fixed clock and RFC 6979 signatures make every number repeat exactly.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  Contract,
  ContractFactory,
  Signature,
  ZeroAddress,
  parseEther,
  parseUnits,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
  type Wallet,
} from "ethers";
import { SwapClient, hashSwapOrder, signSwapOrder, type SwapOrder } from "../../../sdk";
import { ISwap__factory, MockERC1271Wallet__factory, MockERC20__factory } from "../../../typechain-types";
import type { ISwap } from "../../../typechain-types/contracts/interfaces/ISwap";
import { BENCH_START_TIME, calldataStats, createGasBench } from "../gas/harness";
import type { AirSwapBuild } from "./airswap";
import { gasBreakdown } from "./trace";
import { calldataGas, floorOf, tokenCodeGas } from "./floor";
import { FEE_BPS, ROWS, type BenchRow, type SwapBenchOptions, type SwapBenchResult } from "./rows";

/** Finite allowances (so every transferFrom rewrites one), far above anything spent. */
const ALLOWANCE = 10n ** 30n;
const MAKER_AMOUNT = parseUnits("1000", 18);
const TAKER_AMOUNT = parseUnits("2000", 18);
const ETH_TAKER_AMOUNT = parseEther("1");
/** Bit 255 of a nonce: set for partial orders (docs/swaps.md SW-N1). */
const PARTIAL_NONCE = 1n << 255n;
/** A partial order of 4,000 filled 1,000 at a time. */
const PARTIAL_PARTS = 4n;
/** Ten years after the benchmark clock's start: never reached. */
const EXPIRY = BigInt(BENCH_START_TIME) + 10n * 365n * 86_400n;

/** AirSwap's OrderERC20, as its utils sign it (the field order of its ORDER_TYPEHASH). */
const AIRSWAP_ORDER_TYPES: Record<string, TypedDataField[]> = {
  OrderERC20: [
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
    { name: "signerWallet", type: "address" },
    { name: "signerToken", type: "address" },
    { name: "signerAmount", type: "uint256" },
    { name: "protocolFee", type: "uint256" },
    { name: "senderWallet", type: "address" },
    { name: "senderToken", type: "address" },
    { name: "senderAmount", type: "uint256" },
  ],
};

/** Measures every row. Runs between an evm_snapshot and an evm_revert: the network is left as it was found. */
export async function measureSwapBench(
  hre: HardhatRuntimeEnvironment,
  options: SwapBenchOptions,
): Promise<SwapBenchResult> {
  const provider = hre.ethers.provider;
  const snapshot: string = await provider.send("evm_snapshot", []);
  try {
    return await measure(hre, options);
  } finally {
    await provider.send("evm_revert", [snapshot]);
  }
}

async function measure(hre: HardhatRuntimeEnvironment, options: SwapBenchOptions): Promise<SwapBenchResult> {
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.bench.swap.");
  const { provider, tick, send, second, wallet } = bench;
  const rows: BenchRow[] = ROWS.map((spec) => ({ ...spec }));
  const rowOf = (key: string): BenchRow => {
    const row = rows.find((r) => r.key === key);
    if (row === undefined) throw new Error(`no row ${key}`);
    return row;
  };

  const deployer = wallet("deployer");
  const maker = wallet("maker");
  const delegator = wallet("delegator");
  const delegate = wallet("delegate");
  const delegate2 = wallet("delegate2");
  const delegate3 = wallet("delegate3");
  const walletOwner = wallet("walletOwner");
  const taker = wallet("taker");
  const feeRecipient = wallet("feeRecipient");
  const canceller = wallet("canceller");
  const spender = wallet("spender");
  await bench.fund([deployer, maker, delegator, delegate, walletOwner, taker, feeRecipient, canceller, spender]);
  const { chainId } = await provider.getNetwork();

  // ---- the shared tokens and the ERC-1271 wallet
  await tick();
  const tokenA = await new MockERC20__factory(deployer).deploy("Maker Token", "MKR", 18);
  await tick();
  const tokenB = await new MockERC20__factory(deployer).deploy("Taker Token", "TKR", 18);
  await tick();
  const smartWallet = await new MockERC1271Wallet__factory(deployer).deploy(walletOwner.address);
  const [a, b, sw] = await Promise.all([tokenA, tokenB, smartWallet].map((c) => c.getAddress()));
  for (const holder of [maker.address, delegator.address, sw, taker.address, feeRecipient.address, spender.address]) {
    for (const token of [tokenA, tokenB]) {
      await tick();
      await send(token.connect(deployer).mint(holder, parseUnits("1000000000", 18)));
    }
  }

  // ---- the token's own code, for the floor: a transferFrom sent by an EOA between holders, second of two
  await tick();
  await send(tokenA.connect(maker).approve(spender.address, ALLOWANCE));
  let tokenTransfer = { gas: 0, calldata: { zero: 0, nonZero: 0 }, code: 0 };
  for (let i = 0; i < 2; i++) {
    await tick();
    const { response, receipt } = await send(tokenA.connect(spender).transferFrom(maker.address, taker.address, 1n));
    const stats = calldataStats(response.data);
    const calldata = { zero: stats.zero, nonZero: stats.nonZero };
    tokenTransfer = { gas: Number(receipt.gasUsed), calldata, code: tokenCodeGas(Number(receipt.gasUsed), calldata) };
  }

  // ---- the contracts
  const haveOurs = await hre.artifacts.artifactExists("Swap");
  const oursState: SwapBenchResult["ours"] = haveOurs
    ? { measured: true }
    : { measured: false, reason: "contracts/Swap.sol is not in this tree (no Swap artifact)" };
  const deployOurs = async (): Promise<ISwap> => {
    await tick();
    const factory = await hre.ethers.getContractFactory("Swap", deployer);
    const deployed = await factory.deploy(deployer.address);
    await deployed.waitForDeployment();
    return ISwap__factory.connect(await deployed.getAddress(), deployer);
  };
  const ours: ISwap | null = haveOurs ? await deployOurs() : null;
  const anchor = options.anchor;
  const deployTheirs = async (build: AirSwapBuild): Promise<Contract> => {
    await tick();
    const factory = new ContractFactory(build.abi, build.bytecode, deployer);
    // (protocolFee, protocolFeeLight, protocolFeeWallet, bonusScale, bonusMax): fee off, no staking bonus.
    const deployed = await factory.deploy(0, 0, feeRecipient.address, 0, 0);
    await deployed.waitForDeployment();
    return new Contract(await deployed.getAddress(), build.abi, deployer);
  };
  const theirs: Contract | null = "abi" in anchor ? await deployTheirs(anchor) : null;
  const spenders = [ours, theirs].filter((c) => c !== null);
  for (const c of spenders) {
    const target = await c.getAddress();
    for (const token of [tokenA, tokenB]) {
      for (const holder of [maker, delegator, taker]) {
        await tick();
        await send(token.connect(holder).approve(target, ALLOWANCE));
      }
      await tick();
      const approve = token.interface.encodeFunctionData("approve", [target, ALLOWANCE]);
      await send(smartWallet.connect(walletOwner).execute(await token.getAddress(), 0n, approve));
    }
  }

  /** Sends one transaction in its own block; records it on `key` when `measured`. */
  const op = async (
    measured: boolean,
    key: string,
    side: "ours" | "theirs",
    tx: () => Promise<TransactionResponse>,
  ): Promise<void> => {
    await tick();
    const response = await tx();
    const receipt = await response.wait();
    if (receipt === null || receipt.status !== 1)
      throw new Error(`${key} (${side}): transaction ${response.hash} failed`);
    if (!measured) return;
    const stats = calldataStats(response.data);
    rowOf(key)[side] = {
      gas: Number(receipt.gasUsed),
      calldata: { bytes: stats.bytes, zero: stats.zero, nonZero: stats.nonZero },
      hash: response.hash,
    };
  };
  const nextNonce = new Map<string, bigint>();
  /** Nonces count up from 1 per maker (ours) or signatory (AirSwap's): all in word 0, used from the first fill. */
  const nonceFor = (scope: string): bigint => {
    const n = nextNonce.get(scope) ?? 1n;
    nextNonce.set(scope, n + 1n);
    return n;
  };

  // ---- ours: signed and encoded by the SDK (signSwapOrder, SwapClient.buildFill), as a dApp would submit it
  let ourFeeBps = 0n;
  const client = ours === null ? null : new SwapClient({ address: await ours.getAddress(), runner: taker });
  interface OurFill {
    key: string;
    /** The maker: an EOA, or the ERC-1271 wallet's address. */
    maker: string;
    signer: Wallet;
    takerAsset: "ERC20" | "ETH";
    anyTaker?: boolean;
    /** A partial order of PARTIAL_PARTS fills: the scenario fills it twice (rows `<key>` .first and .later). */
    partial?: boolean;
    /** Submit the 65-byte form of the signature instead of the SDK's default 64-byte EIP-2098 form. */
    sig65?: boolean;
  }
  const oursFill = async (m: boolean, f: OurFill): Promise<void> => {
    if (ours === null || client === null) return;
    const deployment = { chainId, contract: await ours.getAddress() };
    const parts = f.partial === true ? PARTIAL_PARTS : 1n;
    const order: SwapOrder = {
      maker: f.maker,
      makerToken: a,
      makerAmount: MAKER_AMOUNT * parts,
      takerToken: f.takerAsset === "ETH" ? ZeroAddress : b,
      takerAmount: (f.takerAsset === "ETH" ? ETH_TAKER_AMOUNT : TAKER_AMOUNT) * parts,
      taker: f.anyTaker === true ? ZeroAddress : taker.address,
      recipient: ZeroAddress,
      minFill: MAKER_AMOUNT,
      expiry: EXPIRY,
      // A partial order's nonce has bit 255 set (SW-N1): its own counter per maker.
      nonce: f.partial === true ? PARTIAL_NONCE + nonceFor(`ours:partial:${f.maker}`) : nonceFor(`ours:${f.maker}`),
      feeBps: Number(ourFeeBps),
    };
    const onChain = await ours.hashOrder(order);
    const digest = hashSwapOrder({ ...deployment, order });
    if (onChain !== digest) throw new Error(`Swap.hashOrder ${onChain} != the SDK's order hash ${digest}`);
    const signed = await signSwapOrder({
      ...deployment,
      order,
      signer: f.signer,
      compact: f.sig65 === true ? false : undefined,
    });
    const fill = async (): Promise<TransactionResponse> => {
      const { to, data, value } = await client.buildFill({
        order: signed,
        makerFill: MAKER_AMOUNT,
        taker: taker.address,
      });
      return taker.sendTransaction({ to, data, value });
    };
    if (f.partial === true) {
      await op(m, `${f.key}.first`, "ours", fill);
      await op(m, `${f.key}.later`, "ours", fill);
    } else {
      await op(m, f.key, "ours", fill);
    }
  };

  // ---- AirSwap's
  let theirDomain: TypedDataDomain | null = null;
  const theirFeeBps = { swap: 0n, light: 0n };
  interface TheirFill {
    key: string;
    fn: "swap" | "swapAnySender" | "swapLight";
    signerWallet: string;
    signer: Wallet;
    /** The nonce's owner: the signatory (AirSwap keys nonces by who signed, not by the maker). */
    signatory: string;
  }
  const theirsFill = async (m: boolean, f: TheirFill): Promise<void> => {
    if (theirs === null) return;
    if (theirDomain === null) {
      const [, name, version, domainChainId, verifyingContract] = (await theirs.getFunction("eip712Domain")()) as [
        string,
        string,
        string,
        bigint,
        string,
      ];
      theirDomain = { name, version, chainId: domainChainId, verifyingContract };
    }
    const order = {
      nonce: nonceFor(`theirs:${f.signatory}`),
      expiry: EXPIRY,
      signerWallet: f.signerWallet,
      signerToken: a,
      signerAmount: MAKER_AMOUNT,
      protocolFee: f.fn === "swapLight" ? theirFeeBps.light : theirFeeBps.swap,
      senderWallet: f.fn === "swapAnySender" ? ZeroAddress : taker.address,
      senderToken: b,
      senderAmount: TAKER_AMOUNT,
    };
    const { v, r, s } = Signature.from(await f.signer.signTypedData(theirDomain, AIRSWAP_ORDER_TYPES, order));
    const terms = [order.signerWallet, order.signerToken, order.signerAmount, order.senderToken, order.senderAmount];
    const connected = theirs.connect(taker) as Contract;
    await op(m, f.key, "theirs", () =>
      f.fn === "swapLight"
        ? connected.getFunction("swapLight")(order.nonce, order.expiry, ...terms, v, r, s)
        : connected.getFunction(f.fn)(taker.address, order.nonce, order.expiry, ...terms, v, r, s),
    );
  };

  const asCanceller = theirs?.connect(canceller) as Contract | undefined;
  let freshWord = 1_000n;

  // ---- fee off
  const makerFill = (key: string, fn: TheirFill["fn"], anyTaker = false) =>
    second(async (m) => {
      await oursFill(m, { key, maker: maker.address, signer: maker, takerAsset: "ERC20", anyTaker });
      await theirsFill(m, { key, fn, signerWallet: maker.address, signer: maker, signatory: maker.address });
    });
  await makerFill("fill.erc20", "swap");
  await makerFill("fill.erc20.anyTaker", "swapAnySender", true);
  await second(async (m) => {
    const key = "fill.erc20.sig65";
    await oursFill(m, { key, maker: maker.address, signer: maker, takerAsset: "ERC20", sig65: true });
    await theirsFill(m, { key, fn: "swap", signerWallet: maker.address, signer: maker, signatory: maker.address });
  });
  await makerFill("fill.erc20.light", "swapLight");

  await tick();
  if (ours !== null) await send(ours.connect(delegator).setDelegate(delegate.address));
  await tick();
  if (theirs !== null) await send((theirs.connect(delegator) as Contract).getFunction("authorize")(delegate.address));
  await second(async (m) => {
    const key = "fill.erc20.delegate";
    await oursFill(m, { key, maker: delegator.address, signer: delegate, takerAsset: "ERC20" });
    await theirsFill(m, {
      key,
      fn: "swap",
      signerWallet: delegator.address,
      signer: delegate,
      signatory: delegate.address,
    });
  });
  await second(async (m) => {
    const key = "fill.erc20.erc1271";
    await oursFill(m, { key, maker: sw, signer: walletOwner, takerAsset: "ERC20" });
    await theirsFill(m, { key, fn: "swap", signerWallet: sw, signer: walletOwner, signatory: sw });
  });
  await second((m) => oursFill(m, { key: "fill.eth", maker: maker.address, signer: maker, takerAsset: "ETH" }));
  await second((m) =>
    oursFill(m, { key: "fill.partial", maker: maker.address, signer: maker, takerAsset: "ERC20", partial: true }),
  );

  await second(async (m) => {
    if (ours !== null) {
      const nonce = nonceFor(`ours:${canceller.address}`);
      await op(m, "cancel", "ours", () => ours.connect(canceller).cancel([nonce]));
    }
    if (asCanceller !== undefined) {
      const nonce = nonceFor(`theirs:${canceller.address}`);
      await op(m, "cancel", "theirs", () => asCanceller.getFunction("cancel")([nonce]));
    }
  });
  await second(async (m) => {
    const nonce = 256n * freshWord++;
    if (ours !== null) await op(m, "cancel.freshWord", "ours", () => ours.connect(canceller).cancel([nonce]));
    if (asCanceller !== undefined) {
      await op(m, "cancel.freshWord", "theirs", () => asCanceller.getFunction("cancel")([nonce]));
    }
  });
  await second(async (m) => {
    const from = 256n * freshWord++;
    if (ours !== null) await op(m, "cancelRange", "ours", () => ours.connect(canceller).cancelRange(from, from + 256n));
  });
  await second(async (m) => {
    // Alternates between two delegates (AirSwap); ours must take a new one each time (a replaced one is retired).
    const next = m ? delegate2.address : delegate.address;
    const ourNext = m ? delegate3.address : delegate2.address;
    if (ours !== null) await op(m, "setDelegate", "ours", () => ours.connect(canceller).setDelegate(ourNext));
    if (asCanceller !== undefined) {
      await op(m, "setDelegate", "theirs", () => asCanceller.getFunction("authorize")(next));
    }
  });

  // ---- fee on: 5 bps on both, paid by the maker on top, to a recipient that already holds the token
  await tick();
  if (ours !== null) await send(ours.connect(deployer).setProtocolFee(FEE_BPS, feeRecipient.address));
  ourFeeBps = FEE_BPS;
  if (theirs !== null) {
    await tick();
    await send(theirs.getFunction("setProtocolFee")(FEE_BPS));
    await tick();
    await send(theirs.getFunction("setProtocolFeeLight")(FEE_BPS));
  }
  theirFeeBps.swap = FEE_BPS;
  theirFeeBps.light = FEE_BPS;
  await makerFill("fee.fill.erc20", "swap");
  await makerFill("fee.fill.erc20.light", "swapLight");
  await second((m) => oursFill(m, { key: "fee.fill.eth", maker: maker.address, signer: maker, takerAsset: "ETH" }));
  await second((m) =>
    oursFill(m, {
      key: "fee.fill.partial",
      maker: maker.address,
      signer: maker,
      takerAsset: "ERC20",
      partial: true,
    }),
  );

  // ---- floors, from our transactions' calldata
  // (AirSwap's calldata stands in when ours was not measured: the floor is then a floor of its transaction.)
  for (const row of rows) {
    const side = row.ours ?? row.theirs;
    if (side === undefined) continue;
    row.floor = floorOf(row.key, side.calldata, tokenTransfer.code);
  }

  // ---- where each fill's gas went
  const labels = new Map<string, string>([
    [a.toLowerCase(), "maker token"],
    [b.toLowerCase(), "taker token"],
    [sw.toLowerCase(), "ERC-1271 wallet"],
    [maker.address.toLowerCase(), "ETH to the maker"],
    [`0x${"0".repeat(39)}1`, "ecrecover"],
    [`0x${"0".repeat(39)}4`, "identity precompile"],
  ]);
  const labelOf = (address: string) => labels.get(address.toLowerCase()) ?? `other ${address}`;
  for (const row of rows) {
    if (!row.key.includes("fill")) continue;
    for (const side of [row.ours, row.theirs]) {
      if (side === undefined) continue;
      const intrinsic = 21_000 + calldataGas(side.calldata).gas;
      side.breakdown = await gasBreakdown(provider, side.hash, side.gas, intrinsic, labelOf);
    }
  }

  const compiler = hre.config.solidity.compilers[0];
  const optimizer = compiler.settings.optimizer as { enabled?: boolean; runs?: number } | undefined;
  return {
    rows,
    anchor: options.anchor,
    ours: oursState,
    tokenTransfer,
    hardfork: hre.config.networks.hardhat.hardfork,
    chainId,
    ourCompiler:
      `solc ${compiler.version}, viaIR ${String(compiler.settings.viaIR === true)}, ` +
      `optimizer ${optimizer?.enabled === true ? `runs ${optimizer.runs}` : "off"}, ` +
      `evmVersion ${String(compiler.settings.evmVersion)}`,
  };
}
