// The postMessage protocol between a host page and Persona's isolated widget frame, version 1. The host sends
// requests; the frame answers each with one result or one error, and streams an ask's pieces before its result.
//
//   host → frame  { persona: 1, id, method: 'hello' | 'track' | 'rank' | 'ask' | 'cancel', args: [...] }
//   frame → host  { persona: 1, id, type: 'token', piece }            (ask only, in order, before its result)
//                 { persona: 1, id, type: 'result', value }
//                 { persona: 1, id, type: 'error', error: { name, message, …fields } }   (id null when unreadable)
//
// Everything a request carries comes from another site, so it is checked here, strictly and with bounds, before the
// engine sees any of it: the frame's job is to answer what the host asks without ever handing it the profile.
import * as v from 'valibot';
import { WidgetMessageError } from '../../core/errors';
import { objectIssue } from '../../core/input-validation';
import { findJsonProblem, type JsonBounds } from '../../core/json';
import type { ClonedError } from '../../platform/error-cloning';
import type { HistoryEventInput } from '../../core/history-event';
import type { RankInput } from '../../engine/persona-engine';
import type { WidgetRankOptions } from '../widget-connection';

export const PROTOCOL_VERSION = 1;
export const METHODS = ['hello', 'track', 'rank', 'ask', 'cancel'] as const;
export type Method = (typeof METHODS)[number];

/** Bounds on a request as a whole, checked before any schema walks it: no message can make the frame work hard. */
export const MESSAGE_BOUNDS: JsonBounds = { maxDepth: 10, maxFields: 200_000, maxStringLength: 32_000 };
/** Events in one track request (a host tracks as things happen; bulk loads belong to import). */
export const MAX_TRACK_BATCH = 1_000;
/** Candidates in one rank request. */
export const MAX_RANK_ITEMS = 1_000;
export const MAX_PROMPT_LENGTH = 8_000;
/** Requests one host may have in flight at once; more are refused rather than queued without end. */
export const MAX_IN_FLIGHT = 32;
/** An item's metadata: as bounded as an event's. */
const ITEM_METADATA_BOUNDS: JsonBounds = { maxDepth: 4, maxFields: 64, maxStringLength: 2_000 };

export interface TrackRequest {
  id: string;
  method: 'track';
  args: [HistoryEventInput | HistoryEventInput[]];
}
export interface RankRequest {
  id: string;
  method: 'rank';
  args: [RankInput[], WidgetRankOptions?];
}
export interface AskRequest {
  id: string;
  method: 'ask';
  args: [string];
}
export interface CancelRequest {
  id: string;
  method: 'cancel';
  /** The id of the ask to stop. */
  args: [string];
}
export interface HelloRequest {
  id: string;
  method: 'hello';
  args: [];
}
export type Request = HelloRequest | TrackRequest | RankRequest | AskRequest | CancelRequest;

/** What a request looks like on the wire (the envelope around Request). */
export type WireRequest = Request & { persona: typeof PROTOCOL_VERSION };

export type FrameMessage =
  | { persona: typeof PROTOCOL_VERSION; id: string; type: 'token'; piece: string }
  | { persona: typeof PROTOCOL_VERSION; id: string; type: 'result'; value: unknown }
  | { persona: typeof PROTOCOL_VERSION; id: string | null; type: 'error'; error: ClonedError };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null);

const requestId = v.pipe(v.string('must be a string'), v.regex(/^[\w-]{1,64}$/, 'must be 1–64 letters, digits, dashes or underscores'));

const envelope = v.strictObject(
  {
    persona: v.literal(PROTOCOL_VERSION, `must be ${PROTOCOL_VERSION} (this frame speaks protocol version ${PROTOCOL_VERSION})`),
    id: requestId,
    method: v.picklist(METHODS, `must be one of ${METHODS.join(', ')}`),
    args: v.array(v.unknown(), 'must be a list'),
  },
  objectIssue('request'),
);

// Events are checked field by field by the engine's own validation (record() refuses a bad batch whole); here only
// that they are plain objects, and how many.
const eventObject = v.custom<HistoryEventInput>(isPlainObject, 'must be an event object');
const identifier = v.pipe(
  v.string('must be a string'),
  v.minLength(1, 'must not be empty'),
  v.maxLength(200, 'must be at most 200 characters'),
  v.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
);
const finite = v.pipe(v.number('must be a number'), v.finite('must be finite'));

