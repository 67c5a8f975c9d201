// Granularity (Zhang et al. 2024, §personalization granularity): what the engine believes about this user is a mix of
// three levels — the user's own history, a persona prior (host-defined personas, or clusters, matched to the user's
// profile), and a global default supplied by the host. The mix is empirical-Bayes shrinkage: with little history the
// user is described mostly by the priors; the more the engine knows, the more the user's own estimate wins.
//
// One function computes the weights (and says where they came from, for provenance); small mixers apply them to a
// score, to preference weights (Record<string, number>) or to embedding-space profile vectors.
import { InvalidInputError } from './errors';

/**
 * How much the user's own estimate counts after `nUser` observations: n / (n + k), the posterior weight of a sample
 * mean against a prior worth `k` pseudo-observations (James–Stein / empirical Bayes). 0 with no history, ½ at n = k,
 * → 1 as history grows. `nUser` may be fractional (weighted evidence).
 */
export function shrinkage(nUser: number, k: number): number {
  if (!Number.isFinite(nUser) || nUser < 0) throw new InvalidInputError('nUser', 'must be a finite number ≥ 0');
  if (!Number.isFinite(k) || k <= 0) throw new InvalidInputError('k', 'must be a finite number > 0');
  return nUser / (nUser + k);
}

/** A host-defined persona (or a cluster found over many users): a cold-start prior for users who resemble it. */
export interface PersonaDefinition<V> {
  id: string;
  /** Shown in provenance ("persona 'home cook'"); the id when omitted. */
  label?: string;
  /** Where the persona sits in the profile-vector space: the user is matched to it by cosine similarity. */
  centroid?: ArrayLike<number>;
  /** The persona's prior: its scores, preference weights or profile vector. */
  prior: V;
  /** Share of the prior mass this persona takes from the global default when it is the match (0–1). */
  trust?: number;
}

export interface GranularityInput<V> {
  user: {
    /** How much the engine knows about this user: events, feedback examples, or any evidence count. */
    n: number;
    /** The user's own estimate; omitted when there is none yet (it then gets no weight). */
    value?: V;
    /** The user's profile vector, used only to match personas by their centroids. */
    vector?: ArrayLike<number>;
  };
  personas?: readonly PersonaDefinition<V>[];
  /** A persona the host already knows the user belongs to (e.g. chosen at onboarding): it is used without matching. */
  personaId?: string;
  /** The host's defaults: the last fallback. */
  global?: V;
}

export interface GranularityOptions {
  /** Prior strength in pseudo-observations: the user counts half at n = k. Default 10. */
  k?: number;
  /** 'soft': personas weighted by softmax(similarity / temperature); 'hard': the most similar one only. Default 'soft'. */
  assignment?: 'soft' | 'hard';
  /** Softmax temperature over cosine similarities. Default 0.1: cosines 0.8 vs 0.5 split about 95% / 5%. */
  temperature?: number;
  /** Personas whose centroid is no more similar than this to the user are not candidates. Default 0. */
  minSimilarity?: number;
  /** Default share of the prior mass a matched persona takes from the global default. Default 0.8. */
  personaTrust?: number;
}

export interface GranularityWeight {
  level: 'user' | 'persona' | 'global';
  /** 'user', the persona's id, or 'global'. */
  id: string;
  label: string;
  weight: number;
  /** Cosine similarity of the user's profile vector to the persona's centroid, when it was matched by similarity. */
  similarity?: number;
}

export interface GranularityWeights {
  /** The levels that got a share, in the order user, personas (by weight), global; weights sum to 1. */
  weights: GranularityWeight[];
  /** shrinkage(n, k) before renormalisation over the levels that have a value. */
  shrinkage: number;
}

export interface GranularityMix<T> extends GranularityWeights {
  value: T;
}

/**
 * The weight of each level. The user takes s = shrinkage(n, k); the rest, 1 − s, is the prior, split between the
 * matched persona(s) — each persona p with assignment a_p takes a_p × trust_p of it — and the global default, which
 * takes what is left. A level with no value gives its share back: the others are renormalised, so with no personas
 * and no global default the user's estimate stands alone, and with no user estimate the priors do.
 */
