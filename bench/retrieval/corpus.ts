// The retrieval benchmark's data: clustered vectors (the seeded generator of tests/support/synthetic-vectors.ts,
// extended to say which cluster each item came from) and, per item, text written from its cluster's topic words,
// so the keyword list and the dense list agree about what an item is about, as they do on real history.
// Everything is seeded: every run, in every browser, sees the same corpus and the same queries.
import { stemEnglishPlural } from '../../src/core/tokenizer';
import { gaussian, seededRandom } from '../../tests/support/synthetic-vectors';

/** The defaults of clusteredVectors() in tests/support/synthetic-vectors.ts. */
export const CLUSTERS = 50;
export const SPREAD = 0.6;

/** Frequent English words, stop words included (the tokenizer drops those, as it does on real text). */
const COMMON_WORDS = (
  'the a of and to in is it that for on with as was at by this from be have or are not but what all were when we ' +
  'there can an your which their said if do will each about how up out them then she many some so these would ' +
  'other into has more her two like him see time could no make than first been its who now people my made over ' +
  'did down only way find use may water long little very after words called just where most know get through back ' +
  'much before go good new write our used me man too any day same right look think also around another came come ' +
  'work three word must because does part even place well such here take why things help put years different away ' +
  'again off went old number great tell men say small every found still between name should home big give air line ' +
  'set own under read last never left end along while might next sound below saw something thought both few those ' +
  'always looked show large often together asked house world going want school important until form food keep ' +
  'children feet land side without boy once animals life enough took sometimes four head above kind began almost ' +
  'live page got earth need far hand high year mother light parts country father let night following picture being ' +
  'study second eyes soon times story boys since white days paper hard near sentence better best across during today ' +
  'others however sure means knew try told young miles sun ways thing whole hear example heard several change answer ' +
  'room sea against top turned learn point city play toward five using himself usually'
).split(' ');

const CONSONANTS = 'bdfgklmnprtvz';
const VOWELS = 'aeiou';

/** Zipf (s = 1) over `size` ranks, as a cumulative table for binary search. */
function zipfTable(size: number): Float64Array {
  const table = new Float64Array(size);
  let total = 0;
  for (let rank = 1; rank <= size; rank++) table[rank - 1] = total += 1 / rank;
  return table.map((x) => x / total);
}

