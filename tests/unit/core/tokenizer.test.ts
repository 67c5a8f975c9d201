import { describe, expect, test } from 'vitest';
import {
  ENGLISH_STOP_WORDS,
  MAX_TERM_LENGTH,
  MAX_TOKENS_PER_TEXT,
  WORDS_TOKENIZER_ID,
  inflectionKey,
  inflectionVariants,
  stemEnglishPlural,
  termFrequencies,
  terms,
  wordsTokenizer,
} from '../../../src/core/tokenizer';

/** Whether a query written in the same language finds the document: some query term is a document term. */
function shared(document: string, query: string): string[] {
  const documentTerms = new Set(terms(document));
  return terms(query).filter((term) => documentTerms.has(term));
}

describe('English', () => {
  test('drops stop words and punctuation, keeps content words and numbers', () => {
    expect(terms('The quick, brown fox — jumps over the lazy dog!')).toEqual(['quick', 'brown', 'fox', 'jump', 'over', 'lazy', 'dog']);
    expect(terms('I paid $12.50 for 3 tickets in 2024.')).toEqual(['paid', '12.50', '3', 'ticket', '2024']);
    expect(terms('1,000 runners and 1000 walkers')).toEqual(['1000', 'runner', '1000', 'walker']);
  });

  test('keeps negations, which carry preferences', () => {
    expect(terms("I don't like cilantro, not at all")).toEqual(['dont', 'like', 'cilantro', 'not', 'all']);
  });

  test('folds plurals and possessives so singular and plural meet', () => {
    expect(terms("The cat's recipes")).toEqual(['cat', 'recipe']);
    expect(terms('cats’ toys')).toEqual(['cat', 'toy']); // curly apostrophe, plural possessive
    const pairs: [string, string][] = [
      ['recipe', 'recipes'], ['city', 'cities'], ['movie', 'movies'], ['box', 'boxes'], ['glass', 'glasses'],
      ['church', 'churches'], ['cache', 'caches'], ['tomato', 'tomatoes'], ['shoe', 'shoes'], ['dish', 'dishes'],
      ['menu', 'menus'], ['house', 'houses'], ['size', 'sizes'], ['pie', 'pies'], ['cookie', 'cookies'],
    ];
    for (const [singular, plural] of pairs) expect(stemEnglishPlural(plural), plural).toBe(stemEnglishPlural(singular));
    expect(stemEnglishPlural('glass')).toBe('glass');
    expect(stemEnglishPlural('news')).toBe('news'); // not "new"
    expect(stemEnglishPlural('bus')).toBe('bus'); // short words are left alone
  });

  test('case, diacritics, compatibility forms and ligatures are folded the same way in documents and queries', () => {
    expect(terms('Café CRÈME brûlée naïve Ångström')).toEqual(['cafe', 'creme', 'brulee', 'naive', 'angstrom']);
    expect(terms('Ｆｕｌｌ-width ﬁles')).toEqual(['full', 'width', 'file']);
    expect(terms('Straße')).toEqual(terms('strasse'));
    expect(shared('Un café crème, s’il vous plaît', 'cafe creme')).toEqual(['cafe', 'creme']);
  });

  test('the stop list only removes English function words', () => {
    for (const word of ENGLISH_STOP_WORDS) expect(word).toMatch(/^[a-z]+$/);
    // German, French and Spanish content words that look like English ones stay.
    expect(terms('die Gift also war Bad hat kind chat pain')).toEqual(['die', 'gift', 'also', 'war', 'bad', 'hat', 'kind', 'chat', 'pain']);
    // French "thé" (tea) is checked before folding, so it is not the English article.
    expect(terms('thé vert')).toEqual(['the', 'vert']);
    expect(terms('the')).toEqual([]);
  });
});

describe('other scripts', () => {
  test('Chinese: segmenter words and character bigrams', () => {
    const result = terms('我喜欢吃北京烤鸭');
    expect(result).toEqual(expect.arrayContaining(['北京', '烤鸭', '喜欢', '吃']));
    expect(result.every((term) => term.length >= 1)).toBe(true);
    expect(shared('我昨天在北京吃了烤鸭和饺子', '北京烤鸭')).toEqual(expect.arrayContaining(['北京', '烤鸭']));
    // A name no dictionary knows still matches through its bigrams.
    expect(shared('我的朋友张伟明天来', '张伟明').length).toBeGreaterThan(0);
  });

  test('Japanese: kanji and kana runs', () => {
    const result = terms('東京で美味しいラーメンを食べました');
    expect(result).toEqual(expect.arrayContaining(['東京', 'ラーメン', '美味しい']));
    expect(shared('東京で美味しいラーメンを食べました', 'ラーメン 東京').sort()).toEqual(['ラーメン', 'ラー', 'ーメ', 'メン', '東京'].sort());
  });

  test('Thai is split into words by the segmenter', () => {
    const result = terms('ฉันชอบกินข้าวผัดกุ้ง');
    expect(result.length).toBeGreaterThan(2);
    expect(shared('ฉันชอบกินข้าวผัดกุ้ง', 'ข้าวผัด').length).toBeGreaterThan(0);
  });

  test('Arabic keeps its vowel marks and matches the same word', () => {
    expect(terms('أحب الطبخ الإيطالي')).toEqual(['أحب', 'الطبخ', 'الإيطالي']);
    expect(shared('أحب الطبخ الإيطالي كثيرا', 'الطبخ')).toEqual(['الطبخ']);
    // Harakat are vowels, not accents: they are not stripped (only Latin letters lose diacritics).
    expect(terms('كَتَبَ')).toEqual(['كَتَبَ']);
  });

  test('Russian is lower-cased, and ё is read as е', () => {
    expect(terms('Я люблю итальянскую кухню')).toEqual(['я', 'люблю', 'итальянскую', 'кухню']);
    expect(shared('Ёлка в Москве', 'елка')).toEqual(['елка']);
    expect(terms('Что и как')).toEqual(['что', 'и', 'как']); // no Russian word is a stop word
  });

  test('Devanagari vowel signs survive (they are marks, but not Latin ones)', () => {
    expect(terms('हिन्दी')).toEqual(['हिन्दी']);
  });
});

