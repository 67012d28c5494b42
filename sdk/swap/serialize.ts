// Sharing signed orders (docs/swaps.md, "Sharing orders"): a JSON form for programs (bigints as decimal strings,
// checksummed addresses, the chain and contract the order is signed for, the signature) read back strictly, and the
// entry point that reads either form and refuses an order meant for another deployment.
import { getAddress, isHexString } from "ethers";
import { SwapOrderError } from "../errors/swap";
import { parseOrderCompact } from "./compact";
import { SWAP_LIMITS, type SignedSwapOrder, type SwapDeployment, type SwapOrder } from "./types";
import { normalizeSwapOrder, requireDeployment } from "./validate";

const KIND = "peerpay.swap.order";
const VERSION = 1;
const MAX_JSON_LENGTH = 65_536;
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const ORDER_FIELDS = [
  "maker",
  "makerToken",
  "makerAmount",
  "takerToken",
  "takerAmount",
  "taker",
  "recipient",
  "minFill",
  "expiry",
  "nonce",
  "feeBps",
] as const;
const TOP_FIELDS = ["kind", "version", "chainId", "contract", "order", "signature"] as const;
const ADDRESS_FIELDS = new Set(["maker", "makerToken", "takerToken", "taker", "recipient"]);

/**
 * The JSON form of a signed order, as {@link serializeOrder} writes it: every bigint a decimal string, every address
 * checksummed, `feeBps` a number.
 *
 * @example
 * ```ts
 * const json: SwapOrderJson = JSON.parse(serializeOrder(signed));
 * ```
 */
export type SwapOrderJson = {
  kind: "peerpay.swap.order";
  version: 1;
  chainId: string;
  contract: string;
  order: { [K in keyof SwapOrder]: K extends "feeBps" ? number : string };
  signature: string;
};

function malformed(field: string, value: unknown, reason: string): SwapOrderError {
  return new SwapOrderError({
    code: "SWAP_ORDER_MALFORMED",
    message: `Malformed order JSON: ${field} ${reason}`,
    details: { field, value, reason },
  });
}

/**
 * A signed order as JSON text, for an API or a file.
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED`: the order, deployment or signature is malformed.
 * @example
 * ```ts
 * await fetch("/orders", { method: "POST", body: serializeOrder(signed) });
 * ```
 */
export function serializeOrder(signed: SignedSwapOrder): string {
  const { chainId, contract } = requireDeployment(signed);
  const order = normalizeSwapOrder(signed.order);
  const json: SwapOrderJson = {
    kind: KIND,
    version: VERSION,
    chainId: chainId.toString(),
    contract,
    order: Object.fromEntries(
      ORDER_FIELDS.map((field) => [field, field === "feeBps" ? order.feeBps : String(order[field])]),
    ) as SwapOrderJson["order"],
    signature: requireSignature(signed.signature),
  };
  return JSON.stringify(json);
}

/**
 * What {@link parseOrder} takes: the text a maker shared (JSON, or a compact `ppswap1:` string) or the parsed JSON
 * object, and optionally the deployment it must be for (`SwapClient.parseOrder` passes its own).
 *
 * @example
 * ```ts
 * const params: ParseOrderParameters = { text: pasted, chainId: 1n, contract: swapAddress };
 * ```
 */
export type ParseOrderParameters = { text: string | object } & Partial<SwapDeployment>;

/**
 * Reads a shared signed order, JSON or compact (a string starting with `ppswap`), strictly: every field present and
 * no other, decimal strings without signs or leading zeros, checksummed addresses, values within their Solidity
 * types. With `chainId` or `contract`, refuses an order signed for another deployment. Does not check the signature
 * (see `verifySwapOrder`).
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED`, `SWAP_ORDER_CHECKSUM_MISMATCH`, `SWAP_ORDER_UNSUPPORTED_VERSION`,
 * `SWAP_ORDER_WRONG_CHAIN` or `SWAP_ORDER_WRONG_CONTRACT`.
 * @example
 * ```ts
 * const signed = parseOrder({ text: pasted, chainId: 31_337n, contract: swapAddress });
 * ```
 */
export function parseOrder(params: ParseOrderParameters): SignedSwapOrder {
  const { text } = params;
  const signed =
    typeof text === "string" && /^\s*ppswap/.test(text) ? parseOrderCompact(text) : parseJson(text as unknown);
  requireSameDeployment(signed, params);
  return signed;
}

