// The embedder's state in words: whether search by meaning works yet, how much of the history it has understood,
// and that it runs on the device.
import type { IntelligenceStatus } from '../../engine/history-intelligence';
import { plural } from '../format';

export function describeIntelligence(status: IntelligenceStatus | undefined): string {
  if (status === undefined || status.phase === 'loading') return 'Loading the offline model that lets you search by meaning…';
  if (status.phase === 'failed') return `Search by meaning is unavailable: ${status.problem ?? 'unknown error'}. Keyword search still works.`;
  const waiting = status.pending > 0 ? `, ${status.pending.toLocaleString()} waiting` : '';
  return `Offline model ready (${status.model ?? ''}): ${plural(status.embedded, 'event')} understood${waiting}. Nothing leaves this device.`;
}