export function granularityWeights<V>(input: GranularityInput<V>, options: GranularityOptions = {}): GranularityWeights {
  const { k = 10, personaTrust = 0.8 } = options;
  checkUnit(personaTrust, 'options.personaTrust');
  const s = shrinkage(input.user.n, k);
  const assignment = assignPersonas(input, options);

  const raw: GranularityWeight[] = [];
  if (input.user.value !== undefined) raw.push({ level: 'user', id: 'user', label: 'you', weight: s });
  let personaMass = 0;
  for (const { persona, share, similarity } of assignment) {
    const trust = persona.trust ?? personaTrust;
    checkUnit(trust, `personas.${persona.id}.trust`);
    const weight = (1 - s) * share * trust;
    personaMass += share * trust;
    raw.push({ level: 'persona', id: persona.id, label: `persona '${persona.label ?? persona.id}'`, weight, ...(similarity === undefined ? {} : { similarity }) });
  }
  if (input.global !== undefined) raw.push({ level: 'global', id: 'global', label: 'global', weight: (1 - s) * (1 - personaMass) });

  if (raw.length === 0) throw new InvalidInputError('granularity', 'has no level to mix: give a user value, a persona or a global default');
  let total = raw.reduce((sum, w) => sum + w.weight, 0);
  if (!(total > 0)) {
    // Every present level got 0 — a user value at n = 0 beside nothing but zero-trust personas — so the user's value
    // is all there is; failing that, the levels present share equally rather than dividing by zero.
    const user = raw.find((w) => w.level === 'user');
    for (const w of raw) w.weight = user ? (w === user ? 1 : 0) : 1;
    total = user ? 1 : raw.length;
  }
  const weights = raw.map((w) => ({ ...w, weight: w.weight / total })).filter((w) => w.weight > 0);
  weights.sort((a, b) => levelOrder(a) - levelOrder(b) || (a.level === 'persona' && b.level === 'persona' ? b.weight - a.weight : 0));
  return { weights, shrinkage: s };
}

/** "70% you, 25% persona 'home cook', 5% global": percentages that sum to 100 (largest remainder); 0% shares omitted. */
export function describeWeights(weights: readonly GranularityWeight[]): string {
  const exact = weights.map((w) => w.weight * 100);
  const floors = exact.map(Math.floor);
  let missing = 100 - floors.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (missing <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    missing--;
  }
  return weights
    .map((w, i) => ({ w, pct: floors[i] ?? 0 }))
    .filter(({ pct }) => pct > 0)
    .map(({ w, pct }) => `${pct}% ${w.label}`)
    .join(', ');
}

/** Mixes one score per level (e.g. an item's predicted affinity). */
export function mixScores(input: GranularityInput<number>, options: GranularityOptions = {}): GranularityMix<number> {
  const mix = granularityWeights(input, options);
  let value = 0;
  for (const w of mix.weights) {
    const score = levelValue(input, w);
    if (!Number.isFinite(score)) throw new InvalidInputError(`${w.level}.${w.id}`, 'must be a finite number');
    value += w.weight * score;
  }
  return { ...mix, value };
}

/**
 * Mixes preference weights key by key. A key a level does not have is not read as 0 — silence is not evidence of
 * indifference — so each key is mixed over the levels that have it, their weights renormalised for that key. A key
 * only a zero-weight level has is left out.
 */
export function mixPreferences(input: GranularityInput<Readonly<Record<string, number>>>, options: GranularityOptions = {}): GranularityMix<Record<string, number>> {
  const mix = granularityWeights(input, options);
  const sums = new Map<string, { value: number; weight: number }>();
  for (const w of mix.weights) {
    for (const [key, x] of Object.entries(levelValue(input, w))) {
      if (!Number.isFinite(x)) throw new InvalidInputError(`${w.level}.${w.id}.${key}`, 'must be a finite number');
      const sum = sums.get(key) ?? { value: 0, weight: 0 };
      sum.value += w.weight * x;
      sum.weight += w.weight;
      sums.set(key, sum);
    }
  }
  const value: Record<string, number> = {};
  for (const [key, sum] of sums) if (sum.weight > 0) value[key] = sum.value / sum.weight;
  return { ...mix, value };
}

