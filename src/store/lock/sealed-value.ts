// A stored value as bytes and back, exactly: what the lock seals. Persona's records are JSON values plus typed
// arrays (vectors, postings), so the encoding is JSON in which each typed array becomes a tag, its bytes following
// the JSON as they are (a 100k-vector store is 150 MB of floats: no text detour for them).
//
// Layout (version 1): byte 0 = 1; a u32 (little-endian) header length and a u32 JSON length; the header, JSON
// [marker, [[type, offset, byteLength], …]]; the value's JSON; then each array's bytes at its offset (8-aligned).
// The marker is random, drawn per value that has arrays: a user's own metadata, recorded before the marker existed,
// cannot contain it by chance or by design, so decoding never turns user data into an array.
//
// Version 0 (base64 arrays inside the JSON, a marker line first) is what the first locks wrote; it still decodes.
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
type ArrayEntry = [name: TypedArrayName, offset: number, byteLength: number];

const MARKER_BYTES = 12;
const VERSION = 1;
const PREFIX_BYTES = 9;

function typedArrayName(value: ArrayBufferView): TypedArrayName {
  for (const [name, type] of Object.entries(TYPED_ARRAYS)) if (value instanceof type) return name as TypedArrayName;
  throw new TypeError(`cannot seal a ${Object.prototype.toString.call(value)}`);
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export function encodeValue(value: unknown): Uint8Array<ArrayBuffer> {
  let marker = '';
  const arrays: ArrayBufferView[] = [];
  const json = JSON.stringify(value, (_key, item: unknown) => {
    if (!ArrayBuffer.isView(item)) return item;
    marker ||= `$sealed-array:${toBase64(crypto.getRandomValues(new Uint8Array(MARKER_BYTES)))}`;
    arrays.push(item);
    return { [marker]: arrays.length - 1 };
  });
  const encoder = new TextEncoder();
  const body = encoder.encode(json);
  // Offsets are known before the header is written: they depend only on the lengths, header length aside.
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const array of arrays) {
    entries.push([typedArrayName(array), offset, array.byteLength]);
    offset = align8(offset + array.byteLength);
  }
  const header = encoder.encode(JSON.stringify([marker, entries]));
  const start = align8(PREFIX_BYTES + header.length + body.length);
  const bytes = new Uint8Array(start + offset);
  bytes[0] = VERSION;
  const view = new DataView(bytes.buffer);
  view.setUint32(1, header.length, true);
  view.setUint32(5, body.length, true);
  bytes.set(header, PREFIX_BYTES);
  bytes.set(body, PREFIX_BYTES + header.length);
  arrays.forEach((array, i) => {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), start + (entries[i] as ArrayEntry)[1]);
  });
  return bytes;
}

export function decodeValue(bytes: Uint8Array): unknown {
  if (bytes[0] !== VERSION) return decodeVersion0(bytes);
  if (bytes.length < PREFIX_BYTES) throw new TypeError('sealed value is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(1, true);
  const bodyLength = view.getUint32(5, true);
  if (PREFIX_BYTES + headerLength + bodyLength > bytes.length) throw new TypeError('sealed value is cut short');
  const start = align8(PREFIX_BYTES + headerLength + bodyLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const [marker, entries] = JSON.parse(decoder.decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength))) as [string, ArrayEntry[]];
  const body = decoder.decode(bytes.subarray(PREFIX_BYTES + headerLength, PREFIX_BYTES + headerLength + bodyLength));
  // Most records (events, memories) hold no arrays: plain JSON.parse, no reviver call per value.
  if (entries.length === 0) return JSON.parse(body);
  return JSON.parse(body, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || !Object.hasOwn(item, marker)) return item;
    const entry = entries[(item as Record<string, number>)[marker] as number];
    const type = entry ? (TYPED_ARRAYS[entry[0]] as (typeof TYPED_ARRAYS)[TypedArrayName] | undefined) : undefined;
    const whole = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
    if (!entry || !type || !whole(entry[1]) || !whole(entry[2]) || start + entry[1] + entry[2] > bytes.length || entry[2] % type.BYTES_PER_ELEMENT !== 0) {
      throw new TypeError('sealed value holds a damaged array');
    }
    const from = start + entry[1];
    // A copy: the array must not keep the whole decrypted buffer alive, nor depend on its alignment.
    return new type(bytes.slice(from, from + entry[2]).buffer);
  });
}

function decodeVersion0(bytes: Uint8Array): unknown {
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
