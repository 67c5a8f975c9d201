// Checks an export file line by line before anything of it is staged: the header, each record (events through the
// same validateEvent as record(), the other stores through their stored-record schemas), what the file promises
// as a whole (no repeated keys, segments only for events it carries, one model and dimension per space), and the
// trailer's counts. Every failure is an ImportFormatError naming the line.
import * as v from 'valibot';
import { ImportFormatError, InvalidEventError, InvalidInputError } from '../../core/errors';
import { validateEvent, type EventLimits } from '../../core/event-validation';
import type { HistoryEvent } from '../../core/history-event';
import {
  SETTING_BOUNDS,
  storedEventFieldsSchema,
  storedFeedbackSchema,
  storedMemorySchema,
  storedProfileSchema,
  storedSettingSchema,
} from '../../core/input-validation';
import { findJsonProblem } from '../../core/json';
import { LATEST_VERSION } from '../migrations';
import type { StagedStore } from '../schema';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  RECORD_TYPES,
  STORE_OF,
  zeroCounts,
  type ExportHeader,
  type RecordType,
  type TypeCounts,
} from './format';
import type { Line } from './lines';
import { decodeSegment } from './segment-codec';

export interface CheckedRecord {
  store: StagedStore;
  value: unknown;
}

const count = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be ≥ 0'));

const headerSchema = v.strictObject(
  {
    format: v.literal(EXPORT_FORMAT),
    version: v.literal(EXPORT_VERSION),
    createdAt: count,
    schemaVersion: v.pipe(count, v.minValue(1, 'must be ≥ 1'), v.maxValue(LATEST_VERSION, `was written by a newer Persona (this build reads schema ${LATEST_VERSION} and older)`)),
    includes: v.strictObject({ vectors: v.boolean('must be true or false') }, 'must be { vectors }'),
  },
  (issue) => (issue.expected === 'never' ? 'is not a known header field' : 'must be an object'),
);

const envelopeSchema = v.strictObject(
  { type: v.picklist(RECORD_TYPES, `must be end or one of ${RECORD_TYPES.join(', ')}`), data: v.unknown() },
  (issue) => (issue.expected === 'never' ? 'is not a known record field' : 'must be an object'),
);

const trailerSchema = v.strictObject(
  {
    type: v.literal('end'),
    counts: v.strictObject({ event: count, memory: count, profile: count, feedback: count, setting: count, segment: count }, 'must count every record type'),
  },
  (issue) => (issue.expected === 'never' ? 'is not a known end-record field' : 'must be an object'),
);

class Problem extends Error {}

/** Reads one export file's lines in order; call finish() once the file has ended. */
export class ExportChecker {
  #header: ExportHeader | undefined;
  #ended = false;
  readonly #counts = zeroCounts();
  readonly #keys = new Map<RecordType, Set<string>>(RECORD_TYPES.map((type) => [type, new Set<string>()]));
  readonly #spaces = new Map<string, string>();

  constructor(private readonly limits: EventLimits) {}

  get counts(): Readonly<TypeCounts> {
    return this.#counts;
  }

  /** The record to stage for this line; undefined for the header and the trailer. */
  check(line: Line): CheckedRecord | undefined {
    try {
      return this.#check(line);
    } catch (error) {
      if (error instanceof Problem) throw new ImportFormatError(line.number, error.message);
      if (error instanceof InvalidEventError || error instanceof InvalidInputError) throw new ImportFormatError(line.number, `${error.field} ${error.reason}`);
      throw error;
    }
  }

  /** The header, once the whole file has been read and its trailer matched; `lines` is how many lines it had. */
  finish(lines: number): ExportHeader {
    if (!this.#header) throw new ImportFormatError(1, 'the file is empty');
    if (!this.#ended) throw new ImportFormatError(lines + 1, 'the end record is missing: the file is incomplete');
    return this.#header;
  }

  #check(line: Line): CheckedRecord | undefined {
    if (this.#ended) throw new Problem('follows the end record');
    if (line.text.length === 0) throw new Problem('is empty');
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.text);
    } catch {
      throw new Problem('is not valid JSON');
    }
    if (!this.#header) {
      this.#header = checkHeader(parsed);
      return undefined;
    }
    if (isObject(parsed) && parsed.type === 'end') {
      const trailer = parse(trailerSchema, parsed, '');
      for (const type of RECORD_TYPES) {
        if (trailer.counts[type] !== this.#counts[type]) {
          throw new Problem(`the end record counts ${trailer.counts[type]} ${type} records but the file holds ${this.#counts[type]}`);
        }
      }
      this.#ended = true;
      return undefined;
    }
    const { type, data } = parse(envelopeSchema, parsed, '');
    const value = this.#checkData(type, data);
    this.#counts[type]++;
    return { store: STORE_OF[type], value };
  }

