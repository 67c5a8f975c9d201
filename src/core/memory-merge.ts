// What accepted memory candidates do to the memories already kept. Each candidate becomes an ADD (something new), an
// UPDATE of one memory (the same subject with a changed or more detailed value; the store keeps the previous value in
// the memory's history), or NONE (already known, too unsure, or about a pinned memory). There is no DELETE: the type
// has no such op, so no proposal from a model can remove a memory or drop its provenance. In particular, proposing a
// memory that exists already can only add sources to it (mem0 once deleted the old memory in that case).
//
// The plan is pure: the caller applies it with MemoryStore.add / update. Similarity is injected (cosine of
// embeddings in the engine, lexicalSimilarity when no embedder is loaded); the rules that tell a changed value from an
// unrelated fact are lexical and deliberately narrow, because a false UPDATE overwrites a true memory.
import { InvalidInputError } from './errors';
import type { Memory, MemoryInput } from './memory';
import type { MemoryCandidate } from './memory-candidates';
import { wordsTokenizer } from './tokenizer';

/** How alike two memory texts are: 1 the same, 0 unrelated. */
export type Similarity = (a: string, b: string) => number;

export interface MergeOptions {
  /**
   * At or above this similarity (with the same polarity) a candidate repeats a memory (default 0.8, tuned for
   * lexicalSimilarity; embedding cosines run higher, so an embedder needs its own, typically about 0.9).
   */
  duplicateThreshold?: number;
  /** At or above this, a candidate may refine or change a memory of the same subject (default 0.3, lexical). */
  relatedThreshold?: number;
  /** Candidates less confident than this change nothing (default 0.5). */
  minConfidence?: number;
}

export const DEFAULT_MERGE_OPTIONS: Readonly<Required<MergeOptions>> = { duplicateThreshold: 0.8, relatedThreshold: 0.3, minConfidence: 0.5 };

/** What an UPDATE changes; sourceEventIds is the full new list: the memory's own sources, then the new ones. */
export interface MergePatch {
  text?: string;
  category?: string;
  confidence?: number;
  sourceEventIds: string[];
}

/** A memory the plan creates: author 'model', with its sources. */
export type MergeAddInput = MemoryInput & { text: string; confidence: number; sourceEventIds: string[]; by: 'model' };

/**
 * One step of a plan. `candidates` lists the indices (into planMerge's `candidates`) the step accounts for; each
 * candidate appears in exactly one step. No op removes anything, by construction.
 */
export type MergeDecision =
  | { op: 'ADD'; input: MergeAddInput; reason: string; candidates: number[] }
  | { op: 'UPDATE'; id: string; patch: MergePatch; reason: string; candidates: number[] }
  | { op: 'NONE'; id?: string; reason: string; candidates: number[] };

export type MergeOp = MergeDecision['op'];

/**
 * Token-set Jaccard similarity over the keyword tokenizer's terms (case, plurals, stop words and diacritics folded):
 * the fallback when no embedder is available.
 */
export function lexicalSimilarity(a: string, b: string): number {
  const left = new Set(wordsTokenizer.terms(a));
  const right = new Set(wordsTokenizer.terms(b));
  if (left.size === 0 && right.size === 0) return normalizeText(a) === normalizeText(b) ? 1 : 0;
  return jaccard(left, right);
}

/**
 * Plans what `candidates` do to `existing` memories. Candidates are taken in the order of the turns they cite (later
 * turns win within a batch) and matched against the existing memories and against what this batch adds already, so
 * candidates repeating each other become one ADD. Each memory gets at most one decision:
 * - a repeat (same normalized text, the same single-valued key with the same value, similarity ≥ duplicateThreshold,
 *   or a candidate saying less than the memory) → NONE, or an UPDATE of only its sources and confidence when the
 *   candidate brings new sources or more confidence; its text is never replaced;
 * - a change of the same subject → UPDATE of text (and category, confidence), old sources kept: a single-valued
 *   key with another value ("Lives in Paris" → "Moved to Lyon"), a reversal ("Likes coffee" → "Doesn't like coffee"),
 *   or, from relatedThreshold up, more detail ("Has a dog" → "Has a dog named Rex") or the same category and
 *   "<subject> is …" with another value ("Favourite colour is blue" → "… green");
 * - a pinned memory is never changed by the model: NONE, saying why;
 * - anything else → ADD; a candidate under minConfidence → NONE.
 */
