// A stored value as bytes and back, exactly: what the lock seals. Persona's records are JSON values plus typed
// arrays (vectors, postings), so the encoding is JSON in which each typed array becomes a tagged base64 object.
// The tag is a random marker drawn per value and written before the JSON: a user's own metadata, recorded before
// the marker existed, cannot contain it by chance or by design, so decoding never turns user data into an array.
import { fromBase64, toBase64 } from '../transfer/bytes';

const TYPED_ARRAYS = {
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

const MARKER_BYTES = 12;

function typedArrayName(value: ArrayBufferView): TypedArrayName {
  for (const [name, type] of Object.entries(TYPED_ARRAYS)) if (value instanceof type) return name as TypedArrayName;
  throw new TypeError(`cannot seal a ${Object.prototype.toString.call(value)}`);
}

export function encodeValue(value: unknown): Uint8Array<ArrayBuffer> {
  const marker = `$sealed-array:${toBase64(crypto.getRandomValues(new Uint8Array(MARKER_BYTES)))}`;
  const json = JSON.stringify(value, (_key, item: unknown) => {
    if (!ArrayBuffer.isView(item)) return item;
    const bytes = new Uint8Array(item.buffer, item.byteOffset, item.byteLength);
    return { [marker]: [typedArrayName(item), toBase64(bytes)] };
  });
  return new TextEncoder().encode(`${marker}\n${json}`);
}

export function decodeValue(bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const newline = text.indexOf('\n');
  if (newline === -1) throw new TypeError('sealed value has no marker line');
  const marker = text.slice(0, newline);
  return JSON.parse(text.slice(newline + 1), (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || !Object.hasOwn(item, marker)) return item;
    const [name, base64] = (item as Record<string, [TypedArrayName, string]>)[marker] as [TypedArrayName, string];
    const raw = fromBase64(base64);
    const type = TYPED_ARRAYS[name] as (typeof TYPED_ARRAYS)[TypedArrayName] | undefined;
    if (!raw || !type) throw new TypeError('sealed value holds a damaged array');
    return new type(raw.buffer);
  });
}
