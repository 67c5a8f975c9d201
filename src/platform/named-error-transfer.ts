// Comlink sends a thrown Error across a worker boundary as {name, message, stack} and rebuilds a plain Error: the
// class and the fields callers branch on (ModelDownloadError's url, InvalidEventError's field) are lost. This
// replaces comlink's "throw" handler, in every realm that calls install, with one that keeps both for Persona's
// named errors. Anything else is sent as before.
import { transferHandlers, type TransferHandler } from 'comlink';
import { PersonaError } from '../core/errors';
import { cloneError, reviveError } from './error-cloning';

interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

function serialize({ value }: { value: unknown }): [SerializedThrow, Transferable[]] {
  if (value instanceof PersonaError) return [{ isError: true, value: cloneError(value) }, []];
  if (value instanceof Error) return [{ isError: true, value: { name: value.name, message: value.message, stack: value.stack } }, []];
  return [{ isError: false, value }, []];
}

function deserialize(serialized: SerializedThrow): never {
  // A non-Error thrown in the worker is rethrown as it was.
  throw serialized.isError ? reviveError(serialized.value as Record<string, unknown>) : serialized.value;
}

let installed = false;

/** Call once in each realm (page and worker) before any comlink call. */
export function installNamedErrorTransfer(): void {
  const original = transferHandlers.get('throw');
  if (installed || !original) return;
  installed = true;
  const handler: TransferHandler<{ value: unknown }, SerializedThrow> = {
    // Which values are thrown results stays comlink's business (its private marker).
    canHandle: (value: unknown): value is { value: unknown } => original.canHandle(value),
    serialize,
    deserialize,
  };
  transferHandlers.set('throw', handler);
}
