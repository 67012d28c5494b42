// bench:payees: the vouchers, signed by the driver before the timed window (a payer signs as it goes; here the
// store path is what is measured). One channel id per channel, amounts 1..rounds, real ECDSA signatures.
import { Wallet, keccak256, toBeHex } from "ethers";
import { signVoucher, toChannelId } from "../../../sdk";
import type { WireVoucher } from "./protocol";

export type Signed = {
  chainId: bigint;
  contract: string;
  signer: string;
  /** Per process, its vouchers in sending order. */
  perProcess: WireVoucher[][];
  /** Every voucher in stream order (round after round), for the single-process baseline. */
  all: WireVoucher[];
  total: number;
};

/**
 * Signs `rounds` vouchers for each of `channels` channels. Round r of channel c goes to process (c + r) mod
 * `processes`: the stream is dealt round-robin and each channel's successive vouchers reach different processes.
 */
export async function presign({
  channels,
  rounds,
  processes,
}: {
  channels: number;
  rounds: number;
  processes: number;
}): Promise<Signed> {
  const chainId = 31_337n;
  const contract = "0x" + "c0".repeat(20);
  const key = new Wallet("0x" + "5e".repeat(32));
  const ids = Array.from({ length: channels }, (_, c) => toChannelId(keccak256(toBeHex(c + 1, 32))));
  const perProcess: WireVoucher[][] = Array.from({ length: processes }, () => []);
  const all: WireVoucher[] = [];
  for (let r = 1; r <= rounds; r++) {
    for (let c = 0; c < channels; c++) {
      const amount = BigInt(r) * 1_000_000n;
      const { signature } = await signVoucher({
        chainId,
        contract,
        channelId: ids[c]!,
        amount,
        privateKey: key.privateKey,
      });
      const voucher: WireVoucher = [ids[c]!, amount.toString(), signature];
      all.push(voucher);
      perProcess[(c + r) % processes]!.push(voucher);
    }
  }
  return { chainId, contract, signer: key.address, perProcess, all, total: channels * rounds };
}
