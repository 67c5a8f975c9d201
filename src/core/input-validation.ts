// The boundary for everything the user or host hands the store besides events: memories, preferences,
// feedback and settings. One valibot schema per input; every failure becomes an InvalidInputError naming the field.
import * as v from 'valibot';
import { InvalidInputError } from './errors';
import { FEEDBACK_SIGNALS } from './feedback';
import { findJsonProblem, type JsonBounds } from './json';

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
  (issue) => (issue.expected === 'never' ? 'is not a known memory field' : 'must be an object'),
);

export const memoryPatchSchema = v.strictObject(
  {
    text: v.optional(memoryInputSchema.entries.text),
    category: memoryInputSchema.entries.category,
    sourceEventIds: memoryInputSchema.entries.sourceEventIds,
    confidence: memoryInputSchema.entries.confidence,
  },
  (issue) => (issue.expected === 'never' ? 'is not a field a memory update can change' : 'must be an object'),
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
  (issue) => (issue.expected === 'never' ? 'is not a known summary field' : 'must be an object'),
);

export const feedbackInputSchema = v.strictObject(
  {
    answerId: id,
    signal: v.picklist(FEEDBACK_SIGNALS, `must be one of ${FEEDBACK_SIGNALS.join(', ')}`),
    editedText: v.optional(v.pipe(v.string('must be a string'), v.maxLength(32_000, 'must be at most 32000 characters'))),
    note: v.optional(v.pipe(v.string('must be a string'), v.maxLength(2_000, 'must be at most 2000 characters'))),
  },
  (issue) => (issue.expected === 'never' ? 'is not a known feedback field' : 'must be an object'),
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
