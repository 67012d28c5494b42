// SwapClient against the real Swap contract on the Hardhat network: orders made, signed (EOA, delegate, ERC-1271
// wallet, EIP-1193 wallet), shared, checked, quoted and filled end to end with balances checked to the wei;
// cancellations; and every bad input refused with its typed error, before sending or decoded from the revert.
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { BrowserProvider, Wallet, ZeroAddress, parseEther } from "ethers";
import {
  InvalidParameterError,
  RunnerError,
  SWAP_LIMITS,
  SwapAdminError,
  SwapClient,
  SwapFillError,
  SwapNotFillableError,
  SwapOrderError,
  SwapOrderStateError,
  UnknownDeploymentError,
  decodeSwapError,
  hashSwapOrder,
  quoteSwapFill,
  serializeOrder,
  serializeOrderCompact,
  signSwapOrder,
  verifySwapOrder,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { arbOrder, eip1193Wallet } from "../../helpers/swap-sdk";
import { HOUR, swapSdkFixture, type SwapSdkFixture } from "./fixture";

const DUSD = (units: bigint) => units * 10n ** 6n;

/** A partial dUSD -> ETH order of the fixture's maker: 1,000 dUSD for 0.4 ETH, at least 100 dUSD a fill. */
async function ethOrder(f: SwapSdkFixture, overrides: Record<string, unknown> = {}) {
  const params: Record<string, unknown> & { makerAmount: bigint; minFill?: bigint; nonce?: unknown } = {
    makerToken: f.dusdAddress,
    makerAmount: DUSD(1_000n),
    takerToken: ZeroAddress,
    takerAmount: parseEther("0.4"),
    minFill: DUSD(100n),
    ...overrides,
  };
  // SW-N1: a nonce given for a partial order is written small here and gets bit 255.
  if (typeof params.nonce === "bigint" && params.minFill !== undefined && params.minFill < params.makerAmount)
    params.nonce = params.nonce | SWAP_LIMITS.partialNonceFlag;
  const order = await f.makerClient.makeOrder(params as never);
  return { order, signed: await f.makerClient.signOrder({ order }) };
}

describe("SwapClient on the Swap contract", function () {
  describe("orders and their hashes", function () {
    it("SW-S3: hashSwapOrder equals the contract's hashOrder for orders of every shape", async function () {
      const f = await loadFixture(swapSdkFixture);
      const shapes = [
        {},
        { takerToken: f.wethAddress, minFill: undefined },
        { taker: f.taker.address, recipient: f.stranger.address, nonce: 2n ** 95n, feeBps: 65_535 },
      ];
      for (const shape of shapes) {
        const { order } = await ethOrder(f, shape);
        expect(await f.readClient.orderHashOf({ order })).to.equal(await f.swap.hashOrder(order));
        expect(hashSwapOrder({ chainId: f.chainId, contract: f.address, order })).to.equal(
          await f.swap.hashOrder(order),
        );
      }
    });

    it("SW-S3: hashSwapOrder equals hashOrder for random orders over the whole range of every field (fast-check)", async function () {
      const f = await loadFixture(swapSdkFixture);
      await fc.assert(
        fc.asyncProperty(arbOrder, async (order) => {
          const local = hashSwapOrder({ chainId: f.chainId, contract: f.address, order });
          expect(local).to.equal(await f.swap.hashOrder(order));
        }),
        { numRuns: 100 },
      );
    });

    it("connects through an address book by the runner's chain, and refuses a chain the book lacks", async function () {
      const f = await loadFixture(swapSdkFixture);
      const addressBook = { [f.chainId.toString()]: { Swap: { address: f.address, blockNumber: 7 } } };
      const swap = await SwapClient.connect({ runner: f.taker, addressBook });
      expect([swap.address, swap.fromBlock]).to.deep.equal([f.address, 7]);
      await expectSdkError(
        SwapClient.connect({ runner: f.taker, addressBook: { "1": addressBook[f.chainId.toString()] } }),
        UnknownDeploymentError,
        "UNKNOWN_DEPLOYMENT",
        { chainId: f.chainId, contract: "Swap" },
      );
    });

    it("SW-P1: makeOrder fills in the defaults: the signer, fill-or-kill, an hour from the chain's clock, the current fee", async function () {
      const f = await loadFixture(swapSdkFixture);
      await f.swap.connect(f.owner).setProtocolFee(25, f.feeRecipient.address);
      const order = await f.client(f.maker).makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: 5n,
        takerToken: f.wethAddress,
        takerAmount: 7n,
      });
      expect(order).to.deep.include({
        maker: f.maker.address,
        minFill: 5n,
        taker: ZeroAddress,
        recipient: ZeroAddress,
        feeBps: 25,
        nonce: 0n,
        expiry: BigInt(await time.latest()) + HOUR,
      });
    });

    it("SW-N1: findUnusedNonces skips used bits, nonces below from, excluded ones and those this client handed out", async function () {
      const f = await loadFixture(swapSdkFixture);
      await f.makerClient.cancelRange({ from: 0n, to: 250n });
      await f.makerClient.cancel({ nonces: [250n, 252n, 256n] });
      const maker = f.maker.address;
      const makerClient = f.client(f.maker);
      expect(await f.readClient.findUnusedNonces({ maker, count: 5, exclude: [253n] })).to.deep.equal([
        251n,
        254n,
        255n,
        257n,
        258n,
      ]);
      expect(await f.readClient.findUnusedNonces({ maker, count: 2, from: 300n })).to.deep.equal([300n, 301n]);
      const first = await makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: 1n,
        takerToken: f.wethAddress,
        takerAmount: 1n,
      });
      const second = await makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: 1n,
        takerToken: f.wethAddress,
        takerAmount: 1n,
      });
      expect([first.nonce, second.nonce]).to.deep.equal([251n, 253n]);
      // A partial order draws from the partial half (bit 255 set), separately.
      const partial = await makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: 10n,
        minFill: 1n,
        takerToken: f.wethAddress,
        takerAmount: 1n,
      });
      expect(partial.nonce).to.equal(SWAP_LIMITS.partialNonceFlag);
      expect(await makerClient.findUnusedNonces({ maker, partial: true, count: 1 })).to.deep.equal([
        SWAP_LIMITS.partialNonceFlag + 1n,
      ]);
      await expectSdkError(
        f.readClient.findUnusedNonces({ maker, partial: true, from: 5n }),
        InvalidParameterError,
        "INVALID_PARAMETER",
      );
      // Another client knows nothing of those reservations: pass the open orders' nonces as exclude.
      expect(await f.readClient.findUnusedNonces({ maker, exclude: [first.nonce] })).to.deep.equal([253n]);
    });
  });

  describe("signatures (SW-S1)", function () {
    it("SW-S1, SW-D1: verifies a delegate's order only while it is the delegate; a revoked delegate cannot come back", async function () {
      const f = await loadFixture(swapSdkFixture);
      await f.makerClient.setDelegate({ delegate: f.delegate.address });
      const order = await f.makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: DUSD(10n),
        takerToken: f.wethAddress,
        takerAmount: 10n ** 15n,
      });
      const signed = await f.client(f.delegate).signOrder({ order });
      expect(await f.takerClient.verifyOrder({ order: signed })).to.deep.include({ valid: true, by: "delegate" });
      expect((await verifySwapOrder({ signed })).valid).to.equal(false); // offline, without the delegate

      await f.makerClient.setDelegate({ delegate: ZeroAddress });
      expect((await f.takerClient.verifyOrder({ order: signed })).valid).to.equal(false);
      const refused = await expectSdkError(
        f.takerClient.fill({ order: signed }),
        SwapNotFillableError,
        "SWAP_INVALID_SIGNATURE",
      );
      expect((refused.details.reasons as { code: string }[]).map((r) => r.code)).to.deep.equal([
        "SWAP_INVALID_SIGNATURE",
      ]);

      // Revocation is final (SW-D1): the same key is refused, so its old orders stay dead.
      await expectSdkError(
        f.makerClient.setDelegate({ delegate: f.delegate.address }),
        SwapAdminError,
        "SWAP_DELEGATE_RETIRED",
        { delegate: f.delegate.address },
      );
      expect((await f.takerClient.verifyOrder({ order: signed })).valid).to.equal(false);
    });

    it("SW-S1: an ERC-1271 wallet's order, signed by its owner, verifies through the wallet and fills", async function () {
      const f = await loadFixture(swapSdkFixture);
      const order = await f.readClient.makeOrder({
        maker: f.walletAddress,
        makerToken: f.dusdAddress,
        makerAmount: DUSD(50n),
        takerToken: ZeroAddress,
        takerAmount: parseEther("0.02"),
        feeBps: 0,
        nonce: 1n,
      });
      const signed = await f.client(f.walletOwner).signOrder({ order });
      expect(await f.takerClient.verifyOrder({ order: signed })).to.deep.include({ valid: true, by: "erc1271" });
      expect((await verifySwapOrder({ signed })).valid).to.equal(false); // no provider: no wallet to ask
      const before = await ethers.provider.getBalance(f.walletAddress);
      const { takerFill } = await f.takerClient.fill({ order: signed });
      expect(await ethers.provider.getBalance(f.walletAddress)).to.equal(before + takerFill);
      expect(takerFill).to.equal(parseEther("0.02"));
      await f.wallet.setMode(1); // the wallet now refuses every signature
      expect((await f.takerClient.verifyOrder({ order: signed })).valid).to.equal(false);
    });

    it("SW-S1: a signature made through an EIP-1193 wallet (BrowserProvider) fills on-chain", async function () {
      const f = await loadFixture(swapSdkFixture);
      const key = Wallet.createRandom().connect(ethers.provider);
      await f.owner.sendTransaction({ to: key.address, value: parseEther("1") });
      await f.dusd.mint(key.address, DUSD(100n));
      await f.dusd.connect(key).approve(f.address, DUSD(100n));
      const browser = await new BrowserProvider(eip1193Wallet(key, f.chainId)).getSigner();
      const order = await f.readClient.makeOrder({
        maker: key.address,
        makerToken: f.dusdAddress,
        makerAmount: DUSD(100n),
        takerToken: f.wethAddress,
        takerAmount: 10n ** 16n,
        feeBps: 0,
        nonce: 0n,
      });
      const signed = await signSwapOrder({ chainId: f.chainId, contract: f.address, order, signer: browser });
      expect((await f.takerClient.check({ order: signed })).ok).to.equal(true);
      await f.takerClient.fill({ order: signed });
      expect(await f.dusd.balanceOf(key.address)).to.equal(0n);
      expect(await f.weth.balanceOf(key.address)).to.equal(10n ** 16n);
    });
  });

  describe("filling", function () {
    it("SW-P2, SW-V1: a pasted partial ETH order fills in two parts, the ETH exact to the wei, the tail below minFill", async function () {
      const f = await loadFixture(swapSdkFixture);
      const { signed } = await ethOrder(f);
      const pasted = serializeOrderCompact(signed);
      const parsed = await f.takerClient.parseOrder({ text: pasted });
      expect(parsed).to.deep.equal(signed);

      const part = DUSD(333n) + 333_333n; // 333.333333 dUSD: the ETH price has a remainder
      const local = quoteSwapFill({ order: parsed.order, makerFill: part, filled: 0n, feeBps: 0 });
      expect(await f.takerClient.quote({ order: parsed, makerFill: part })).to.deep.equal(local);
      const built = await f.takerClient.buildFill({ order: parsed, makerFill: part });
      expect(built.value).to.equal(local.takerFill);
      expect(built.value * DUSD(1_000n)).to.be.greaterThan(part * parseEther("0.4") - 1n);

      const makerEth = await ethers.provider.getBalance(f.maker.address);
      const takerDusd = await f.dusd.balanceOf(f.taker.address);
      const first = await f.takerClient.fill({ order: parsed, makerFill: part });
      expect(first.takerFill).to.equal(local.takerFill);
      expect(await ethers.provider.getBalance(f.maker.address)).to.equal(makerEth + local.takerFill);
      expect(await f.dusd.balanceOf(f.taker.address)).to.equal(takerDusd + part);
      expect(first.events.map((e) => e.type)).to.deep.equal(["OrderFilled"]);

      const status = await f.readClient.orderStatus({ order: parsed });
      expect(status).to.deep.include({ state: "open", filled: part, remaining: DUSD(1_000n) - part });

      // A second taker takes the rest: 666.666667 dUSD, at or above minFill; then nothing remains.
      const rest = await f.taker2Client.fill({ order: parsed });
      expect(rest.makerFill).to.equal(DUSD(1_000n) - part);
      expect(first.takerFill + rest.takerFill).to.be.at.least(parseEther("0.4"));
      expect(await f.readClient.orderStatus({ order: parsed })).to.deep.include({
        state: "filled",
        filled: DUSD(1_000n),
        remaining: 0n,
        nonceUsed: true,
      });
    });

    it("SW-P2: a tail below minFill is fillable once only the tail remains", async function () {
      const f = await loadFixture(swapSdkFixture);
      const { signed } = await ethOrder(f);
      await f.takerClient.fill({ order: signed, makerFill: DUSD(950n) });
      await expectSdkError(
        f.takerClient.buildFill({ order: signed, makerFill: DUSD(40n) }),
        SwapOrderError,
        "SWAP_INVALID_FILL_AMOUNT",
        { amount: DUSD(40n), minFill: DUSD(100n), remaining: DUSD(50n) },
      );
      const { makerFill } = await f.takerClient.fill({ order: signed });
      expect(makerFill).to.equal(DUSD(50n));
    });

    it("SW-P1, SW-F1: a fill-or-kill dUSD -> WETH order fills whole with approve, the maker paying the fee on top", async function () {
      const f = await loadFixture(swapSdkFixture);
      await f.swap.connect(f.owner).setProtocolFee(30, f.feeRecipient.address);
      const order = await f.makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: DUSD(2_000n),
        takerToken: f.wethAddress,
        takerAmount: parseEther("0.8"),
        recipient: f.stranger.address,
      });
      const signed = await f.makerClient.signOrder({ order });
      await f.weth.connect(f.taker).approve(f.address, 0n);
      const makerDusd = await f.dusd.balanceOf(f.maker.address);
      const strangerWeth = await f.weth.balanceOf(f.stranger.address);
      const result = await f.takerClient.fill({ order: signed, approve: true });
      expect(result.approvalReceipt?.status).to.equal(1);
      expect(await f.weth.allowance(f.taker.address, f.address)).to.equal(0n); // approved exactly, all spent
      expect(await f.dusd.balanceOf(f.maker.address)).to.equal(makerDusd - DUSD(2_000n) - DUSD(6n));
      expect(await f.dusd.balanceOf(f.feeRecipient.address)).to.equal(DUSD(6n));
      expect(await f.weth.balanceOf(f.stranger.address)).to.equal(strangerWeth + parseEther("0.8"));
      expect(await f.readClient.orderStatus({ order: signed })).to.deep.include({ state: "filled", nonceUsed: true });
      await expectSdkError(
        f.taker2Client.buildFill({ order: signed, makerFill: DUSD(1_000n) }),
        SwapOrderError,
        "SWAP_INVALID_FILL_AMOUNT",
      );
    });

    it("SW-C1: a fill check() refuses sends no approval; a short allowance alone is what approve fixes", async function () {
      const f = await loadFixture(swapSdkFixture);
      const order = await f.makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: DUSD(10n),
        takerToken: f.wethAddress,
        takerAmount: 5n,
        taker: f.taker.address,
      });
      const signed = await f.makerClient.signOrder({ order });
      await f.weth.connect(f.taker).approve(f.address, 0n);
      await f.makerClient.cancel({ nonces: [order.nonce] });
      const refused = await expectSdkError(
        f.takerClient.fill({ order: signed, approve: true }),
        SwapNotFillableError,
        "SWAP_NONCE_USED",
      );
      expect((refused.details.reasons as { code: string }[]).map((r) => r.code)).to.deep.equal(["SWAP_NONCE_USED"]);
      expect(await f.weth.allowance(f.taker.address, f.address)).to.equal(0n);
      // Without approve, the short allowance is itself the reason.
      const fresh = await f.makerClient.signOrder({ order: { ...order, nonce: order.nonce + 1n } });
      await expectSdkError(f.takerClient.fill({ order: fresh }), SwapNotFillableError, "SWAP_TAKER_ALLOWANCE_TOO_LOW");
      await f.takerClient.fill({ order: fresh, approve: true });
      expect(await f.weth.allowance(f.taker.address, f.address)).to.equal(0n);
    });

    it("builds every action as { to, data, value } from a read-only client", async function () {
      const f = await loadFixture(swapSdkFixture);
      const { signed } = await ethOrder(f);
      const fill = await f.readClient.buildFill({ order: signed, makerFill: DUSD(100n), taker: f.taker.address });
      expect(fill).to.deep.include({ to: f.address, value: parseEther("0.04"), makerFill: DUSD(100n) });
      const decoded = f.swap.interface.decodeFunctionData("fill", fill.data);
      expect(decoded.makerFill).to.equal(DUSD(100n));
      expect(decoded.signature).to.equal(signed.signature);
      const calls = [
        [f.readClient.buildCancel({ nonces: [1n, 2n] }), "cancel"],
        [f.readClient.buildCancelRange({ from: 0n, to: 9n }), "cancelRange"],
        [f.readClient.buildSetDelegate({ delegate: f.delegate.address }), "setDelegate"],
        [f.readClient.buildWithdraw({ to: f.maker.address }), "withdraw"],
      ] as const;
      for (const [request, name] of calls) {
        expect(request.to).to.equal(f.address);
        expect(request.value).to.equal(0n);
        expect(f.swap.interface.parseTransaction({ data: request.data })?.name).to.equal(name);
      }
      // The built fill, sent by the taker's own wallet, fills.
      await f.taker.sendTransaction(fill);
      expect(await f.swap.filledOf(signed.order.maker, signed.order.nonce)).to.equal(DUSD(100n));
      await expectSdkError(f.readClient.fill({ order: signed }), RunnerError, "SIGNER_REQUIRED");
    });
  });

  describe("bad input", function () {
    it("SW-T2: refuses a taker who is not the named one before sending, and decodes the revert if sent anyway", async function () {
      const f = await loadFixture(swapSdkFixture);
      const { signed } = await ethOrder(f, { taker: f.taker2.address });
      await expectSdkError(f.takerClient.fill({ order: signed }), SwapOrderError, "SWAP_UNAUTHORIZED_TAKER", {
        taker: f.taker2.address,
        caller: f.taker.address,
      });
      // Built for the named taker, sent by another account: the contract refuses, the SDK decodes it.
      const request = await f.readClient.buildFill({ order: signed, taker: f.taker2.address });
      const failure: unknown = await f.taker.estimateGas(request).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      await expectSdkError(() => Promise.reject(decodeSwapError(failure)), SwapFillError, "SWAP_UNAUTHORIZED_TAKER", {
        taker: f.taker2.address,
        caller: f.taker.address,
      });
      await f.taker2Client.fill({ order: signed, makerFill: DUSD(100n) });
    });

    it("SW-T1: fills at expiry - 1, reverts (decoded SWAP_EXPIRED) at expiry, and is refused before sending after it", async function () {
      const f = await loadFixture(swapSdkFixture);
      const expiry = BigInt(await time.latest()) + 100n;
      const { signed } = await ethOrder(f, { expiry });
      const options = { check: false, overrides: { gasLimit: 400_000n } };
      await time.setNextBlockTimestamp(expiry - 1n);
      await f.takerClient.fill({ order: signed, makerFill: DUSD(100n), ...options });
      await time.setNextBlockTimestamp(expiry);
      await expectSdkError(
        f.takerClient.fill({ order: signed, makerFill: DUSD(100n), ...options }),
        SwapOrderStateError,
        "SWAP_EXPIRED",
        { expiry },
      );
      expect(await time.latest()).to.equal(Number(expiry));
      await expectSdkError(f.takerClient.buildFill({ order: signed }), SwapOrderError, "SWAP_EXPIRED", { expiry });
      await time.increase(1);
      await expectSdkError(f.takerClient.buildFill({ order: signed }), SwapOrderError, "SWAP_EXPIRED", { expiry });
      expect(await f.readClient.orderStatus({ order: signed })).to.deep.include({ state: "expired", expired: true });
    });

    it("SW-S3: refuses an order pasted for another contract or chain, before anything is read or sent", async function () {
      const f = await loadFixture(swapSdkFixture);
      const { order } = await ethOrder(f);
      const foreign = await signSwapOrder({ chainId: f.chainId, contract: f.wethAddress, order, signer: f.maker });
      await expectSdkError(
        f.takerClient.parseOrder({ text: serializeOrder(foreign) }),
        SwapOrderError,
        "SWAP_ORDER_WRONG_CONTRACT",
      );
      await expectSdkError(f.takerClient.fill({ order: foreign }), SwapOrderError, "SWAP_ORDER_WRONG_CONTRACT");
      const otherChain = await signSwapOrder({ chainId: 1n, contract: f.address, order, signer: f.maker });
      await expectSdkError(
        f.takerClient.parseOrder({ text: serializeOrderCompact(otherChain) }),
        SwapOrderError,
        "SWAP_ORDER_WRONG_CHAIN",
      );
      // The same signature relabelled for this chain is the maker's signature of another digest: refused on-chain.
      const relabelled = { ...otherChain, chainId: f.chainId };
      expect((await f.takerClient.verifyOrder({ order: relabelled })).valid).to.equal(false);
      expect((await f.takerClient.check({ order: relabelled })).reasons.map((r) => r.code)).to.deep.equal([
        "SWAP_INVALID_SIGNATURE",
      ]);
    });

    it("SW-C1: check names every reason at once (expired, fee too low, nonce used, maker allowance); orderStatus sums them up", async function () {
      const f = await loadFixture(swapSdkFixture);
      const expiry = BigInt(await time.latest()) + 100n;
      const { signed } = await ethOrder(f, { expiry, feeBps: 5, nonce: 7n });
      await f.makerClient.cancel({ nonces: [signed.order.nonce] });
      await f.swap.connect(f.owner).setProtocolFee(10, f.feeRecipient.address);
      await f.dusd.connect(f.maker).approve(f.address, 1n);
      // At or past the expiry: the chain may already be past it when earlier suites left a faster clock behind.
      if (BigInt(await time.latest()) < expiry) await time.increaseTo(expiry);
      const { ok, reasons } = await f.takerClient.check({ order: signed, makerFill: DUSD(100n) });
      expect(ok).to.equal(false);
      expect(reasons.map((r) => r.code)).to.deep.equal([
        "SWAP_EXPIRED",
        "SWAP_FEE_TOO_LOW",
        "SWAP_NONCE_USED",
        "SWAP_MAKER_ALLOWANCE_TOO_LOW",
      ]);
      expect(await f.readClient.orderStatus({ order: signed })).to.deep.include({
        state: "cancelled",
        nonceUsed: true,
        expired: true,
        feeTooLow: true,
        currentFeeBps: 10,
      });
    });

    it("SW-C1: fill throws SwapNotFillableError with the taker's shortfalls; the balance reason for ETH", async function () {
      const f = await loadFixture(swapSdkFixture);
      const order = await f.makerClient.makeOrder({
        makerToken: f.dusdAddress,
        makerAmount: DUSD(1n),
        takerToken: f.wethAddress,
        takerAmount: 10n ** 40n,
      });
      const signed = await f.makerClient.signOrder({ order });
      const error = await expectSdkError(
        f.takerClient.fill({ order: signed }),
        SwapNotFillableError,
        "SWAP_TAKER_BALANCE_TOO_LOW",
      );
      expect((error.details.reasons as { code: string }[]).map((r) => r.code)).to.deep.equal([
        "SWAP_TAKER_BALANCE_TOO_LOW",
        "SWAP_TAKER_ALLOWANCE_TOO_LOW",
      ]);
      const { signed: ethSigned } = await ethOrder(f, { takerAmount: 10n ** 30n, minFill: undefined });
      expect((await f.takerClient.check({ order: ethSigned })).reasons.map((r) => r.code)).to.deep.equal([
        "SWAP_TAKER_BALANCE_TOO_LOW",
      ]);
      // A read-only client checks without a taker: the taker's checks are skipped.
      expect((await f.readClient.check({ order: ethSigned })).ok).to.equal(true);
    });

    it("SW-V2: a fee-on-transfer maker token passes check() but its fill reverts, decoded as SWAP_TRANSFER_SHORTFALL", async function () {
      const f = await loadFixture(swapSdkFixture);
      const fot = await ethers.deployContract("FeeOnTransferToken", [100]);
      await fot.mint(f.maker.address, 10_000n);
      await fot.connect(f.maker).approve(f.address, 10_000n);
      const order = await f.makerClient.makeOrder({
        makerToken: await fot.getAddress(),
        makerAmount: 1_000n,
        takerToken: ZeroAddress,
        takerAmount: 1_000n,
      });
      const signed = await f.makerClient.signOrder({ order });
      expect((await f.takerClient.check({ order: signed })).ok).to.equal(true); // check() cannot see the fee
      await expectSdkError(f.takerClient.fill({ order: signed }), SwapFillError, "SWAP_TRANSFER_SHORTFALL", {
        token: await fot.getAddress(),
        expected: 1_000n,
        received: 990n,
      });
      expect(await fot.balanceOf(f.maker.address)).to.equal(10_000n); // nothing moved
    });

    it("SW-V3: a recipient that refuses ETH is credited, never blocks the fill, and withdraws with buildWithdraw", async function () {
      const f = await loadFixture(swapSdkFixture);
      const account = await ethers.deployContract("MockAccount", [f.maker.address]);
      await account.setRejectEth(true);
      const { signed } = await ethOrder(f, { recipient: await account.getAddress() });
      const { takerFill, events } = await f.takerClient.fill({ order: signed, makerFill: DUSD(100n) });
      expect(events.map((e) => e.type)).to.deep.equal(["OrderFilled", "PaymentCredited"]);
      expect(await f.readClient.creditOf({ account: await account.getAddress() })).to.equal(takerFill);
      const request = f.readClient.buildWithdraw({ to: f.stranger.address });
      const before = await ethers.provider.getBalance(f.stranger.address);
      await account.connect(f.maker).execute(request.to, request.value, request.data);
      expect(await ethers.provider.getBalance(f.stranger.address)).to.equal(before + takerFill);
      expect(await f.readClient.creditOf({ account: await account.getAddress() })).to.equal(0n);
    });

    it("SW-N2, SW-N4: cancelled orders are refused by check and, sent anyway, decoded from the revert", async function () {
      const f = await loadFixture(swapSdkFixture);
      const { signed: a } = await ethOrder(f, { nonce: 3n });
      const { signed: b } = await ethOrder(f, { nonce: 4n });
      const cancelled = await f.makerClient.cancel({ nonces: [a.order.nonce] });
      expect(cancelled.events.map((e) => e.type)).to.deep.equal(["NonceCancelled"]);
      await expectSdkError(f.takerClient.fill({ order: a }), SwapNotFillableError, "SWAP_NONCE_USED");
      await expectSdkError(f.takerClient.fill({ order: a, check: false }), SwapOrderStateError, "SWAP_NONCE_USED", {
        maker: f.maker.address,
        nonce: a.order.nonce,
      });
      await f.makerClient.cancelRange({ from: b.order.nonce, to: b.order.nonce + 1n });
      await expectSdkError(f.takerClient.fill({ order: b, check: false }), SwapOrderStateError, "SWAP_NONCE_USED", {
        nonce: b.order.nonce,
      });
      expect(await f.readClient.orderStatus({ order: b })).to.deep.include({ state: "cancelled", nonceUsed: true });
      await expectSdkError(
        () => f.makerClient.cancelRange({ from: 5n, to: 5n }),
        InvalidParameterError,
        "INVALID_PARAMETER",
      );
      // Sent anyway (built by hand), the contract's refusal decodes to its typed error.
      const raw = f.swap.connect(f.maker).cancelRange(5n, 5n);
      await expectSdkError(
        raw.catch((e: unknown) => {
          throw decodeSwapError(e);
        }),
        SwapAdminError,
        "SWAP_INVALID_NONCE_RANGE",
        { from: 5n, to: 5n },
      );
    });
  });
});
