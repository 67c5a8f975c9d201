// A tiny WebAssembly binary emitter: just what the search kernels need (one imported memory, functions of i32 and
// f64 parameters, i32/i64/f64/v128 locals, a few dozen scalar and SIMD opcodes). It lets the kernels be written here in
// TypeScript and assembled at run time, in Node, pages and workers alike, with no native toolchain, no build step
// and no fetch; the CSP's 'wasm-unsafe-eval' permits compiling the bytes.
//
// Encoding reference: the WebAssembly core specification, binary format (sections, LEB128 integers) and the fixed-
// width SIMD proposal's opcode table (prefix 0xfd followed by a LEB128 opcode).

export const i32 = 0x7f;
export const i64 = 0x7e;
export const f64 = 0x7c;
export const v128 = 0x7b;
export type ValueType = typeof i32 | typeof i64 | typeof f64 | typeof v128;

/** Scalar opcodes, one byte each. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Load8U: 0x2d,
  i32Load16U: 0x2f,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Store16: 0x3b,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Ctz: 0x68,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Eq: 0x61,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,
  i64Popcnt: 0x7b,
  i64Add: 0x7c,
  i64Xor: 0x85,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  i32WrapI64: 0xa7,
  f64ConvertI32S: 0xb7,
  f64ConvertI32U: 0xb8,
  f64PromoteF32: 0xbb,
} as const;

/** SIMD opcodes (emitted after the 0xfd prefix). */
export const Simd = {
  v128Load: 0x00,
  v128Const: 0x0c,
  i16x8Splat: 0x10,
  i32x4ExtractLane: 0x1b,
  i16x8Eq: 0x2d,
  i16x8LeU: 0x34,
  v128AnyTrue: 0x53,
  i8x16Bitmask: 0x64,
  i8x16NarrowI16x8S: 0x65,
  i16x8ExtendLowI8x16S: 0x87,
  i16x8ExtendHighI8x16S: 0x88,
  i16x8Shl: 0x8b,
  i16x8ShrU: 0x8d,
  i16x8Sub: 0x91,
  i16x8Mul: 0x95,
  i32x4Add: 0xae,
  i32x4DotI16x8S: 0xba,
} as const;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`uleb: ${value}`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) throw new RangeError(`sleb: ${value}`);
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8Name(name: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(name));
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: readonly number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Builds one function body, instruction by instruction. Locals are numbered after the parameters. */
export class FunctionBuilder {
  readonly code: number[] = [];
  readonly #locals: ValueType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValueType[],
    readonly results: readonly ValueType[],
  ) {}

  /** A new local of `type`; returns its index. */
  local(type: ValueType): number {
    this.#locals.push(type);
    return this.params.length + this.#locals.length - 1;
  }

  op(opcode: number, ...immediates: number[][]): this {
    this.code.push(opcode, ...immediates.flat());
    return this;
  }

  simd(opcode: number, ...immediates: number[][]): this {
    this.code.push(0xfd, ...uleb(opcode), ...immediates.flat());
    return this;
  }

  get(index: number): this {
    return this.op(Op.localGet, uleb(index));
  }

  set(index: number): this {
    return this.op(Op.localSet, uleb(index));
  }

  tee(index: number): this {
    return this.op(Op.localTee, uleb(index));
  }

  const(value: number): this {
    return this.op(Op.i32Const, sleb(value));
  }

  /** An f64 constant (its IEEE-754 bits, little-endian). */
  f64(value: number): this {
    return this.op(Op.f64Const, Array.from(new Uint8Array(Float64Array.of(value).buffer)));
  }

  /** A memory access with alignment hint log2(align) and a constant byte offset. */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    return this.op(opcode, uleb(alignLog2), uleb(offset));
  }

  v128Load(offset = 0): this {
    return this.simd(Simd.v128Load, uleb(4), uleb(offset));
  }

  /** Opens block/loop/if with an empty block type. */
  open(kind: typeof Op.block | typeof Op.loop | typeof Op.if): this {
    return this.op(kind, [0x40]);
  }

  /** The encoded body: local declarations (grouped by runs of one type), the code, `end`. */
  body(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.#locals.length; ) {
      let j = i;
      while (j < this.#locals.length && this.#locals[j] === this.#locals[i]) j++;
      groups.push([...uleb(j - i), this.#locals[i] as number]);
      i = j;
    }
    const bytes = [...vector(groups), ...this.code, Op.end];
    return [...uleb(bytes.length), ...bytes];
  }
}

/** A module importing one memory as env.memory and exporting every function under its name. */
export function emitModule(functions: readonly FunctionBuilder[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((p) => [p])), ...vector(f.results.map((r) => [r]))]);
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    // env.memory, limits { min: 1 } (no maximum: it grows with the index).
    ...section(2, vector([[...utf8Name('env'), ...utf8Name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...utf8Name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map((f) => f.body()))),
  ];
  return Uint8Array.from(bytes);
}
