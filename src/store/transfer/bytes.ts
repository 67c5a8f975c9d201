// Byte-level helpers the export format and its encryption share: base64 for binary fields inside JSON lines,
// little-endian typed arrays (the file must read the same on every machine), and a queue that lets stream
// transformers cut input into frames without copying the whole file.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// String.fromCharCode takes its bytes as arguments; this many stays well under every engine's argument limit.
const BINARY_STEP = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += BINARY_STEP) binary += String.fromCharCode(...bytes.subarray(i, i + BINARY_STEP));
  return btoa(binary);
}

/** The bytes of canonical, padded base64; undefined for anything else (atob alone would accept whitespace). */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export type NumericArray = Float64Array | Float32Array | Uint32Array | Uint16Array;
export type NumericKind = 'f64' | 'f32' | 'u32' | 'u16';

const WIDTH: Record<NumericKind, number> = { f64: 8, f32: 4, u32: 4, u16: 2 };

/** The array's values as little-endian bytes, whatever the byte order of this machine. */
export function littleEndianBytes(array: NumericArray): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(array.length * array.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (array instanceof Float64Array) for (let i = 0; i < array.length; i++) view.setFloat64(i * 8, array[i] as number, true);
  else if (array instanceof Float32Array) for (let i = 0; i < array.length; i++) view.setFloat32(i * 4, array[i] as number, true);
  else if (array instanceof Uint32Array) for (let i = 0; i < array.length; i++) view.setUint32(i * 4, array[i] as number, true);
  else for (let i = 0; i < array.length; i++) view.setUint16(i * 2, array[i] as number, true);
  return out;
}

/** Reads little-endian bytes back into a typed array; undefined when the length is not a whole number of values. */
export function fromLittleEndian(bytes: Uint8Array, kind: 'f64'): Float64Array<ArrayBuffer> | undefined;
export function fromLittleEndian(bytes: Uint8Array, kind: 'f32'): Float32Array<ArrayBuffer> | undefined;
export function fromLittleEndian(bytes: Uint8Array, kind: 'u32'): Uint32Array<ArrayBuffer> | undefined;
export function fromLittleEndian(bytes: Uint8Array, kind: 'u16'): Uint16Array<ArrayBuffer> | undefined;
export function fromLittleEndian(bytes: Uint8Array, kind: NumericKind): NumericArray | undefined {
  const width = WIDTH[kind];
  if (bytes.length % width !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length / width;
  if (kind === 'f64') return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
  if (kind === 'f32') return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
  if (kind === 'u32') return Uint32Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
  return Uint16Array.from({ length: count }, (_, i) => view.getUint16(i * 2, true));
}

/** Bytes received in arbitrary pieces, taken out again in the sizes a frame or header needs. */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** A copy of the first `n` bytes, left in the queue. */
  peek(n: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(Math.min(n, this.#length));
    let at = 0;
    for (const chunk of this.#chunks) {
      if (at === out.length) break;
      const part = chunk.subarray(0, out.length - at);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Removes and returns the first `n` bytes (fewer if the queue holds fewer). */
  take(n: number): Uint8Array<ArrayBuffer> {
    const out = this.peek(n);
    let left = out.length;
    this.#length -= left;
    while (left > 0) {
      const head = this.#chunks[0] as Uint8Array;
      if (head.length <= left) {
        this.#chunks.shift();
        left -= head.length;
      } else {
        this.#chunks[0] = head.subarray(left);
        left = 0;
      }
    }
    return out;
  }

  /** Index of the first `byte` within the first `limit` bytes, or -1. */
  indexOf(byte: number, limit = this.#length): number {
    let offset = 0;
    for (const chunk of this.#chunks) {
      if (offset >= limit) break;
      const found = chunk.subarray(0, limit - offset).indexOf(byte);
      if (found !== -1) return offset + found;
      offset += chunk.length;
    }
    return -1;
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
