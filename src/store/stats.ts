// Event count and stored bytes, kept in meta and updated in the same transaction as every event write, so count()
// and the retention policy's limits cost one read instead of a scan of 100k events.
import type { TxWith, WriteTx } from './connection';

export interface StoreStats {
  events: number;
  bytes: number;
}

export async function readStats<M extends IDBTransactionMode>(tx: TxWith<'meta', M>): Promise<StoreStats> {
  const record = await tx.objectStore('meta').get('stats');
  return record?.key === 'stats' ? { events: record.events, bytes: record.bytes } : { events: 0, bytes: 0 };
}

export async function writeStats(tx: WriteTx<'meta'>, stats: StoreStats): Promise<void> {
  await tx.objectStore('meta').put({ key: 'stats', events: Math.max(0, stats.events), bytes: Math.max(0, stats.bytes) });
}
