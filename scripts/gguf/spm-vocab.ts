// A synthetic SentencePiece-style ('llama') vocabulary: <unk>, <s>, </s>, the 256 byte tokens llama.cpp falls back to,
// then printable pieces. Every piece of two or more characters splits into two shorter pieces that are also in the
// vocabulary, so llama.cpp's SPM bigram merging can reach it; scores fall with the index, as in a trained model.
// The word boundary is U+2581 ('▁'), which llama.cpp turns back into a space.

export const TokenType = { Normal: 1, Unknown: 2, Control: 3, Byte: 6 } as const;

export interface SpmVocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
  unk: number;
  bos: number;
  eos: number;
  /** Ids of the byte tokens <0x00>…<0xFF>. */
  bytes: { first: number; count: number };
}

const SPACE = '\u2581';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const SINGLES = `${LOWER}ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'"()-${SPACE}`;

export function spmVocabulary(size: number): SpmVocabulary {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TokenType.Unknown, TokenType.Control, TokenType.Control];
  const first = tokens.length;
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TokenType.Byte);
  }
  const seen = new Set(tokens);
  const add = (piece: string): boolean => {
    if (tokens.length >= size) return false;
    if (seen.has(piece)) return true;
    seen.add(piece);
    tokens.push(piece);
    types.push(TokenType.Normal);
    return true;
  };
  // Shortest first: every longer piece below is a concatenation of two earlier ones.
  for (const c of SINGLES) add(c);
  for (const a of LOWER) add(SPACE + a);
  for (const a of LOWER) for (const b of LOWER) add(a + b);
  for (const a of LOWER) for (const b of LOWER) add(SPACE + a + b);
  outer: for (const a of LOWER) {
    for (const b of LOWER) {
      for (const c of LOWER) {
        if (!add(a + b + c)) break outer;
      }
    }
  }
  outer: for (const a of LOWER) {
    for (const b of LOWER) {
      for (const c of LOWER) {
        if (!add(SPACE + a + b + c)) break outer;
      }
    }
  }
  if (tokens.length < size) throw new Error(`this vocabulary scheme tops out at ${tokens.length} tokens`);
  const scores = tokens.map((_, i) => (types[i] === TokenType.Normal ? -i : 0));
  return { tokens, scores, types, unk: 0, bos: 1, eos: 2, bytes: { first, count: 256 } };
}
