// What a deletion took with it, in words: people delete an event to make Persona forget it, so they are told what
// else went (memories that rested only on it) and what changes next (the summary is written again without it).
import type { CascadeResult } from '../../store/cascade';
import { plural } from '../format';

export function describeCascade(result: CascadeResult): string {
  const count = result.deleted.length;
  if (count === 0) return 'Nothing was deleted: those events were already gone.';
  const them = count === 1 ? 'it' : 'them';
  const parts = [`${plural(count, 'event')} deleted`];
  const forgotten = result.memoriesDeleted.length;
  if (forgotten > 0) parts.push(`${plural(forgotten, 'memory', 'memories')} that came only from ${them} ${forgotten === 1 ? 'was' : 'were'} deleted too`);
  const unlinked = result.memoriesUnlinked.length;
  if (unlinked > 0) parts.push(`${plural(unlinked, 'memory', 'memories')} no longer ${unlinked === 1 ? 'cites' : 'cite'} ${them}`);
  if (result.summaryStale) parts.push(`your summary will be rewritten without ${them}`);
  return `${parts.join('; ')}.`;
}
