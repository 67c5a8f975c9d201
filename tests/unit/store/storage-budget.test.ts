// The storage budget (storage-budget.ts) with a scripted estimate and clock: writes that add data stop at a reserve
// short of the quota; an estimate far from it is reused for a few seconds, one near it never; a place that cannot
// say is never refused here.
import { describe, expect, test } from 'vitest';
import { QuotaExceededStorageError } from '../../../src/core/errors';
import { reserveFor, StorageBudget } from '../../../src/store/storage-budget';

const MB = 1024 * 1024;

function scripted(estimates: (StorageEstimate | Error)[]) {
  let calls = 0;
  let time = 0;
  const place = {
    estimate: () => {
      const next = estimates[Math.min(calls, estimates.length - 1)] as StorageEstimate | Error;
      calls++;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
  return {
    budget: new StorageBudget(place, () => time),
    calls: () => calls,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('reserveFor', () => {
  test('2% of the quota, at least 512 KiB and at most 32 MiB', () => {
    expect(reserveFor(3 * MB)).toBe(512 * 1024);
    expect(reserveFor(100 * MB)).toBeCloseTo(2 * MB);
    expect(reserveFor(10_000 * MB)).toBe(32 * MB);
  });
});

describe('StorageBudget.check', () => {
  test('refuses within the reserve of the quota with QuotaExceededStorageError, and lets anything below it through', async () => {
    const quota = 3 * MB;
    const { budget } = scripted([{ usage: quota - reserveFor(quota) - 1, quota }, { usage: quota - reserveFor(quota) + 1, quota }]);
    await expect(budget.check()).resolves.toBeUndefined();
    const refusal = await budget.check().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(QuotaExceededStorageError);
    expect((refusal as Error).message).toMatch(/^Storage is full/);
    expect(((refusal as Error).cause as Error).message).toMatch(/kept for deletions/);
  });

  test('far from the quota an estimate is reused for 5 s; near it, every check asks again', async () => {
    const far = scripted([{ usage: 1 * MB, quota: 100 * MB }]);
    await far.budget.check();
    await far.budget.check();
    far.advance(4_999);
    await far.budget.check();
    expect(far.calls()).toBe(1);
    far.advance(1);
    await far.budget.check();
    expect(far.calls()).toBe(2);

    // What the checks let through counts against a reused estimate: it is read again before the far line.
    const filling = scripted([{ usage: 1 * MB, quota: 100 * MB }]);
    for (let i = 0; i < 40; i++) await filling.budget.check(3 * MB);
    expect(filling.calls()).toBeGreaterThan(1);

    // 2 MiB reserve: 4 reserves below the quota is the line.
    const near = scripted([{ usage: 93 * MB, quota: 100 * MB }]);
    await near.budget.check();
    await near.budget.check();
    expect(near.calls()).toBe(2);
  });

  test('a write that would reach into the reserve is refused; background writes keep twice the reserve', async () => {
    const quota = 10 * MB;
    const reserve = reserveFor(quota);
    const usage = quota - 3 * reserve;
    const { budget } = scripted([{ usage, quota }]);
    await expect(budget.check(reserve)).resolves.toBeUndefined();
    await expect(budget.check(2 * reserve + 1)).rejects.toBeInstanceOf(QuotaExceededStorageError);
    await expect(budget.check(reserve, true)).resolves.toBeUndefined();
    await expect(budget.check(reserve + 1, true)).rejects.toBeInstanceOf(QuotaExceededStorageError);
  });

  test('a place without an estimate, without a quota in it, or too slow to answer, is never refused here', async () => {
    await expect(scripted([new TypeError('navigator.storage is undefined')]).budget.check()).resolves.toBeUndefined();
    await expect(scripted([{ usage: 5 * MB }]).budget.check()).resolves.toBeUndefined();
    const silent = new StorageBudget({ estimate: () => new Promise<StorageEstimate>(() => undefined) }, () => 0, 20);
    await expect(silent.check(10 * MB)).resolves.toBeUndefined();
  });
});
