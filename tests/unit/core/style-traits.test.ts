import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { findJsonProblem, type JsonValue } from '../../../src/core/json';
import { emptyProfile } from '../../../src/core/profile';
import { detectLanguage, formalityScore, styleTraits, type StyleMessage } from '../../../src/core/style-traits';

const FORMAL = [
  'Dear Ms. Smith, I would be grateful if you could send me the quarterly report by Friday. Kind regards, John.',
  'Could you please confirm the meeting time? Thank you in advance.',
  'Regarding your request, I have attached the signed contract. Sincerely, John Miller.',
  'Furthermore, the committee has approved the revised budget.',
  'I would appreciate your feedback on the enclosed proposal.',
  'Please find the minutes of yesterday’s meeting attached.',
];
const CASUAL = [
  'hey lol u coming tonight?? gonna be awesome!!!',
  'omg yesss thx bro',
  "idk tbh, it's kinda weird lol",
  'yo whats up',
  'haha nope, dunno!!',
  "i'm sooo tired lol",
];

const messages = (texts: readonly string[]): StyleMessage[] => texts.map((text) => ({ text }));
const repeat = <T>(items: readonly T[], times: number): T[] => Array.from({ length: times }, () => items).flat();

describe('formality', () => {
  test('formal writing scores high, chat scores low, plain statements sit between', () => {
    for (const text of FORMAL) expect(formalityScore(text), text).toBeGreaterThan(0.75);
    for (const text of CASUAL) expect(formalityScore(text), text).toBeLessThan(0.25);
    const plain = formalityScore('The meeting is at noon.');
    expect(plain).toBeGreaterThan(0.4);
    expect(plain).toBeLessThan(0.75);
  });

  test('formal address and politeness formulas count in other languages too', () => {
    expect(formalityScore("Bonjour, pourriez-vous m'envoyer la facture ? Cordialement.")).toBeGreaterThan(0.75);
    expect(formalityScore('Sehr geehrte Damen und Herren, könnten Sie mir bitte die Rechnung schicken?')).toBeGreaterThan(0.75);
    expect(formalityScore('Estimado señor, ¿podría usted enviarme la factura?')).toBeGreaterThan(0.75);
    expect(formalityScore('salut, ça va ? mdr')).toBeLessThan(0.25);
    expect(formalityScore('今日は天気がいいですね。散歩に行きましょう。')).toBeGreaterThan(0.6);
  });

  test('the traits average the messages', () => {
    expect(styleTraits(messages(FORMAL)).formality).toBeGreaterThan(0.8);
    expect(styleTraits(messages(CASUAL)).formality).toBeLessThan(0.2);
    const mixed = styleTraits(messages([...FORMAL, ...CASUAL])).formality;
    expect(mixed).toBeGreaterThan(0.3);
    expect(mixed).toBeLessThan(0.7);
  });
});

describe('emoji, questions and length', () => {
  test('emoji are counted as whole sequences (families, skin tones, flags), typography is not', () => {
    const traits = styleTraits(
      messages(['love it ❤️❤️', 'party time 🎉', 'family 👨‍👩‍👧 in 🇫🇷', 'thumbs up 👍🏽', 'Acme™ ©2024 ®', 'no emoji here', 'none here either', 'plain text']),
    );
    expect(traits.emojiRate).toBe(0.5);
    expect(traits.emojiPerMessage).toBe(0.75);
    expect(traits.topEmoji[0]).toBe('❤');
    expect(traits.topEmoji).toEqual(expect.arrayContaining(['🎉', '👨‍👩‍👧', '🇫🇷', '👍🏽']));
    expect(traits.topEmoji).toHaveLength(5);
  });

  test('emoji make a message casual', () => {
    expect(formalityScore('Thanks 🙏')).toBeLessThan(formalityScore('Thanks.'));
    expect(formalityScore('🎉🎉🎉')).toBeLessThan(0.5);
  });

  test('question rate counts messages that ask, in any script', () => {
    const traits = styleTraits(messages(['Where is it?', '¿Dónde está?', 'どこですか？', 'أين هو؟', 'It is here.', 'Thanks.', 'Fine', 'Ok.']));
    expect(traits.questionRate).toBe(0.5);
  });

  test('length is counted in words: average and median', () => {
    const traits = styleTraits(messages(['one', 'one two', 'one two three', 'one two three four', 'a b c d e f g h i j k l']));
    expect(traits.words).toBe(22);
    expect(traits.averageWords).toBe(4.4);
    expect(traits.medianWords).toBe(3);
    expect(styleTraits(messages(['one two', 'one two three four'])).medianWords).toBe(3);
  });
});

