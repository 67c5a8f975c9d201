// How the user writes, read from their own messages: length, formality, emoji, questions and language. The result
// is plain JSON so it can be stored as it is in `profile.traits` and shown to the user; each trait comes with a
// confidence in [0, 1] that grows with the sample, so a profile built from three messages says so.
//
// Everything here is heuristic and on purpose small: no model, no dictionary beyond the word lists below, the same
// result in Node and every browser (only Intl.Segmenter and Unicode property escapes are used).
import { InvalidInputError } from './errors';

export interface StyleMessage {
  text: string;
  ts?: number;
}

/** Confidence of each trait, 0 (a guess) to 1 (settled). See styleTraits for how each is computed. */
export type StyleConfidence = {
  length: number;
  formality: number;
  emoji: number;
  questions: number;
  language: number;
};

/** A type alias, not an interface, so it is assignable to `JsonValue` and fits `profile.traits` without a cast. */
export type StyleTraits = {
  /** Non-empty messages analysed. */
  messages: number;
  words: number;
  averageWords: number;
  medianWords: number;
  /** 0 = chatty (slang, contractions, "!!", emoji), 1 = formal (politeness formulas, formal "you", tidy sentences). */
  formality: number;
  /** Share of messages with at least one emoji. */
  emojiRate: number;
  emojiPerMessage: number;
  /** The user's most used emoji, most used first (at most 5). */
  topEmoji: string[];
  /** Share of messages that ask something (contain ?, ？, ¿ or ؟). */
  questionRate: number;
  /** ISO 639-1 code of the language most messages are written in, or 'und' when none could be told. */
  language: string;
  /** Share of each detected language among the messages whose language could be told. */
  languages: { [code: string]: number };
  confidence: StyleConfidence;
  /** Timestamps of the oldest and newest message that carried one. */
  since: number | null;
  until: number | null;
};

/** Decimal places kept: the traits are shown and stored, and noise digits would only churn the profile. */
const PRECISION = 1_000;
const Z95 = 1.96;
const MAX_TOP_EMOJI = 5;

let segmenter: Intl.Segmenter | undefined;

function words(text: string): string[] {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  const out: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text)) if (isWordLike) out.push(segment);
  return out;
}

// ---- language -------------------------------------------------------------------------------------------------

/** Scripts that name their language outright (Cyrillic is taken as Russian, Arabic script as Arabic). */
const SCRIPT_LANGUAGES: readonly [RegExp, string][] = [
  [/\p{Script=Hangul}/gu, 'ko'],
  [/\p{Script=Arabic}/gu, 'ar'],
  [/\p{Script=Cyrillic}/gu, 'ru'],
  [/\p{Script=Devanagari}/gu, 'hi'],
  [/\p{Script=Thai}/gu, 'th'],
  [/\p{Script=Greek}/gu, 'el'],
  [/\p{Script=Hebrew}/gu, 'he'],
];
const HAN = /\p{Script=Han}/gu;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;

/**
 * The most frequent function words (and a greeting or two) of each Latin-script language. A word several
 * languages share ("de", "la", "que") counts for each of them, divided among them.
 */