export function planMerge(
  candidates: readonly MemoryCandidate[],
  existing: readonly Memory[],
  similarity: Similarity = lexicalSimilarity,
  options: MergeOptions = {},
): MergeDecision[] {
  const settings = mergeSettings(options);
  candidates.forEach(validateCandidate);

  const slots: Slot[] = existing.map((memory) => ({
    memory,
    text: memory.text,
    ...(memory.category !== undefined ? { category: memory.category } : {}),
    confidence: memory.confidence,
    sourceEventIds: [...memory.sourceEventIds],
    shape: shapeOf(memory.text, memory.category),
    candidates: [],
    reasons: [],
  }));
  /** Decisions in the order their first candidate was considered: a slot, or a NONE that touched no memory. */
  const order: (Slot | MergeDecision)[] = [];
  const touch = (slot: Slot) => {
    if (slot.candidates.length === 0) order.push(slot);
  };

  // Chronological: a candidate from a later turn is the newer statement, so it is the one that stands.
  const byTurn = candidates.map((candidate, index) => ({ candidate, index, turn: Math.max(-1, ...candidate.sourceTurns) }));
  byTurn.sort((a, b) => a.turn - b.turn || a.index - b.index);

  for (const { candidate, index } of byTurn) {
    if (candidate.confidence < settings.minConfidence) {
      order.push({ op: 'NONE', reason: `confidence ${candidate.confidence} is below ${settings.minConfidence}`, candidates: [index] });
      continue;
    }
    const shape = shapeOf(candidate.text, candidate.category);
    let best: { slot: Slot; relation: Related; similarity: number } | undefined;
    for (const slot of slots) {
      const score = similarity(candidate.text, slot.text);
      if (!Number.isFinite(score)) throw new InvalidInputError('similarity', `returned ${score} for "${candidate.text}" and "${slot.text}"`);
      const relation = relate(shape, slot.shape, score, settings);
      if (relation.kind === 'unrelated') continue;
      const rank = relation.kind === 'duplicate' ? 1 : 0;
      const bestRank = best?.relation.kind === 'duplicate' ? 1 : 0;
      if (!best || rank > bestRank || (rank === bestRank && score > best.similarity)) best = { slot, relation, similarity: score };
    }

    if (!best) {
      const slot: Slot = {
        text: candidate.text,
        category: candidate.category,
        confidence: candidate.confidence,
        sourceEventIds: [...new Set(candidate.sourceEventIds)],
        shape,
        candidates: [],
        reasons: ['new'],
      };
      touch(slot);
      slot.candidates.push(index);
      slots.push(slot);
      continue;
    }

    const { slot, relation } = best;
    touch(slot);
    slot.candidates.push(index);
    if (slot.memory?.pinned) {
      slot.reasons.push(`"${candidate.text}" ${relation.kind === 'duplicate' ? 'repeats' : 'would change'} a pinned memory (${relation.why}); only the user changes it`);
      continue;
    }
    const before = slot.text;
    slot.sourceEventIds = union(slot.sourceEventIds, candidate.sourceEventIds);
    if (relation.kind === 'duplicate') {
      slot.confidence = Math.max(slot.confidence, candidate.confidence);
      slot.reasons.push(`seen again (${relation.why})`);
    } else {
      slot.text = candidate.text;
      slot.category = candidate.category;
      slot.confidence = candidate.confidence;
      slot.shape = shape;
      slot.reasons.push(`${relation.why}: "${before}" → "${candidate.text}"`);
    }
  }

  return order.map((entry) => ('op' in entry ? entry : decide(entry)));
}

interface Slot {
  /** The stored memory this slot starts from; absent for one this batch adds. */
  memory?: Memory;
  text: string;
  category?: string;
  confidence: number;
  sourceEventIds: string[];
  shape: Shape;
  candidates: number[];
  reasons: string[];
}

function decide(slot: Slot): MergeDecision {
  const { memory } = slot;
  const candidates = [...slot.candidates].sort((a, b) => a - b);
  const reason = slot.reasons.join('; ');
  if (!memory) {
    const input: MergeAddInput = { text: slot.text, confidence: slot.confidence, sourceEventIds: slot.sourceEventIds, by: 'model' };
    if (slot.category !== undefined) input.category = slot.category;
    return { op: 'ADD', input, reason, candidates };
  }
  if (memory.pinned) return { op: 'NONE', id: memory.id, reason, candidates };
  const patch: MergePatch = { sourceEventIds: slot.sourceEventIds };
  if (slot.text !== memory.text) patch.text = slot.text;
  if (slot.category !== memory.category && slot.category !== undefined) patch.category = slot.category;
  if (slot.confidence !== memory.confidence) patch.confidence = slot.confidence;
  if (patch.text !== undefined || patch.category !== undefined) return { op: 'UPDATE', id: memory.id, patch, reason, candidates };
  // The text stands (a repeat, or changes within the batch that came back to it): say what the net effect is.
  const newSources = slot.sourceEventIds.length - new Set(memory.sourceEventIds).size;
  if (patch.confidence === undefined && newSources === 0) return { op: 'NONE', id: memory.id, reason: `already known as "${memory.text}"`, candidates };
  const gains = [newSources > 0 ? `${newSources} more source event${newSources === 1 ? '' : 's'}` : '', patch.confidence !== undefined ? `confidence ${patch.confidence}` : ''];
  return { op: 'UPDATE', id: memory.id, patch, reason: `seen again: ${gains.filter(Boolean).join(', ')}`, candidates };
}