/**
 * Throws unless the signed order is for `expected`'s chain and contract (each checked when given).
 *
 * @throws {SwapOrderError} `SWAP_ORDER_WRONG_CHAIN` or `SWAP_ORDER_WRONG_CONTRACT`.
 */
export function requireSameDeployment(signed: SwapDeployment, expected: Partial<SwapDeployment>): void {
  if (expected.chainId !== undefined && BigInt(expected.chainId) !== signed.chainId) {
    throw new SwapOrderError({
      code: "SWAP_ORDER_WRONG_CHAIN",
      message: `The order is signed for chain ${signed.chainId}, not ${expected.chainId}`,
      details: { chainId: signed.chainId, expected: BigInt(expected.chainId) },
    });
  }
  if (expected.contract !== undefined && getAddress(expected.contract) !== signed.contract) {
    throw new SwapOrderError({
      code: "SWAP_ORDER_WRONG_CONTRACT",
      message: `The order is signed for the Swap contract ${signed.contract}, not ${getAddress(expected.contract)}`,
      details: { contract: signed.contract, expected: getAddress(expected.contract) },
    });
  }
}

function parseJson(input: unknown): SignedSwapOrder {
  let value = input;
  if (typeof input === "string") {
    if (input.length > MAX_JSON_LENGTH) throw malformed("text", input.length, "is too long");
    try {
      value = JSON.parse(input);
    } catch {
      throw malformed("text", input.slice(0, 80), "is neither JSON nor a ppswap string");
    }
  }
  const top = requireRecord("order JSON", value, TOP_FIELDS);
  if (top.kind !== KIND) throw malformed("kind", top.kind, `must be "${KIND}"`);
  if (top.version !== VERSION) {
    if (typeof top.version !== "number") throw malformed("version", top.version, "must be a number");
    throw new SwapOrderError({
      code: "SWAP_ORDER_UNSUPPORTED_VERSION",
      message: `Order JSON version ${top.version} is not supported (this SDK reads version ${VERSION})`,
      details: { version: top.version, supported: [VERSION] },
    });
  }
  const raw = requireRecord("order", top.order, ORDER_FIELDS);
  const fields = Object.fromEntries(
    ORDER_FIELDS.map((field) => {
      const v = raw[field];
      if (ADDRESS_FIELDS.has(field)) return [field, requireChecksummed(field, v)];
      if (field === "feeBps") {
        if (typeof v !== "number" || !Number.isInteger(v)) throw malformed(field, v, "must be an integer");
        return [field, v];
      }
      return [field, decimal(field, v)];
    }),
  ) as SwapOrder;
  const chainId = decimal("chainId", top.chainId);
  const contract = requireChecksummed("contract", top.contract);
  return {
    ...requireDeployment({ chainId, contract }),
    order: normalizeSwapOrder(fields),
    signature: requireSignature(top.signature),
  };
}

function requireRecord<K extends string>(field: string, value: unknown, keys: readonly K[]): Record<K, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformed(field, value, "must be an object");
  }
  const present = Object.keys(value);
  const missing = keys.filter((key) => !present.includes(key));
  const extra = present.filter((key) => !(keys as readonly string[]).includes(key));
  if (missing.length > 0 || extra.length > 0) {
    throw malformed(field, { missing, extra }, `must have exactly the fields ${keys.join(", ")}`);
  }
  return value as Record<K, unknown>;
}

function decimal(field: string, value: unknown): bigint {
  if (typeof value !== "string" || !DECIMAL.test(value)) {
    throw malformed(field, value, "must be a decimal string without sign or leading zeros");
  }
  return BigInt(value);
}

function requireChecksummed(field: string, value: unknown): string {
  let checksummed: string;
  try {
    checksummed = getAddress(value as string);
  } catch {
    throw malformed(field, value, "is not an address");
  }
  if (checksummed !== value) throw malformed(field, value, `must be checksummed (${checksummed})`);
  return checksummed;
}

function requireSignature(value: unknown): string {
  if (typeof value !== "string" || !isHexString(value) || value.length % 2 !== 0) {
    throw malformed("signature", value, "must be 0x-prefixed hex bytes");
  }
  const length = (value.length - 2) / 2;
  if (length === 0 || length > SWAP_LIMITS.maxSignatureBytes) {
    throw malformed("signature", value, `must be 1 to ${SWAP_LIMITS.maxSignatureBytes} bytes`);
  }
  return value.toLowerCase();
}
