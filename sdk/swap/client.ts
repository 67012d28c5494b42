import type { ContractRunner } from "ethers";
import type { ISwap } from "../../typechain-types/contracts/interfaces/ISwap";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import { connectParameters, type ConnectParameters } from "../deployments";
import { decodeSwapError } from "../internal/revert";
import * as fills from "./actions/fill";
import { createSwapContext, orderHashOf, send, type SwapContext } from "./actions/context";
import * as orders from "./actions/orders";
import * as read from "./actions/read";
import { findSwapActivity, type SwapActivityParameters, type SwapActivityReturnType } from "./discovery";
import type * as P from "./parameters";
import { parseOrder, type ParseOrderParameters } from "./serialize";
import type { SwapSignatureCheck } from "./typed-data";
import type { SignedSwapOrder, SwapOrder, SwapOrderHash } from "./types";

/**
 * A maker's or taker's client of the signed-order swaps (docs/swaps.md): make and sign orders (defaults from the
 * chain, an unused nonce), verify a signature as the contract does (maker, delegate, ERC-1271 wallet), read a shared
 * order bound to this deployment, check a fill (every reason it would fail, with stable codes), quote it, fill it
 * (the ETH value computed exactly), cancel one, many or everything below a nonce, set a delegate, read an order's
 * status, and list an account's fills and cancellations. Every action also exists as `buildX`, returning
 * `{ to, data, value }` without sending, for a multisig or a relayer. Sharing orders needs no client:
 * `serializeOrder`, `serializeOrderCompact`, `parseOrder`.
 *
 * @example
 * ```ts
 * const maker = await SwapClient.connect({ runner: makerWallet }); // or new SwapClient({ address, runner })
 * const order = await maker.makeOrder({ makerToken: dusd, makerAmount: 1_000_000_000n, takerToken: ZeroAddress, takerAmount: parseEther("0.4") });
 * const pasted = serializeOrderCompact(await maker.signOrder({ order }));
 *
 * const taker = new SwapClient({ address: swapAddress, runner: takerWallet });
 * const signed = await taker.parseOrder({ text: pasted });
 * await taker.fill({ order: signed, makerFill: 250_000_000n });
 * ```
 */
export class SwapClient {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: ISwap;
  readonly fromBlock: number;
  readonly confirmations: number;
  readonly #context: SwapContext;

  constructor(params: P.SwapClientParameters) {
    this.#context = createSwapContext(params);
    this.address = this.#context.address;
    this.runner = this.#context.runner;
    this.contract = this.#context.contract;
    this.fromBlock = this.#context.fromBlock;
    this.confirmations = this.#context.confirmations;
  }

  /**
   * A client for the Swap deployment on the runner's chain found in the address book (the bundled book, with
   * `addressBook`'s entries added or replacing), or at `address`.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and no deployment on the chain.
   * @example
   * ```ts
   * const swap = await SwapClient.connect({ runner: wallet, addressBook });
   * ```
   */
  static async connect(params: ConnectParameters<P.SwapClientParameters>): Promise<SwapClient> {
    return new SwapClient(await connectParameters("Swap", params, decodeSwapError));
  }

  /** The chain id of the client's provider (read once). @example `const chainId = await swap.getChainId();` */
  getChainId(): Promise<bigint> {
    return this.#context.chainId();
  }

  // ---------------------------------------------------------------- orders

