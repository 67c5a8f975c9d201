// The retention policy: when the history grows past a count or byte limit, the oldest low-value events go first
// (views and clicks before ratings, before what the user wrote), and events a pinned memory rests on are kept.
// Off by default: nothing is ever deleted unless the user or host sets a limit.
import * as v from 'valibot';
import type { HistoryEvent } from '../core/history-event';
import { parseInput } from '../core/input-validation';
import { nothingRemoved, removeEvents, type CascadeResult } from './cascade';
import type { StoreChange } from './change-feed';
import type { StoreConnection, WriteTx } from './connection';
import type { SettingsStore } from './settings';
import { readStats } from './stats';

export interface RetentionPolicy {
  maxEvents?: number;
  maxBytes?: number;
}

const policySchema = v.strictObject({
  maxEvents: v.optional(v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'))),
  maxBytes: v.optional(v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1_024, 'must be at least 1024'))),
});

const SETTING_KEY = 'retention';

/** What a deletion by the policy touches (see cascade.removeEvents). */
const TRIMMED_STORES = ['events', 'segments', 'tombstones', 'memories', 'profile'] as const;

export class RetentionPolicyStore {
  constructor(
    private readonly connection: StoreConnection,
    private readonly settings: SettingsStore,
  ) {}

  async get(): Promise<RetentionPolicy | undefined> {
    const stored = await this.settings.get(SETTING_KEY);
    return stored ? (stored as RetentionPolicy) : undefined;
  }

  /**
   * Sets the policy (or turns it off with undefined) and applies it at once, in one transaction: a store too full to
   * take the setting alone can still take it with the deletions it brings.
   */
  async set(policy: RetentionPolicy | undefined): Promise<CascadeResult> {
    if (policy === undefined) {
      await this.settings.delete(SETTING_KEY);
      return nothingRemoved();
    }
    const valid = parseInput(policySchema, policy, 'retention');
    const now = this.connection.clock();
    return this.connection.write(['settings', ...TRIMMED_STORES], async (tx, changes) => {
      await this.settings.setIn(tx, changes, SETTING_KEY, { ...valid });
      return trim(tx, valid, now, changes);
    });
  }

  /** Deletes just enough of the lowest-value, oldest events to meet the policy, in one transaction. */
  async apply(): Promise<CascadeResult> {
    const policy = await this.get();
    if (!policy || (policy.maxEvents === undefined && policy.maxBytes === undefined)) return nothingRemoved();
    const now = this.connection.clock();
    return this.connection.write(TRIMMED_STORES, (tx, changes) => trim(tx, policy, now, changes));
  }
}

/** Deletes just enough of the lowest-value, oldest events to meet `policy`, pinned memories' sources kept. */
async function trim(tx: WriteTx<(typeof TRIMMED_STORES)[number]>, policy: RetentionPolicy, now: number, changes: StoreChange[]): Promise<CascadeResult> {
  const stats = await readStats(tx);
  let excessEvents = policy.maxEvents === undefined ? 0 : stats.events - policy.maxEvents;
  let excessBytes = policy.maxBytes === undefined ? 0 : stats.bytes - policy.maxBytes;
  if (excessEvents <= 0 && excessBytes <= 0) return nothingRemoved();
  const pinnedSources = new Set<string>();
  for (const memory of await tx.objectStore('memories').getAll()) {
    if (memory.pinned) memory.sourceEventIds.forEach((id) => pinnedSources.add(id));
  }
  const victims: HistoryEvent[] = [];
  const index = tx.objectStore('events').index('by-value');
  for (let cursor = await index.openCursor(); cursor && (excessEvents > 0 || excessBytes > 0); cursor = await cursor.continue()) {
    const event = cursor.value;
    if (pinnedSources.has(event.id)) continue;
    victims.push(event);
    excessEvents--;
    excessBytes -= event.bytes;
  }
  return removeEvents(tx, victims, now, changes);
}