// ---- how a candidate relates to a memory ---------------------------------------------------------------------------

type Related = { kind: 'duplicate' | 'update'; why: string };
type Relation = Related | { kind: 'unrelated' };

interface Shape {
  normalized: string;
  category?: string;
  /** Terms without negations, "dislike" read as a negated "like". */
  content: Set<string>;
  /** An odd number of negations: "Doesn't like coffee", "Dislikes coffee". */
  negated: boolean;
  /** A single-valued attribute and its value's terms: one home, one job, one age at a time. */
  key?: { name: string; value: Set<string> };
  /** "<subject> is <value>": "Favourite colour is blue". */
  subject?: { name: string; value: Set<string> };
}

const NEGATIONS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'nor', 'neither', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'cant', 'cannot',
  'wont', 'hasnt', 'havent', 'hadnt', 'shouldnt', 'wouldnt',
]);
/** Words that say when, not what: "Doesn't like coffee anymore" reverses "Likes coffee". */
const TIME_WORDS: ReadonlySet<string> = new Set(['anymore', 'longer', 'now', 'still', 'currently', 'nowadays', 'really', 'actually']);
/** Words that carry their own negation. */
const NEGATED_WORDS: Readonly<Record<string, string>> = { dislike: 'like', hate: 'love' };

/**
 * Attributes a person has one value of at a time, matched at the start of a memory's text (after "The user", "I",
 * "My"). Kept short and explicit: a key listed here turns a different value into an UPDATE, so a multi-valued one
 * ("likes", "speaks", "has a") must never be here.
 */
