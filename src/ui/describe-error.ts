// What a view shows when something fails: Persona's named errors already say what happened and what to do, so they
// are shown by name; anything else is shown as what it is, never swallowed.
import { PersonaError } from '../core/errors';

export function describeError(error: unknown): string {
  if (error instanceof PersonaError) return `${error.name}: ${error.message}`;
  if (error instanceof Error) return `Something went wrong (${error.name}): ${error.message}`;
  return `Something went wrong: ${String(error)}`;
}
