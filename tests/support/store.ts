// Opens a store with a database name of its own, so tests never see each other's data, in Node and in Chromium.
import type { StoreOptions } from '../../src/store/connection';
import { PersonaStore } from '../../src/store/persona-store';

export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export async function openTestStore(options: StoreOptions = {}): Promise<PersonaStore> {
  return PersonaStore.open({ name: uniqueName(), ...options });
}

/** A clock tests move by hand: deterministic timestamps for ordering and retention. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** Resolves when `predicate` holds for a message on the feed, or rejects after `ms`. */
export function waitFor<T>(subscribe: (listener: (value: T) => void) => () => void, predicate: (value: T) => boolean, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching message within ${ms} ms`));
    }, ms);
    const stop = subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      stop();
      resolve(value);
    });
  });
}