  #checkData(type: RecordType, data: unknown): unknown {
    switch (type) {
      case 'event':
        return this.#unique(type, this.#event(data));
      case 'memory':
        return this.#unique(type, parse(storedMemorySchema, data, 'data'));
      case 'feedback':
        return this.#unique(type, parse(storedFeedbackSchema, data, 'data'));
      case 'profile': {
        const profile = parse(storedProfileSchema, data, 'data');
        assertJsonValue(profile.traits, 'data.traits');
        return this.#unique(type, profile);
      }
      case 'setting': {
        const setting = parse(storedSettingSchema, data, 'data');
        assertJsonValue(setting.value, 'data.value');
        return this.#unique(type, { ...setting, id: setting.key }, setting);
      }
      case 'segment':
        return this.#segment(data);
    }
  }

  /** Exported events keep their stored fields; the rest is checked exactly as record() checks new events. */
  #event(data: unknown): HistoryEvent {
    if (!isObject(data)) throw new Problem('data must be an object');
    const { recordedAt, embedState, embedModel, value, bytes, ...input } = data;
    if (typeof input.id !== 'string') throw new Problem('data.id must be a string: exported events keep their id');
    if (typeof input.ts !== 'number') throw new Problem('data.ts must be a number: exported events keep their time');
    const stored = parse(storedEventFieldsSchema, { recordedAt, embedState, embedModel, value, bytes }, 'data');
    const event = validateEvent(input, 'data', {
      now: stored.recordedAt,
      newId: () => {
        throw new Problem('data.id is missing');
      },
      limits: this.limits,
    });
    const result: HistoryEvent = { ...event, recordedAt: stored.recordedAt, embedState: stored.embedState, value: stored.value, bytes: stored.bytes };
    if (stored.embedModel !== undefined) result.embedModel = stored.embedModel;
    return result;
  }

  #segment(data: unknown): unknown {
    if (!this.#header?.includes.vectors) throw new Problem('is a segment, but the header says the file includes no vectors');
    const decoded = decodeSegment(data);
    if ('problem' in decoded) throw new Problem(decoded.problem);
    const { segment } = decoded;
    const shape = `${segment.model}/${segment.dim}`;
    const known = this.#spaces.get(segment.space);
    if (known !== undefined && known !== shape) throw new Problem(`data disagrees with earlier segments of ${segment.space} (${known} vs ${shape})`);
    this.#spaces.set(segment.space, shape);
    const events = this.#keys.get('event') as Set<string>;
    const orphan = segment.ids.find((id) => !events.has(id));
    if (orphan !== undefined) throw new Problem(`data.ids names event "${orphan}", which the file does not hold before this line`);
    return segment;
  }

  #unique<T>(type: RecordType, keyed: { id: string }, value: T = keyed as T): T {
    const keys = this.#keys.get(type) as Set<string>;
    if (keys.has(keyed.id)) throw new Problem(`repeats the ${type} "${keyed.id}"`);
    keys.add(keyed.id);
    return value;
  }
}

function checkHeader(parsed: unknown): ExportHeader {
  // Format and version first, so a file of another kind or a newer version is named as such.
  if (!isObject(parsed) || parsed.format !== EXPORT_FORMAT) throw new Problem('is not a Persona export header');
  if (parsed.version !== EXPORT_VERSION) {
    throw new Problem(`holds export format version ${JSON.stringify(parsed.version)}; this build reads version ${EXPORT_VERSION}`);
  }
  return parse(headerSchema, parsed, 'header');
}

function parse<S extends v.GenericSchema>(schema: S, value: unknown, root: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = [root, v.getDotPath(issue)].filter(Boolean).join('.');
  throw new Problem(path ? `${path} ${issue.message}` : issue.message);
}

function assertJsonValue(value: unknown, path: string): void {
  const problem = findJsonProblem(value, SETTING_BOUNDS, path);
  if (problem) throw new Problem(`${problem.path} ${problem.reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