describe('language', () => {
  test.each([
    ['en', 'I would like to know what the weather is going to be like this weekend.'],
    ['fr', "Bonjour, je voudrais savoir si vous pouvez m'aider avec ma commande."],
    ['de', 'Ich habe heute keine Zeit, aber morgen können wir uns treffen.'],
    ['es', '¿Dónde está la estación de tren? Quiero ir a Madrid hoy.'],
    ['it', 'Ciao, come stai? Io sono molto stanco oggi, ma domani va meglio.'],
    ['pt', 'Olá, você pode me ajudar com isso? Não sei como fazer.'],
    ['nl', 'Hallo, ik wil graag een tafel reserveren voor vandaag.'],
    ['zh', '今天天气很好，我们去公园散步吧。'],
    ['ja', '今日は天気がいいですね。散歩に行きましょう。'],
    ['ko', '안녕하세요, 오늘 날씨가 좋네요.'],
    ['ar', 'مرحبا، كيف حالك اليوم؟'],
    ['ru', 'Привет, как дела? Что нового?'],
    ['hi', 'नमस्ते, आप कैसे हैं?'],
    ['th', 'สวัสดีครับ วันนี้อากาศดีมาก'],
  ])('%s', (language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  test('too little to tell is undetermined, not a guess', () => {
    for (const text of ['ok', '👍', '12:30', 'Acme', '']) expect(detectLanguage(text), text).toBe('und');
  });

  test('the dominant language wins and the shares are reported; undetermined messages do not count', () => {
    const traits = styleTraits(
      messages([
        'Je pense que le film était très bien.',
        "C'est une bonne idée, merci pour le conseil.",
        'Nous allons au marché avec les enfants.',
        'The train is late again, as usual.',
        'ok',
        '👍',
      ]),
    );
    expect(traits.language).toBe('fr');
    expect(traits.languages).toEqual({ fr: 0.75, en: 0.25 });
    expect(traits.messages).toBe(6);
  });
});

describe('confidence', () => {
  test('grows with the sample: one message is a guess, a hundred are settled', () => {
    const one = styleTraits(messages(FORMAL.slice(0, 1)));
    const many = styleTraits(messages(repeat(FORMAL, 20)));
    for (const key of ['length', 'formality', 'emoji', 'questions', 'language'] as const) {
      expect(one.confidence[key], key).toBeLessThan(0.35);
      expect(many.confidence[key], key).toBeGreaterThan(0.7);
      expect(many.confidence[key], key).toBeLessThanOrEqual(1);
    }
    const some = styleTraits(messages(FORMAL));
    expect(some.confidence.formality).toBeGreaterThan(one.confidence.formality);
    expect(some.confidence.formality).toBeLessThan(many.confidence.formality);
  });

  test('a user writing in two languages is less settled on one than a user writing in one', () => {
    const english = repeat(['The train is late again today.', 'I would like a coffee with milk.'], 10);
    const french = repeat(['Le train est encore en retard.', 'Je voudrais un café au lait.'], 10);
    const single = styleTraits(messages(english));
    const bilingual = styleTraits(messages([...english, ...french.slice(0, 16)]));
    expect(bilingual.language).toBe('en');
    expect(bilingual.confidence.language).toBeLessThan(single.confidence.language);
  });

  test('no messages: neutral values, zero confidence', () => {
    const traits = styleTraits([{ text: '   ' }]);
    expect(traits.messages).toBe(0);
    expect(traits.language).toBe('und');
    expect(Object.values(traits.confidence)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('storage', () => {
  test('the traits are bounded JSON that fits profile.traits as it is', () => {
    const traits = styleTraits([...messages(FORMAL), { text: 'hey 🎉 lol', ts: 5 }, { text: '¿Qué tal?', ts: 2 }]);
    const profile = emptyProfile('user', 0);
    profile.traits.style = traits;
    const value: JsonValue = traits;
    expect(findJsonProblem(value, { maxDepth: 4, maxFields: 64, maxStringLength: 2_000 }, 'traits.style')).toBeUndefined();
    expect(JSON.parse(JSON.stringify(traits))).toEqual(traits);
    expect([traits.since, traits.until]).toEqual([2, 5]);
  });

  test('bad input is refused with the field named', () => {
    expect(() => styleTraits('hello' as unknown as StyleMessage[])).toThrow(InvalidInputError);
    expect(() => styleTraits([{ text: 'fine' }, { text: 3 } as unknown as StyleMessage])).toThrow(/messages\[1\]\.text/);
    expect(() => styleTraits([{ text: 'fine', ts: Number.NaN }])).toThrow(/messages\[0\]\.ts/);
  });
});
