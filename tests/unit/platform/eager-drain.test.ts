import { expect, test } from 'vitest';
import { drainInto } from '../../../src/platform/eager-drain';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A body that delivers `count` chunks of `size` bytes, one per macrotask, then breaks like a cut connection. */
function breakingBody(count: number, size = 1_000): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let i = 0; i < count; i++) {
        await tick();
        controller.enqueue(new Uint8Array(size).fill(i));
      }
      await tick();
      controller.error(new TypeError('network error'));
    },
  });
}

/** A disk that takes a while per write. */
function slowDisk(ms = 15) {
  const written: Uint8Array[] = [];
  return {
    written,
    write: async (chunk: Uint8Array) => {
      await tick(ms);
      written.push(chunk);
    },
  };
}

test('a body that breaks while writes are slow: every chunk that arrived is written, then the break is thrown', async () => {
  const disk = slowDisk();
  await expect(drainInto(breakingBody(10), disk.write)).rejects.toThrow('network error');
  expect(disk.written.map((chunk) => chunk[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('the plain read-then-write loop it replaces loses what was queued when the body broke (why this exists)', async () => {
  const disk = slowDisk();
  const body = breakingBody(10);
  await expect(
    (async () => {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) await disk.write(chunk);
    })(),
  ).rejects.toThrow('network error');
  expect(disk.written.length).toBeLessThan(10);
});

test('a body that ends is written whole, in order', async () => {
  const disk = slowDisk(1);
  const chunks = Array.from({ length: 20 }, (_, i) => new Uint8Array([i]));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      chunks.forEach((chunk) => { controller.enqueue(chunk); });
      controller.close();
    },
  });
  await drainInto(body, disk.write);
  expect(disk.written).toEqual(chunks);
});

test('reading stays at most the read-ahead in front of writing', async () => {
  let pulled = 0;
  let maxAhead = 0;
  const written: number[] = [];
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled === 50) {
          controller.close();
          return;
        }
        controller.enqueue(new Uint8Array(100).fill(pulled++ % 256));
      },
    },
    { highWaterMark: 0 },
  );
  await drainInto(
    body,
    async (chunk) => {
      maxAhead = Math.max(maxAhead, pulled - written.length);
      await tick(1);
      written.push(chunk[0] as number);
    },
    300,
  );
  expect(written).toHaveLength(50);
  // 300 bytes of read-ahead is 3 chunks, plus the one being written and the one a pending read may have taken.
  expect(maxAhead).toBeLessThanOrEqual(5);
});

test('a write that fails cancels the body and throws the write’s error', async () => {
  let cancelled: unknown;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(10));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  const full = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  await expect(drainInto(body, () => Promise.reject(full))).rejects.toBe(full);
  expect(cancelled).toBe(full);
});