const FUNCTION_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'and', 'is', 'are', 'was', 'you', 'that', 'this', 'with', 'have', 'for', 'not', 'what', 'of', 'to', 'in', 'my', 'be', 'would', 'will', 'just', 'but', 'do', "don't", 'can', 'how', 'it', "it's", "i'm", 'i', 'thanks', 'hello', 'please', 'yes', 'could', 'your', 'we', 'they', 'from', 'about'],
  fr: ['le', 'la', 'les', 'et', 'est', 'une', 'des', 'du', 'je', 'tu', 'vous', 'nous', 'il', 'elle', 'pas', 'pour', 'avec', 'que', 'qui', 'dans', 'sur', 'ce', "c'est", 'mais', 'très', 'bonjour', 'merci', 'oui', 'suis', 'au', 'aux', 'mon', 'ma', 'un', 'ne', "j'ai", 'salut', 'pouvez', 'votre'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ich', 'du', 'sie', 'wir', 'ein', 'eine', 'mit', 'auf', 'für', 'zu', 'auch', 'es', 'den', 'dem', 'sehr', 'danke', 'bitte', 'hallo', 'ja', 'nein', 'aber', 'wie', 'was', 'bin', 'habe', 'ihnen', 'können', 'mir', 'mich', 'noch', 'heute'],
  es: ['el', 'la', 'los', 'las', 'y', 'es', 'un', 'una', 'que', 'de', 'en', 'por', 'para', 'con', 'no', 'pero', 'muy', 'gracias', 'hola', 'sí', 'está', 'estoy', 'yo', 'tu', 'mi', 'qué', 'cómo', 'del', 'al', 'lo', 'se', 'usted', 'puede', 'quiero', 'hoy'],
  it: ['il', 'lo', 'la', 'gli', 'le', 'e', 'è', 'un', 'una', 'che', 'di', 'per', 'con', 'non', 'ma', 'molto', 'grazie', 'ciao', 'sono', 'io', 'tu', 'mi', 'del', 'della', 'nel', 'sì', 'anche', 'come', 'questo', 'perché', 'ho', 'oggi', 'può'],
  pt: ['o', 'a', 'os', 'as', 'e', 'é', 'um', 'uma', 'que', 'de', 'em', 'para', 'com', 'não', 'mas', 'muito', 'obrigado', 'obrigada', 'olá', 'sou', 'eu', 'você', 'meu', 'do', 'da', 'no', 'na', 'está', 'isso', 'também', 'hoje', 'pode'],
  nl: ['de', 'het', 'een', 'en', 'is', 'niet', 'ik', 'je', 'jij', 'wij', 'met', 'op', 'voor', 'van', 'dat', 'die', 'te', 'zijn', 'maar', 'ook', 'heel', 'dank', 'bedankt', 'hallo', 'ja', 'nee', 'wat', 'hoe', 'er', 'naar', 'graag', 'kunt', 'vandaag'],
};

const WORD_LANGUAGES = new Map<string, string[]>();
for (const [language, list] of Object.entries(FUNCTION_WORDS)) {
  for (const word of list) WORD_LANGUAGES.set(word, [...(WORD_LANGUAGES.get(word) ?? []), language]);
}

/** Letters that only some Latin-script languages use; each seen adds half a word of evidence. */
const LETTER_HINTS: readonly [RegExp, readonly string[]][] = [
  [/[ñ¿¡]/gu, ['es']],
  [/[ãõ]/gu, ['pt']],
  [/ç/gu, ['fr', 'pt']],
  [/[äöüß]/gu, ['de']],
  [/[èêëîïôœùûâ]/gu, ['fr']],
  [/[ìò]/gu, ['it']],
  [/ij/gu, ['nl']],
];

function count(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text)) n++;
  return n;
}

/**
 * The language of one text: by script where the script names it (Han with kana is Japanese, Han alone Chinese),
 * else by function words and telling letters among en, fr, de, es, it, pt and nl. 'und' when the evidence is
 * under one word's worth or two languages tie (a lone "ok" or "merci!" is not enough to tell).
 */
export function detectLanguage(text: string): string {
  const han = count(text, HAN);
  const kana = count(text, KANA);
  const latin = count(text, LATIN_LETTER);
  let bestScript = '';
  let bestCount = 0;
  for (const [pattern, language] of SCRIPT_LANGUAGES) {
    const n = count(text, pattern);
    if (n > bestCount) [bestScript, bestCount] = [language, n];
  }
  if (han + kana > Math.max(bestCount, latin)) return kana > 0.1 * (han + kana) ? 'ja' : 'zh';
  if (bestCount > latin) return bestScript;
  if (latin === 0) return 'und';

  const lower = text.toLowerCase().replace(/[\u2019\u02bc]/gu, "'");
  const scores = new Map<string, number>();
  for (const word of words(lower)) {
    const languages = WORD_LANGUAGES.get(word);
    if (!languages) continue;
    for (const language of languages) scores.set(language, (scores.get(language) ?? 0) + 1 / languages.length);
  }
  for (const [pattern, languages] of LETTER_HINTS) {
    const n = count(lower, pattern);
    for (const language of languages) scores.set(language, (scores.get(language) ?? 0) + (0.5 * n) / languages.length);
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] < 1 || (second && first[1] - second[1] < 0.25)) return 'und';
  return first[0];
}

