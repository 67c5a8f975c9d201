// Picks the words the model knows: the most frequent GloVe words that the tokenizer can produce as one token.
import type { WinkEmbeddings } from './source.ts';

/** Special tokens, in id order. Their rows are set by table.ts. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

export interface VocabularyWord {
  readonly word: string;
  /** 1-based frequency rank in GloVe's corpus (its file order), used to weight the word. */
  readonly rank: number;
  readonly vector: readonly number[];
}

// The tokenizer lower-cases and splits on whitespace and punctuation, so a word it can emit is lower-case letters and
// digits only. At least one letter: bare numbers and punctuation say little about a topic and would take room.
const TOKENIZABLE = /^(?=.*\p{L})[\p{L}\p{N}]+$/u;

export function selectVocabulary(source: WinkEmbeddings, size: number): VocabularyWord[] {
  const picked: VocabularyWord[] = [];
  for (let i = 0; i < source.words.length && picked.length < size; i++) {
    const word = source.words[i];
    if (word === undefined || !TOKENIZABLE.test(word) || word !== word.toLowerCase()) continue;
    const vector = source.vectors[word];
    if (!vector || vector.length < source.dimensions) throw new Error(`No vector for "${word}".`);
    picked.push({ word, rank: i + 1, vector: vector.slice(0, source.dimensions) });
  }
  if (picked.length < size) throw new Error(`Only ${picked.length} usable words; asked for ${size}.`);
  return picked;
}
