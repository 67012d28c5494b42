// Node only: one group commit of the PostgreSQL store: the batch's vouchers as one conditional multi-row upsert
// that returns, per channel, the best amount before it (docs/payee-stores.md, PS-A1, PS-G1).
import type { Voucher } from "../../channels/types";
import type { PutIfHigherResult } from "../../channels/voucher-store";
import { StoreError } from "../../errors/channels";
import { PeerPayErrorCode } from "../../errors/codes";

/** A `putIfHigher` waiting for its batch. */
export type Pending = {
  voucher: Voucher;
  resolve: (result: PutIfHigherResult) => void;
  reject: (error: Error) => void;
};

/** What the store's group commit did since it was opened. */
export type BatchStats = { statements: number; vouchers: number; largest: number; retries: number };

/** Per channel (hex id without 0x), the batch's vouchers in ascending amount. */
export type Settle = Map<string, Pending[]>;

/**
 * The statement of a batch. A row may be updated once per statement, so each channel sends only its highest voucher;
 * rows are sent in channel order so that two processes' batches lock shared rows in the same order (fewer
 * deadlocks). The update always happens: for a voucher that is not higher it keeps amount and signature but still
 * returns the row's amount as `previous`, read under the row lock like the others (exact, not a second read).
 */
export function upsertSql(
  table: string,
  batch: readonly Pending[],
): { sql: string; values: unknown[]; settle: Settle } {
  const settle: Settle = new Map();
  for (const pending of batch) {
    const id = pending.voucher.channelId.slice(2);
    const group = settle.get(id);
    if (group === undefined) settle.set(id, [pending]);
    else group.push(pending);
  }
  const ids: string[] = [];
  const amounts: string[] = [];
  const signatures: string[] = [];
  for (const id of [...settle.keys()].sort()) {
    const group = settle.get(id)!;
    group.sort((a, b) => (a.voucher.amount < b.voucher.amount ? -1 : a.voucher.amount > b.voucher.amount ? 1 : 0));
    const top = group[group.length - 1]!.voucher;
    ids.push(id);
    amounts.push(top.amount.toString());
    signatures.push(top.signature.slice(2));
  }
  const sql = `
    INSERT INTO ${table} AS v (channel_id, amount, signature)
    SELECT decode(t.id, 'hex'), t.amount::numeric, decode(t.signature, 'hex')
    FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, amount, signature)
    ON CONFLICT (channel_id) DO UPDATE SET
      previous = v.amount,
      amount = GREATEST(v.amount, EXCLUDED.amount),
      signature = CASE WHEN EXCLUDED.amount > v.amount THEN EXCLUDED.signature ELSE v.signature END,
      updated_at = CASE WHEN EXCLUDED.amount > v.amount THEN now() ELSE v.updated_at END
    RETURNING encode(v.channel_id, 'hex') AS id, v.previous::text AS previous`;
  return { sql, values: [ids, amounts, signatures], settle };
}

/**
 * Resolves every voucher of a committed batch. Within a channel the lower vouchers are taken as arriving first (one
 * order among those possible): each is stored if above the one before, and reports it as `previous`, so the
 * credits `amount - previous` of the stored ones add up to what the channel's best rose by.
 */
export function settleBatch(settle: Settle, rows: readonly { id: string; previous: string }[]): void {
  for (const row of rows) {
    const group = settle.get(row.id);
    if (group === undefined) continue;
    settle.delete(row.id);
    let floor = BigInt(row.previous);
    for (const pending of group) {
      const { amount } = pending.voucher;
      if (amount > floor) {
        pending.resolve({ stored: true, previous: floor });
        floor = amount;
      } else {
        pending.resolve({ stored: false, previous: floor });
      }
    }
  }
  // Every row is returned (the update always happens); a missing one would be a bug, never an acknowledgement.
  for (const [id, group] of settle) {
    const error = new StoreError({
      code: PeerPayErrorCode.STORE_UNAVAILABLE,
      message: `The upsert returned no row for channel 0x${id}`,
    });
    for (const pending of group) pending.reject(error);
  }
}
