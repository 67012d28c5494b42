// Orders as EIP-712 typed data, offline: the hash against an independent encoding of the design's type string,
// signing with a Wallet and through an EIP-1193 wallet, verification in the contract's order, the quote arithmetic,
// and the decoding of every Swap error.
import { expect } from "chai";
import fc from "fast-check";
import {
  AbiCoder,
  BrowserProvider,
  ErrorFragment,
  Signature,
  Wallet,
  ZeroAddress,
  concat,
  getAddress,
  id,
  keccak256,
  toUtf8Bytes,
  type ParamType,
} from "ethers";
import { ISwap__factory } from "../../../typechain-types";
import {
  ContractRevertError,
  PeerPayErrorCode,
  SwapAdminError,
  SwapFillError,
  SwapOrderError,
  SwapOrderStateError,
  TransferError,
  UnauthorizedError,
  ReentrancyError,
  decodeSwapCheckReasons,
  decodeSwapError,
  hashSwapOrder,
  quoteSwapFill,
  recoverSwapOrderSigner,
  signSwapOrder,
  verifySwapOrder,
  type PeerPayError,
  type SwapOrder,
} from "../../../sdk";
import { KNOWN_SWAP_ERRORS } from "../../../sdk/internal/revert";
import { expectSdkError } from "../../helpers/sdk";
import { OFFLINE_DEPLOYMENT, arbOrder, eip1193Wallet } from "../../helpers/swap-sdk";

const ORDER_TYPE =
  "Order(address maker,address makerToken,uint256 makerAmount,address takerToken,uint256 takerAmount,address taker," +
  "address recipient,uint256 minFill,uint64 expiry,uint256 nonce,uint16 feeBps)";
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function orderOf(maker: string, overrides: Partial<SwapOrder> = {}): SwapOrder {
  return {
    maker,
    makerToken: getAddress("0x1000000000000000000000000000000000000001"),
    makerAmount: 1_000n,
    takerToken: ZeroAddress,
    takerAmount: 3n,
    taker: ZeroAddress,
    recipient: ZeroAddress,
    minFill: 100n,
    expiry: 1_800_000_000n,
    nonce: (1n << 255n) | 1n, // a partial order's nonce has bit 255 set (SW-N1)
    feeBps: 10,
    ...overrides,
  };
}

