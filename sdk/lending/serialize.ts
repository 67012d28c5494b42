// Sharing signed offers and requests (LN-SDK-1): a JSON form (bigints as decimal strings, checksummed addresses, the
// chain and contract signed for, the signature), read back strictly: every field present and no other, each within
// its Solidity type, and, when the reader names its deployment, signed for it. Anything else is a LendingRequestError.
import { getAddress, isHexString } from "ethers";
import { InvalidParameterError } from "../errors/base";
import { LendingRequestError } from "../errors/lending";
import type { LendingDeployment, LoanOffer, LoanRequest, SignedLoanOffer, SignedLoanRequest } from "./types";
import { normalizeLoanOffer, normalizeLoanRequest } from "./validate";

const VERSION = 1;
const MAX_JSON_LENGTH = 65_536;
const MAX_SIGNATURE_BYTES = 4_096;
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const TOP_FIELDS = ["kind", "version", "chainId", "contract", "body", "signature"];
const TERMS_FIELDS = [
  "principalToken",
  "principal",
  "collateralToken",
  "collateralAmount",
  "collateralId",
  "collateralKind",
  "interestKind",
  "interest",
  "duration",
  "gracePeriod",
  "feeBps",
  "feeRecipient",
  "saleStartBps",
  "saleFloorBps",
  "saleDuration",
  "saleFloorDuration",
];
const OFFER_FIELDS = ["lender", "borrower", "terms", "anyCollateralId", "refinances", "nonce", "expiry"];
const REQUEST_FIELDS = ["borrower", "lender", "terms", "refinances", "nonce", "expiry"];
const ADDRESSES = new Set(["principalToken", "collateralToken", "feeRecipient", "lender", "borrower"]);
const KINDS = new Set(["collateralKind", "interestKind"]);

type Kind = "peerpay.lending.offer" | "peerpay.lending.request";

function malformed(field: string, value: unknown, reason: string): LendingRequestError {
  return new LendingRequestError({
    code: "LENDING_OFFER_MALFORMED",
    message: `Malformed lending JSON: ${field} ${reason}`,
    details: { parameter: field, value, reason },
  });
}

/** A struct's fields as JSON: bigints as decimal strings, the rest as they are (addresses already checksummed). */
function toJson(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      typeof v === "bigint"
        ? v.toString()
        : v !== null && typeof v === "object"
          ? toJson(v as Record<string, unknown>)
          : v,
    ]),
  );
}

function serialize(kind: Kind, deployment: LendingDeployment, body: Record<string, unknown>, signature: string) {
  return JSON.stringify({
    kind,
    version: VERSION,
    chainId: BigInt(deployment.chainId).toString(),
    contract: getAddress(deployment.contract),
    body: toJson(body),
    signature: requireSignature(signature),
  });
}

/**
 * A signed offer as JSON text, for an API, a file or a chat: `{ kind: "peerpay.lending.offer", version: 1, chainId,
 * contract, body: the offer, signature }`, every bigint a decimal string.
 *
 * @throws {InvalidParameterError} the offer is malformed.
 * @example
 * ```ts
 * await fetch("/offers", { method: "POST", body: serializeSignedOffer(signed) });
 * ```
 */
export function serializeSignedOffer(signed: SignedLoanOffer): string {
  return serialize("peerpay.lending.offer", signed, normalizeLoanOffer(signed.offer), signed.signature);
}

/**
 * A signed request as JSON text (`kind: "peerpay.lending.request"`), as {@link serializeSignedOffer}.
 *
 * @throws {InvalidParameterError} the request is malformed.
 * @example
 * ```ts
 * const text = serializeSignedRequest(signed);
 * ```
 */
export function serializeSignedRequest(signed: SignedLoanRequest): string {
  return serialize("peerpay.lending.request", signed, normalizeLoanRequest(signed.request), signed.signature);
}

/**
 * Reads a shared signed offer strictly (see the file's header); with `chainId` or `contract`, refuses one signed for
 * another deployment. Does not check the signature (`verifyLoanOffer` does) nor the terms' bounds.
 *
 * @throws {LendingRequestError} `LENDING_OFFER_MALFORMED`, `LENDING_OFFER_UNSUPPORTED_VERSION` or
 * `LENDING_OFFER_WRONG_DEPLOYMENT`.
 * @example
 * ```ts
 * const signed = parseSignedOffer({ text: pasted, chainId: 1n, contract: lendingAddress });
 * ```
 */
export function parseSignedOffer(params: { text: string | object } & Partial<LendingDeployment>): SignedLoanOffer {
  const { deployment, body, signature } = parse("peerpay.lending.offer", params, OFFER_FIELDS);
  return { ...deployment, offer: wrap(() => normalizeLoanOffer(body as unknown as LoanOffer)), signature };
}

/**
 * Reads a shared signed request strictly, as {@link parseSignedOffer}.
 *
 * @throws {LendingRequestError} `LENDING_OFFER_MALFORMED`, `LENDING_OFFER_UNSUPPORTED_VERSION` or
 * `LENDING_OFFER_WRONG_DEPLOYMENT`.
 * @example
 * ```ts
 * const signed = parseSignedRequest({ text: pasted, contract: lendingAddress });
 * ```
 */