// ---- formality ------------------------------------------------------------------------------------------------

/** Chat abbreviations and slang in the detected languages (lowercase, whole words). */
const SLANG = new Set([
  'lol', 'lmao', 'rofl', 'omg', 'btw', 'idk', 'imo', 'imho', 'tbh', 'brb', 'ngl', 'u', 'ur', 'r', 'ya', 'yeah', 'yep', 'yup',
  'nope', 'gonna', 'wanna', 'gotta', 'kinda', 'sorta', 'dunno', 'cuz', 'thx', 'pls', 'plz', 'haha', 'hahaha', 'hehe',
  'xd', 'dude', 'bro', 'awesome', 'ok', 'okay', 'k', 'mdr', 'ptdr', 'slt', 'stp', 'bcp', 'jsp', 'jaja', 'jajaja', 'xq',
  'tqm', 'kkk', 'kkkk', 'rs', 'vc', 'blz', 'ahah', 'ahahah', 'cmq', 'hdl', 'vlt', 'ff', 'nvm', 'omw', 'wtf', 'lmk',
]);
/** Greetings that open a casual message. */
const CASUAL_GREETINGS = new Set(['hey', 'hi', 'yo', 'sup', 'hiya', 'heya', 'salut', 'coucou', 'ciao', 'oi', 'hoi', 'hallo', 'hola']);
/** Politeness formulas, closings and formal address (lowercase; matched on word boundaries). */
const FORMAL_MARKERS = new RegExp(
  String.raw`\b(?:please|kindly|thank you|regards|sincerely|dear|would you|could you|i would|appreciate|grateful|furthermore|however|therefore|moreover|regarding|accordingly|vous|veuillez|cordialement|madame|monsieur|je vous prie|sehr geehrte[rn]?|mit freundlichen grüßen|ihnen|usted|ustedes|estimad[oa]|atentamente|le agradecería|gentile|cordiali saluti|distinti saluti|la ringrazio|prezad[oa]|atenciosamente|senhora?|geachte|met vriendelijke groet)\b`,
  'gu',
);
/** German formal "Sie"/"Ihr…" capitalised inside a sentence (at its start it could be "she"/"they"). */
const GERMAN_FORMAL_YOU = /[^\s.!?]\s+(?:Sie|Ihr|Ihre|Ihren|Ihrem)\b/gu;
/** Polite verb endings (Japanese です/ます, Korean 습니다/십시오) and the Chinese polite "you" 您. */
const POLITE_FORMS = /です|ます|ございます|습니다|십시오|您/gu;
const CONTRACTION = /\b(?:\p{L}+n't|(?:i|you|we|they|he|she|it|that|what|there|here|who|let)'(?:s|re|ve|ll|d|m))\b/giu;
const EMOTICON = /(?:^|\s)(?:[:;=8][-']?[()DPpO3[\]/\\|]|<3|xD)(?=\s|$)/gu;
const ELONGATION = /(\p{L})\1{2,}/u;
const REPEATED_MARKS = /[!?]{2,}/u;
const SHOUTED_WORD = /\b\p{Lu}{3,}\b/u;
const LONE_LOWERCASE_I = /(?:^|\s)i(?:\s|'|$)/u;

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/**
 * One message's formality in [0, 1]: the logistic of a weighted sum of cues. Informal cues pull it down — slang
 * and chat abbreviations (−1.2 each), an emoji or emoticon (−0.8), a casual greeting first (−0.8), stretched words
 * ("sooo", −0.8), "!!"/"?!" (−0.8), each "!" (−0.6), a lowercase start or a lone lowercase "i" (−0.6 each),
 * contractions (−0.5 each), a shouted word (−0.5). Formal cues push it up — politeness formulas, closings and formal
 * address (please, regards, vous, Sie, usted, です/ます, 습니다, 您 …; +1 each), a capitalised sentence that ends in "." (+0.6), and long
 * words (up to +1 as the mean word length goes from 4 to 7 letters). Counted cues stop counting after three.
 */
export function formalityScore(text: string): number {
  const tokens = words(text);
  const lower = tokens.map((w) => w.toLowerCase());
  let z = 0;
  z -= 1.2 * Math.min(3, lower.filter((w) => SLANG.has(w)).length);
  if (countEmoji(text).length > 0 || count(text, EMOTICON) > 0) z -= 0.8;
  if (CASUAL_GREETINGS.has(lower[0] ?? '')) z -= 0.8;
  if (ELONGATION.test(text)) z -= 0.8;
  if (REPEATED_MARKS.test(text)) z -= 0.8;
  z -= 0.6 * Math.min(3, count(text, /!/gu));
  const first = /\p{L}/u.exec(text)?.[0] ?? '';
  if (first !== first.toUpperCase()) z -= 0.6;
  if (LONE_LOWERCASE_I.test(text)) z -= 0.6;
  z -= 0.5 * Math.min(3, count(text.replace(/\u2019/gu, "'"), CONTRACTION));
  if (SHOUTED_WORD.test(text)) z -= 0.5;
  z += Math.min(3, count(text.toLowerCase(), FORMAL_MARKERS) + count(text, GERMAN_FORMAL_YOU) + count(text, POLITE_FORMS));
  if (first !== '' && first !== first.toLowerCase() && /[.。]\s*$/u.test(text)) z += 0.6;
  const latinWords = tokens.filter((w) => /^\p{Script=Latin}+$/u.test(w));
  if (latinWords.length > 0) z += clamp01((latinWords.reduce((sum, w) => sum + w.length, 0) / latinWords.length - 4) / 3);
  return 1 / (1 + Math.exp(-z));
}

// ---- emoji ----------------------------------------------------------------------------------------------------

/**
 * Emoji sequences (ZWJ families, skin tones, flags) as one each. Pictographs that default to text presentation
 * below U+2300 (©, ®, ™, ‼, ⁉, ↔ …) count only with the emoji variation selector: they are mostly typography.
 */
const EMOJI = /\p{Regional_Indicator}{2}|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)*/gu;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}|\uFE0F|\p{Regional_Indicator}/u;

function countEmoji(text: string): string[] {
  const found: string[] = [];
  for (const [match] of text.matchAll(EMOJI)) {
    if (EMOJI_PRESENTATION.test(match) || (match.codePointAt(0) ?? 0) >= 0x2300) found.push(match.replace(/\uFE0F/gu, ''));
  }
  return found;
}

// ---- confidence -----------------------------------------------------------------------------------------------

/** Width of the 95% Wilson interval of a proportion observed `successes` times in `n`. */
function wilsonWidth(successes: number, n: number): number {
  if (n === 0) return 1;
  const p = successes / n;
  const z2 = Z95 * Z95;
  return (2 * Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

function wilsonLower(successes: number, n: number): number {
  if (n === 0) return 0;
  const p = successes / n;
  const z2 = Z95 * Z95;
  return (p + z2 / (2 * n) - Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function standardDeviation(values: readonly number[], average: number): number {
  if (values.length < 2) return 0;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - average) ** 2, 0) / (values.length - 1));
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const round = (x: number): number => Math.round(x * PRECISION) / PRECISION;

// ---- traits ---------------------------------------------------------------------------------------------------

/**
 * The style of the user's own messages (pass only what the user wrote, not the assistant's answers). Empty and
 * blank messages are skipped.
 *
 * Confidence per trait:
 * - rates (emoji, questions): 1 − the width of the 95% Wilson interval of the rate;
 * - length and formality: 1 − the width of the 95% interval of the mean, relative to the mean for length; the
 *   spread is floored (half the mean for length, 0.2 for formality) so that one or two similar messages do not
 *   look settled;
 * - language: the lower end of the 95% Wilson interval of the dominant language's share, so both a small sample
 *   and a user who writes in two languages lower it.
 */
export function styleTraits(messages: readonly StyleMessage[]): StyleTraits {
  if (!Array.isArray(messages)) throw new InvalidInputError('messages', 'must be an array of { text, ts? }');
  // Array.isArray narrows to any[]; the declared element type is what the checks below verify.
  const list: readonly StyleMessage[] = messages;
  const lengths: number[] = [];
  const formalities: number[] = [];
  const emojiCounts = new Map<string, number>();
  const languageCounts = new Map<string, number>();
  let withEmoji = 0;
  let emojiTotal = 0;
  let questions = 0;
  let since: number | null = null;
  let until: number | null = null;
  list.forEach((message, i) => {
    if (typeof (message as unknown) !== 'object' || typeof (message.text as unknown) !== 'string') {
      throw new InvalidInputError(`messages[${i}].text`, 'must be a string');
    }
    if (message.ts !== undefined) {
      if (!Number.isFinite(message.ts)) throw new InvalidInputError(`messages[${i}].ts`, 'must be a finite number of milliseconds');
      since = since === null ? message.ts : Math.min(since, message.ts);
      until = until === null ? message.ts : Math.max(until, message.ts);
    }
    const text = message.text.trim();
    if (text === '') return;
    lengths.push(words(text).length);
    formalities.push(formalityScore(text));
    const emoji = countEmoji(text);
    if (emoji.length > 0) withEmoji++;
    emojiTotal += emoji.length;
    for (const e of emoji) emojiCounts.set(e, (emojiCounts.get(e) ?? 0) + 1);
    if (/[?？¿؟]/u.test(text)) questions++;
    const language = detectLanguage(text);
    if (language !== 'und') languageCounts.set(language, (languageCounts.get(language) ?? 0) + 1);
  });

  const n = lengths.length;
  const averageWords = mean(lengths);
  const formality = n === 0 ? 0.5 : mean(formalities);
  const lengthSpread = Math.max(standardDeviation(lengths, averageWords), 0.5 * averageWords);
  const formalitySpread = Math.max(standardDeviation(formalities, formality), 0.2);
  const detected = [...languageCounts.values()].reduce((a, b) => a + b, 0);
  const rankedLanguages = [...languageCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const [dominant] = rankedLanguages;
  const languages: { [code: string]: number } = {};
  for (const [code, c] of rankedLanguages) languages[code] = round(c / detected);

  return {
    messages: n,
    words: lengths.reduce((a, b) => a + b, 0),
    averageWords: round(averageWords),
    medianWords: round(median(lengths)),
    formality: round(formality),
    emojiRate: round(n === 0 ? 0 : withEmoji / n),
    emojiPerMessage: round(n === 0 ? 0 : emojiTotal / n),
    topEmoji: [...emojiCounts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_TOP_EMOJI)
      .map(([e]) => e),
    questionRate: round(n === 0 ? 0 : questions / n),
    language: dominant?.[0] ?? 'und',
    languages,
    confidence: {
      length: round(n === 0 || averageWords === 0 ? 0 : clamp01(1 - (2 * Z95 * lengthSpread) / Math.sqrt(n) / averageWords)),
      formality: round(n === 0 ? 0 : clamp01(1 - (2 * Z95 * formalitySpread) / Math.sqrt(n))),
      emoji: round(clamp01(1 - wilsonWidth(withEmoji, n))),
      questions: round(clamp01(1 - wilsonWidth(questions, n))),
      language: round(dominant ? clamp01(wilsonLower(dominant[1], detected)) : 0),
    },
    since,
    until,
  };
}
