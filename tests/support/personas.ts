// Opens Personas (createPersona: the engine in its worker) for one browser test file and closes them all after it.
// Each gets a model channel of its own, so test files never share a model-running tab.
import { afterAll } from 'vitest';
import { createPersona, type Persona, type PersonaOptions } from '../../src/persona';

/** `options` apply to every Persona it opens (e.g. a storage bucket). */
export function personaOpener(defaultName: string, options: PersonaOptions = {}): (name?: string) => Promise<Persona> {
  const opened: Persona[] = [];
  afterAll(async () => {
    for (const persona of opened) await persona.close();
  });
  return async (name = defaultName) => {
    const persona = await createPersona({ ...options, name, modelChannel: `llm-${crypto.randomUUID()}` });
    opened.push(persona);
    return persona;
  };
}

export { fullExport } from './full-export';
