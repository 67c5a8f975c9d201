// Text → keyword-search terms. The same function runs over documents when they are indexed and over the query when
// the user asks, so every rule below only has to be *consistent*, not linguistically perfect: a word and its variant
// meet when both fold to the same term. The tokenizer id is stored as the postings space's model; change any rule
// below and the id must change too (e.g. 'words-v2'), so an old index is rebuilt instead of silently mismatching.

/** What keyword search needs from a tokenizer; `id` names the rules, and is recorded with the postings it produced. */
export interface Tokenizer {
  readonly id: string;
  /** The terms of `text` in order, stop words removed, at most MAX_TOKENS_PER_TEXT. */
  terms(text: string): string[];
  /** term → how often it occurs in `text` (BM25's tf; the sum is the document length |d|). */
  termFrequencies(text: string): Map<string, number>;
  /**
   * Other terms this tokenizer may have produced for other forms of the same word as `term` (one of its own terms),
   * `term` first; a query searches them as one. Query side only: the postings stay as they were written, so this
   * may change without a new tokenizer id. Absent: no expansion.
   */
  variants?(term: string): string[];
}

export const WORDS_TOKENIZER_ID = 'words-v1';

/**
 * Terms kept per text, counted as emitted (stop words do not count), keeping the beginning. An English event at the
 * store's 32,000-character bound yields about 4,000 terms, so it fits; Chinese and Japanese yield about one bigram
 * per character plus words, so their texts are cut after roughly 6,000 characters. The cap bounds the work and the
 * postings of one document, and stops a single pasted book from dominating the average document length.
 */
export const MAX_TOKENS_PER_TEXT = 8_192;

/** Characters looked at per text: normalisation and segmentation are linear, so a huge paste is cut before them. */
export const MAX_INPUT_CHARS = 131_072;

/** Longer "words" are base64 blobs, hashes or URLs glued together: they never match a query and bloat postings. */
export const MAX_TERM_LENGTH = 64;

/**
 * English function words that match nearly every English text and carry no topic. Kept short on purpose:
 * - negations (no, not, nor, don't) stay, because "I don't like cilantro" is exactly what personalization is about;
 * - words that are content words in other Latin-script languages (German "also", "die", "war", "gift", French
 *   "chat", "pain") are not listed;
 * - the check runs before diacritic folding, so French "thé" (tea) is not taken for "the".
 * Words of other scripts are never stop words: BM25's IDF already discounts what is frequent in the user's history.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'about', 'am', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'being', 'but', 'by', 'can', 'could', 'did',
  'do', 'does', 'for', 'from', 'had', 'has', 'have', 'he', 'her', 'here', 'hers', 'him', 'his', 'how', 'i', 'if',
  'in', 'into', 'is', 'it', 'its', 'me', 'my', 'of', 'on', 'or', 'our', 'ours', 'she', 'should', 'so', 'than',
  'that', 'the', 'their', 'theirs', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'to', 'us', 'was',
  'we', 'were', 'what', 'when', 'where', 'which', 'who', 'whom', 'why', 'will', 'with', 'would', 'you', 'your',
  'yours',
]);

/** Singular words ending in "s" whose stripped form would collide with an unrelated word ("news" is not "new"). */
const PLURAL_INVARIANTS: ReadonlySet<string> = new Set(['news']);

/** Latin letters that do not decompose under NFD, folded to what an English keyboard types. Also Greek final sigma. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ς: 'σ', ё: 'е',
};
const FOLDABLE_LETTER = /[ßæœøłđðþıςё]/gu;

const LATIN = /\p{Script=Latin}/u;
const MARK_AFTER_LATIN = /(?<=\p{Script=Latin})\p{M}+/gu;
const NON_ASCII = /\P{ASCII}/u;
const ASCII_WORD = /^[a-z]+$/;
const GROUPED_NUMBER = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const APOSTROPHES = /['\u2019\u02bc]/gu;
/** Han ideographs and Japanese kana (with the prolonged-sound mark and iteration marks, via Script_Extensions). */
const CJK_RUN = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]+$/u;

let segmenter: Intl.Segmenter | undefined;

function wordSegmenter(): Intl.Segmenter {
  if (typeof Intl.Segmenter !== 'function') {
    throw new Error('Keyword search needs Intl.Segmenter (Chrome 87+, Safari 14.1+, Firefox 125+, Node 16+); update the browser.');
  }
  // 'und' (no locale): the boundaries must not depend on the visitor's language setting, or the index built under
  // one setting would not match queries made under another.
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  return segmenter;
}

