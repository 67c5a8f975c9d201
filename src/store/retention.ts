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

/**
 * Events the policy deletes per transaction. Each transaction is whole (a consistent store after it), and one that
 * writes a few kB of bookkeeping still fits a store at its quota where one deleting 10k events at once would not:
 * the browser refuses a transaction by what it writes, not by what it frees. The policy is applied again at the next
 * record(), so a run cut short by a reload finishes then.
 */
const EVENTS_PER_TRIM = 250;

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
   * Sets the policy (or turns it off with undefined) and applies it at once. The setting goes in the same transaction
   * as the first deletions: a store too full to take the setting alone can still take it with the room they make.
   */
  async set(policy: RetentionPolicy | undefined): Promise<CascadeResult> {
    if (policy === undefined) {
      await this.settings.delete(SETTING_KEY);
      return nothingRemoved();
    }
    const valid = parseInput(policySchema, policy, 'retention');
    const now = this.connection.clock();
    const first = await this.connection.write(['settings', ...TRIMMED_STORES], async (tx, changes) => {
      await this.settings.setIn(tx, changes, SETTING_KEY, { ...valid });
      return trim(tx, valid, now, changes);
    }, undefined, { usesReserve: true });
    const { more, ...removed } = first;
    return more ? merge(removed, await this.#trimAll(valid)) : removed;
  }

  /** Deletes just enough of the lowest-value, oldest events to meet the policy (EVENTS_PER_TRIM a transaction). */
  async apply(): Promise<CascadeResult> {
    const policy = await this.get();
    if (!policy || (policy.maxEvents === undefined && policy.maxBytes === undefined)) return nothingRemoved();
    return this.#trimAll(policy);
  }

  async #trimAll(policy: RetentionPolicy): Promise<CascadeResult> {
    let total = nothingRemoved();
    for (;;) {
      const now = this.connection.clock();
      const step = await this.connection.write(TRIMMED_STORES, (tx, changes) => trim(tx, policy, now, changes), undefined, { usesReserve: true });
      total = merge(total, step);
      if (!step.more) return total;
    }
  }
}

function merge(a: CascadeResult, b: CascadeResult): CascadeResult {
  return {
    deleted: [...a.deleted, ...b.deleted],
    memoriesUnlinked: [...new Set([...a.memoriesUnlinked, ...b.memoriesUnlinked])].filter((id) => !b.memoriesDeleted.includes(id)),
    memoriesDeleted: [...a.memoriesDeleted, ...b.memoriesDeleted],
    summaryStale: a.summaryStale || b.summaryStale,
  };
}

/**
 * Deletes the lowest-value, oldest events towards `policy`, pinned memories' sources kept, at most EVENTS_PER_TRIM;
 * `more` says the policy needs another step.
 */
async function trim(
  tx: WriteTx<(typeof TRIMMED_STORES)[number]>,
  policy: RetentionPolicy,
  now: number,
  changes: StoreChange[],
): Promise<CascadeResult & { more: boolean }> {
  const stats = await readStats(tx);
  let excessEvents = policy.maxEvents === undefined ? 0 : stats.events - policy.maxEvents;
  let excessBytes = policy.maxBytes === undefined ? 0 : stats.bytes - policy.maxBytes;
  if (excessEvents <= 0 && excessBytes <= 0) return { ...nothingRemoved(), more: false };
  const pinnedSources = new Set<string>();
  for (const memory of await tx.objectStore('memories').getAll()) {
    if (memory.pinned) memory.sourceEventIds.forEach((id) => pinnedSources.add(id));
  }
  const victims: HistoryEvent[] = [];
  const index = tx.objectStore('events').index('by-value');
  for (let cursor = await index.openCursor(); cursor && (excessEvents > 0 || excessBytes > 0) && victims.length < EVENTS_PER_TRIM; cursor = await cursor.continue()) {
    const event = cursor.value;
    if (pinnedSources.has(event.id)) continue;
    victims.push(event);
    excessEvents--;
    excessBytes -= event.bytes;
  }
  // Stopped by the step's size with excess left: another step may find more (a shorter cursor means none is left).
  const more = victims.length === EVENTS_PER_TRIM && (excessEvents > 0 || excessBytes > 0);
  return { ...(await removeEvents(tx, victims, now, changes)), more };
}
