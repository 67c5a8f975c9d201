// JSON values as Persona stores them in metadata and settings, and the bounds that keep one value from
// exhausting memory or the structured-clone stack.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface JsonBounds {
  /** Deepest nesting allowed; a flat object has depth 1. */
  maxDepth: number;
  /** Keys and array items counted over the whole value. */
  maxFields: number;
  /** Longest string value or key. */
  maxStringLength: number;
}

export interface JsonProblem {
  path: string;
  reason: string;
}

/** Returns the first way `value` is not a bounded JSON value, or undefined when it is one. Iterative: no recursion. */
export function findJsonProblem(value: unknown, bounds: JsonBounds, rootPath: string): JsonProblem | undefined {
  let fields = 0;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (current === null || typeof current === 'boolean') continue;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path, reason: 'must be a finite number' };
      continue;
    }
    if (typeof current === 'string') {
      if (current.length > bounds.maxStringLength) {
        return { path, reason: `is ${current.length} characters long; the limit is ${bounds.maxStringLength}` };
      }
      continue;
    }
    if (typeof current !== 'object') return { path, reason: `holds a ${typeof current}, which is not JSON` };
    if (depth + 1 > bounds.maxDepth) return { path, reason: `nests deeper than ${bounds.maxDepth} levels` };
    if (Array.isArray(current)) {
      fields += current.length;
      if (fields > bounds.maxFields) return { path, reason: `has more than ${bounds.maxFields} fields in all` };
      current.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    const proto = Object.getPrototypeOf(current) as unknown;
    if (proto !== Object.prototype && proto !== null) return { path, reason: 'must be a plain object' };
    const entries = Object.entries(current);
    fields += entries.length;
    if (fields > bounds.maxFields) return { path, reason: `has more than ${bounds.maxFields} fields in all` };
    for (const [key, item] of entries) {
      if (key.length > bounds.maxStringLength) return { path, reason: `has a key longer than ${bounds.maxStringLength}` };
      stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}
