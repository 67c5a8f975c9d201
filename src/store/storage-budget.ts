// Persona stops adding data a little short of the quota, so the data can always be deleted again.
//
// Why: Chromium checks a write against a usage figure that lags behind the disk (in a bucket with a 2 MB quota,
// writes went on to 3.8 MB before the first refusal), and once usage is past the quota it refuses every transaction
// that puts anything. Persona's deletions put bookkeeping (the change number, tombstones, rewritten memories), so a
// store carried past its quota — by background vector writes, typically — could not even be trimmed by its retention
// policy. StorageBudget reads the place's own estimate (which does keep up) before each write that adds data and
// refuses it once usage is within a reserve of the quota; deletions, the lock and index upkeep skip the check and
// may use the reserve.
import { QuotaExceededStorageError } from '../core/errors';
import type { StoragePlace } from './storage-place';

const MIN_RESERVE = 512 * 1024;
const MAX_RESERVE = 32 * 1024 * 1024;
const RESERVE_SHARE = 0.02;
/** While usage is this many reserves or more below the quota, an estimate is reused for this long. */
const FAR_RESERVES = 4;
const FAR_REUSE_MS = 5_000;
/** An estimate that takes longer (the browser's quota bookkeeping busy, e.g. after a crash) is not waited for. */
const ESTIMATE_WAIT_MS = 2_000;

/** Bytes kept free for the deletions that make room: 2% of the quota, at least 512 KiB and at most 32 MiB. */
export function reserveFor(quota: number): number {
  return Math.min(MAX_RESERVE, Math.max(MIN_RESERVE, quota * RESERVE_SHARE));
}

export class StorageBudget {
  #last: { usage: number; quota: number; at: number } | undefined;
  /** Bytes the checks let through since #last was read: an estimate is reused as that much higher. */
  #since = 0;

  constructor(
    private readonly place: Pick<StoragePlace, 'estimate'>,
    private readonly now: () => number = () => performance.now(),
    private readonly estimateWaitMs = ESTIMATE_WAIT_MS,
  ) {}

  /**
   * Throws QuotaExceededStorageError when usage, plus the `adds` bytes the write is expected to add, would reach
   * into the reserve. Background writes (vectors) keep twice the reserve: the user's own writes get the last of the
   * room, and their vectors wait in the queue. A place that cannot say (no estimate, no quota, no answer within 2 s)
   * is never refused here: the browser's own check still applies.
   */
  async check(adds = 0, background = false): Promise<void> {
    const estimate = await this.#estimate(adds);
    if (!estimate) return;
    const reserve = reserveFor(estimate.quota) * (background ? 2 : 1);
    if (estimate.usage + this.#since + adds > estimate.quota - reserve) {
      throw new QuotaExceededStorageError({ cause: new Error(`${estimate.usage} of ${estimate.quota} bytes used; ${Math.round(reserve)} are kept for deletions`) });
    }
    this.#since += adds;
  }

  async #estimate(adds: number): Promise<{ usage: number; quota: number } | undefined> {
    const last = this.#last;
    const now = this.now();
    // Reused only while this write, after those let through since, leaves the store far from the quota.
    if (last && now - last.at < FAR_REUSE_MS && last.usage + this.#since + adds < last.quota - FAR_RESERVES * reserveFor(last.quota)) return last;
    let estimate: StorageEstimate | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // A write must not hang on the browser's bookkeeping: past the wait, this check lets it through.
      estimate = await Promise.race([
        this.place.estimate(),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => {
            resolve(undefined);
          }, this.estimateWaitMs);
        }),
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
    if (estimate?.usage === undefined || estimate.quota === undefined) return undefined;
    this.#last = { usage: estimate.usage, quota: estimate.quota, at: now };
    this.#since = 0;
    return this.#last;
  }
}
