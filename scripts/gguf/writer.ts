// A GGUF v3 writer (ggml docs/gguf.md): header, typed metadata, tensor infos, then tensor data at aligned offsets.
// Little-endian throughout. Tensor bytes are produced one tensor at a time while writing, so a file of hundreds of
// megabytes never has to sit in memory whole.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Metadata value types as numbered by the format. */
const enum ValueType {
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
}

/** The tensor types this project writes (ggml_type numbers). */
export const GgmlType = { F32: 0, F16: 1, Q8_0: 8 } as const;
export type GgmlTypeName = keyof typeof GgmlType;

/** Q8_0 packs 32 weights as one f16 scale and 32 int8s. */
export const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

export function tensorBytes(type: GgmlTypeName, elements: number): number {
  switch (type) {
    case 'F32':
      return elements * 4;
    case 'F16':
      return elements * 2;
    case 'Q8_0':
      if (elements % Q8_0_BLOCK !== 0) throw new Error(`Q8_0 needs a multiple of ${Q8_0_BLOCK} elements, got ${elements}`);
      return (elements / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
  }
}

interface TensorEntry {
  name: string;
  /** ggml order: dims[0] is the contiguous (row) dimension. */
  dims: readonly number[];
  type: GgmlTypeName;
  bytes: number;
  offset: number;
  fill: (out: Buffer) => void;
}

/** Growable little-endian byte sink for the header part of the file. */
class ByteSink {
  #buffer = Buffer.alloc(1 << 16);
  #length = 0;

  #room(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const next = Buffer.alloc(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(next, 0, 0, this.#length);
    this.#buffer = next;
  }

  u32(value: number): void {
    this.#room(4);
    this.#length = this.#buffer.writeUInt32LE(value, this.#length);
  }

  i32(value: number): void {
    this.#room(4);
    this.#length = this.#buffer.writeInt32LE(value, this.#length);
  }

  u64(value: number): void {
    this.#room(8);
    this.#length = this.#buffer.writeBigUInt64LE(BigInt(value), this.#length);
  }

  f32(value: number): void {
    this.#room(4);
    this.#length = this.#buffer.writeFloatLE(value, this.#length);
  }

  u8(value: number): void {
    this.#room(1);
    this.#length = this.#buffer.writeUInt8(value, this.#length);
  }

  /** gguf_string_t: u64 byte length, then UTF-8 bytes without a terminator. */
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.#room(bytes.length);
    bytes.copy(this.#buffer, this.#length);
    this.#length += bytes.length;
  }

  padTo(alignment: number): void {
    const pad = (alignment - (this.#length % alignment)) % alignment;
    this.#room(pad);
    this.#buffer.fill(0, this.#length, this.#length + pad);
    this.#length += pad;
  }

  get bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}

export class GgufWriter {
  readonly #kv = new ByteSink();
  #kvCount = 0;
  readonly #tensors: TensorEntry[] = [];
  #dataBytes = 0;

  constructor(readonly alignment = 32) {
    // Written out even at the default (32) so that no reader has to assume it.
    this.u32('general.alignment', alignment);
  }

  #key(key: string, type: ValueType): void {
    this.#kv.string(key);
    this.#kv.u32(type);
    this.#kvCount++;
  }

  u32(key: string, value: number): this {
    this.#key(key, ValueType.U32);
    this.#kv.u32(value);
    return this;
  }

  f32(key: string, value: number): this {
    this.#key(key, ValueType.F32);
    this.#kv.f32(value);
    return this;
  }

  bool(key: string, value: boolean): this {
    this.#key(key, ValueType.Bool);
    this.#kv.u8(value ? 1 : 0);
    return this;
  }

  string(key: string, value: string): this {
    this.#key(key, ValueType.String);
    this.#kv.string(value);
    return this;
  }

  strings(key: string, values: readonly string[]): this {
    this.#key(key, ValueType.Array);
    this.#kv.u32(ValueType.String);
    this.#kv.u64(values.length);
    for (const value of values) this.#kv.string(value);
    return this;
  }

  f32s(key: string, values: readonly number[]): this {
    this.#key(key, ValueType.Array);
    this.#kv.u32(ValueType.F32);
    this.#kv.u64(values.length);
    for (const value of values) this.#kv.f32(value);
    return this;
  }

  i32s(key: string, values: readonly number[]): this {
    this.#key(key, ValueType.Array);
    this.#kv.u32(ValueType.I32);
    this.#kv.u64(values.length);
    for (const value of values) this.#kv.i32(value);
    return this;
  }

  /** Registers a tensor; `fill` writes exactly its bytes into the buffer it is handed, when the file is written. */
  tensor(name: string, dims: readonly number[], type: GgmlTypeName, fill: (out: Buffer) => void): this {
    const elements = dims.reduce((a, b) => a * b, 1);
    const bytes = tensorBytes(type, elements);
    const offset = Math.ceil(this.#dataBytes / this.alignment) * this.alignment;
    this.#tensors.push({ name, dims, type, bytes, offset, fill });
    this.#dataBytes = offset + bytes;
    return this;
  }

  /** Writes the file; returns its size in bytes. */
  write(path: string): number {
    const head = new ByteSink();
    head.u32(0x46554747); // "GGUF" read as a little-endian u32
    head.u32(3);
    head.u64(this.#tensors.length);
    head.u64(this.#kvCount);
    const kv = this.#kv.bytes;
    const fd = openSync(path, 'w');
    try {
      let position = 0;
      const put = (bytes: Buffer): void => {
        let done = 0;
        while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
        position += bytes.length;
      };
      const info = new ByteSink();
      for (const t of this.#tensors) {
        info.string(t.name);
        info.u32(t.dims.length);
        for (const d of t.dims) info.u64(d);
        info.u32(GgmlType[t.type]);
        info.u64(t.offset);
      }
      put(head.bytes);
      put(kv);
      const infoBytes = info.bytes;
      const pad = (this.alignment - ((position + infoBytes.length) % this.alignment)) % this.alignment;
      put(Buffer.concat([infoBytes, Buffer.alloc(pad)]));
      const dataStart = position;
      for (const t of this.#tensors) {
        const gap = dataStart + t.offset - position;
        if (gap > 0) put(Buffer.alloc(gap));
        const out = Buffer.alloc(t.bytes);
        t.fill(out);
        put(out);
      }
      return position;
    } finally {
      closeSync(fd);
    }
  }
}