/** The digest computed from the design's type string by hand, independently of ethers' TypedDataEncoder. */
function manualDigest(order: SwapOrder, chainId: bigint, contract: string): string {
  const coder = AbiCoder.defaultAbiCoder();
  const domainSeparator = keccak256(
    coder.encode(
      ["bytes32", "bytes32", "bytes32", "uint256", "address"],
      [
        id("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
        id("PeerPay Swap"),
        id("1"),
        chainId,
        contract,
      ],
    ),
  );
  const structHash = keccak256(
    coder.encode(
      [
        "bytes32",
        "address",
        "address",
        "uint256",
        "address",
        "uint256",
        "address",
        "address",
        "uint256",
        "uint64",
      ].concat(["uint256", "uint16"]),
      [
        keccak256(toUtf8Bytes(ORDER_TYPE)),
        order.maker,
        order.makerToken,
        order.makerAmount,
        order.takerToken,
        order.takerAmount,
        order.taker,
        order.recipient,
        order.minFill,
        order.expiry,
        order.nonce,
        order.feeBps,
      ],
    ),
  );
  return keccak256(concat(["0x1901", domainSeparator, structHash]));
}

describe("swap orders as typed data", function () {
  const maker = Wallet.createRandom();
  const delegate = Wallet.createRandom();

  it("SW-S3: hashes every order as the design's Order type string and the PeerPay Swap domain do", function () {
    fc.assert(
      fc.property(arbOrder, fc.bigInt({ min: 1n, max: 1n << 64n }), (order, chainId) => {
        const hash = hashSwapOrder({ chainId, contract: OFFLINE_DEPLOYMENT.contract, order });
        expect(hash).to.equal(manualDigest(order, chainId, OFFLINE_DEPLOYMENT.contract));
      }),
      { numRuns: 200 },
    );
  });

  it("SW-S3: a different chain or contract gives a different hash (no replay across deployments)", function () {
    const order = orderOf(maker.address);
    const base = hashSwapOrder({ ...OFFLINE_DEPLOYMENT, order });
    expect(hashSwapOrder({ ...OFFLINE_DEPLOYMENT, chainId: 1n, order })).to.not.equal(base);
    expect(hashSwapOrder({ chainId: 31_337n, contract: delegate.address, order })).to.not.equal(base);
  });

  it("SW-S1: a Wallet's signature verifies as the maker's; any changed field makes it invalid", async function () {
    const signed = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order: orderOf(maker.address), signer: maker });
    expect(await verifySwapOrder({ signed })).to.deep.equal({ valid: true, by: "maker", recovered: maker.address });
    const changes: Partial<SwapOrder>[] = [
      { makerAmount: 1_001n },
      { takerAmount: 4n },
      { taker: delegate.address },
      { recipient: delegate.address },
      { minFill: 99n },
      { expiry: 1_800_000_001n },
      { nonce: 2n },
      { feeBps: 11 },
      { takerToken: delegate.address },
    ];
    for (const change of changes) {
      const tampered = { ...signed, order: { ...signed.order, ...change } };
      expect(
        (await verifySwapOrder({ signed: tampered })).valid,
        JSON.stringify(change, (_k, v) => String(v)),
      ).to.equal(false);
    }
    expect((await verifySwapOrder({ signed: { ...signed, chainId: 1n } })).valid).to.equal(false);
  });

  it("SW-S1: a delegate's signature is valid only when the maker's delegate is given and matches", async function () {
    const signed = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order: orderOf(maker.address), signer: delegate });
    expect((await verifySwapOrder({ signed })).valid).to.equal(false);
    expect(await verifySwapOrder({ signed, delegate: delegate.address })).to.deep.equal({
      valid: true,
      by: "delegate",
      recovered: delegate.address,
    });
    expect((await verifySwapOrder({ signed, delegate: maker.address })).valid).to.equal(false);
    expect((await verifySwapOrder({ signed, delegate: ZeroAddress })).valid).to.equal(false);
  });

  it("SW-S1: signs the maker's own order in the 64-byte EIP-2098 form by default, others' in 65 bytes; compact forces either", async function () {
    const order = orderOf(maker.address);
    const bytes = (hex: string) => (hex.length - 2) / 2;
    const own = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order, signer: maker });
    expect(bytes(own.signature)).to.equal(64);
    expect((await verifySwapOrder({ signed: own })).by).to.equal("maker");
    // A delegate (or a wallet's owner, whose wallet may read 65 bytes only) signs in the 65-byte form.
    expect(bytes((await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order, signer: delegate })).signature)).to.equal(65);
    const long = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order, signer: maker, compact: false });
    expect(bytes(long.signature)).to.equal(65);
    expect(Signature.from(long.signature).compactSerialized).to.equal(own.signature);
    const short = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order, signer: delegate, compact: true });
    expect(bytes(short.signature)).to.equal(64);
  });

  it("SW-S2: accepts the 64-byte EIP-2098 form and refuses the high-s twin of a valid signature", async function () {
    const signed = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order: orderOf(maker.address), signer: maker });
    const sig = Signature.from(signed.signature);
    expect((await verifySwapOrder({ signed: { ...signed, signature: sig.compactSerialized } })).by).to.equal("maker");
    const highS = "0x" + (SECP256K1_N - BigInt(sig.s)).toString(16).padStart(64, "0");
    const twin = concat([sig.r, highS, sig.v === 27 ? "0x1c" : "0x1b"]);
    expect(recoverSwapOrderSigner({ ...signed, signature: twin })).to.equal(null);
    expect((await verifySwapOrder({ signed: { ...signed, signature: twin } })).valid).to.equal(false);
    expect(recoverSwapOrderSigner({ ...signed, signature: "0x1234" })).to.equal(null);
  });

  it("SW-S1: signs through an EIP-1193 wallet (BrowserProvider, eth_signTypedData_v4) exactly as the Wallet does", async function () {
    const injected = eip1193Wallet(maker, OFFLINE_DEPLOYMENT.chainId);
    const signer = await new BrowserProvider(injected).getSigner();
    const order = orderOf(maker.address);
    const viaWallet = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order, signer });
    const direct = await signSwapOrder({ ...OFFLINE_DEPLOYMENT, order, signer: maker });
    expect(injected.requests).to.include("eth_signTypedData_v4");
    expect(viaWallet).to.deep.equal(direct);
    expect((await verifySwapOrder({ signed: viaWallet })).by).to.equal("maker");
  });

  it("SW-O1: refuses to sign terms the contract would refuse, with SWAP_INVALID_ORDER", async function () {
    const bad: Partial<SwapOrder>[] = [
      { makerToken: ZeroAddress },
      { makerAmount: 0n },
      { takerAmount: 0n },
      { minFill: 0n },
      { minFill: 1_001n },
      { maker: ZeroAddress },
    ];
    for (const change of bad) {
      await expectSdkError(
        signSwapOrder({ ...OFFLINE_DEPLOYMENT, order: orderOf(maker.address, change), signer: maker }),
        SwapOrderError,
        "SWAP_INVALID_ORDER",
      );
    }
    await expectSdkError(
      signSwapOrder({ ...OFFLINE_DEPLOYMENT, order: orderOf(maker.address, { nonce: -1n }), signer: maker }),
      SwapOrderError,
      "SWAP_ORDER_MALFORMED",
      { field: "nonce" },
    );
  });
});

