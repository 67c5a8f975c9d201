// Passphrase-encrypted exports: they round-trip, and a wrong passphrase or any damage to the file is refused
// before anything is changed. Runs in Node (WebCrypto on globalThis) and in Chromium.
import { describe, expect, test } from 'vitest';
import { ImportFormatError, TamperedExportError, WrongPassphraseError } from '../../../src/core/errors';
import { PersonaStore } from '../../../src/store/persona-store';
import { PassphraseRequiredError } from '../../../src/core/errors';
import { ENCRYPTED_MAGIC, MIN_ITERATIONS } from '../../../src/store/transfer/encryption';
import { stagedCount } from '../../../src/store/transfer/staging';
import { manualClock, uniqueName } from '../../support/store';

const SLOW = 60_000;
const PASSPHRASE = 'correct horse battery staple';

// A fixed clock: exported segments are stamped with the export time, and comparisons need it stable.
async function open(name = uniqueName('t')): Promise<PersonaStore> {
  return PersonaStore.open({ name, clock: manualClock().now });
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function recordNotes(store: PersonaStore, count: number, prefix = 'n'): Promise<void> {
  await store.record(
    Array.from({ length: count }, (_, i) => ({ id: `${prefix}${String(i).padStart(5, '0')}`, ts: 1_000 + i, kind: 'note' as const, text: `${'lorem ipsum '.repeat(25)}${i}` })),
  );
}

/** Records of a full plain export minus the header's createdAt. */
async function exportedRecords(store: PersonaStore): Promise<unknown[]> {
  const text = await new Response(store.export({ includeVectors: true })).text();
  const [header, ...rest] = text
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const { createdAt: _createdAt, ...stable } = header ?? {};
  return [stable, ...rest];
}

/** Where the frames start and how long each is ([offset, total frame length]). */
function frames(file: Uint8Array): { bodyStart: number; frames: [number, number][] } {
  const firstNewline = file.indexOf(0x0a);
  const bodyStart = file.indexOf(0x0a, firstNewline + 1) + 1;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const list: [number, number][] = [];
  for (let at = bodyStart; at < file.length; ) {
    const length = 4 + view.getUint32(at, false);
    list.push([at, length]);
    at += length;
  }
  return { bodyStart, frames: list };
}

describe('encrypted export', () => {
  test('round-trips at the default 600,000 iterations, vectors included', { timeout: SLOW }, async () => {
    const name = uniqueName('t');
    const store = await open(name);
    await recordNotes(store, 20);
    await store.memories.add({ text: 'Secret fact' });
    await store.segments.appendVectors('mini', 3, ['n00000', 'n00001'], Float32Array.of(1, 2, 3, 4, 5, 6));
    const before = await exportedRecords(store);
    const vectors = await store.segments.loadVectors('mini');
    const file = await bytesOf(store.export({ includeVectors: true, passphrase: PASSPHRASE }));

    const text = new TextDecoder().decode(file.subarray(0, 400));
    expect(text.startsWith(ENCRYPTED_MAGIC)).toBe(true);
    expect(text).toContain('"iterations":600000');
    // Nothing of the plaintext shows through.
    expect(new TextDecoder('utf-8', { fatal: false }).decode(file)).not.toContain('lorem ipsum');

    await store.wipe({ cacheNames: [] });
    const restored = await open(name);
    await expect(restored.import(new Blob([file]))).rejects.toMatchObject({ name: 'PassphraseRequiredError' });
    await expect(restored.import(new Blob([file]))).rejects.toBeInstanceOf(PassphraseRequiredError);
    const report = await restored.import(new Blob([file]), { passphrase: PASSPHRASE });
    expect(report.encrypted).toBe(true);
    expect(report.added.event).toBe(20);
    expect(await exportedRecords(restored)).toEqual(before);
    expect(await restored.segments.loadVectors('mini')).toEqual(vectors);
    restored.close();
  });

  test('5,000 events round-trip encrypted, a 64 KiB chunk at a time', { timeout: SLOW }, async () => {
    const source = await open();
    await recordNotes(source, 5_000);
    const file = await bytesOf(source.export({ passphrase: PASSPHRASE, iterations: MIN_ITERATIONS }));
    expect(frames(file).frames.length).toBeGreaterThan(20);
    const target = await open();
    const preview = await target.previewImport(new Blob([file]), { passphrase: PASSPHRASE });
    expect(preview.added.event).toBe(5_000);
    expect(await target.events.count()).toBe(0);
    const report = await target.import(new Blob([file]), { passphrase: PASSPHRASE });
    expect(report.added.event).toBe(5_000);
    expect(await target.events.get('n04999')).toEqual(await source.events.get('n04999'));
    source.close();
    target.close();
  });
});

interface Expected {
  type: new (...args: never[]) => Error;
  line?: number;
  reason?: RegExp;
}

describe('refused encrypted files change nothing', () => {
  let file: Uint8Array<ArrayBuffer> | undefined;
  async function encryptedFile(): Promise<Uint8Array<ArrayBuffer>> {
    if (!file) {
      const source = await open();
      // About 300 KB of plaintext: several frames to reorder, cut and drop.
      await recordNotes(source, 800);
      file = await bytesOf(source.export({ passphrase: PASSPHRASE, iterations: MIN_ITERATIONS }));
      source.close();
    }
    return file;
  }

  const withHeader = (bytes: Uint8Array, change: (header: Record<string, unknown>) => void): Uint8Array<ArrayBuffer> => {
    const { bodyStart } = frames(bytes);
    const lines = new TextDecoder().decode(bytes.subarray(0, bodyStart)).split('\n');
    const header = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
    change(header);
    const head = new TextEncoder().encode(`${lines[0] ?? ''}\n${JSON.stringify(header)}\n`);
    const out = new Uint8Array(head.length + bytes.length - bodyStart);
    out.set(head, 0);
    out.set(bytes.subarray(bodyStart), head.length);
    return out;
  };

  const tampered = { type: TamperedExportError };
  const cases: [string, (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>, string, Expected][] = [
    ['a wrong passphrase', (b) => b, 'incorrect horse', { type: WrongPassphraseError }],
    [
      'a flipped byte in the middle',
      (b) => {
        const copy = b.slice();
        const middle = Math.floor(copy.length / 2);
        copy[middle] = (copy[middle] as number) ^ 0x01;
        return copy;
      },
      PASSPHRASE,
      tampered,
    ],
    ['a truncated last chunk', (b) => b.slice(0, b.length - 7), PASSPHRASE, tampered],
    [
      'a dropped last chunk',
      (b) => {
        const last = frames(b).frames.at(-1) as [number, number];
        return b.slice(0, last[0]);
      },
      PASSPHRASE,
      tampered,
    ],
    [
      'two chunks swapped',
      (b) => {
        const [first, second] = frames(b).frames as [[number, number], [number, number]];
        const copy = b.slice();
        copy.set(b.subarray(second[0], second[0] + second[1]), first[0]);
        copy.set(b.subarray(first[0], first[0] + first[1]), first[0] + second[1]);
        return copy;
      },
      PASSPHRASE,
      tampered,
    ],
    [
      'a dropped middle chunk',
      (b) => {
        const [, second] = frames(b).frames as [[number, number], [number, number]];
        const copy = new Uint8Array(b.length - second[1]);
        copy.set(b.subarray(0, second[0]), 0);
        copy.set(b.subarray(second[0] + second[1]), second[0]);
        return copy;
      },
      PASSPHRASE,
      tampered,
    ],
    [
      'an edited chunk size in the header',
      (b) =>
        withHeader(b, (h) => {
          h.chunkBytes = 32_768;
        }),
      PASSPHRASE,
      tampered,
    ],
    [
      'too few iterations',
      (b) =>
        withHeader(b, (h) => {
          h.iterations = 1_000;
        }),
      PASSPHRASE,
      { type: ImportFormatError, line: 0, reason: /at least 100000/ },
    ],
    [
      'too many iterations',
      (b) =>
        withHeader(b, (h) => {
          h.iterations = 50_000_000;
        }),
      PASSPHRASE,
      { type: ImportFormatError, line: 0, reason: /at most 10000000/ },
    ],
    ['a cut-off header', (b) => b.slice(0, 40), PASSPHRASE, tampered],
  ];

  test.each(cases)('%s', { timeout: SLOW }, async (_label, damage, passphrase, expected) => {
    const damaged = damage(await encryptedFile());
    const target = await open();
    await recordNotes(target, 5, 'keep');
    await target.memories.add({ text: 'Keep me' });
    const before = await exportedRecords(target);
    const error: unknown = await target.import(new Blob([damaged]), { passphrase }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(expected.type);
    if (expected.line !== undefined) expect((error as ImportFormatError).line).toBe(expected.line);
    if (expected.reason) expect((error as ImportFormatError).reason).toMatch(expected.reason);
    expect(await exportedRecords(target)).toEqual(before);
    expect(await stagedCount(target.connection)).toBe(0);
    target.close();
  });
});

describe('export options', () => {
  test('refuses an empty passphrase and out-of-range iterations at once', async () => {
    const store = await open();
    expect(() => store.export({ passphrase: '' })).toThrow(/passphrase/);
    expect(() => store.export({ passphrase: PASSPHRASE, iterations: 1_000 })).toThrow(/iterations/);
    expect(() => store.export({ passphrase: PASSPHRASE, iterations: 20_000_000 })).toThrow(/iterations/);
    store.close();
  });
});
