// A llama-architecture GGUF with seeded random weights: the shape and tensor types of a real small model, for
// benchmarking llama.cpp kernels where no trained model of that size can be had. The text it writes is noise.
//
// Weights are drawn already quantized (Q8_0: random int8s with a per-block f16 scale near 1/√fan-in over their
// spread; F16: uniform of the same deviation), so activations keep a sane scale through every layer. The output rows
// of <unk>, <s>, </s> and the byte tokens are zero, so greedy decoding never picks them: it never stops early and
// every generated token is a whole piece of text on every runtime, which keeps token counts equal across runtimes.
import { GgufWriter, Q8_0_BLOCK, type GgmlTypeName } from './writer.ts';
import { spmVocabulary } from './spm-vocab.ts';

export interface RandomLlamaConfig {
  vocab: number;
  embedding: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  context: number;
  type: Extract<GgmlTypeName, 'F16' | 'Q8_0'>;
  seed: number;
}

/** ~74M parameters: llama-2's vocabulary size at a width and depth where the matrix products dominate a token. */
export const DEFAULT_CONFIG: RandomLlamaConfig = {
  vocab: 32_000,
  embedding: 512,
  layers: 12,
  heads: 8,
  kvHeads: 8,
  feedForward: 1536,
  context: 2048,
  type: 'Q8_0',
  seed: 20_260_401,
};

/** sfc32: small, fast, and the same stream everywhere for a given seed. */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half from a number, rounding to nearest even; subnormals flush to zero (none are drawn here). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  let half = sign | (exponent << 10) | ((x >>> 13) & 0x3ff);
  const rest = x & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return half;
}

/** Uniform int8 in [-127, 127] has this standard deviation. */
const INT8_STD = Math.sqrt((127 * 128) / 3);

function fillQ8_0(out: Buffer, rows: number, rowLength: number, std: number, random: () => number, zeroRows: ReadonlySet<number>): void {
  const blocksPerRow = rowLength / Q8_0_BLOCK;
  let at = 0;
  for (let row = 0; row < rows; row++) {
    if (zeroRows.has(row)) {
      at += blocksPerRow * (2 + Q8_0_BLOCK);
      continue;
    }
    for (let block = 0; block < blocksPerRow; block++) {
      // ±12% jitter on the scale, as real blocks differ in range.
      const scale = (std / INT8_STD) * (0.88 + 0.24 * (random() / 2 ** 32));
      out.writeUInt16LE(toHalf(scale), at);
      at += 2;
      for (let i = 0; i < Q8_0_BLOCK; i += 4) {
        const r = random();
        for (let k = 0; k < 4; k++) {
          const q = ((r >>> (8 * k)) & 0xff) - 128;
          out.writeInt8(q === -128 ? -127 : q, at++);
        }
      }
    }
  }
}

function fillF16(out: Buffer, rows: number, rowLength: number, std: number, random: () => number, zeroRows: ReadonlySet<number>): void {
  const halfWidth = std * Math.sqrt(3);
  let at = 0;
  for (let row = 0; row < rows; row++) {
    if (zeroRows.has(row)) {
      at += rowLength * 2;
      continue;
    }
    for (let i = 0; i < rowLength; i++) {
      out.writeUInt16LE(toHalf((random() / 2 ** 31 - 1) * halfWidth), at);
      at += 2;
    }
  }
}

export interface RandomLlamaSummary {
  config: RandomLlamaConfig;
  parameters: number;
  bytes: number;
  tensors: number;
}

