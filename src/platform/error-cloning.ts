// Errors as plain data for postMessage and BroadcastChannel, and back. Structured cloning keeps only a standard
// error's name and message; Persona's named errors also need their class (for instanceof) and their fields
// (ModelDownloadError's url, InvalidEventError's field). Only fields that clone as they are (strings, numbers,
// booleans, null) are kept.
import { NAMED_ERRORS } from '../core/named-errors';

export type ClonedError = Record<string, unknown> & { name: string; message: string };

export function cloneError(error: unknown): ClonedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { ...fields, name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
}

/** The error `value` describes: an instance of its named class when it is one of Persona's, else an Error. */
export function reviveError(value: Record<string, unknown>): Error {
  const named = typeof value.name === 'string' ? NAMED_ERRORS[value.name] : undefined;
  // No constructor runs: the fields arrive already formatted (message included).
  const error: Error = named ? (Object.create(named.prototype as object) as Error) : new Error(String(value.message));
  return Object.assign(error, value);
}