/** Cuts at MAX_INPUT_CHARS without splitting a surrogate pair. */
function boundedInput(text: string): string {
  if (text.length <= MAX_INPUT_CHARS) return text;
  const cut = text.charCodeAt(MAX_INPUT_CHARS - 1) >= 0xd800 && text.charCodeAt(MAX_INPUT_CHARS - 1) <= 0xdbff ? MAX_INPUT_CHARS - 1 : MAX_INPUT_CHARS;
  return text.slice(0, cut);
}

/**
 * A light English stemmer for plurals, written for consistency rather than correctness: it first strips a plural
 * ending, then folds a few singular endings ("-ie"→"-y", "-che"→"-ch", "-oe"→"-o") so both forms meet:
 * movie/movies → "movy", cache/caches → "cach", tomato/tomatoes → "tomato", shoe/shoes → "sho", city/cities → "city".
 * Over-stripping ("status" → "statu") is harmless because query and document get the same treatment; only merging
 * two unrelated words would hurt, and PLURAL_INVARIANTS lists the ones that would. Not handled (rare in practice):
 * -ves (knives/knife), -zzes (quizzes/quiz), irregular plurals (mice, children).
 */
export function stemEnglishPlural(word: string): string {
  if (word.length <= 3 || PLURAL_INVARIANTS.has(word)) return word;
  let stem = word;
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith('sses') || stem.endsWith('shes') || stem.endsWith('ches') || stem.endsWith('xes')) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !stem.endsWith('ss')) stem = stem.slice(0, -1);
  if (stem.length > 3) {
    if (stem.endsWith('ie')) stem = `${stem.slice(0, -2)}y`;
    else if (stem.endsWith('che') || stem.endsWith('oe')) stem = stem.slice(0, -1);
  }
  return stem;
}

/** Words that inflectionKey would merge with an unrelated, common word ("evening" is not "even"). */
const INFLECTION_INVARIANTS: ReadonlySet<string> = new Set(['evening', 'evenings', 'during', 'nothing', 'something', 'anything', 'everything', 'thing', 'things', 'wedding', 'morning']);

/**
 * What the verb forms of an English word share: "hike", "hiked", "hiking" → "hik"; "run", "running" → "run";
 * "study", "studied", "studying" → "study". Like stemEnglishPlural it aims at consistency, not linguistics, and only
 * ever groups terms at query time (see inflectionVariants); a short remainder is left alone ("used", "red", "sing").
 */
export function inflectionKey(term: string): string {
  if (!ASCII_WORD.test(term) || INFLECTION_INVARIANTS.has(term)) return term;
  let key = term;
  let stripped = false;
  if (key.endsWith('ied') && key.length > 4) key = `${key.slice(0, -3)}y`;
  else if (key.endsWith('ing') && key.length > 5) [key, stripped] = [key.slice(0, -3), true];
  else if (key.endsWith('ed') && key.length > 4) [key, stripped] = [key.slice(0, -2), true];
  // "running" → "runn" → "run", but a word that is spelt with a double letter ("add", "mall", "Matt") keeps it.
  if (stripped && key.length > 3 && key.at(-1) === key.at(-2) && !'aeiouylsz'.includes(key.at(-1) ?? '')) key = key.slice(0, -1);
  if (key.endsWith('e') && key.length > 3) key = key.slice(0, -1);
  return key;
}

/**
 * The words-v1 terms that share `term`'s inflection key, generated rather than looked up: the key itself, with a
 * final "e", with "-ing"/"-ed" (the last consonant doubled or not), and "-y" → "-ied". The caller keeps those its
 * index holds. Plurals need nothing here: stemEnglishPlural already folded them into the terms.
 *
 * A term without a suffix is its own base form, and the other base form is another word: "note" is not "not", "plan"
 * is not "plane", "hope" is not "hop". Only an inflected term ("hoping": hope or hop?) keeps both.
 */
export function inflectionVariants(term: string): string[] {
  const key = inflectionKey(term);
  if (!ASCII_WORD.test(key)) return [term];
  const last = key.at(-1) ?? '';
  const bases = term === key ? [key] : term === `${key}e` ? [term] : [key, `${key}e`];
  const forms = [...bases, `${key}ing`, `${key}ed`, `${key}${last}ing`, `${key}${last}ed`];
  if (key.endsWith('y')) forms.push(`${key.slice(0, -1)}ied`);
  return [term, ...forms.filter((form) => form !== term && inflectionKey(form) === key)];
}