  /**
   * An order with the maker's defaults filled in from the chain (see `MakeOrderParameters`), checked as the
   * contract would check it (a nonce of the order's kind: bit 255 set for a partial order, SW-N1). Not signed yet: pass it to {@link SwapClient.signOrder}. A nonce the client picks is
   * never handed out again by this client; across clients or restarts, keep your open orders' nonces and pass them
   * to {@link SwapClient.findUnusedNonces} as `exclude` (orders sharing a nonce die together; partial orders sharing
   * a nonce share one filled amount, SW-N2).
   *
   * @throws {SwapOrderError} `SWAP_INVALID_ORDER` or `SWAP_ORDER_MALFORMED`: terms the contract would refuse.
   * @example
   * ```ts
   * const order = await swap.makeOrder({ makerToken: dusd, makerAmount: 1_000n, takerToken: weth, takerAmount: 1n, minFill: 100n });
   * ```
   */
  makeOrder(params: P.MakeOrderParameters): Promise<SwapOrder> {
    return orders.makeOrder(this.#context, params);
  }

  /**
   * Signs an order with the client's signer (a Wallet, an EIP-1193 wallet through `BrowserProvider.getSigner()`,
   * the maker's delegate, or the owner of an ERC-1271 maker) for this deployment.
   *
   * @throws {RunnerError} `SIGNER_REQUIRED`: the client has no signer.
   * @example
   * ```ts
   * const signed = await swap.signOrder({ order });
   * ```
   */
  signOrder(params: { order: SwapOrder }): Promise<SignedSwapOrder> {
    return orders.signOrder(this.#context, params);
  }

  /**
   * Nonces of `maker` free for new orders of one kind: fill-or-kill (bit 255 clear, the default) or `partial` (bit
   * 255 set, SW-N1); at or above `from` (default: the kind's first nonce), bits unset, not in `exclude`, not handed out
   * by this client.
   *
   * @example
   * ```ts
   * const [a, b] = await swap.findUnusedNonces({ maker, count: 2, exclude: openOrders.map((o) => o.nonce) });
   * ```
   */
  findUnusedNonces(params: {
    maker: Address;
    count?: number;
    partial?: boolean;
    from?: bigint;
    exclude?: readonly bigint[];
  }): Promise<bigint[]> {
    return orders.findUnusedNonces(this.#context, params);
  }

  /**
   * Whether a signed order's signature holds on this deployment as the contract decides: the maker's key, its
   * current delegate's, or its ERC-1271 wallet's acceptance.
   *
   * @throws {SwapOrderError} `SWAP_ORDER_WRONG_CHAIN` or `SWAP_ORDER_WRONG_CONTRACT`.
   * @example
   * ```ts
   * const { valid, by } = await swap.verifyOrder({ order: signed });
   * ```
   */
  verifyOrder(params: { order: SignedSwapOrder }): Promise<SwapSignatureCheck> {
    return orders.verifyOrder(this.#context, params);
  }

  /**
   * Reads a shared order (JSON or a compact `ppswap1:` string) and refuses one signed for another chain or contract.
   *
   * @throws {SwapOrderError} `SWAP_ORDER_WRONG_CHAIN`, `SWAP_ORDER_WRONG_CONTRACT`, `SWAP_ORDER_CHECKSUM_MISMATCH`,
   * `SWAP_ORDER_UNSUPPORTED_VERSION` or `SWAP_ORDER_MALFORMED`.
   * @example
   * ```ts
   * const signed = await swap.parseOrder({ text: pasted });
   * ```
   */
  async parseOrder(params: Pick<ParseOrderParameters, "text">): Promise<SignedSwapOrder> {
    return parseOrder({ text: params.text, chainId: await this.getChainId(), contract: this.address });
  }

  /** An order's hash on this deployment. @example `const orderHash = await swap.orderHashOf({ order });` */
  orderHashOf(params: { order: SwapOrder }): Promise<SwapOrderHash> {
    return orderHashOf(this.#context, params.order);
  }

  // ---------------------------------------------------------------- reading

  /**
   * Every reason a fill of `makerFill` (default: all that remains) by `taker` (default: the client's signer, or
   * nobody for a read-only client, which skips the taker's checks) would revert now, from the contract's `check()`.
   *
   * @example
   * ```ts
   * const { ok, reasons } = await swap.check({ order: signed, makerFill: 100n });
   * if (!ok) console.log(reasons.map((r) => r.code)); // e.g. ["SWAP_EXPIRED", "ERC20_INSUFFICIENT_ALLOWANCE"]
   * ```
   */
  check(params: { order: SignedSwapOrder; makerFill?: bigint; taker?: Address }): Promise<P.SwapCheckReturnType> {
    return read.check(this.#context, params);
  }

  /**
   * The contract's quote of a fill (default: all that remains): the taker's amount, the maker's fee, what remains.
   * `quoteSwapFill` computes the same offline.
   *
   * @example
   * ```ts
   * const { takerFill, fee, remaining } = await swap.quote({ order: signed, makerFill: 100n });
   * ```
   */
  quote(params: P.SwapQuoteParameters): Promise<P.SwapQuoteReturnType> {
    return read.quote(this.#context, params);
  }

  /**
   * Where an order stands: filled so far, remaining, nonce used, expired, fee too low, summed up in `state`. For a
   * used fill-or-kill order, its `OrderFilled` event is looked up from the client's `fromBlock` to tell a fill from a
   * cancel.
   *
   * @example
   * ```ts
   * const { state, remaining } = await swap.orderStatus({ order: signed });
   * ```
   */
  orderStatus(params: { order: SignedSwapOrder }): Promise<P.SwapOrderStatus> {
    return read.orderStatus(this.#context, params);
  }

  /** A maker's delegate (a replaced or revoked one is retired for good). @example `const { delegate } = await swap.makerState({ maker });` */
  makerState(params: { maker: Address }): Promise<P.SwapMakerState> {
    return read.makerState(this.#context, params);
  }

  /** A credit left by a refused ETH push. @example `const credit = await swap.creditOf({ account: recipient });` */
  creditOf(params: { token?: Address; account: Address }): Promise<bigint> {
    return read.creditOf(this.#context, params);
  }

  /**
   * An account's fills (as maker or taker), cancellations and delegate changes, and the orders its fills belong to,
   * from the client's `fromBlock` ({@link findSwapActivity}).
   *
   * @example
   * ```ts
   * const { fills, cancels, orders } = await swap.activityOf({ account: me, roles: ["maker"] });
   * ```
   */
  activityOf(params: SwapActivityParameters): Promise<SwapActivityReturnType> {
    return findSwapActivity({
      ...params,
      fromBlock: params.fromBlock ?? this.fromBlock,
      provider: this.#context.tx.provider(),
      address: this.address,
    });
  }

  // ---------------------------------------------------------------- filling

  /**
   * The `fill` transaction: `value` is the exact ETH of an ETH taker leg, computed as the contract rounds (up, in
   * the maker's favour). Refuses, before anything is sent, an order for another deployment, expired by the chain's
   * clock, named for another taker, or a fill amount the order does not allow.
   *
   * @throws {SwapOrderError} `SWAP_EXPIRED`, `SWAP_UNAUTHORIZED_TAKER`, `SWAP_INVALID_FILL_AMOUNT`,
   * `SWAP_INVALID_ORDER`, `SWAP_ORDER_WRONG_CHAIN`...
   * @example
   * ```ts
   * const { to, data, value } = await swap.buildFill({ order: signed, makerFill: 100n, taker: safeAddress });
   * ```
   */
  buildFill(params: P.BuildFillParameters): Promise<P.BuildFillReturnType> {
    return fills.buildFill(this.#context, params);
  }

  /**
   * Fills an order from the client's signer: approves an ERC20 taker leg for exactly the fill when asked, asks the
   * contract's `check()` first (unless `check: false`), sends.
   *
   * @throws {SwapNotFillableError} `check()` found reasons; all are in `details.reasons`.
   * @throws {SwapFillError} the contract reverted anyway (decoded), e.g. someone filled first.
   * @example
   * ```ts
   * const { takerFill, receipt } = await swap.fill({ order: signed, makerFill: 100n, approve: true });
   * ```
   */
  fill(params: P.FillOrderParameters): Promise<P.FillOrderReturnType> {
    return fills.fill(this.#context, params);
  }

  // ---------------------------------------------------------------- the maker's actions

  /** The `cancel(nonces)` call. @example `const request = swap.buildCancel({ nonces: [3n, 4n] });` */
  buildCancel(params: { nonces: readonly bigint[] }): PreparedTransaction {
    return fills.buildCancel(this.#context, params);
  }

  /** Cancels the signer's orders with these nonces. @example `await swap.cancel({ nonces: [order.nonce] });` */
  cancel(params: { nonces: readonly bigint[] } & WriteParameters): Promise<P.SwapWriteReturnType> {
    return send(this.#context, this.buildCancel(params), params.overrides);
  }

  /** The `cancelRange(from, to)` call (`to > from`). @example `const request = swap.buildCancelRange({ from: 0n, to: 100n });` */
  buildCancelRange(params: { from: bigint; to: bigint }): PreparedTransaction {
    return fills.buildCancelRange(this.#context, params);
  }

  /**
   * Cancels every order of the signer with a nonce in [from, to). Gas grows with (to - from) / 256 (one storage word
   * per 256 nonces): to cancel "everything below n", start at the lowest nonce you may have handed out (0 at worst;
   * partial orders' nonces start at 2^255, `SWAP_LIMITS.partialNonceFlag`).
   *
   * @example
   * ```ts
   * await swap.cancelRange({ from: 0n, to: 100n });
   * ```
   */
  cancelRange(params: { from: bigint; to: bigint } & WriteParameters): Promise<P.SwapWriteReturnType> {
    return send(this.#context, this.buildCancelRange(params), params.overrides);
  }

  /** The `setDelegate(delegate)` call. @example `const request = swap.buildSetDelegate({ delegate: bot });` */
  buildSetDelegate(params: { delegate: Address }): PreparedTransaction {
    return fills.buildSetDelegate(this.#context, params);
  }

  /** Lets `delegate` sign orders for the signer (`ZeroAddress` revokes; a revoked or replaced delegate can never be set again, SW-D1). @example `await swap.setDelegate({ delegate: bot });` */
  setDelegate(params: { delegate: Address } & WriteParameters): Promise<P.SwapWriteReturnType> {
    return send(this.#context, this.buildSetDelegate(params), params.overrides);
  }

  /** The `withdraw(token, to)` call of a credit. @example `const request = swap.buildWithdraw({ to: me });` */
  buildWithdraw(params: { token?: Address; to: Address }): PreparedTransaction {
    return fills.buildWithdraw(this.#context, params);
  }

  /** Withdraws the signer's credit (ETH unless `token`). @example `await swap.withdraw({ to: me });` */
  withdraw(params: { token?: Address; to: Address } & WriteParameters): Promise<P.SwapWriteReturnType> {
    return send(this.#context, this.buildWithdraw(params), params.overrides);
  }
}
