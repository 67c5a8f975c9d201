// The lock's idle timer (engine/idle-lock.ts) with a hand-driven clock over a real store: after the auto-lock time
// without use, a tab holding the key seals the data; use, here or in another tab, starts the time again; a tab
// without the key, or no auto-lock time, never locks. The setting itself lives in the lock record (LockStore).
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { IdleLock, reportingUse, type IdleClock } from '../../../src/engine/idle-lock';
import { AUTO_LOCK_MAX_MS, AUTO_LOCK_MIN_MS } from '../../../src/store/lock/lock-store';
import { MIN_ITERATIONS } from '../../../src/store/passphrase-key';
import { PersonaStore } from '../../../src/store/persona-store';
import { openTestStore, uniqueName } from '../../support/store';

const PASSPHRASE = 'a quiet harbour at dawn';
const FAST = { iterations: MIN_ITERATIONS };
const closers: (() => void)[] = [];

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** Timers that fire only when the test moves time on. */
function manualTimers(): IdleClock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.set(next, { at: now + ms, run });
      return next++;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    async advance(ms) {
      now += ms;
      for (const [handle, timer] of [...timers]) {
        if (timer.at > now) continue;
        timers.delete(handle);
        timer.run();
      }
      // Let the expiry's store reads run (a lock it starts is awaited by the tests themselves, by its result).
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    },
  };
}

async function lockedStore(name = uniqueName('idle')): Promise<PersonaStore> {
  const store = await PersonaStore.open({ name });
  closers.push(() => {
    store.close();
  });
  await store.record({ kind: 'note', text: 'something private' });
  await store.lock.enable(PASSPHRASE, FAST);
  return store;
}

function idleLock(store: PersonaStore, clock: IdleClock, channel = `activity-${crypto.randomUUID()}`): IdleLock {
  const idle = new IdleLock(store.lock, channel, () => undefined, clock);
  closers.push(() => {
    idle.close();
  });
  return idle;
}

describe('auto-lock setting', () => {
  test('is kept in the lock record, validated, survives lock and unlock, and goes with the lock', async () => {
    const store = await lockedStore();
    expect((await store.lock.status()).autoLockMs).toBeNull();
    expect((await store.lock.setAutoLock(300_000)).autoLockMs).toBe(300_000);
    for (const bad of [0, AUTO_LOCK_MIN_MS - 1, AUTO_LOCK_MAX_MS + 1, 1.5e3 + 0.5, Number.NaN]) {
      await expect(store.lock.setAutoLock(bad)).rejects.toBeInstanceOf(InvalidInputError);
    }
    await store.lock.lock();
    await store.lock.unlock(PASSPHRASE);
    expect((await store.lock.status()).autoLockMs).toBe(300_000);
    expect((await store.lock.setAutoLock(null)).autoLockMs).toBeNull();
    await store.lock.setAutoLock(60_000);
    await store.lock.disable(PASSPHRASE);
    expect(await store.lock.status()).toMatchObject({ enabled: false, autoLockMs: null });
    await expect(store.lock.setAutoLock(60_000)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('idle timer', () => {
  test('locks after the idle time; use starts it again', async () => {
    const store = await lockedStore();
    const clock = manualTimers();
    const idle = idleLock(store, clock);
    await store.lock.setAutoLock(10_000);
    await idle.refresh();
    await clock.advance(8_000);
    idle.touch();
    await clock.advance(8_000);
    expect((await store.lock.status()).locked).toBe(false);
    await clock.advance(2_000);
    // The lock's own work (sealing every store) takes what it takes on a loaded machine: wait for it, not for a time.
    await expect.poll(() => store.lock.status()).toMatchObject({ locked: true, keyHeld: false });
  });

  test('use in another tab keeps this one unlocked', async () => {
    const store = await lockedStore();
    const clock = manualTimers();
    const channel = `activity-${crypto.randomUUID()}`;
    const here = idleLock(store, clock, channel);
    const otherTab = new IdleLock(store.lock, channel, () => undefined, manualTimers());
    closers.push(() => {
      otherTab.close();
    });
    await store.lock.setAutoLock(10_000);
    await here.refresh();
    await otherTab.refresh();
    await clock.advance(9_000);
    otherTab.touch();
    // The other tab's message arrives as a task of its own, before any more time passes here.
    await clock.advance(0);
    await clock.advance(5_000);
    expect((await store.lock.status()).locked).toBe(false);
    await clock.advance(6_000);
    await expect.poll(async () => (await store.lock.status()).locked).toBe(true);
  });

  test('a tab without the key, or no auto-lock time, never locks', async () => {
    const name = uniqueName('idle');
    const store = await lockedStore(name);
    await store.lock.setAutoLock(5_000);
    // The tab holding the key closes; the next one opens with no tab to hand it the key, so it cannot seal.
    store.close();
    const other = await openTestStore({ name });
    closers.push(() => {
      other.close();
    });
    const clock = manualTimers();
    const keyless = idleLock(other, clock);
    await keyless.refresh();
    await clock.advance(60_000);
    expect(await other.lock.status()).toMatchObject({ enabled: true, keyHeld: false });
    expect(await other.connection.db.get('meta', 'lock')).toMatchObject({ locked: false });
    // Still in its unlocked form: unlocking only takes the key back, and the data is there.
    await other.lock.unlock(PASSPHRASE);
    expect((await other.events.list()).events.map((event) => event.text)).toEqual(['something private']);

    await other.lock.setAutoLock(null);
    const idle = idleLock(other, clock);
    await idle.refresh();
    await clock.advance(60_000);
    expect(await other.lock.status()).toMatchObject({ locked: false, keyHeld: true });
  });
});

test('reportingUse reports every method call but the quiet ones, and keeps the host as `this`', () => {
  class Host {
    #calls = 0;
    work(n: number): number {
      this.#calls += n;
      return this.#calls;
    }
    status(): number {
      return this.#calls;
    }
  }
  let uses = 0;
  const host = reportingUse(new Host(), () => uses++, new Set(['status']));
  expect(host.work(2)).toBe(2);
  expect(host.work(3)).toBe(5);
  expect(host.status()).toBe(5);
  expect(uses).toBe(2);
});