/** Case, diacritics, apostrophes, digit grouping, stop words and plurals of one non-CJK word; '' drops it. */
function normalizeWord(segment: string): string {
  let word = segment.toLowerCase();
  // Possessives first ("cat's" → "cat", "james'" → "james"), then other apostrophes go ("don't" → "dont"), so
  // straight and curly quotes in the text give the same term.
  word = word.replace(APOSTROPHES, "'");
  if (word.endsWith("'s")) word = word.slice(0, -2);
  word = word.replaceAll("'", '');
  if (ENGLISH_STOP_WORDS.has(word)) return '';
  if (NON_ASCII.test(word)) {
    // Diacritics are stripped from Latin letters only: in Arabic, Hebrew or Devanagari the marks are vowels and
    // part of the word, and ё/й in Cyrillic are letters of their own (ё→е is folded explicitly, as Russian
    // writers themselves commonly do).
    if (LATIN.test(word)) word = word.normalize('NFD').replace(MARK_AFTER_LATIN, '').normalize('NFC');
    word = word.replace(FOLDABLE_LETTER, (letter) => LETTER_FOLDS[letter] ?? letter);
  }
  // "1,000" and "1000" are the same number; "1,5" (a European decimal) and "12.50" are left alone.
  if (GROUPED_NUMBER.test(word)) word = word.replaceAll(',', '');
  if (ASCII_WORD.test(word)) word = stemEnglishPlural(word);
  return word.length <= MAX_TERM_LENGTH ? word : '';
}

/**
 * Chinese and Japanese are written without spaces, and the segmenter finds words with a dictionary that differs
 * between ICU versions (Chrome, Safari and Node ship different ones) and misses names it does not know. So a run
 * of Han/kana characters yields its overlapping character bigrams — recall that depends on no dictionary, and that
 * survives the index and the query being segmented by different browser versions — plus the segmenter's words of
 * one character (一 "one", 吃 "eat") or three and more (美味しい, ラーメン) for precision. Two-character words are
 * exactly bigrams already and are not emitted twice.
 */
function emitCjkRun(run: string, words: readonly string[], emit: (term: string) => boolean): boolean {
  const chars = Array.from(run);
  for (let i = 0; i + 1 < chars.length; i++) {
    if (!emit(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`)) return false;
  }
  for (const word of words) {
    const length = Array.from(word).length;
    if (length !== 2 && length <= MAX_TERM_LENGTH && !emit(word)) return false;
  }
  return true;
}

/** Streams the terms of `text` to `emit` until it returns false or the cap is reached. */
function forEachTerm(text: string, emit: (term: string) => void): void {
  let count = 0;
  const accept = (term: string): boolean => {
    if (count >= MAX_TOKENS_PER_TEXT) return false;
    count++;
    emit(term);
    return true;
  };
  // NFKC first: full-width letters, ligatures (ﬁ), circled digits and compatibility ideographs become their plain
  // forms before segmentation, so they segment and match like the plain text.
  const normalized = boundedInput(text).normalize('NFKC');
  let run = '';
  let runWords: string[] = [];
  for (const { segment, isWordLike } of wordSegmenter().segment(normalized)) {
    if (isWordLike && CJK_RUN.test(segment)) {
      run += segment;
      runWords.push(segment);
      continue;
    }
    if (run) {
      if (!emitCjkRun(run, runWords, accept)) return;
      run = '';
      runWords = [];
    }
    if (!isWordLike) continue;
    const term = normalizeWord(segment);
    if (term && !accept(term)) return;
  }
  if (run) emitCjkRun(run, runWords, accept);
}

export function terms(text: string): string[] {
  const out: string[] = [];
  forEachTerm(text, (term) => out.push(term));
  return out;
}

export function termFrequencies(text: string): Map<string, number> {
  const frequencies = new Map<string, number>();
  forEachTerm(text, (term) => frequencies.set(term, (frequencies.get(term) ?? 0) + 1));
  return frequencies;
}

/**
 * The default tokenizer: Unicode word segmentation, folding, English stop words and plurals, CJK bigrams; queries
 * also match other verb forms of their words (inflectionVariants).
 */
export const wordsTokenizer: Tokenizer = { id: WORDS_TOKENIZER_ID, terms, termFrequencies, variants: inflectionVariants };