const SINGLE_VALUED: readonly { name: string; pattern: RegExp }[] = [
  { name: 'home', pattern: /^(?:now |currently )?(?:lives?|is living|living|resides?|is based|based|has moved|moved|relocated)(?: now)? (?:in|to|at) (.+)$/ },
  { name: 'occupation', pattern: /^(?:works? as|is working as|is employed as|job is|occupation is|profession is) (.+)$/ },
  { name: 'employer', pattern: /^(?:works?|is working) (?:at|for) (.+)$/ },
  { name: 'name', pattern: /^(?:name is|is called|goes by) (.+)$/ },
  { name: 'age', pattern: /^(?:is|age is|turned) (\d{1,3})(?: years old| years| yo)?$/ },
  { name: 'partner', pattern: /^(?:is married to|partner is|wife is|husband is|is dating|girlfriend is|boyfriend is) (.+)$/ },
  { name: 'birthday', pattern: /^(?:birthday is|was born on) (.+)$/ },
  { name: 'school', pattern: /^(?:studies at|is studying at|attends) (.+)$/ },
  { name: 'time zone', pattern: /^(?:timezone|time zone) is (.+)$/ },
];
const SUBJECT_PREFIX = /^(?:the user's|the user|user's|user|i am|i'm|i|my|their|they are|they|he is|she is|he|she|his|her)\s+/;
const SUBJECT_IS = /^((?:[\p{L}\p{N}'-]+ ){0,3}[\p{L}\p{N}'-]+) (?:is|are) (.+)$/u;

function shapeOf(text: string, category: string | undefined): Shape {
  const content = new Set<string>();
  let negated = false;
  for (const term of wordsTokenizer.terms(text)) {
    if (NEGATIONS.has(term)) {
      negated = !negated;
      continue;
    }
    const plain = NEGATED_WORDS[term];
    if (plain !== undefined) negated = !negated;
    content.add(plain ?? term);
  }
  const shape: Shape = { normalized: normalizeText(text), content, negated };
  if (category !== undefined) shape.category = category;
  // "I'm" and "I am" become "is" so "I'm 34" and "Is 34" read alike; the prefix goes, the rest is matched as written.
  let phrase = text.toLowerCase().replace(/[\u2019\u02bc]/g, "'").replace(/\s+/g, ' ').replace(/[.!;,\s]+$/, '').trim();
  const prefix = SUBJECT_PREFIX.exec(phrase)?.[0];
  if (prefix !== undefined) phrase = (/\b(?:am|'m|are|is)\s+$/.test(prefix) ? 'is ' : '') + phrase.slice(prefix.length);
  for (const { name, pattern } of SINGLE_VALUED) {
    const value = pattern.exec(phrase)?.[1];
    if (value !== undefined) {
      shape.key = { name, value: new Set(wordsTokenizer.terms(value)) };
      break;
    }
  }
  const subject = SUBJECT_IS.exec(phrase);
  if (subject?.[1] !== undefined && subject[2] !== undefined) {
    shape.subject = { name: wordsTokenizer.terms(subject[1]).join(' '), value: new Set(wordsTokenizer.terms(subject[2])) };
  }
  return shape;
}

function relate(candidate: Shape, memory: Shape, similarity: number, settings: Required<MergeOptions>): Relation {
  if (candidate.normalized === memory.normalized) return { kind: 'duplicate', why: 'same text' };
  if (candidate.negated !== memory.negated) {
    // Negation is checked before similarity, because embeddings rate "likes coffee" and "doesn't like coffee" close.
    // Only the very same statement reversed counts ("Likes movies" and "Doesn't like horror movies" both stand).
    const said = withoutWords(candidate.content, TIME_WORDS);
    return said.size > 0 && sameSet(said, withoutWords(memory.content, TIME_WORDS)) ? { kind: 'update', why: 'reverses it' } : { kind: 'unrelated' };
  }
  if (candidate.key && memory.key && candidate.key.name === memory.key.name) {
    return sameSet(candidate.key.value, memory.key.value)
      ? { kind: 'duplicate', why: `same ${candidate.key.name}` }
      : { kind: 'update', why: `changes ${candidate.key.name}` };
  }
  if (similarity >= settings.duplicateThreshold) return { kind: 'duplicate', why: `similarity ${round(similarity)}` };
  if (similarity < settings.relatedThreshold) return { kind: 'unrelated' };
  if (memory.content.size > 0 && isStrictSuperset(candidate.content, memory.content)) return { kind: 'update', why: 'adds detail' };
  if (candidate.content.size > 0 && isSubset(candidate.content, memory.content)) return { kind: 'duplicate', why: 'says less than the memory' };
  if (
    candidate.category !== undefined &&
    candidate.category === memory.category &&
    candidate.subject &&
    memory.subject &&
    candidate.subject.name.length > 0 &&
    candidate.subject.name === memory.subject.name &&
    !sameSet(candidate.subject.value, memory.subject.value)
  ) {
    return { kind: 'update', why: `changes ${candidate.subject.name}` };
  }
  return { kind: 'unrelated' };
}

// ---- small helpers -------------------------------------------------------------------------------------------------

function mergeSettings(options: MergeOptions): Required<MergeOptions> {
  const settings = { ...DEFAULT_MERGE_OPTIONS, ...options };
  for (const key of ['duplicateThreshold', 'relatedThreshold', 'minConfidence'] as const) {
    const value = settings[key];
    if (!(typeof value === 'number' && value >= 0 && value <= 1)) throw new InvalidInputError(`options.${key}`, 'must be a number from 0 to 1');
  }
  if (settings.relatedThreshold > settings.duplicateThreshold) {
    throw new InvalidInputError('options.relatedThreshold', 'must not be above duplicateThreshold');
  }
  return settings;
}

function validateCandidate(candidate: MemoryCandidate, index: number): void {
  const field = `candidates.${index}`;
  if (typeof candidate.text !== 'string' || candidate.text.trim().length === 0) throw new InvalidInputError(`${field}.text`, 'must not be empty');
  if (!(typeof candidate.confidence === 'number' && candidate.confidence >= 0 && candidate.confidence <= 1)) {
    throw new InvalidInputError(`${field}.confidence`, 'must be a number from 0 to 1');
  }
  if (!Array.isArray(candidate.sourceEventIds) || candidate.sourceEventIds.length === 0) {
    throw new InvalidInputError(`${field}.sourceEventIds`, 'must list the events the memory came from');
  }
  if (!Array.isArray(candidate.sourceTurns)) throw new InvalidInputError(`${field}.sourceTurns`, 'must be a list of turn numbers');
}

/** Case, width, punctuation and spacing folded: what makes two texts "the same words". */
function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function union(left: readonly string[], right: readonly string[]): string[] {
  return [...new Set([...left, ...right])];
}

function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of left) if (right.has(term)) shared++;
  const total = left.size + right.size - shared;
  return total === 0 ? 0 : shared / total;
}

function isSubset(small: ReadonlySet<string>, large: ReadonlySet<string>): boolean {
  for (const term of small) if (!large.has(term)) return false;
  return true;
}

function isStrictSuperset(large: ReadonlySet<string>, small: ReadonlySet<string>): boolean {
  return large.size > small.size && isSubset(small, large);
}

function withoutWords(terms: ReadonlySet<string>, words: ReadonlySet<string>): Set<string> {
  return new Set([...terms].filter((term) => !words.has(term)));
}

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  return left.size === right.size && isSubset(left, right);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
