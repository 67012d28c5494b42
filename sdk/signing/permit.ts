import { Signature, TypedDataEncoder, type Provider, type Signer, type TypedDataDomain } from "ethers";
import { IERC5267__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/IERC5267__factory";
import { IERC20Metadata__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata__factory";
import { IERC20Permit__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit__factory";
import { PermitError, RunnerError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { requireAddress, requireBigInt, requireInteger } from "../internal/validate";
import { signTypedData, type TypedData } from "./eip712";

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/**
 * An EIP-2612 permit: `owner` lets `spender` take `value` of the token, once, until `deadline`.
 *
 * @example
 * ```ts
 * const message: PermitMessage = { owner, spender: escrow, value: 10n ** 6n, nonce: 0n, deadline: 1_767_225_600 };
 * ```
 */
export type PermitMessage = { owner: string; spender: string; value: bigint; nonce: bigint; deadline: number };

/**
 * The typed data of an EIP-2612 permit under a token's domain.
 *
 * @throws {InvalidParameterError} a field is malformed.
 * @example
 * ```ts
 * const typedData = buildPermitTypedData({ domain, owner, spender, value: 1_000n, nonce: 0n, deadline });
 * ```
 */
export function buildPermitTypedData(params: PermitMessage & { domain: TypedDataDomain }): TypedData<PermitMessage> {
  const message: PermitMessage = {
    owner: requireAddress("owner", params.owner),
    spender: requireAddress("spender", params.spender),
    value: requireBigInt("value", params.value, 0n),
    nonce: requireBigInt("nonce", params.nonce, 0n),
    deadline: requireInteger("deadline", params.deadline, 0, Number.MAX_SAFE_INTEGER),
  };
  return { domain: params.domain, types: PERMIT_TYPES, primaryType: "Permit", message };
}

/**
 * What {@link signPermit} takes. `nonce` defaults to the token's `nonces(owner)`.
 *
 * @example
 * ```ts
 * const params: SignPermitParameters = { signer, token, spender: escrow, value: 1_000n, deadline };
 * ```
 */
export type SignPermitParameters = {
  signer: Signer;
  token: string;
  spender: string;
  value: bigint;
  deadline: number;
  nonce?: bigint;
};

/**
 * A signed permit, split as `permit(owner, spender, value, deadline, v, r, s)` takes it.
 *
 * @example
 * ```ts
 * const { v, r, s, deadline }: SignPermitReturnType = await signPermit({ ... });
 * ```
 */
export type SignPermitReturnType = {
  signature: string;
  v: number;
  r: string;
  s: string;
  typedData: TypedData<PermitMessage>;
};

/**
 * Signs an EIP-2612 permit for `token`. The token's EIP-712 domain is read from its ERC-5267 `eip712Domain()`, or
 * else assumed to be `{ name: name(), version: "1" }`, and is checked against its `DOMAIN_SEPARATOR()` before
 * signing: a permit under a wrong domain would be silently ignored by the escrow (§2 E-C8) and the deposit would
 * then fail for lack of allowance.
 *
 * @throws {PermitError} the token has no usable permit, or its domain cannot be determined.
 * @throws {RunnerError} the signer has no provider.
 * @example
 * ```ts
 * const permit = await signPermit({ signer, token: usdc, spender: escrowAddress, value: 250_000_000n, deadline });
 * ```
 */
export async function signPermit(params: SignPermitParameters): Promise<SignPermitReturnType> {
  const provider = params.signer.provider;
  if (provider === null) {
    throw new RunnerError({ code: PeerPayErrorCode.PROVIDER_REQUIRED, message: "The signer needs a provider" });
  }
  const token = requireAddress("token", params.token);
  const owner = await params.signer.getAddress();
  const domain = await permitDomain(provider, token);
  const nonce = params.nonce ?? (await readPermit(() => IERC20Permit__factory.connect(token, provider).nonces(owner)));
  const typedData = buildPermitTypedData({ ...params, domain, owner, nonce });
  const { signature } = await signTypedData({ signer: params.signer, typedData });
  const { v, r, s } = Signature.from(signature);
  return { signature, v, r, s, typedData };
}

/** The token's EIP-712 domain, verified against its `DOMAIN_SEPARATOR()`. */
async function permitDomain(provider: Provider, token: string): Promise<TypedDataDomain> {
  const separator = await readPermit(() => IERC20Permit__factory.connect(token, provider).DOMAIN_SEPARATOR());
  const candidates = [await erc5267Domain(provider, token), await nameVersionDomain(provider, token)];
  const domain = candidates.find((candidate) => candidate && TypedDataEncoder.hashDomain(candidate) === separator);
  if (!domain) {
    throw new PermitError({
      code: PeerPayErrorCode.PERMIT_UNSUPPORTED,
      message: `Cannot determine the EIP-712 domain of token ${token}`,
      details: { token, domainSeparator: separator },
    });
  }
  return domain;
}

/** ERC-5267: the domain as the token describes it; `fields` is a bitmap of which of the five fields are used. */
async function erc5267Domain(provider: Provider, token: string): Promise<TypedDataDomain | undefined> {
  try {
    const d = await IERC5267__factory.connect(token, provider).eip712Domain();
    const fields = Number(d.fields);
    const domain: TypedDataDomain = {};
    if (fields & 0x01) domain.name = d.name;
    if (fields & 0x02) domain.version = d.version;
    if (fields & 0x04) domain.chainId = d.chainId;
    if (fields & 0x08) domain.verifyingContract = d.verifyingContract;
    if (fields & 0x10) domain.salt = d.salt;
    return domain;
  } catch {
    return undefined;
  }
}

/** The domain most EIP-2612 tokens without ERC-5267 use. */
async function nameVersionDomain(provider: Provider, token: string): Promise<TypedDataDomain | undefined> {
  try {
    const name = await IERC20Metadata__factory.connect(token, provider).name();
    const { chainId } = await provider.getNetwork();
    return { name, version: "1", chainId, verifyingContract: token };
  } catch {
    return undefined;
  }
}

async function readPermit<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (cause) {
    throw new PermitError({
      code: PeerPayErrorCode.PERMIT_UNSUPPORTED,
      message: "Token does not implement EIP-2612 (DOMAIN_SEPARATOR / nonces)",
      cause,
    });
  }
}
