// Shared pieces of the swap SDK tests: random orders (fast-check), a minimal EIP-1193 wallet, and a fixed deployment
// for the offline tests.
import fc from "fast-check";
import { ZeroAddress, getAddress, hexlify, toBeHex, type BaseWallet, type TypedDataField } from "ethers";
import type { SignedSwapOrder, SwapOrder } from "../../sdk";

export const OFFLINE_DEPLOYMENT = {
  chainId: 31_337n,
  contract: getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"),
};

const UINT256 = (1n << 256n) - 1n;

export const arbAddress = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => getAddress(hexlify(bytes)));
/** Mostly the zero address, so the compact form's default flags are exercised both ways. */
const arbOptionalAddress = fc.oneof(fc.constant(ZeroAddress), arbAddress);
/** Amounts across the whole uint256 range, small ones more often. */
export const arbAmount = fc.oneof(
  fc.bigInt({ min: 1n, max: 10n ** 24n }),
  fc.bigInt({ min: 1n, max: UINT256 }),
  fc.constant(UINT256),
);

/** A well-formed order (terms the contract accepts), fill-or-kill or partial. */
export const arbOrder: fc.Arbitrary<SwapOrder> = fc
  .record({
    maker: arbAddress,
    makerToken: arbAddress,
    makerAmount: arbAmount,
    takerToken: arbOptionalAddress,
    takerAmount: arbAmount,
    taker: arbOptionalAddress,
    recipient: arbOptionalAddress,
    minFillPart: fc.option(fc.bigInt({ min: 1n, max: UINT256 }), { nil: undefined }),
    expiry: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    nonce: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: UINT256 })),
    feeBps: fc.integer({ min: 0, max: 65_535 }),
  })
  .filter((o) => o.makerToken !== o.takerToken)
  .map(({ minFillPart, ...o }) => {
    const minFill = minFillPart === undefined ? o.makerAmount : ((minFillPart - 1n) % o.makerAmount) + 1n;
    // SW-N1: bit 255 of the nonce set for a partial order, clear for a fill-or-kill one.
    const flag = 1n << 255n;
    return { ...o, minFill, nonce: minFill < o.makerAmount ? o.nonce | flag : o.nonce & (flag - 1n) };
  });

/** A signed order as a maker shares it: 65-byte ECDSA mostly, sometimes a long ERC-1271 wallet signature. */
export const arbSigned: fc.Arbitrary<SignedSwapOrder> = fc.record({
  chainId: fc.oneof(fc.constant(1n), fc.constant(31_337n), fc.bigInt({ min: 1n, max: UINT256 })),
  contract: arbAddress,
  order: arbOrder,
  signature: fc
    .oneof(fc.uint8Array({ minLength: 65, maxLength: 65 }), fc.uint8Array({ minLength: 1, maxLength: 400 }))
    .map((bytes) => hexlify(bytes)),
});

/**
 * A minimal EIP-1193 provider, as a browser wallet exposes one: the account, the chain id, and
 * `eth_signTypedData_v4` signed by `wallet` (what MetaMask does once the user confirms). Records the requests.
 */
export function eip1193Wallet(wallet: BaseWallet, chainId: bigint) {
  const requests: string[] = [];
  return {
    requests,
    async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
      requests.push(method);
      switch (method) {
        case "eth_chainId":
          return toBeHex(chainId);
        case "eth_accounts":
        case "eth_requestAccounts":
          return [wallet.address.toLowerCase()];
        case "eth_signTypedData_v4": {
          const [account, json] = params as [string, string];
          if (getAddress(account) !== wallet.address) throw new Error(`unknown account ${account}`);
          const payload = JSON.parse(json) as {
            domain: Record<string, unknown>;
            types: Record<string, TypedDataField[]>;
            message: Record<string, unknown>;
          };
          const { EIP712Domain: _domain, ...types } = payload.types;
          return wallet.signTypedData(payload.domain, types, payload.message);
        }
        default:
          throw Object.assign(new Error(`unsupported method ${method}`), { code: 4200 });
      }
    },
  };
}
