// A whole export read back as records, for before/after comparisons: through a Persona (its worker) or a store.
import type { Persona } from '../../src/persona';
import type { PersonaStore } from '../../src/store/persona-store';

/**
 * The full export (events, memories, profile, feedback, settings and the vector and keyword segments) without the
 * times the export itself stamps: the header's and each segment's createdAt are the moment of exporting.
 */
export async function fullExport(persona: Pick<Persona, 'export'> | Pick<PersonaStore, 'export'>): Promise<unknown[]> {
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