function zipfPick(table: Float64Array, u: number): number {
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((table[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Distinct pronounceable pseudo-words ("kamori", "tezulip") that the tokenizer keeps as they are: lowercase ASCII,
 * no stop word, and unchanged by its plural stemmer (checked), so a generated word is exactly one BM25 term.
 */
function pseudoWords(count: number, random: () => number, taken: Set<string>): string[] {
  const words: string[] = [];
  while (words.length < count) {
    const syllables = 2 + Math.floor(random() * 2);
    let word = '';
    for (let s = 0; s < syllables; s++) {
      word += CONSONANTS[Math.floor(random() * CONSONANTS.length)] ?? 'k';
      word += VOWELS[Math.floor(random() * VOWELS.length)] ?? 'a';
    }
    if (random() < 0.5) word += CONSONANTS[Math.floor(random() * CONSONANTS.length)] ?? 'k';
    if (taken.has(word) || stemEnglishPlural(word) !== word) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

export interface TextCorpus {
  /** Cluster of each item (0 .. CLUSTERS − 1). */
  labels: Uint8Array;
  texts: string[];
  /** Query texts and the cluster each was written about. */
  queries: { text: string; cluster: number }[];
  /** Number of documents each topic/tail word (= its BM25 term) occurs in; stop and common words are not listed. */
  documentFrequency: Map<string, number>;
  /** The topic/tail words of each query (the terms whose postings the keyword search reads). */
  queryTerms: string[][];
}

/**
 * `count` items, each a sentence or two of 10–40 words: about a third from its cluster's 40 topic words (Zipfian:
 * a few dominate, as "recipe" does in a cooking cluster), a tenth from a shared tail of 5,000 rare words, the rest
 * frequent English words. Queries name 2–4 topic words of one cluster, in a question of the kind users type.
 */
export function textCorpus(count: number, queryCount: number, seed = 11): TextCorpus {
  const random = seededRandom(seed);
  const taken = new Set<string>([...COMMON_WORDS, ...COMMON_WORDS.map(stemEnglishPlural)]);
  const TOPIC_WORDS = 40;
  const topics = Array.from({ length: CLUSTERS }, () => pseudoWords(TOPIC_WORDS, random, taken));
  const tail = pseudoWords(5_000, random, taken);
  const topicZipf = zipfTable(TOPIC_WORDS);
  const commonZipf = zipfTable(COMMON_WORDS.length);
  const tailZipf = zipfTable(tail.length);

  const labels = new Uint8Array(count);
  const texts: string[] = new Array<string>(count);
  const documentFrequency = new Map<string, number>();
  const seenIn = new Map<string, number>();
  const counted = (word: string, doc: number): void => {
    if (seenIn.get(word) === doc) return;
    seenIn.set(word, doc);
    documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  };
  for (let i = 0; i < count; i++) {
    const cluster = Math.floor(random() * CLUSTERS);
    labels[i] = cluster;
    const topic = topics[cluster] as string[];
    const length = 10 + Math.floor(random() * 31);
    const words: string[] = new Array<string>(length);
    for (let w = 0; w < length; w++) {
      const u = random();
      let word: string;
      if (u < 0.33) {
        word = topic[zipfPick(topicZipf, random())] as string;
        counted(word, i);
      } else if (u < 0.43) {
        word = tail[zipfPick(tailZipf, random())] as string;
        counted(word, i);
      } else {
        word = COMMON_WORDS[zipfPick(commonZipf, random())] as string;
      }
      words[w] = word;
    }
    // Capitals and punctuation, so the tokenizer does the folding and segmentation it does on real text.
    const first = words[0] as string;
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    const mark = length > 20 ? (length >> 1) - 1 : length > 14 ? 5 : -1;
    if (mark >= 0) words[mark] = `${words[mark] as string}${length > 20 ? '.' : ','}`;
    texts[i] = `${words.join(' ')}.`;
  }

  const TEMPLATES = ['what did i read about {}', 'find my notes on {}', '{}', 'that article about {} i liked', 'recommend something like {}'];
  const queries: { text: string; cluster: number }[] = [];
  const queryTerms: string[][] = [];
  for (let q = 0; q < queryCount; q++) {
    const cluster = Math.floor(random() * CLUSTERS);
    const topic = topics[cluster] as string[];
    const wanted = 2 + Math.floor(random() * 3);
    const chosen = new Set<string>();
    while (chosen.size < wanted) chosen.add(topic[zipfPick(topicZipf, random())] as string);
    if (random() < 0.3) chosen.add(tail[zipfPick(tailZipf, random())] as string);
    const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)] as string;
    queries.push({ text: template.replace('{}', [...chosen].join(' ')), cluster });
    queryTerms.push([...chosen]);
  }
  return { labels, texts, queries, documentFrequency, queryTerms };
}

/** Cluster centres for one dimension (seeded by dimension, so 100-d and 384-d data are independent draws). */
export function clusterCentres(dim: number, seed = 7): Float32Array[] {
  const random = seededRandom(seed * 1_000 + dim);
  return Array.from({ length: CLUSTERS }, () => Float32Array.from({ length: dim }, () => gaussian(random)));
}

/**
 * Vectors for the labelled items: each is its cluster's centre plus Gaussian noise of standard deviation SPREAD per
 * unit, as clusteredVectors() draws them (labels come from the text corpus, so text and vector share the topic).
 */
export function clusteredVectorsFor(labels: Uint8Array, centres: readonly Float32Array[], dim: number, seed = 7): Float32Array {
  const random = seededRandom(seed * 7_919 + dim);
  const vectors = new Float32Array(labels.length * dim);
  for (let i = 0; i < labels.length; i++) {
    const centre = centres[labels[i] as number] as Float32Array;
    const base = i * dim;
    for (let d = 0; d < dim; d++) vectors[base + d] = (centre[d] as number) + SPREAD * gaussian(random);
  }
  return vectors;
}

/** One query vector per query, near its cluster's centre (as clusteredVectors() draws its queries). */
export function queryVectors(clusters: readonly number[], centres: readonly Float32Array[], dim: number, seed = 7): Float32Array[] {
  const random = seededRandom(seed * 104_729 + dim);
  return clusters.map((cluster) => Float32Array.from(centres[cluster] as Float32Array, (x) => x + SPREAD * gaussian(random)));
}
