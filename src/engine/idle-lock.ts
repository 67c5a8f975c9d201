// The lock's idle timer: when the user has set an auto-lock time (LockStore.setAutoLock) and Persona has not been
// used for that long in any tab, the data is sealed again by itself. Only a tab whose engine holds the key (it
// enabled or unlocked the lock) can seal without the passphrase, so that is where the timer acts; every tab reports
// its use to the others, so working in one tab keeps another from locking under it.
import type { LockStore } from '../store/lock/lock-store';

/** Timers and clock, replaceable in tests. */
export interface IdleClock {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realClock: IdleClock = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  now: () => Date.now(),
};

/** How often, at most, a tab tells the others it is in use: a fraction of the idle time, and never under a second. */
const REPORT_SHARE = 0.25;
const MIN_REPORT_MS = 1_000;

export class IdleLock {
  #idleMs: number | null = null;
  #timer: unknown;
  #lastReport = Number.NEGATIVE_INFINITY;
  readonly #channel: BroadcastChannel | undefined;
  #closed = false;

  /** `onLocked` runs after this timer sealed the data, e.g. to tell the page. */
  constructor(
    private readonly lock: LockStore,
    channelName: string,
    private readonly onLocked: () => void = () => undefined,
    private readonly clock: IdleClock = realClock,
  ) {
    this.#channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(channelName);
    this.#channel?.addEventListener('message', () => {
      this.#restart();
    });
  }

  /** Reads the auto-lock time again (after it changed here or in another tab, or after an unlock) and restarts. */
  async refresh(): Promise<void> {
    this.#idleMs = (await this.lock.status()).autoLockMs;
    this.#restart();
  }

  /** This tab was used: the idle time starts again here, and other tabs hear of it. */
  touch(): void {
    this.#restart();
    const idleMs = this.#idleMs;
    if (idleMs === null || !this.#channel) return;
    const now = this.clock.now();
    if (now - this.#lastReport < Math.max(MIN_REPORT_MS, idleMs * REPORT_SHARE)) return;
    this.#lastReport = now;
    this.#channel.postMessage('used');
  }

  close(): void {
    this.#closed = true;
    this.clock.clearTimeout(this.#timer);
    this.#channel?.close();
  }

  #restart(): void {
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed || this.#idleMs === null) return;
    this.#timer = this.clock.setTimeout(() => void this.#expire(), this.#idleMs);
  }

  async #expire(): Promise<void> {
    this.#timer = undefined;
    try {
      const status = await this.lock.status();
      // Already locked, turned off, or this tab lacks the key (it opened after the unlock): nothing to do here.
      if (this.#closed || !status.enabled || status.locked || !status.keyHeld) return;
      await this.lock.lock();
      this.onLocked();
    } catch (error) {
      // The data stays as it was (lock() writes all or nothing); the next use restarts the timer.
      console.warn('Persona could not lock the data after the idle time', error);
    }
  }
}

/**
 * `host` with every method call (but the ones named in `quiet`, such as status reads) reported to `onUse` first:
 * for the engine worker, so the idle timer counts the page's calls as use.
 */
export function reportingUse<T extends object>(host: T, onUse: () => void, quiet: ReadonlySet<string | symbol>): T {
  return new Proxy(host, {
    get(target, property) {
      // Methods run on the host itself, not on the proxy: its #private fields exist only there.
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (quiet.has(property)) return method.bind(target);
      return (...args: unknown[]) => {
        onUse();
        return method.apply(target, args);
      };
    },
  });
}
