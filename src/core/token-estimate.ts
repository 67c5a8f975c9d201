// A stated token estimate for prompt budgets when no tokenizer is at hand (or before a model is loaded): about four
// characters a token for alphabetic scripts, one token per CJK, kana or hangul character (BPE vocabularies of small
// instruct models split those finely), rounded up. Backends count exactly with their own tokenizer
// (ChatBackend.countTokens); the composer takes either.

/** Han, hiragana, katakana, hangul: roughly a token each. */
const DENSE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  const dense = text.match(DENSE_SCRIPT)?.length ?? 0;
  return dense + Math.ceil((text.length - dense) / 4);
}
