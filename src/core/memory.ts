// Facts about the user that Persona keeps, each traceable to the events it came from.

export type MemoryAuthor = 'user' | 'model' | 'import' | 'system';

/** One state a memory was in; the newest is the memory itself, the list is its change history. */
export interface MemoryRevision {
  at: number;
  text: string;
  confidence: number;
  pinned: boolean;
  by: MemoryAuthor;
  /** Why it changed: 'created', 'edited', 'merged', 'source deleted', … */
  reason: string;
}

export interface Memory {
  id: string;
  text: string;
  /** Free-form grouping: 'preference', 'fact', 'goal', … */
  category?: string;
  /** Events this memory was drawn from (its provenance). */
  sourceEventIds: string[];
  confidence: number;
  pinned: boolean;
  createdAt: number;
  updatedAt: number;
  history: MemoryRevision[];
}

export interface MemoryInput {
  id?: string;
  text: string;
  category?: string;
  sourceEventIds?: string[];
  confidence?: number;
  pinned?: boolean;
  by?: MemoryAuthor;
}
