// The vocabulary every part of the SDK shares: addresses, unsigned transactions, sending options and where an event
// was emitted. It imports nothing of the SDK, so that escrow/, channels/, signing/ and deployments.ts can all use it.
import type { TransactionRequest } from "ethers";

/**
 * A checksummed or lowercase `0x` address, as ethers returns and accepts them.
 *
 * @example
 * ```ts
 * const token: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
 * ```
 */
export type Address = string;

/**
 * An unsigned transaction to a PeerPay contract: what every `build*` method of the clients returns and every sending
 * method sends. Hand it to any wallet, a multisig or a relayer.
 *
 * @example
 * ```ts
 * const request: PreparedTransaction = await escrow.buildRelease({ deal, amount: 1n });
 * await safeSdk.createTransaction({ transactions: [{ ...request, value: request.value.toString() }] });
 * ```
 */
export type PreparedTransaction = { to: Address; data: string; value: bigint };

/**
 * Fee and nonce settings passed through to the wallet. Without `gasLimit` the SDK estimates (and decodes a revert
 * found while estimating).
 *
 * @example
 * ```ts
 * await escrow.release({ deal, amount: 1n, overrides: { maxFeePerGas: parseUnits("30", "gwei") } });
 * ```
 */
export type TransactionOverrides = Pick<
  TransactionRequest,
  "gasLimit" | "gasPrice" | "maxFeePerGas" | "maxPriorityFeePerGas" | "nonce"
>;

/**
 * Options of every sending method.
 *
 * @example
 * ```ts
 * const options: WriteParameters = { overrides: { gasLimit: 200_000n } };
 * ```
 */
export type WriteParameters = { overrides?: TransactionOverrides };

/**
 * Where an event was emitted.
 *
 * @example
 * ```ts
 * const { log } = events[0];
 * console.log(`block ${log.blockNumber}, tx ${log.transactionHash}`);
 * ```
 */
export type EventLocation = {
  address: Address;
  blockNumber: number;
  transactionHash: string;
  logIndex: number;
};
