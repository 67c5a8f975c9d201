// Copies a response body into slow storage without losing what the network already delivered. A ReadableStream that
// errors drops the chunks still queued in it (the Streams standard resets the queue), and a fetch body errors when the
// connection breaks. Read chunk by chunk and written in the same loop, every chunk that arrived while a write was
// pending would vanish with the break — on a fast network and a busy disk, all of them. So reading runs ahead of
// writing, into a bounded buffer of its own: when the connection breaks, everything read so far is still written
// before the error is reported, and a resumed download starts after it.

/** How far reading may run ahead of writing, in bytes. */
export const DEFAULT_READ_AHEAD = 16 * 1024 * 1024;

/**
 * Reads `body` to its end, calling `write` for each chunk in order (never two at once). Resolves when the body ended
 * and every chunk was written. When the body errors, every chunk read before the error is written first and then the
 * body's error is thrown; when `write` throws, the body is cancelled and that error is thrown.
 */
export async function drainInto<Chunk extends Uint8Array>(body: ReadableStream<Chunk>, write: (chunk: Chunk) => Promise<void>, readAhead = DEFAULT_READ_AHEAD): Promise<void> {
  const reader = body.getReader();
  // Shared by the reading and the writing loop (an object, so each loop sees what the other changed).
  const shared: { queue: Chunk[]; queued: number; ended: boolean; stopped: boolean; broken?: { error: unknown } } = { queue: [], queued: 0, ended: false, stopped: false };
  let dataArrived: (() => void) | undefined;
  let roomFreed: (() => void) | undefined;

  const reading = (async () => {
    try {
      for (;;) {
        while (shared.queued >= readAhead && !shared.stopped) await new Promise<void>((resolve) => (roomFreed = resolve));
        if (shared.stopped) break;
        const { value, done } = await reader.read();
        if (done) break;
        shared.queue.push(value);
        shared.queued += value.byteLength;
        dataArrived?.();
      }
    } catch (error) {
      shared.broken = { error };
    } finally {
      shared.ended = true;
      dataArrived?.();
    }
  })();

  try {
    for (;;) {
      const chunk = shared.queue.shift();
      if (chunk === undefined) {
        if (shared.ended) break;
        await new Promise<void>((resolve) => (dataArrived = resolve));
        dataArrived = undefined;
        continue;
      }
      shared.queued -= chunk.byteLength;
      roomFreed?.();
      roomFreed = undefined;
      await write(chunk);
    }
  } catch (error) {
    shared.stopped = true;
    roomFreed?.();
    await reader.cancel(error).catch(() => undefined);
    await reading;
    throw error;
  }
  await reading;
  if (shared.broken) throw shared.broken.error;
}
