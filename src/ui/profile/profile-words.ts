// What the profile's numbers mean, in words: interest trends, writing style, and whether Persona still knows too
// little to personalise much. Pure functions, so the wording is tested without a browser.
import type { StyleTraits } from '../../core/style-traits';
import type { JsonValue } from '../../core/json';
import type { StoredInterest } from '../../engine/profile-insights';
import { plural } from '../format';

export type TrendDirection = 'new' | 'rising' | 'falling' | 'steady' | 'quiet';

/**
 * Compares the last four weekly buckets with the four before them. Under two events in the window is too little
 * to call a direction; an interest with nothing before the recent weeks is new.
 */
export function trendDirection(trend: readonly number[]): TrendDirection {
  const recent = sum(trend.slice(-4));
  const before = sum(trend.slice(-8, -4));
  const earlier = sum(trend.slice(0, -4));
  if (recent === 0) return 'quiet';
  if (earlier === 0) return 'new';
  if (recent + before < 2) return 'steady';
  if (recent >= before * 1.5) return 'rising';
  if (recent <= before / 1.5) return 'falling';
  return 'steady';
}

export const TREND_WORDS: Readonly<Record<TrendDirection, string>> = {
  new: 'new in the last weeks',
  rising: 'rising',
  falling: 'fading',
  steady: 'steady',
  quiet: 'nothing in the last 4 weeks',
};

/** An interest's label terms as a name: 'bike, touring, brake'. */
export function interestName(interest: Pick<StoredInterest, 'label'>): string {
  return interest.label.length > 0 ? interest.label.slice(0, 3).join(', ') : 'unnamed topic';
}

/** '42%' with no decimals; a share that rounds to 0 but is not 0 reads '<1%'. */
export function percent(share: number): string {
  const value = Math.round(share * 100);
  return value === 0 && share > 0 ? '<1%' : `${value}%`;
}

/** The points of a sparkline through `values` in a width × height box (y grows downwards, peak at the top). */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const peak = Math.max(...values, 1);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((value, i) => `${round(i * step)},${round(height - (value / peak) * height)}`).join(' ');
}

/** The interests stored in profile.traits, if they have the shape updateInsights writes; others are ignored. */
export function storedInterests(traits: Record<string, JsonValue>): StoredInterest[] {
  const value = traits['interests'];
  if (!Array.isArray(value)) return [];
  return value.filter(isInterest).sort((a, b) => b.weight - a.weight);
}

/** The style traits stored in profile.traits, when updateInsights has computed them. */
export function storedStyle(traits: Record<string, JsonValue>): StyleTraits | undefined {
  const value = traits['style'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof value['messages'] === 'number' && typeof value['formality'] === 'number' ? (value as unknown as StyleTraits) : undefined;
}

/** How the user writes, one sentence per trait; a trait read from few messages says it is a first guess. */
export function describeStyle(style: StyleTraits | undefined, languageName: (code: string) => string = englishLanguageName): string[] {
  if (!style || style.messages === 0) return [];
  const lines: string[] = [];
  const length = style.medianWords <= 8 ? 'short' : style.medianWords <= 30 ? 'medium-length' : 'long';
  lines.push(`You write ${length} messages: about ${plural(Math.round(style.medianWords), 'word')} each${guess(style.confidence.length)}.`);
  const tone = style.formality < 0.35 ? 'casual' : style.formality > 0.65 ? 'formal' : 'neither very casual nor very formal';
  lines.push(`Your tone is ${tone}${guess(style.confidence.formality)}.`);
  if (style.emojiRate === 0) lines.push(`You use no emoji${guess(style.confidence.emoji)}.`);
  else lines.push(`${percent(style.emojiRate)} of your messages have emoji${style.topEmoji.length > 0 ? `, most often ${style.topEmoji.slice(0, 3).join(' ')}` : ''}${guess(style.confidence.emoji)}.`);
  lines.push(`${percent(style.questionRate)} of your messages ask something${guess(style.confidence.questions)}.`);
  if (style.language !== 'und') lines.push(`You mostly write in ${languageName(style.language)}${guess(style.confidence.language)}.`);
  return lines;
}

/** Below this many events Persona is in its cold start: it has little of its own to go on. */
export const COLD_START_EVENTS = 20;

/** Whether Persona still knows little: few events, or the user's own share of the persona match under half. */
export function isColdStart(events: number, userWeight: number | undefined): boolean {
  return events < COLD_START_EVENTS || (userWeight !== undefined && userWeight < 0.5);
}

function englishLanguageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function guess(confidence: number): string {
  return confidence < 0.5 ? ' (a first guess)' : '';
}

function isInterest(value: JsonValue): value is StoredInterest & JsonValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return typeof value['id'] === 'string' && Array.isArray(value['label']) && typeof value['weight'] === 'number' && Array.isArray(value['trend']);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