describe('bounds and the tokenizer object', () => {
  test('texts are capped at MAX_TOKENS_PER_TEXT terms, keeping the beginning', () => {
    const long = Array.from({ length: MAX_TOKENS_PER_TEXT + 500 }, (_, i) => `w${i}`).join(' ');
    const result = terms(long);
    expect(result).toHaveLength(MAX_TOKENS_PER_TEXT);
    expect(result[0]).toBe('w0');
    const cjk = '北京烤鸭'.repeat(MAX_TOKENS_PER_TEXT);
    expect(terms(cjk).length).toBeLessThanOrEqual(MAX_TOKENS_PER_TEXT);
  });

  test('overlong "words" (hashes, blobs) are dropped', () => {
    expect(terms(`keep ${'x'.repeat(MAX_TERM_LENGTH + 1)} this`)).toEqual(['keep']);
  });

  test('termFrequencies counts terms, and the object names its rules', () => {
    expect(Object.fromEntries(termFrequencies('Recipes: a recipe, the RECIPE; pasta'))).toEqual({ recipe: 3, pasta: 1 });
    expect(termFrequencies('')).toEqual(new Map());
    expect(wordsTokenizer.id).toBe(WORDS_TOKENIZER_ID);
    expect(wordsTokenizer.terms('Cats')).toEqual(['cat']);
  });
});

describe('verb forms at query time', () => {
  const keyOf = (word: string): string => inflectionKey(terms(word)[0] ?? '');

  test('forms of one verb share a key; words spelt with a double letter or a short stem keep theirs', () => {
    for (const group of [
      ['hike', 'hikes', 'hiked', 'hiking'],
      ['run', 'runs', 'running'],
      ['study', 'studies', 'studied', 'studying'],
      ['cook', 'cooked', 'cooking'],
      ['love', 'loved', 'loving'],
      ['shop', 'shopped', 'shopping'],
      ['paint', 'painted', 'painting', 'paintings'],
    ]) {
      expect(new Set(group.map(keyOf)), group.join(' ')).toHaveProperty('size', 1);
    }
    expect(['add', 'mall', 'matt', 'used', 'red', 'sing'].map(keyOf)).toEqual(['add', 'mall', 'matt', 'used', 'red', 'sing']);
    // Listed exceptions: "evening" is not a form of "even".
    expect(keyOf('evening')).not.toBe(keyOf('even'));
    // Not English words: left alone.
    expect(inflectionKey('café')).toBe('café');
    expect(inflectionKey('2023')).toBe('2023');
  });

  test('variants are words-v1 terms with the same key, the query term first', () => {
    const variants = inflectionVariants('hiking');
    expect(variants[0]).toBe('hiking');
    expect(variants).toEqual(expect.arrayContaining(['hike', 'hiked']));
    expect(inflectionVariants('studied')).toEqual(expect.arrayContaining(['study', 'studying']));
    expect(inflectionVariants('running')).toEqual(expect.arrayContaining(['run']));
    // A base form never brings the other base form: those are different words.
    expect(inflectionVariants('note')).toEqual(expect.arrayContaining(['noted', 'noting']));
    for (const [word, other] of [['note', 'not'], ['not', 'note'], ['plan', 'plane'], ['plane', 'plan'], ['hope', 'hop']]) {
      expect(inflectionVariants(word as string)).not.toContain(other);
    }
    // An inflected form keeps both: "hoping" may be hope or hop.
    expect(inflectionVariants('hoping')).toEqual(expect.arrayContaining(['hope', 'hop']));
    for (const variant of [...inflectionVariants('hiking'), ...inflectionVariants('studied')]) {
      expect(inflectionKey(variant)).toBe(inflectionKey(variant.startsWith('hik') ? 'hiking' : 'studied'));
    }
    expect(inflectionVariants('番茄')).toEqual(['番茄']);
    expect(wordsTokenizer.variants?.('cooking')).toEqual(inflectionVariants('cooking'));
    // Query side only: the indexed terms, and so the tokenizer id stored with postings, are unchanged.
    expect(terms('We hiked, then went hiking')).toEqual(['hiked', 'went', 'hiking']);
    expect(WORDS_TOKENIZER_ID).toBe('words-v1');
  });
});
