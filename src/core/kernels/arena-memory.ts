// The one step every kernel arena takes to grow: regions at new, higher offsets in a larger buffer, the kept ones
// moved with their bytes and their new room zeroed. In WebAssembly memory (grown in place, so the kernels keep their
// memory) or in a fresh ArrayBuffer (the JavaScript fallback).

const PAGE = 65_536;

/** A region whose bytes survive growth: old and new offsets, and its byte length before and after. */
export interface KeptRegion {
  from: number;
  to: number;
  length: number;
  grownLength: number;
}

/**
 * The arena's buffer once it holds `end` bytes, with every kept region moved. Regions may only move up (offsets grow
 * with capacities), which makes moving the highest first safe in place. Returns the buffer to take views of.
 */
export function regrow(memory: WebAssembly.Memory | undefined, buffer: ArrayBuffer, end: number, keep: readonly KeptRegion[]): ArrayBuffer {
  if (memory) {
    const pages = Math.ceil(end / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
    const bytes = new Uint8Array(memory.buffer);
    for (const { from, to, length } of [...keep].sort((a, b) => b.from - a.from)) if (from !== to) bytes.copyWithin(to, from, from + length);
    // What lay there before (other regions' old bytes) must read as zero: padding and flags rely on it.
    for (const { to, length, grownLength } of keep) bytes.fill(0, to + length, to + grownLength);
    return memory.buffer;
  }
  const next = new ArrayBuffer(end);
  const bytes = new Uint8Array(next);
  const before = new Uint8Array(buffer);
  for (const { from, to, length } of keep) bytes.set(before.subarray(from, from + length), to);
  return next;
}

/** A WebAssembly memory of at least `bytes`. */
export function memoryFor(bytes: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
}
