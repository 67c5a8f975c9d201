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

/**
 * The full export (events, memories, profile, feedback, settings and the vector and keyword segments) without the
 * times the export itself stamps: the header's and each segment's createdAt are the moment of exporting.
 */
export async function fullExport(persona: Persona): Promise<unknown[]> {
  const text = await new Response(await persona.export({ includeVectors: true })).text();
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const record = JSON.parse(line) as { type?: string; data?: { createdAt?: number } };
      if (record.type === 'segment') delete record.data?.createdAt;
      return record;
    });
}
