// Turns the chosen words into the model's embedding table: one row per token id, frequency-weighted, int8-quantized
// per row.
import type { QuantizedTable } from './graph.ts';
import { SPECIAL_TOKENS, type VocabularyWord } from './vocabulary.ts';

/**
 * Smooth inverse frequency (Arora et al., 2017): a word's row is scaled by a / (a + p(word)). Mean pooling then
 * becomes a weighted mean in which "the", "of", "is" count little and topical words count fully, which a plain
 * bag of GloVe vectors needs badly. p comes from the word's rank by Zipf's law, since GloVe ships ranks, not counts.
 */
export const SIF_A = 1e-3;

function sifWeight(rank: number, corpusWords: number): number {
  const harmonic = Math.log(corpusWords) + 0.5772156649; // ≈ H(n), the Zipf normaliser
  const p = 1 / (rank * harmonic);
  return SIF_A / (SIF_A + p);
}

/**
 * Norm of the [CLS] row. [UNK] is zero, so unknown words do not move a sentence's direction at all; but a text of
 * unknown words only (or an empty one) would then pool to a zero vector and normalise to NaN. [CLS] starts every
 * sequence, so a tiny vector there — far below any word's weighted norm — gives such texts a defined direction
 * (the vocabulary's mean) and leaves every other text's direction practically unchanged.
 */
const CLS_NORM = 1e-3;

export function buildRows(words: readonly VocabularyWord[], dim: number, corpusWords: number): Float32Array {
  const rows = new Float32Array((SPECIAL_TOKENS.length + words.length) * dim);
  const mean = new Float64Array(dim);
  words.forEach(({ vector, rank }, i) => {
    const weight = sifWeight(rank, corpusWords);
    const offset = (SPECIAL_TOKENS.length + i) * dim;
    for (let k = 0; k < dim; k++) {
      const v = vector[k] ?? 0;
      rows[offset + k] = v * weight;
      mean[k] = (mean[k] ?? 0) + v;
    }
  });
  const meanNorm = Math.hypot(...mean);
  const cls = SPECIAL_TOKENS.indexOf('[CLS]') * dim;
  for (let k = 0; k < dim; k++) rows[cls + k] = ((mean[k] ?? 0) / meanNorm) * CLS_NORM;
  return rows;
}

/** Symmetric int8 per row: scale = max|x| / 127, so each row keeps its own range (rare words have larger norms). */
export function quantizeRows(rows: Float32Array, dim: number): QuantizedTable {
  const count = rows.length / dim;
  const values = new Int8Array(rows.length);
  const scales = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    const row = rows.subarray(r * dim, (r + 1) * dim);
    let max = 0;
    for (const v of row) max = Math.max(max, Math.abs(v));
    // Rounded to float32 first: the graph multiplies by exactly this stored value.
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    row.forEach((v, k) => {
      values[r * dim + k] = Math.max(-127, Math.min(127, Math.round(v / scale)));
    });
  }
  return { rows: count, dim, values, scales };
}
