// The boundary for everything the user or host hands the store besides events: memories, preferences,
// feedback and settings. One valibot schema per input; every failure becomes an InvalidInputError naming the field.
import * as v from 'valibot';
import { InvalidInputError } from './errors';
import { FEEDBACK_SIGNALS } from './feedback';
import { findJsonProblem, type JsonBounds } from './json';

/** The message of a strict object's own issues: an unknown key, a missing key, or not an object at all. */
export function objectIssue(what: string) {
  return (issue: v.BaseIssue<unknown>): string => {
    if (issue.expected === 'never') return `is not a known ${what} field`;
    if (issue.path && issue.path.length > 0) return 'is required';
    return 'must be an object';
  };
}

const id = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(200, 'must be at most 200 characters'));

export const memoryInputSchema = v.strictObject(
  {
    id: v.optional(id),
    text: v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(4_000, 'must be at most 4000 characters')),
    category: v.optional(v.pipe(v.string('must be a string'), v.maxLength(100, 'must be at most 100 characters'))),
    sourceEventIds: v.optional(v.pipe(v.array(id, 'must be a list of event ids'), v.maxLength(1_000, 'must list at most 1000 events'))),
    confidence: v.optional(v.pipe(v.number('must be a number'), v.minValue(0, 'must be ≥ 0'), v.maxValue(1, 'must be ≤ 1'))),
    pinned: v.optional(v.boolean('must be true or false')),
    by: v.optional(v.picklist(['user', 'model', 'import', 'system'], 'must be user, model, import or system')),
  },
  objectIssue('memory'),
);

export const memoryPatchSchema = v.strictObject(
  {
    text: v.optional(memoryInputSchema.entries.text),
    category: memoryInputSchema.entries.category,
    sourceEventIds: memoryInputSchema.entries.sourceEventIds,
    confidence: memoryInputSchema.entries.confidence,
  },
  objectIssue('memory update'),
);

export const preferenceKeySchema = v.pipe(
  v.string('must be a string'),
  v.regex(/^[\p{L}\p{N}_.-]{1,64}$/u, 'must be 1–64 letters, digits, dots, dashes or underscores'),
);
export const preferenceValueSchema = v.pipe(v.string('must be a string'), v.maxLength(2_000, 'must be at most 2000 characters'));
export const summaryWriteSchema = v.strictObject(
  {
    text: v.pipe(v.string('must be a string'), v.maxLength(8_000, 'must be at most 8000 characters')),
    sourceEventIds: v.optional(v.pipe(v.array(id, 'must be a list of event ids'), v.maxLength(1_000, 'must list at most 1000 events'))),
    by: v.picklist(['user', 'model'], 'must be user or model'),
    force: v.optional(v.boolean('must be true or false')),
  },
  objectIssue('summary'),
);

export const feedbackInputSchema = v.strictObject(
  {
    answerId: id,
    signal: v.picklist(FEEDBACK_SIGNALS, `must be one of ${FEEDBACK_SIGNALS.join(', ')}`),
    editedText: v.optional(v.pipe(v.string('must be a string'), v.maxLength(32_000, 'must be at most 32000 characters'))),
    note: v.optional(v.pipe(v.string('must be a string'), v.maxLength(2_000, 'must be at most 2000 characters'))),
  },
  objectIssue('feedback'),
);

export const settingKeySchema = v.pipe(v.string('must be a string'), v.regex(/^[\w.:-]{1,100}$/, 'must be 1–100 word characters, dots, colons or dashes'));

export const SETTING_BOUNDS: JsonBounds = { maxDepth: 6, maxFields: 1_000, maxStringLength: 10_000 };

/** Parses `value` with `schema` or throws an InvalidInputError whose field is `field` plus the issue's path. */
export function parseInput<S extends v.GenericSchema>(schema: S, value: unknown, field: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  throw new InvalidInputError(path ? `${field}.${path}` : field, issue.message);
}

export function assertJson(value: unknown, bounds: JsonBounds, field: string): void {
  if (value === undefined) throw new InvalidInputError(field, 'must be a JSON value');
  const problem = findJsonProblem(value, bounds, field);
  if (problem) throw new InvalidInputError(problem.path, problem.reason);
}

// Records as the store keeps them, for imports: an export file carries whole stored records (timestamps, history,
// bookkeeping fields), so these check those shapes rather than what a caller may pass to add().

const storedTimestamp = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be ≥ 0'));
// Stored text is kept exactly as it was: no trimming, which would make a round trip change the data.
const storedMemoryText = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(4_000, 'must be at most 4000 characters'));
const memoryAuthor = v.picklist(['user', 'model', 'import', 'system'], 'must be user, model, import or system');
const confidence = v.pipe(v.number('must be a number'), v.minValue(0, 'must be ≥ 0'), v.maxValue(1, 'must be ≤ 1'));
const eventIds = v.pipe(v.array(id, 'must be a list of event ids'), v.maxLength(1_000, 'must list at most 1000 events'));

/** The fields a stored event has beyond what record() accepts; the rest goes through validateEvent. */
export const storedEventFieldsSchema = v.strictObject(
  {
    recordedAt: storedTimestamp,
    embedState: v.picklist(['pending', 'done', 'failed', 'skipped'], 'must be pending, done, failed or skipped'),
    embedModel: v.optional(id),
    value: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be ≥ 0'), v.maxValue(100, 'must be ≤ 100')),
    bytes: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be ≥ 0'), v.maxValue(2 ** 31, 'must be < 2^31')),
  },
  objectIssue('event'),
);

export const storedMemorySchema = v.strictObject(
  {
    id,
    text: storedMemoryText,
    category: memoryInputSchema.entries.category,
    sourceEventIds: eventIds,
    confidence,
    pinned: v.boolean('must be true or false'),
    createdAt: storedTimestamp,
    updatedAt: storedTimestamp,
    history: v.pipe(
      v.array(
        v.strictObject({
          at: storedTimestamp,
          text: storedMemoryText,
          confidence,
          pinned: v.boolean('must be true or false'),
          by: memoryAuthor,
          reason: v.pipe(v.string('must be a string'), v.maxLength(200, 'must be at most 200 characters')),
        }),
        'must be a list of revisions',
      ),
      v.maxLength(10_000, 'must hold at most 10000 revisions'),
    ),
  },
  objectIssue('memory'),
);

export const storedFeedbackSchema = v.strictObject(
  { id, ...feedbackInputSchema.entries, ts: storedTimestamp },
  objectIssue('feedback'),
);

/** `value` must also pass findJsonProblem with SETTING_BOUNDS, which a schema cannot express. */
export const storedSettingSchema = v.strictObject(
  { key: settingKeySchema, value: v.unknown(), updatedAt: storedTimestamp },
  objectIssue('setting'),
);

/** `traits` must also pass findJsonProblem with SETTING_BOUNDS, as setTraits requires. */
export const storedProfileSchema = v.strictObject(
  {
    id,
    preferences: v.record(
      preferenceKeySchema,
      v.strictObject({ value: preferenceValueSchema, updatedAt: storedTimestamp }, 'must be { value, updatedAt }'),
      'must be an object',
    ),
    summary: v.optional(
      v.strictObject(
        {
          text: summaryWriteSchema.entries.text,
          generatedAt: storedTimestamp,
          editedAt: v.optional(storedTimestamp),
          sourceEventIds: eventIds,
          staleSince: v.optional(storedTimestamp),
        },
        objectIssue('summary'),
      ),
    ),
    traits: v.record(v.string(), v.unknown(), 'must be an object'),
    updatedAt: storedTimestamp,
  },
  objectIssue('profile'),
);
