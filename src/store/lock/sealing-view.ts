// The store modules read and write plain records; this view puts the lock's field seal (field-seal.ts) between them
// and IndexedDB, inside the same transaction: content stores' values are opened as they are read (get, getAll,
// cursors, through indexes too) and sealed as they are written (put, add, cursor updates). Keys, counts and key
// cursors pass through unchanged: their fields stay in the clear by design.
import { LOCKED_STORES } from '../schema';
import { LockedError } from '../../core/errors';
import { openedValue, type FieldSeal, type SealedStoreName } from './field-seal';

/** How one transaction treats content: `seal` opens what it reads; `sealWrites` says whether writes are sealed. */
export interface SealingMode {
  seal: FieldSeal | undefined;
  /** Set by the write path once it has read the lock record inside the transaction. */
  sealWrites: boolean;
}

const CONTENT = new Set<string>([...LOCKED_STORES, 'staging']);
const MOVES = new Set<PropertyKey>(['continue', 'advance', 'continuePrimaryKey']);
/** Iteration helpers would hand out raw values; Persona's stores do not use them, and the view refuses them. */
const REFUSED = new Set<PropertyKey>(['iterate', Symbol.asyncIterator]);

type Callable = (...args: unknown[]) => unknown;

/** `tx` with its content stores seen through `mode`; other stores are returned as they are. */
export function sealingView<T extends object>(tx: T, mode: SealingMode): T {
  return forward(tx, (target, prop, value) => {
    if (prop !== 'objectStore') return undefined;
    return (name: string) => {
      const store = (value as Callable).call(target, name) as object;
      return CONTENT.has(name) ? storeView(name as SealedStoreName, store, mode) : store;
    };
  });
}

function storeView(store: SealedStoreName, objects: object, mode: SealingMode): object {
  return forward(objects, (target, prop, value) => {
    if (prop === 'put' || prop === 'add') return (record: unknown, key?: IDBValidKey) => (value as Callable).call(target, sealed(store, record, mode), key);
    if (prop === 'index') return (name: string) => readerView(store, (value as Callable).call(target, name) as object, mode);
    return readMethod(store, target, prop, value, mode);
  });
}

function readerView(store: SealedStoreName, index: object, mode: SealingMode): object {
  return forward(index, (target, prop, value) => readMethod(store, target, prop, value, mode));
}

function readMethod(store: SealedStoreName, target: object, prop: PropertyKey, value: unknown, mode: SealingMode): unknown {
  if (REFUSED.has(prop)) throw new TypeError(`${String(prop)} is not available through the lock's view: use a cursor`);
  if (prop === 'get') return async (query: unknown) => openedValue(store, await (value as Callable).call(target, query), mode.seal);
  if (prop === 'getAll') {
    return async (...args: unknown[]) => ((await (value as Callable).apply(target, args)) as unknown[]).map((item) => openedValue(store, item, mode.seal));
  }
  if (prop === 'openCursor') return async (...args: unknown[]) => cursorView(store, (await (value as Callable).apply(target, args)) as object | null, mode);
  return undefined;
}

function cursorView(store: SealedStoreName, cursor: object | null, mode: SealingMode): object | null {
  if (!cursor) return null;
  return forward(cursor, (target, prop, value) => {
    if (prop === 'value') return openedValue(store, value, mode.seal);
    if (prop === 'update') return (record: unknown) => (value as Callable).call(target, sealed(store, record, mode));
    if (MOVES.has(prop)) return async (...args: unknown[]) => cursorView(store, (await (value as Callable).apply(target, args)) as object | null, mode);
    return undefined;
  });
}

function sealed(store: SealedStoreName, record: unknown, mode: SealingMode): unknown {
  if (!mode.sealWrites) return record;
  if (!mode.seal) throw new LockedError('this tab has not unlocked the data');
  return mode.seal.seal(store, record);
}

/**
 * A proxy whose `override` may replace a property (return non-undefined); everything else is the target's own,
 * methods bound to it (idb's wrappers check their receiver).
 */
function forward<T extends object>(target: T, override: (target: T, prop: PropertyKey, value: unknown) => unknown): T {
  return new Proxy(target, {
    get(object, prop) {
      const value: unknown = Reflect.get(object, prop, object);
      const replaced = override(object, prop, value);
      if (replaced !== undefined) return replaced;
      return typeof value === 'function' ? (value as Callable).bind(object) : value;
    },
  });
}