describe("quoteSwapFill", function () {
  it("SW-P3: rounds the taker amount up (never in the taker's favour) and the fee down, for random fills", function () {
    fc.assert(
      fc.property(
        arbOrder,
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        fc.integer({ min: 0, max: 100 }),
        (order, seed, feeBps) => {
          const makerFill = (seed % order.makerAmount) + 1n;
          fc.pre(makerFill >= order.minFill || makerFill === order.makerAmount);
          const q = quoteSwapFill({ order, makerFill, filled: 0n, feeBps });
          const exact = makerFill * order.takerAmount;
          expect(q.takerFill * order.makerAmount >= exact).to.equal(true);
          expect((q.takerFill - 1n) * order.makerAmount < exact).to.equal(true);
          expect(q.fee * 10_000n <= makerFill * BigInt(feeBps)).to.equal(true);
          expect((q.fee + 1n) * 10_000n > makerFill * BigInt(feeBps)).to.equal(true);
          expect(q.remaining).to.equal(order.makerAmount - makerFill);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("SW-P3: a fill worth a third of a wei costs 1 wei, not 0; a fee worth 1.9999 units is 1", function () {
    const order = orderOf(ZeroAddress.replace(/0$/, "1"), { makerAmount: 3n, takerAmount: 1n, minFill: 1n });
    expect(quoteSwapFill({ order, makerFill: 1n, filled: 0n, feeBps: 0 }).takerFill).to.equal(1n);
    expect(quoteSwapFill({ order, makerFill: 3n, filled: 0n, feeBps: 0 }).takerFill).to.equal(1n);
    const fee = quoteSwapFill({
      order: { ...order, makerAmount: 20_000n, minFill: 1n },
      makerFill: 19_999n,
      filled: 0n,
      feeBps: 1,
    });
    expect(fee.fee).to.equal(1n);
  });

  it("SW-P1, SW-P2: allows exactly the fills the order allows: > 0, <= remaining, >= minFill unless the whole rest", async function () {
    const order = orderOf(ZeroAddress.replace(/0$/, "1"), { makerAmount: 1_000n, minFill: 300n });
    const ok = (makerFill: bigint, filled: bigint) => quoteSwapFill({ order, makerFill, filled, feeBps: 0 });
    expect(ok(300n, 0n).remaining).to.equal(700n);
    expect(ok(1_000n, 0n).remaining).to.equal(0n);
    expect(ok(100n, 900n).remaining).to.equal(0n); // the tail is smaller than minFill
    for (const [makerFill, filled] of [
      [0n, 0n],
      [299n, 0n],
      [1_001n, 0n],
      [99n, 900n],
      [101n, 900n],
      [1n, 1_000n],
    ] as const) {
      await expectSdkError(() => ok(makerFill, filled), SwapOrderError, "SWAP_INVALID_FILL_AMOUNT", {
        amount: makerFill,
        minFill: 300n,
        remaining: 1_000n - filled,
      });
    }
    const fillOrKill = { ...order, minFill: 1_000n };
    expect(() => quoteSwapFill({ order: fillOrKill, makerFill: 999n, filled: 0n, feeBps: 0 })).to.throw(SwapOrderError);
    expect(quoteSwapFill({ order: fillOrKill, makerFill: 1_000n, filled: 0n, feeBps: 0 }).takerFill).to.equal(3n);
  });
});

/** The family each Solidity error the Swap can raise decodes into: a change here is an API change. */
const FAMILIES: Record<string, abstract new (...args: never[]) => PeerPayError> = {
  SwapInvalidOrder: SwapOrderStateError,
  SwapTokenNotContract: SwapOrderStateError,
  SwapExpired: SwapOrderStateError,
  SwapInvalidSignature: SwapOrderStateError,
  SwapNonceUsed: SwapOrderStateError,
  SwapFeeTooLow: SwapOrderStateError,
  SwapUnauthorizedTaker: SwapFillError,
  SwapInvalidFillAmount: SwapFillError,
  SwapValueMismatch: SwapFillError,
  SwapTransferShortfall: SwapFillError,
  SwapMakerBalanceTooLow: SwapFillError,
  SwapMakerAllowanceTooLow: SwapFillError,
  SwapTakerBalanceTooLow: SwapFillError,
  SwapTakerAllowanceTooLow: SwapFillError,
  SwapProtocolFeeTooHigh: SwapAdminError,
  SwapInvalidFeeRecipient: SwapAdminError,
  SwapInvalidNonceRange: SwapAdminError,
  SwapDelegateRetired: SwapAdminError,
  OwnableUnauthorizedAccount: UnauthorizedError,
  OwnableInvalidOwner: SwapAdminError,
  PullPaymentsNothingToWithdraw: TransferError,
  PullPaymentsInvalidRecipient: TransferError,
  SafeERC20FailedOperation: TransferError,
  FailedCall: TransferError,
  InsufficientBalance: TransferError,
  ERC20InsufficientBalance: TransferError,
  ERC20InsufficientAllowance: TransferError,
  ReentrancyGuardReentrantCall: ReentrancyError,
};

function sampleValue(input: ParamType): unknown {
  if (input.type === "address") return "0x00000000000000000000000000000000DeaDBeef";
  if (input.type === "bytes32") return id("sample");
  return 123_456n;
}

function screamingSnake(name: string): string {
  return name
    .replace(/ERC20/g, "Erc20")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase();
}

describe("decodeSwapError", function () {
  const fragments = ISwap__factory.createInterface().fragments.filter(
    (fragment): fragment is ErrorFragment => fragment.type === "error",
  );

  it("knows every custom error of ISwap, and ties each known error to its family", function () {
    expect(KNOWN_SWAP_ERRORS).to.include.members(fragments.map((f) => f.name));
    expect(Object.keys(FAMILIES).sort()).to.deep.equal([...KNOWN_SWAP_ERRORS].sort());
  });

  it("decodes each ISwap error into its family, its stable code and its named arguments", function () {
    for (const fragment of fragments) {
      const values = fragment.inputs.map(sampleValue);
      const data = concat([fragment.selector, AbiCoder.defaultAbiCoder().encode(fragment.inputs, values)]);
      const error = decodeSwapError(data);
      expect(error, fragment.name).to.be.instanceOf(FAMILIES[fragment.name]);
      expect(error, fragment.name).to.be.instanceOf(ContractRevertError);
      expect(error.code, fragment.name).to.equal(screamingSnake(fragment.name));
      expect(Object.values(PeerPayErrorCode)).to.include(error.code);
      expect(error.details, fragment.name).to.deep.equal(
        Object.fromEntries(fragment.inputs.map((input, i) => [input.name, values[i]])),
      );
      expect(error.message, fragment.name).to.not.include("undefined");
    }
  });

  it("SW-C1: decodes check() selectors into the same codes, and an unknown selector into SWAP_UNKNOWN_REASON", function () {
    const swap = ISwap__factory.createInterface();
    const reasons = decodeSwapCheckReasons([
      swap.getError("SwapExpired")!.selector,
      swap.getError("SwapNonceUsed")!.selector.toUpperCase().replace("0X", "0x"),
      "0xdeadbeef",
    ]);
    expect(reasons.map((r) => r.code)).to.deep.equal(["SWAP_EXPIRED", "SWAP_NONCE_USED", "SWAP_UNKNOWN_REASON"]);
    expect(reasons.map((r) => r.name)).to.deep.equal(["SwapExpired", "SwapNonceUsed", null]);
  });
});