const rankItem = v.strictObject(
  {
    id: identifier,
    text: v.optional(v.pipe(v.string('must be a string'), v.maxLength(4_000, 'must be at most 4000 characters'))),
    factor: v.optional(v.pipe(v.array(finite, 'must be a list of numbers'), v.maxLength(256, 'must have at most 256 numbers'))),
    popularity: v.optional(v.pipe(finite, v.minValue(0, 'must be ≥ 0'))),
    features: v.optional(v.pipe(v.array(identifier, 'must be a list of strings'), v.maxLength(64, 'must have at most 64 features'))),
    metadata: v.optional(v.custom<Record<string, unknown>>(isPlainObject, 'must be a plain object')),
  },
  objectIssue('rank item'),
);

const rankOptions = v.strictObject(
  {
    limit: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be ≥ 1'), v.maxValue(MAX_RANK_ITEMS, `must be ≤ ${MAX_RANK_ITEMS}`))),
    diversity: v.optional(v.pipe(finite, v.minValue(0, 'must be ≥ 0'), v.maxValue(1, 'must be ≤ 1'))),
  },
  objectIssue('rank option'),
);

const argsByMethod = {
  hello: v.strictTuple([], 'must be empty'),
  track: v.strictTuple(
    [v.union([eventObject, v.pipe(v.array(eventObject, 'must be a list of events'), v.minLength(1, 'must not be empty'), v.maxLength(MAX_TRACK_BATCH, `must hold at most ${MAX_TRACK_BATCH} events`))], 'must be an event or a list of events')],
    'must be [event or events]',
  ),
  rank: v.strictTuple(
    [v.pipe(v.array(rankItem, 'must be a list of items'), v.maxLength(MAX_RANK_ITEMS, `must hold at most ${MAX_RANK_ITEMS} items`)), v.optional(rankOptions)],
    'must be [items, options?]',
  ),
  ask: v.strictTuple(
    [v.pipe(v.string('must be a string'), v.check((s) => s.trim().length > 0, 'must not be blank'), v.maxLength(MAX_PROMPT_LENGTH, `must be at most ${MAX_PROMPT_LENGTH} characters`))],
    'must be [prompt]',
  ),
  cancel: v.strictTuple([requestId], 'must be [id of the ask to stop]'),
} satisfies Record<Method, v.GenericSchema>;

function fail(prefix: string, issue: v.BaseIssue<unknown>): never {
  const path = v.getDotPath(issue);
  throw new WidgetMessageError(path ? `${prefix}.${path}` : prefix, issue.message);
}

/**
 * The request `data` carries, or a WidgetMessageError naming what is wrong. Bounds come first (depth, size, only
 * plain JSON values: no Blob, Map or typed array), then the envelope, then the method's arguments.
 */
export function parseRequest(data: unknown): Request {
  const problem = findJsonProblem(data, MESSAGE_BOUNDS, 'message');
  if (problem) throw new WidgetMessageError(problem.path, problem.reason);
  if (!isPlainObject(data)) throw new WidgetMessageError('message', 'must be a Persona request object');
  const head = v.safeParse(envelope, data);
  if (!head.success) fail('message', head.issues[0]);
  const { id, method, args } = head.output;
  // Schemas read a hole in a list as undefined, which no argument may be: sparse lists are refused with the rest.
  const parsed = v.safeParse(argsByMethod[method], args);
  if (!parsed.success) fail('message.args', parsed.issues[0]);
  if (method === 'rank') checkRankItems(parsed.output as RankRequest['args']);
  return { id, method, args: parsed.output } as Request;
}

function checkRankItems([items]: RankRequest['args']): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) throw new WidgetMessageError(`message.args.0.${i}.id`, `repeats id "${item.id}"`);
    seen.add(item.id);
    if (item.metadata) {
      const problem = findJsonProblem(item.metadata, ITEM_METADATA_BOUNDS, `message.args.0.${i}.metadata`);
      if (problem) throw new WidgetMessageError(problem.path, problem.reason);
    }
  });
}

/** The request id of `data` when it has a readable one, so even a refused request's error can be matched up. */
export function readableId(data: unknown): string | null {
  if (!isPlainObject(data)) return null;
  const id = data.id;
  return typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? id : null;
}

/** Whether `data` is a message of this protocol from the frame (the host checks who sent it separately). */
export function isFrameMessage(data: unknown): data is FrameMessage {
  if (!isPlainObject(data) || data.persona !== PROTOCOL_VERSION) return false;
  if (data.type === 'error') return (data.id === null || typeof data.id === 'string') && isPlainObject(data.error) && typeof data.error.name === 'string' && typeof data.error.message === 'string';
  if (typeof data.id !== 'string') return false;
  if (data.type === 'token') return typeof data.piece === 'string';
  return data.type === 'result' && 'value' in data;
}
