// Reads a Persona database the way someone holding the device would: straight from IndexedDB, bypassing Persona,
// every object store, every key and value. Strings are collected as they are; bytes (ArrayBuffers, typed arrays)
// are decoded as UTF-8, so text hidden in a binary field is found too.
import { openDB } from 'idb';

export interface RawDump {
  stores: string[];
  /** Every record, by store, as structured-clone values: to compare before and after. */
  records: Record<string, { keys: IDBValidKey[]; values: unknown[] }>;
  /** Every string found anywhere in keys and values. */
  text: string;
}

function collect(value: unknown, out: string[], seen: Set<object>): void {
  if (typeof value === 'string') {
    out.push(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof ArrayBuffer) {
    out.push(new TextDecoder().decode(value));
  } else if (ArrayBuffer.isView(value)) {
    out.push(new TextDecoder().decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)));
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      collect(k, out, seen);
      collect(v, out, seen);
    }
  } else if (value instanceof Set || Array.isArray(value)) {
    for (const item of value) collect(item, out, seen);
  } else {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      collect(v, out, seen);
    }
  }
}

/** Opens the database at whatever version it is (no upgrade), dumps it, and closes it again. */
export async function dumpDatabase(name: string): Promise<RawDump> {
  const db = await openDB(name);
  try {
    const stores = [...db.objectStoreNames];
    const records: RawDump['records'] = {};
    const strings: string[] = [];
    const tx = db.transaction(stores, 'readonly');
    for (const store of stores) {
      const [keys, values] = await Promise.all([tx.objectStore(store).getAllKeys(), tx.objectStore(store).getAll()]);
      records[store] = { keys, values };
      collect(keys, strings, new Set());
      collect(values, strings, new Set());
    }
    await tx.done;
    return { stores, records, text: strings.join('\n') };
  } finally {
    db.close();
  }
}

/** Which of `needles` occur anywhere in the dump, case-insensitively. */
export function foundIn(dump: RawDump, needles: readonly string[]): string[] {
  const haystack = dump.text.toLowerCase();
  return needles.filter((needle) => haystack.includes(needle.toLowerCase()));
}
