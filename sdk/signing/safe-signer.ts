// A Safe as an ethers Signer (docs/signers.md SG-S6): any PeerPay client takes it as its runner, so that the Safe signs
// (owners sign the SafeMessage wrapping) and sends (owners sign a SafeTx, one account relays `execTransaction`) through
// the same calls an EOA uses. Browser-safe, like safe.ts beside it.
import {
  AbstractSigner,
  Interface,
  TypedDataEncoder,
  ZeroAddress,
  type Provider,
  type Signer,
  type TransactionRequest,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import type { Address } from "../core/types";
import { RunnerError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { requireAddress } from "../internal/validate";
import { buildSafeExecTransaction, signAsSafe, type SafeTransaction } from "./safe";

const NONCE_ABI = new Interface(["function nonce() view returns (uint256)"]);

/**
 * What a {@link SafeSigner} needs: the Safe, the owners who sign for it (at least its threshold; ethers signers, e.g.
 * EIP-1193 wallets through `BrowserProvider.getSigner()`), the provider it reads and sends through, and `relayer`, the
 * account that pays the gas of `execTransaction` (default: the first owner).
 *
 * @example
 * ```ts
 * const params: SafeSignerParameters = { safe, owners: [alice, bob], provider };
 * ```
 */
export type SafeSignerParameters = {
  safe: Address;
  owners: readonly Signer[];
  provider: Provider;
  relayer?: Signer;
};

/**
 * A Safe 1.4.1 as an ethers `Signer`. `getAddress()` is the Safe; `signTypedData` returns the Safe's signature (the
 * owners' signatures of the SafeMessage wrapping, sorted and concatenated, SG-S1, SG-S2, checked first as SG-S3);
 * `sendTransaction` runs the call from the Safe: the owners sign the `SafeTx` and `relayer` sends `execTransaction`
 * (the response is the relayer's transaction, whose receipt carries the product's events). It cannot sign a raw
 * transaction or an EIP-191 message (`SIGNER_REQUIRED`).
 *
 * @example
 * ```ts
 * const asSafe = new SafeSigner({ safe, owners: [alice, bob], provider });
 * const escrow = new EscrowClient({ address: ESCROW, runner: asSafe });
 * const { deal } = await escrow.createDeal({ beneficiary, amount, deadline, defaultOutcome: Outcome.Refund });
 * const { signature } = await escrow.signRelease({ deal, amount: 5n, expiry }); // the Safe's signature
 * ```
 */
export class SafeSigner extends AbstractSigner<Provider> {
  readonly safe: Address;
  readonly owners: readonly Signer[];
  readonly relayer: Signer;

  constructor(params: SafeSignerParameters) {
    super(params.provider);
    this.safe = requireAddress("safe", params.safe);
    this.owners = params.owners;
    const relayer = params.relayer ?? params.owners[0];
    if (relayer === undefined) {
      throw new RunnerError({ code: PeerPayErrorCode.SIGNER_REQUIRED, message: "A Safe signer needs owners" });
    }
    this.relayer = relayer;
  }

  override async getAddress(): Promise<string> {
    return this.safe;
  }

  override connect(provider: Provider | null): SafeSigner {
    if (provider === null) {
      throw new RunnerError({ code: PeerPayErrorCode.PROVIDER_REQUIRED, message: "A Safe signer needs a provider" });
    }
    return new SafeSigner({ safe: this.safe, owners: this.owners, provider, relayer: this.relayer });
  }

  override async signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    message: Record<string, unknown>,
  ): Promise<string> {
    const primaryType = TypedDataEncoder.getPrimaryType(types);
    const typedData = { domain, types, primaryType, message };
    return (await signAsSafe({ safe: this.safe, typedData, owners: this.owners, provider: this.provider })).signature;
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const nonce = NONCE_ABI.decodeFunctionResult(
      "nonce",
      await this.provider.call({ to: this.safe, data: NONCE_ABI.encodeFunctionData("nonce") }),
    )[0] as bigint;
    const transaction: SafeTransaction = {
      to: requireAddress("to", tx.to),
      value: BigInt(tx.value ?? 0n),
      data: typeof tx.data === "string" ? tx.data : "0x",
      operation: 0,
      // safeTxGas 0 with gasPrice 0: the Safe reverts the whole transaction if the call fails (GS013), as an EOA's
      // transaction would, instead of recording a failed execution.
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: ZeroAddress,
      refundReceiver: ZeroAddress,
      nonce,
    };
    const request = await buildSafeExecTransaction({
      safe: this.safe,
      transaction,
      owners: this.owners,
      provider: this.provider,
    });
    return this.relayer.sendTransaction(request);
  }

  override async signTransaction(): Promise<string> {
    throw new RunnerError({
      code: PeerPayErrorCode.SIGNER_REQUIRED,
      message: "A Safe has no key to sign a raw transaction: use sendTransaction",
    });
  }

  override async signMessage(): Promise<string> {
    throw new RunnerError({
      code: PeerPayErrorCode.SIGNER_REQUIRED,
      message: "PeerPay signs typed data only: use signTypedData",
    });
  }
}
