// Facts about the user with provenance and a full change history. Every change appends a revision, so the user can
// see when and why a memory became what it is.
import { InvalidInputError } from '../core/errors';
import { memoryInputSchema, memoryPatchSchema, parseInput } from '../core/input-validation';
import type { Memory, MemoryAuthor, MemoryInput, MemoryRevision } from '../core/memory';
import { describeChange } from './change-feed';
import type { StoreConnection } from './connection';

export interface MemoryQuery {
  pinned?: boolean;
  category?: string;
  /** Case-insensitive substring of the text. */
  text?: string;
  /** Memories drawn from this event. */
  sourceEventId?: string;
}

export type MemoryPatch = Partial<Pick<Memory, 'text' | 'category' | 'sourceEventIds' | 'confidence'>>;

export class MemoryStore {
  constructor(private readonly connection: StoreConnection) {}

  async add(input: MemoryInput): Promise<Memory> {
    const valid = parseInput(memoryInputSchema, input, 'memory');
    const now = this.connection.clock();
    const by = valid.by ?? 'user';
    const memory: Memory = {
      id: valid.id ?? this.connection.newId(),
      text: valid.text,
      sourceEventIds: [...new Set(valid.sourceEventIds ?? [])],
      confidence: valid.confidence ?? 1,
      pinned: valid.pinned ?? false,
      createdAt: now,
      updatedAt: now,
      history: [],
    };
    if (valid.category !== undefined) memory.category = valid.category;
    memory.history.push(revision(memory, now, by, 'created'));
    await this.connection.write(['memories'], async (tx, changes) => {
      if (await tx.objectStore('memories').count(memory.id)) throw new InvalidInputError('memory.id', `"${memory.id}" already exists`);
      await tx.objectStore('memories').add(memory);
      changes.push(describeChange('memories', 'put', [memory.id]));
    });
    return memory;
  }

  async get(id: string): Promise<Memory | undefined> {
    return this.connection.read(['memories']).objectStore('memories').get(id);
  }

  /** Pinned first, then most recently updated. Memories number in the hundreds, so filtering happens here. */
  async list(query: MemoryQuery = {}): Promise<Memory[]> {
    const store = this.connection.read(['memories']).objectStore('memories');
    const all = query.sourceEventId !== undefined ? await store.index('by-source').getAll(query.sourceEventId) : await store.getAll();
    const needle = query.text?.toLocaleLowerCase();
    return all
      .filter((m) => query.pinned === undefined || m.pinned === query.pinned)
      .filter((m) => query.category === undefined || m.category === query.category)
      .filter((m) => needle === undefined || m.text.toLocaleLowerCase().includes(needle))
      .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt);
  }

  async update(id: string, patch: MemoryPatch, by: MemoryAuthor = 'user', reason = 'edited'): Promise<Memory> {
    const valid = parseInput(memoryPatchSchema, patch, 'patch');
    return this.#change(id, by, reason, (memory) => {
      if (valid.text !== undefined) memory.text = valid.text;
      if (valid.category !== undefined) memory.category = valid.category;
      if (valid.sourceEventIds !== undefined) memory.sourceEventIds = [...new Set(valid.sourceEventIds)];
      if (valid.confidence !== undefined) memory.confidence = valid.confidence;
    });
  }

  async pin(id: string, pinned = true): Promise<Memory> {
    return this.#change(id, 'user', pinned ? 'pinned' : 'unpinned', (memory) => {
      memory.pinned = pinned;
    });
  }

  async delete(id: string): Promise<boolean> {
    return this.connection.write(['memories'], async (tx, changes) => {
      if (!(await tx.objectStore('memories').count(id))) return false;
      await tx.objectStore('memories').delete(id);
      changes.push(describeChange('memories', 'delete', [id]));
      return true;
    }, undefined, { usesReserve: true });
  }

  async history(id: string): Promise<MemoryRevision[]> {
    return (await this.get(id))?.history ?? [];
  }

  async #change(id: string, by: MemoryAuthor, reason: string, mutate: (memory: Memory) => void): Promise<Memory> {
    const now = this.connection.clock();
    return this.connection.write(['memories'], async (tx, changes) => {
      const current = await tx.objectStore('memories').get(id);
      if (!current) throw new InvalidInputError('memory.id', `"${id}" does not exist`);
      const next: Memory = { ...current, sourceEventIds: [...current.sourceEventIds], updatedAt: now };
      mutate(next);
      next.history = [...current.history, revision(next, now, by, reason)];
      await tx.objectStore('memories').put(next);
      changes.push(describeChange('memories', 'put', [id]));
      return next;
    });
  }
}

function revision(memory: Memory, at: number, by: MemoryAuthor, reason: string): MemoryRevision {
  return { at, text: memory.text, confidence: memory.confidence, pinned: memory.pinned, by, reason };
}
