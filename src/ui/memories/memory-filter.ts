// Which memories the Memories view shows for its search box and filters. The whole list is read once (memories
// number in the hundreds) and filtered here, so typing never waits on the worker and the category choices come
// from what is stored.
import type { Memory, MemoryAuthor } from '../../core/memory';

export interface MemoryFilter {
  /** Case-insensitive words that must all appear in the text or the category. */
  text: string;
  /** '' for every category. */
  category: string;
  pinned: 'all' | 'pinned' | 'unpinned';
}

export const NO_FILTER: MemoryFilter = { text: '', category: '', pinned: 'all' };

export function filterMemories(memories: readonly Memory[], filter: MemoryFilter): Memory[] {
  const words = filter.text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  return memories.filter((memory) => {
    if (filter.category !== '' && memory.category !== filter.category) return false;
    if (filter.pinned === 'pinned' && !memory.pinned) return false;
    if (filter.pinned === 'unpinned' && memory.pinned) return false;
    const haystack = `${memory.text} ${memory.category ?? ''}`.toLocaleLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** The categories in use, sorted, for the filter's choices. */
export function memoryCategories(memories: readonly Memory[]): string[] {
  return [...new Set(memories.flatMap((memory) => (memory.category ? [memory.category] : [])))].sort((a, b) => a.localeCompare(b));
}

const AUTHORS: Readonly<Record<MemoryAuthor, string>> = {
  user: 'you',
  model: 'the model',
  import: 'an import',
  system: 'Persona',
};

export function authorName(by: MemoryAuthor): string {
  return AUTHORS[by];
}