/**
 * Mixes embedding-space profile vectors: Σ weight × vector. Vectors are mixed as given (not normalised): a profile
 * vector's length says how concentrated the user's interests are, and callers who want a direction can normalise.
 */
export function mixVectors(input: GranularityInput<ArrayLike<number>>, options: GranularityOptions = {}): GranularityMix<Float64Array> {
  const mix = granularityWeights(input, options);
  let value: Float64Array | undefined;
  for (const w of mix.weights) {
    const vector = levelValue(input, w);
    value ??= new Float64Array(vector.length);
    if (vector.length !== value.length) {
      throw new InvalidInputError(`${w.level}.${w.id}`, `has dimension ${vector.length}, expected ${value.length}`);
    }
    for (let i = 0; i < vector.length; i++) {
      const x = vector[i] as number;
      if (!Number.isFinite(x)) throw new InvalidInputError(`${w.level}.${w.id}[${i}]`, 'must be a finite number');
      value[i] = (value[i] as number) + w.weight * x;
    }
  }
  return { ...mix, value: value ?? new Float64Array(0) };
}

/** Cosine similarity; 0 when either vector is all zeros. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, field = 'vector'): number {
  if (a.length !== b.length) throw new InvalidInputError(field, `has dimension ${b.length}, expected ${a.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new InvalidInputError(`${field}[${i}]`, 'must be a finite number');
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

interface Assignment<V> {
  persona: PersonaDefinition<V>;
  /** Share of the persona mass, summing to 1 over the assignment. */
  share: number;
  similarity?: number;
}

/**
 * Which personas describe the user: the host's choice when given; else the personas whose centroids are similar to
 * the user's profile vector (softmax or argmax). None — the prior goes to the global default — when there are no
 * personas, no profile vector yet, or no persona is similar enough.
 */
function assignPersonas<V>(input: GranularityInput<V>, options: GranularityOptions): Assignment<V>[] {
  const { assignment = 'soft', temperature = 0.1, minSimilarity = 0 } = options;
  const personas = input.personas ?? [];
  const ids = new Set<string>();
  for (const persona of personas) {
    if (ids.has(persona.id)) throw new InvalidInputError(`personas.${persona.id}`, 'is listed twice');
    ids.add(persona.id);
  }
  if (input.personaId !== undefined) {
    const persona = personas.find((p) => p.id === input.personaId);
    if (!persona) throw new InvalidInputError('personaId', `names no persona (known: ${[...ids].join(', ') || 'none'})`);
    return [{ persona, share: 1 }];
  }
  const vector = input.user.vector;
  if (!vector || personas.length === 0) return [];
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new InvalidInputError('options.temperature', 'must be a finite number > 0');

  const candidates = personas.flatMap((persona) => {
    if (!persona.centroid) return [];
    const similarity = cosineSimilarity(vector, persona.centroid, `personas.${persona.id}.centroid`);
    return similarity > minSimilarity ? [{ persona, similarity }] : [];
  });
  if (candidates.length === 0) return [];
  if (assignment === 'hard') {
    // Ties go to the persona listed first: the host's order is the tie-break, so the choice is deterministic.
    let best = candidates[0] as (typeof candidates)[number];
    for (const c of candidates) if (c.similarity > best.similarity) best = c;
    return [{ ...best, share: 1 }];
  }
  const top = Math.max(...candidates.map((c) => c.similarity));
  const exps = candidates.map((c) => Math.exp((c.similarity - top) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return candidates.map((c, i) => ({ ...c, share: (exps[i] as number) / sum }));
}

function levelValue<V>(input: GranularityInput<V>, w: GranularityWeight): V {
  const value = w.level === 'user' ? input.user.value : w.level === 'global' ? input.global : input.personas?.find((p) => p.id === w.id)?.prior;
  // granularityWeights only lists levels that have a value.
  if (value === undefined) throw new InvalidInputError(`${w.level}.${w.id}`, 'has no value');
  return value;
}

function levelOrder(w: GranularityWeight): number {
  return w.level === 'user' ? 0 : w.level === 'persona' ? 1 : 2;
}

function checkUnit(x: number, field: string): void {
  if (!(x >= 0 && x <= 1)) throw new InvalidInputError(field, 'must be between 0 and 1');
}