/** Writes the model to `path`; same config, same bytes. */
export function writeRandomLlama(path: string, config: RandomLlamaConfig = DEFAULT_CONFIG): RandomLlamaSummary {
  const { vocab: vocabSize, embedding: n, layers, heads, kvHeads, feedForward: ff, context, type, seed } = config;
  if (n % heads !== 0 || heads % kvHeads !== 0) throw new Error('embedding must divide into heads, and heads into kv heads');
  if (n % Q8_0_BLOCK !== 0 || ff % Q8_0_BLOCK !== 0) throw new Error(`embedding and feed-forward sizes must be multiples of ${Q8_0_BLOCK}`);
  const headDim = n / heads;
  const kv = headDim * kvHeads;
  const vocab = spmVocabulary(vocabSize);
  const random = sfc32(seed);
  let parameters = 0;

  const writer = new GgufWriter()
    .string('general.architecture', 'llama')
    .string('general.name', `persona-random-llama-${type.toLowerCase()}`)
    .string('general.description', `Seeded random weights (seed ${seed}) for benchmarking; not a trained model.`)
    .u32('general.file_type', type === 'Q8_0' ? 7 : 1)
    .u32('general.quantization_version', 2)
    .u32('llama.context_length', context)
    .u32('llama.embedding_length', n)
    .u32('llama.block_count', layers)
    .u32('llama.feed_forward_length', ff)
    .u32('llama.attention.head_count', heads)
    .u32('llama.attention.head_count_kv', kvHeads)
    .u32('llama.rope.dimension_count', headDim)
    .f32('llama.rope.freq_base', 10_000)
    .f32('llama.attention.layer_norm_rms_epsilon', 1e-5)
    .u32('llama.vocab_size', vocab.tokens.length)
    .string('tokenizer.ggml.model', 'llama')
    .strings('tokenizer.ggml.tokens', vocab.tokens)
    .f32s('tokenizer.ggml.scores', vocab.scores)
    .i32s('tokenizer.ggml.token_type', vocab.types)
    .u32('tokenizer.ggml.unknown_token_id', vocab.unk)
    .u32('tokenizer.ggml.bos_token_id', vocab.bos)
    .u32('tokenizer.ggml.eos_token_id', vocab.eos)
    .bool('tokenizer.ggml.add_bos_token', true)
    .bool('tokenizer.ggml.add_eos_token', false);

  const none = new Set<number>();
  const matrix = (name: string, inputs: number, outputs: number, std: number, zeroRows: ReadonlySet<number> = none): void => {
    parameters += inputs * outputs;
    writer.tensor(name, [inputs, outputs], type, (out) => {
      (type === 'Q8_0' ? fillQ8_0 : fillF16)(out, outputs, inputs, std, random, zeroRows);
    });
  };
  const ones = (name: string): void => {
    parameters += n;
    writer.tensor(name, [n], 'F32', (out) => {
      for (let i = 0; i < n; i++) out.writeFloatLE(1, i * 4);
    });
  };

  const silent = new Set<number>([vocab.unk, vocab.bos, vocab.eos]);
  for (let b = 0; b < vocab.bytes.count; b++) silent.add(vocab.bytes.first + b);
  matrix('token_embd.weight', n, vocab.tokens.length, 1);
  for (let l = 0; l < layers; l++) {
    ones(`blk.${l}.attn_norm.weight`);
    matrix(`blk.${l}.attn_q.weight`, n, n, 1 / Math.sqrt(n));
    matrix(`blk.${l}.attn_k.weight`, n, kv, 1 / Math.sqrt(n));
    matrix(`blk.${l}.attn_v.weight`, n, kv, 1 / Math.sqrt(n));
    matrix(`blk.${l}.attn_output.weight`, n, n, 1 / Math.sqrt(n));
    ones(`blk.${l}.ffn_norm.weight`);
    matrix(`blk.${l}.ffn_gate.weight`, n, ff, 1 / Math.sqrt(n));
    matrix(`blk.${l}.ffn_up.weight`, n, ff, 1 / Math.sqrt(n));
    matrix(`blk.${l}.ffn_down.weight`, ff, n, 1 / Math.sqrt(ff));
  }
  ones('output_norm.weight');
  matrix('output.weight', n, vocab.tokens.length, 1 / Math.sqrt(n), silent);
  const bytes = writer.write(path);
  return { config, parameters, bytes, tensors: 3 + layers * 9 };
}
