// The persona prior for ranking, matched on the device. A host knows its audience only in aggregate: it can cluster
// its users into a few personas ("comedy fans", "home cooks"), each with where it sits in the space of item features
// (the share of each feature token among its members' items) and how much its members liked each item. It ships the
// personas with the list; the device matches the user to the nearest one from the features of their own history, so
// the host never learns which persona the user resembles — only the order comes back.
import { InvalidInputError } from './errors';
import type { RatedItem } from './ranking';

export interface RankPersona {
  id: string;
  /** Shown in reasons ("people like you (comedy fans) enjoy it"); the id when omitted. */
  label?: string;
  /** Share of each feature token among the persona's items (e.g. { 'g:Comedy': 0.31, 'g:Romance': 0.12 }). */
  centroid: Readonly<Record<string, number>>;
  /** The persona's score per item id (e.g. log of its members' interactions); items it does not list are neutral. */
  prior: Readonly<Record<string, number>>;
}

export interface PersonaMatch {
  persona: RankPersona;
  /** Squared distance between the user's feature shares and the persona's centroid (smaller is closer). */
  distance: number;
}

/**
 * The user's share of each feature token the personas know, over their history: each item spreads one unit over its
 * known tokens, so an item with many tags does not outweigh one with a single genre.
 */
export function featureShares(rated: readonly RatedItem[], vocabulary: ReadonlySet<string>): Map<string, number> {
  const shares = new Map<string, number>();
  let total = 0;
  for (const item of rated) {
    const known = (item.features ?? []).filter((token) => vocabulary.has(token));
    for (const token of known) shares.set(token, (shares.get(token) ?? 0) + 1 / known.length);
    if (known.length > 0) total++;
  }
  if (total > 0) for (const [token, value] of shares) shares.set(token, value / total);
  return shares;
}

/**
 * The persona nearest to the user by squared Euclidean distance between feature shares — the distance the host's
 * k-means clustering uses, so the user lands in the cluster their history would have joined. Undefined when there
 * are no personas or the history has no feature the personas know (no evidence to match on).
 */
export function matchRankPersona(rated: readonly RatedItem[], personas: readonly RankPersona[]): PersonaMatch | undefined {
  personas.forEach(checkPersona);
  const vocabulary = new Set(personas.flatMap((p) => Object.keys(p.centroid)));
  const shares = featureShares(rated, vocabulary);
  if (shares.size === 0) return undefined;
  let best: PersonaMatch | undefined;
  for (const persona of personas) {
    let distance = 0;
    for (const token of vocabulary) distance += ((shares.get(token) ?? 0) - (persona.centroid[token] ?? 0)) ** 2;
    if (!best || distance < best.distance) best = { persona, distance };
  }
  return best;
}

/** Personas come from the host page, so their shape is checked at run time whatever the types say. */
function checkPersona(persona: RankPersona, i: number): void {
  const { id, centroid, prior } = persona as { [K in keyof RankPersona]?: unknown };
  if (typeof id !== 'string' || id === '') throw new InvalidInputError(`personas[${i}].id`, 'must be a non-empty string');
  // The prior's values are checked where they are read (ranking.ts), only for the candidates in the list: a host's
  // persona may score its whole catalogue.
  if (typeof prior !== 'object' || prior === null) throw new InvalidInputError(`personas[${i}].prior`, 'must be an object of numbers');
  if (typeof centroid !== 'object' || centroid === null) throw new InvalidInputError(`personas[${i}].centroid`, 'must be an object of numbers');
  for (const [token, share] of Object.entries(centroid)) {
    if (!Number.isFinite(share)) throw new InvalidInputError(`personas[${i}].centroid[${token}]`, 'must be a finite number');
  }
}

/**
 * The user with the matched persona's prior and label, when the host sent personas and no prior of its own; the user
 * unchanged otherwise.
 */
export function withMatchedPersona<U extends { rated: readonly RatedItem[]; personaPrior?: unknown; personaLabel?: string }>(user: U, personas: readonly RankPersona[] | undefined): U {
  if (!personas?.length || user.personaPrior) return user;
  const match = matchRankPersona(user.rated, personas);
  if (!match) return user;
  return { ...user, personaPrior: match.persona.prior, personaLabel: match.persona.label ?? match.persona.id };
}
