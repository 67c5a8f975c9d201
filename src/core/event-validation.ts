// The boundary every event crosses before it is stored: shape, types and size are checked here and nowhere else.
import * as v from 'valibot';
import { InvalidEventError } from './errors';
import {
  EVENT_KINDS,
  MESSAGE_ROLES,
  RETENTION_VALUE,
  approximateEventBytes,
  type HistoryEvent,
} from './history-event';
import { objectIssue } from './input-validation';
import { findJsonProblem, type JsonBounds, type JsonObject } from './json';

export interface EventLimits {
  maxTextLength: number;
  maxBatchSize: number;
  metadata: JsonBounds;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxTextLength: 32_000,
  maxBatchSize: 50_000,
  metadata: { maxDepth: 4, maxFields: 64, maxStringLength: 2_000 },
};

// The latest instant an event may claim; anything later is a clock or unit bug (seconds passed as ms, etc.).
const LATEST_TS = Date.UTC(2200, 0, 1);

const TS_REASON = 'must be a whole number of milliseconds since 1970 (before 2200) or a valid Date';

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null);

const identifier = (what: string) =>
  v.pipe(
    v.string(`${what} must be a string`),
    v.minLength(1, `${what} must not be empty`),
    v.maxLength(200, `${what} must be at most 200 characters`),
    v.regex(/^[^\p{Cc}]*$/u, `${what} must not contain control characters`),
  );

function eventShape(limits: EventLimits) {
  return v.strictObject(
    {
      id: v.optional(identifier('id')),
      ts: v.optional(
        v.union(
          [
            v.pipe(v.number(), v.integer(TS_REASON), v.minValue(0, TS_REASON), v.maxValue(LATEST_TS, TS_REASON)),
            v.pipe(v.date(TS_REASON), v.check((d) => d.getTime() >= 0 && d.getTime() <= LATEST_TS, TS_REASON)),
          ],
          TS_REASON,
        ),
      ),
      kind: v.picklist(EVENT_KINDS, `must be one of ${EVENT_KINDS.join(', ')}`),
      text: v.pipe(
        v.string('must be a string'),
        v.maxLength(limits.maxTextLength, `must be at most ${limits.maxTextLength} characters`),
      ),
      role: v.optional(v.picklist(MESSAGE_ROLES, `must be one of ${MESSAGE_ROLES.join(', ')}`)),
      itemId: v.optional(identifier('itemId')),
      rating: v.optional(
        v.pipe(v.number('must be a number'), v.finite('must be finite'), v.minValue(-100), v.maxValue(100)),
      ),
      url: v.optional(v.pipe(v.string('must be a string'), v.maxLength(2048, 'must be at most 2048 characters'), v.url('must be an absolute URL'))),
      // Shape only here; findJsonProblem then bounds depth, size and value types with exact paths.
      metadata: v.optional(v.custom<JsonObject>(isPlainObject, 'must be a plain object')),
      source: v.optional(identifier('source')),
      sessionId: v.optional(identifier('sessionId')),
    },
    objectIssue('event'),
  );
}

const shapes = new WeakMap<EventLimits, ReturnType<typeof eventShape>>();
function shapeFor(limits: EventLimits) {
  let shape = shapes.get(limits);
  if (!shape) shapes.set(limits, (shape = eventShape(limits)));
  return shape;
}

function fieldPath(prefix: string, issue: v.BaseIssue<unknown>): string {
  const dot = v.getDotPath(issue);
  // An unknown key is reported on the key itself.
  return dot ? `${prefix}.${dot}` : prefix;
}

/** Checks one input and returns it normalized for storage, or throws InvalidEventError naming the field. */
export function validateEvent(
  input: unknown,
  path: string,
  context: { now: number; newId: () => string; limits?: EventLimits },
): HistoryEvent {
  const limits = context.limits ?? DEFAULT_EVENT_LIMITS;
  const result = v.safeParse(shapeFor(limits), input);
  if (!result.success) {
    const issue = result.issues[0];
    throw new InvalidEventError(fieldPath(path, issue), issue.message);
  }
  const value = result.output;
  if (value.metadata) {
    const problem = findJsonProblem(value.metadata, limits.metadata, `${path}.metadata`);
    if (problem) throw new InvalidEventError(problem.path, problem.reason);
  }
  const ts = value.ts instanceof Date ? value.ts.getTime() : (value.ts ?? context.now);
  const event: Omit<HistoryEvent, 'bytes'> = {
    id: value.id ?? context.newId(),
    ts,
    kind: value.kind,
    text: value.text,
    source: value.source ?? 'app',
    recordedAt: context.now,
    embedState: 'pending',
    value: RETENTION_VALUE[value.kind],
  };
  if (value.role !== undefined) event.role = value.role;
  if (value.itemId !== undefined) event.itemId = value.itemId;
  if (value.rating !== undefined) event.rating = value.rating;
  if (value.url !== undefined) event.url = value.url;
  if (value.metadata !== undefined) event.metadata = structuredClone(value.metadata);
  if (value.sessionId !== undefined) event.sessionId = value.sessionId;
  return { ...event, bytes: approximateEventBytes(event) };
}

/** Validates a whole batch first, so that one bad event rejects the batch before anything is written. */
export function validateBatch(
  inputs: readonly unknown[],
  context: { now: number; newId: () => string; limits?: EventLimits },
): HistoryEvent[] {
  const limits = context.limits ?? DEFAULT_EVENT_LIMITS;
  if (inputs.length > limits.maxBatchSize) {
    throw new InvalidEventError('events', `holds ${inputs.length} events; one batch takes at most ${limits.maxBatchSize}`);
  }
  const seen = new Set<string>();
  const events: HistoryEvent[] = [];
  // A plain loop, not map(): map skips the holes of a sparse array ([, ]), which would let a hole through unchecked.
  for (let i = 0; i < inputs.length; i++) {
    const event = validateEvent(inputs[i], `events[${i}]`, context);
    if (seen.has(event.id)) throw new InvalidEventError(`events[${i}].id`, `repeats id "${event.id}" within the batch`);
    seen.add(event.id);
    events.push(event);
  }
  return events;
}
