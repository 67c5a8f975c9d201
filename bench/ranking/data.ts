// Loads a dataset folder in the MovieLens ml-latest-small CSV layout: ratings.csv (userId,movieId,rating,timestamp),
// movies.csv (movieId,title,genres), optional tags.csv (userId,movieId,tag,timestamp). Files have CRLF line endings
// and quoted titles that contain commas (and doubled quotes), so a naive split(',') is wrong; parseCsv handles both.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines; CRLF or LF rows; blank lines dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM is not part of the first header
  const endRow = (): void => {
    row.push(field);
    field = '';
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      endRow();
    } else if (c === '\n') endRow();
    else field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

export interface Rating {
  readonly user: number; // dense user index
  readonly item: number; // dense item index
  readonly rating: number;
  readonly timestamp: number;
}

export interface Item {
  readonly movieId: number;
  readonly title: string;
  readonly genres: readonly string[];
  readonly tags: readonly string[];
}

export interface Dataset {
  readonly dir: string;
  /** Dense index → original userId, ascending. */
  readonly userIds: readonly number[];
  /** Dense index → item; every movieId in movies.csv or ratings.csv, ascending by movieId. */
  readonly items: readonly Item[];
  readonly ratings: readonly Rating[];
  /** Whether tags.csv was present. */
  readonly hasTags: boolean;
}

/** Rows as objects keyed by the header, with a clear error when a required column is missing. */
function table(path: string, required: readonly string[]): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (!header) throw new Error(`${path} is empty`);
  for (const name of required) if (!header.includes(name)) throw new Error(`${path} has no "${name}" column`);
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

function num(value: string | undefined, what: string): number {
  const x = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(x)) throw new Error(`bad ${what}: ${JSON.stringify(value)}`);
  return x;
}

export function loadDataset(dir: string): Dataset {
  const ratingRows = table(join(dir, 'ratings.csv'), ['userId', 'movieId', 'rating', 'timestamp']);
  const movieRows = table(join(dir, 'movies.csv'), ['movieId', 'title', 'genres']);
  const tagsPath = join(dir, 'tags.csv');
  const hasTags = existsSync(tagsPath);
  const tagRows = hasTags ? table(tagsPath, ['movieId', 'tag']) : [];

  const movies = new Map<number, { title: string; genres: string[]; tags: string[] }>();
  for (const row of movieRows) {
    const genres = row.genres === '(no genres listed)' || !row.genres ? [] : row.genres.split('|');
    movies.set(num(row.movieId, 'movieId'), { title: row.title ?? '', genres, tags: [] });
  }
  const raw = ratingRows.map((row) => ({
    userId: num(row.userId, 'userId'),
    movieId: num(row.movieId, 'movieId'),
    rating: num(row.rating, 'rating'),
    timestamp: num(row.timestamp, 'timestamp'),
  }));
  // A rated movie missing from movies.csv still gets an item (no title): the ranking protocol only needs ids.
  for (const r of raw) if (!movies.has(r.movieId)) movies.set(r.movieId, { title: '', genres: [], tags: [] });
  for (const row of tagRows) {
    const movie = movies.get(num(row.movieId, 'movieId'));
    if (movie && row.tag) movie.tags.push(row.tag);
  }
  const movieIds = [...movies.keys()].sort((a, b) => a - b);
  const itemIndex = new Map(movieIds.map((id, i) => [id, i]));
  const items = movieIds.map((movieId) => {
    const m = movies.get(movieId);
    return { movieId, title: m?.title ?? '', genres: m?.genres ?? [], tags: m?.tags ?? [] };
  });
  const userIds = [...new Set(raw.map((r) => r.userId))].sort((a, b) => a - b);
  const userIndex = new Map(userIds.map((id, i) => [id, i]));
  const ratings = raw.map((r) => ({
    user: userIndex.get(r.userId) ?? -1,
    item: itemIndex.get(r.movieId) ?? -1,
    rating: r.rating,
    timestamp: r.timestamp,
  }));
  return { dir, userIds, items, ratings, hasTags };
}