export function parseSignedRequest(params: { text: string | object } & Partial<LendingDeployment>): SignedLoanRequest {
  const { deployment, body, signature } = parse("peerpay.lending.request", params, REQUEST_FIELDS);
  return { ...deployment, request: wrap(() => normalizeLoanRequest(body as unknown as LoanRequest)), signature };
}

/** An InvalidParameterError of the normalizers, reported as malformed JSON. */
function wrap<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof InvalidParameterError)) throw error;
    const { parameter, value, reason } = error.details as { parameter: string; value: unknown; reason: string };
    throw malformed(parameter, value, reason);
  }
}

function parse(
  kind: Kind,
  params: { text: string | object } & Partial<LendingDeployment>,
  fields: readonly string[],
): { deployment: LendingDeployment; body: Record<string, unknown>; signature: string } {
  let value: unknown = params.text;
  if (typeof value === "string") {
    if (value.length > MAX_JSON_LENGTH) throw malformed("text", value.length, "is too long");
    try {
      value = JSON.parse(value);
    } catch {
      throw malformed("text", (params.text as string).slice(0, 80), "is not JSON");
    }
  }
  const top = requireRecord("JSON", value, TOP_FIELDS);
  if (top.kind !== kind) throw malformed("kind", top.kind, `must be "${kind}"`);
  if (top.version !== VERSION) {
    if (typeof top.version !== "number") throw malformed("version", top.version, "must be a number");
    throw new LendingRequestError({
      code: "LENDING_OFFER_UNSUPPORTED_VERSION",
      message: `Lending JSON version ${top.version} is not supported (this SDK reads version ${VERSION})`,
      details: { version: top.version, supported: [VERSION] },
    });
  }
  const deployment = { chainId: decimal("chainId", top.chainId), contract: checksummed("contract", top.contract) };
  const raw = requireRecord("body", top.body, fields);
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (field === "terms") body.terms = readTerms(raw.terms);
    else if (field === "anyCollateralId") body[field] = raw[field];
    else body[field] = ADDRESSES.has(field) ? checksummed(field, raw[field]) : decimal(field, raw[field]);
  }
  requireSameDeployment(deployment, params);
  return { deployment, body, signature: requireSignature(top.signature) };
}

function readTerms(value: unknown): Record<string, unknown> {
  const raw = requireRecord("terms", value, TERMS_FIELDS);
  return Object.fromEntries(
    TERMS_FIELDS.map((field) => {
      const v = raw[field];
      const name = `terms.${field}`;
      if (ADDRESSES.has(field)) return [field, checksummed(name, v)];
      if (KINDS.has(field)) {
        if (v !== 0 && v !== 1) throw malformed(name, v, "must be 0 or 1");
        return [field, v];
      }
      return [field, decimal(name, v)];
    }),
  );
}

/**
 * Throws unless the signed offer or request is for `expected`'s chain and contract (each checked when given).
 *
 * @throws {LendingRequestError} `LENDING_OFFER_WRONG_DEPLOYMENT`.
 */
export function requireSameDeployment(signed: LendingDeployment, expected: Partial<LendingDeployment>): void {
  const wrongChain = expected.chainId !== undefined && BigInt(expected.chainId) !== BigInt(signed.chainId);
  const wrongContract =
    expected.contract !== undefined && getAddress(expected.contract) !== getAddress(signed.contract);
  if (wrongChain || wrongContract) {
    throw new LendingRequestError({
      code: "LENDING_OFFER_WRONG_DEPLOYMENT",
      message: `Signed for chain ${signed.chainId}, contract ${signed.contract}: not this deployment`,
      details: { chainId: signed.chainId, contract: signed.contract, expected },
    });
  }
}

function requireRecord(field: string, value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformed(field, value, "must be an object");
  }
  const present = Object.keys(value);
  const missing = keys.filter((key) => !present.includes(key));
  const extra = present.filter((key) => !keys.includes(key));
  if (missing.length > 0 || extra.length > 0) {
    throw malformed(field, { missing, extra }, `must have exactly the fields ${keys.join(", ")}`);
  }
  return value as Record<string, unknown>;
}

function decimal(field: string, value: unknown): bigint {
  if (typeof value !== "string" || !DECIMAL.test(value)) {
    throw malformed(field, value, "must be a decimal string without sign or leading zeros");
  }
  return BigInt(value);
}

function checksummed(field: string, value: unknown): string {
  let address: string;
  try {
    address = getAddress(value as string);
  } catch {
    throw malformed(field, value, "is not an address");
  }
  if (address !== value) throw malformed(field, value, `must be checksummed (${address})`);
  return address;
}

function requireSignature(value: unknown): string {
  if (typeof value !== "string" || !isHexString(value) || value.length % 2 !== 0) {
    throw malformed("signature", value, "must be 0x-prefixed hex bytes");
  }
  const length = (value.length - 2) / 2;
  if (length === 0 || length > MAX_SIGNATURE_BYTES) {
    throw malformed("signature", value, `must be 1 to ${MAX_SIGNATURE_BYTES} bytes`);
  }
  return value.toLowerCase();
}
