// Export, import and wipe of a whole store: round trips, merge and replace, and files that must be refused whole.
// Runs in Node (fake-indexeddb) and in Chromium, so it uses web-platform APIs only.
import { describe, expect, test } from 'vitest';
import { ImportFormatError } from '../../../src/core/errors';
import { documentsOf, facetsOf } from '../../../src/core/postings';
import { EmbeddingQueue } from '../../../src/store/embedding-queue';
import type { ChangeMessage } from '../../../src/store/change-feed';
import { PersonaStore } from '../../../src/store/persona-store';
import { LATEST_VERSION } from '../../../src/store/migrations';
import { MAX_LINE_BYTES } from '../../../src/store/transfer/format';
import { stagedCount } from '../../../src/store/transfer/staging';
import { PERSONA_CACHES, matchesCache } from '../../../src/store/transfer/wipe';
import { manualClock, uniqueName } from '../../support/store';

const SLOW = 60_000;

async function open(name = uniqueName('t')): Promise<PersonaStore> {
  // Keyword indexing off: these tests count the segments they add themselves.
  return PersonaStore.open({ name, clock: manualClock().now, tokenizer: null });
}

/** Events of several kinds, memories with history, a profile, feedback, settings, vectors and postings. */
async function seed(store: PersonaStore, prefix = 'e', count = 12): Promise<void> {
  await store.record(
    Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${i}`,
      ts: Date.UTC(2025, 5, 1) + i * 60_000,
      kind: i % 3 === 0 ? ('message' as const) : i % 3 === 1 ? ('rating' as const) : ('view' as const),
      text: `event ${i}: café ☕ "quoted"\nline`,
      ...(i % 3 === 0 ? { role: 'user' as const, sessionId: 's1' } : {}),
      ...(i % 3 === 1 ? { rating: i / 2, itemId: `item-${i}` } : {}),
      ...(i % 3 === 2 ? { url: `https://example.org/p/${i}` } : {}),
      metadata: { n: i, tags: ['a', 'b'], nested: { ok: true } },
    })),
  );
  const memory = await store.memories.add({ id: `${prefix}-m1`, text: 'Likes green tea', category: 'preference', sourceEventIds: [`${prefix}0`, `${prefix}3`] });
  await store.memories.update(memory.id, { text: 'Likes green and white tea', confidence: 0.8 });
  await store.memories.pin(memory.id);
  await store.memories.add({ id: `${prefix}-m2`, text: 'Writes in French', by: 'model' });
  await store.profile.setPreference('tone', 'dry');
  await store.profile.setSummary({ text: 'A tea drinker.', by: 'user', sourceEventIds: [`${prefix}0`] });
  await store.profile.setTraits({ verbosity: 0.3, topics: ['tea'] });
  await store.feedback.add({ answerId: 'a1', signal: 'up' });
  await store.feedback.add({ answerId: 'a2', signal: 'edit', editedText: 'Better answer', note: 'too long' });
  await store.settings.set('ui.theme', 'dark');
  await store.settings.set('models', { embed: 'mini', dims: [4] });
  const vectorIds = Array.from({ length: 8 }, (_, i) => `${prefix}${i}`);
  await store.segments.appendVectors('mini', 4, vectorIds, Float32Array.from({ length: 32 }, (_, i) => i / 7));
  // A later vector supersedes the first copy of e2; deleting e3 tombstones it: neither dead slot is exported.
  await store.segments.appendVectors('mini', 4, [`${prefix}2`], Float32Array.of(9, 8, 7, 6));
  await store.segments.appendPostings('words', [
    { id: `${prefix}0`, terms: new Map([['tea', 2], ['green', 1]]) },
    { id: `${prefix}1`, terms: new Map([['café', 1]]) },
    { id: `${prefix}3`, terms: new Map([['tea', 1]]) },
  ]);
  await store.events.delete(`${prefix}3`);
}

async function snapshot(store: PersonaStore) {
  const postings = await store.segments.load('postings:words');
  return {
    events: (await store.events.list({ order: 'asc', limit: 10_000 })).events,
    count: await store.events.count(),
    bytes: await store.events.bytes(),
    memories: await store.memories.list(),
    profile: await store.profile.get(),
    feedback: await store.feedback.list(),
    settings: await store.settings.all(),
    vectors: await store.segments.loadVectors('mini'),
    postings: postings?.segments.flatMap((segment) => {
      const docs = postings.kind === 'postings' && segment.postings ? documentsOf(segment.postings) : [];
      return segment.ids.flatMap((id, slot) => (segment.live[slot] ? [[id, [...(docs[slot] ?? new Map<string, number>())].sort()]] : []));
    }),
  };
}

async function toBlob(stream: ReadableStream<Uint8Array>): Promise<Blob> {
  return new Response(stream).blob();
}

function textBlob(lines: readonly string[]): Blob {
  return new Blob([lines.map((line) => `${line}\n`).join('')]);
}

async function exportLines(store: PersonaStore, includeVectors = true): Promise<string[]> {
  const text = await (await toBlob(store.export({ includeVectors }))).text();
  return text.split('\n').slice(0, -1);
}

/** Every record of a full export, header included without its createdAt: equal means the data is equal. */
async function exportedRecords(store: PersonaStore): Promise<unknown[]> {
  const [header, ...rest] = (await exportLines(store)).map((line) => JSON.parse(line) as Record<string, unknown>);
  const { createdAt: _createdAt, ...stable } = header ?? {};
  return [stable, ...rest];
}

describe('export format', () => {
  test('writes a header, one record per line and an end record with counts', async () => {
    const store = await open();
    await seed(store);
    const lines = (await exportLines(store)).map((line) => JSON.parse(line) as { type?: string; format?: string; counts?: unknown });
    expect(lines[0]).toMatchObject({ format: 'persona-export', version: 1, schemaVersion: LATEST_VERSION, includes: { vectors: true } });
    expect(lines.at(-1)).toEqual({ type: 'end', counts: { event: 11, memory: 2, profile: 1, feedback: 2, setting: 2, segment: 3 } });
    const segments = lines.filter((line) => line.type === 'segment') as unknown as { data: { ids: string[]; model: string; dim: number } }[];
    // Live slots only: e2's first copy and the deleted e3 are gone.
    expect(segments.map((s) => [s.data.model, s.data.dim, s.data.ids])).toEqual([
      ['words', 0, ['e0', 'e1']],
      ['mini', 4, ['e0', 'e1', 'e4', 'e5', 'e6', 'e7']],
      ['mini', 4, ['e2']],
    ]);
    const withoutVectors = (await exportLines(store, false)).map((line) => JSON.parse(line) as { type?: string; includes?: unknown });
    expect(withoutVectors[0]?.includes).toEqual({ vectors: false });
    expect(withoutVectors.some((line) => line.type === 'segment')).toBe(false);
    store.close();
  });
});

describe('export → wipe → import', () => {
  test('gives back the same data, vectors included', { timeout: SLOW }, async () => {
    const name = uniqueName('t');
    const store = await open(name);
    await seed(store);
    const before = await snapshot(store);
    const file = await toBlob(store.export({ includeVectors: true }));
    await store.wipe({ cacheNames: [] });

    const restored = await open(name);
    expect(await restored.events.count()).toBe(0);
    const report = await restored.import(file);
    expect(report.added).toEqual({ event: 11, memory: 2, profile: 1, feedback: 2, setting: 2, segment: 3 });
    expect(await snapshot(restored)).toEqual(before);
    expect(await stagedCount(restored.connection)).toBe(0);
    restored.close();
  });

  test('without vectors restores everything else', { timeout: SLOW }, async () => {
    const name = uniqueName('t');
    const store = await open(name);
    await seed(store);
    const before = await snapshot(store);
    const file = await toBlob(store.export());
    await store.wipe({ cacheNames: [] });
    const restored = await open(name);
    await restored.import(file);
    // Without their vectors, the events go back in the embedding queue rather than claim vectors they lack.
    const requeued = before.events.map(({ embedModel: _model, ...event }) => ({ ...event, embedState: event.embedState === 'skipped' ? 'skipped' : 'pending' }));
    expect(await snapshot(restored)).toEqual({ ...before, events: requeued, vectors: undefined, postings: undefined });
    expect(before.events.some((event) => event.embedState === 'done')).toBe(true);
    restored.close();
  });

  test('an export taken while events are being recorded still imports', { timeout: SLOW }, async () => {
    const store = await PersonaStore.open({ name: uniqueName('t') });
    await store.record(Array.from({ length: 1_200 }, (_, i) => ({ id: `e${String(i).padStart(4, '0')}`, kind: 'note' as const, text: `note ${i}` })));
    const reader = store.export({ includeVectors: true }).getReader();
    const chunks: Uint8Array[] = [];
    // The header, then the settings/profile/memories/feedback sections (empty here), then a first chunk of events.
    while (!new TextDecoder().decode(chunks.at(-1)).includes('"type":"event"')) {
      const next = await reader.read();
      if (next.done) throw new Error('the export ended before its events');
      chunks.push(next.value);
    }
    // Recorded after the first chunk of events, and ordered before it: its postings exist, its event line does not.
    await store.record({ id: 'a-late', kind: 'note', text: 'written during the export' });
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    const target = await PersonaStore.open({ name: uniqueName('t') });
    await target.import(new Blob(chunks.map((chunk) => chunk.slice())));
    expect(await target.events.count()).toBe(1_200);
    store.close();
    target.close();
  });

  test("imported vectors of another model than this device's are not trusted: those events are requeued", async () => {
    const source = await PersonaStore.open({ name: uniqueName('t'), tokenizer: null });
    await source.record({ id: 'v1', kind: 'note', text: 'tea' });
    await source.segments.appendVectors('model-a', 2, ['v1'], Float32Array.from([1, 0]));
    const file = await toBlob(source.export({ includeVectors: true }));
    const target = await PersonaStore.open({ name: uniqueName('t'), tokenizer: null });
    await new EmbeddingQueue(target.connection).switchTo('model-b', 2);
    await target.import(file);
    expect((await target.events.get('v1'))?.embedState).toBe('pending');
    const same = await PersonaStore.open({ name: uniqueName('t'), tokenizer: null });
    await new EmbeddingQueue(same.connection).switchTo('model-a', 2);
    await same.import(file);
    expect((await same.events.get('v1'))?.embedState).toBe('done');
    source.close();
    target.close();
    same.close();
  });

  test('keyword postings keep their facets through export and import', async () => {
    const source = await PersonaStore.open({ name: uniqueName('t') });
    await source.record([{ id: 'f1', kind: 'rating', text: 'Arrival', ts: 42_000, source: 'widget:films' }]);
    const file = await toBlob(source.export({ includeVectors: true }));
    const target = await PersonaStore.open({ name: uniqueName('t'), tokenizer: null });
    await target.import(file);
    const loaded = await target.segments.load('postings:words-v1');
    const segment = loaded?.segments[0];
    expect(segment?.postings ? facetsOf(segment.postings) : undefined).toEqual([{ ts: 42_000, kind: 'rating', source: 'widget:films' }]);
    source.close();
    target.close();
  });

  test('imported events get keyword postings, as recorded ones do', async () => {
    const source = await open();
    await source.record([{ id: 'k1', kind: 'note', text: 'matcha latte in Kyoto' }]);
    const file = await toBlob(source.export());
    const target = await PersonaStore.open({ name: uniqueName('t') });
    await target.import(file);
    const loaded = await target.segments.load('postings:words-v1');
    expect(loaded?.segments.flatMap((segment) => segment.ids)).toEqual(['k1']);
    source.close();
    target.close();
  });

  test('announces the import on the change feed', async () => {
    const source = await open();
    await seed(source);
    const file = await toBlob(source.export());
    const target = await open();
    const messages: ChangeMessage[] = [];
    target.subscribe((message) => messages.push(message));
    await target.import(file);
    const stores = messages.flatMap((m) => m.changes.map((c) => c.store));
    expect(stores).toEqual(expect.arrayContaining(['events', 'memories', 'profile', 'feedback', 'settings']));
    // Marked as an import, so listeners reload rather than apply thousands of ids one by one.
    expect(messages.filter((m) => m.lifecycle === 'imported')).toHaveLength(1);
    source.close();
    target.close();
  });

  test('a segment too large for one line is split and still round-trips', { timeout: SLOW }, async () => {
    const source = await open();
    const ids = Array.from({ length: 600 }, (_, i) => `v${i}`);
    await source.record(ids.map((id, i) => ({ id, ts: 1_000 + i, kind: 'view' as const, text: id })));
    const dim = 1_024;
    await source.segments.appendVectors('wide', dim, ids, Float32Array.from({ length: ids.length * dim }, (_, i) => Math.sin(i)));
    const lines = await exportLines(source);
    const segmentLines = lines.filter((line) => line.startsWith('{"type":"segment"'));
    expect(segmentLines.length).toBeGreaterThan(1);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(MAX_LINE_BYTES / 3);
    const target = await open();
    await target.import(textBlob(lines));
    expect(await target.segments.loadVectors('wide')).toEqual(await source.segments.loadVectors('wide'));
    source.close();
    target.close();
  });

  test('5,000 events pass through in chunks', { timeout: SLOW }, async () => {
    const source = await open();
    await source.record(Array.from({ length: 5_000 }, (_, i) => ({ id: `big-${String(i).padStart(5, '0')}`, ts: 1_000 + i, kind: 'view' as const, text: `page ${i}` })));
    let chunks = 0;
    const counted = source.export().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          chunks++;
          controller.enqueue(chunk);
        },
      }),
    );
    const file = await toBlob(counted);
    expect(chunks).toBeGreaterThanOrEqual(10);
    const target = await open();
    const report = await target.import(file);
    expect(report.added.event).toBe(5_000);
    expect(await target.events.count()).toBe(5_000);
    expect(await target.events.get('big-04321')).toEqual(await source.events.get('big-04321'));
    expect(await stagedCount(target.connection)).toBe(0);
    source.close();
    target.close();
  });
});

describe('merge and replace', () => {
  async function overlapping() {
    const source = await open();
    await source.record(Array.from({ length: 10 }, (_, i) => ({ id: `o${i}`, ts: 1_000 + i, kind: 'note' as const, text: `from file ${i}` })));
    await source.settings.set('ui.theme', 'light');
    const file = await toBlob(source.export());
    const target = await open();
    await target.record(Array.from({ length: 10 }, (_, i) => ({ id: `o${i + 5}`, ts: 2_000 + i, kind: 'note' as const, text: `on device ${i + 5}` })));
    await target.settings.set('ui.theme', 'dark');
    await target.settings.set('ui.font', 'serif');
    source.close();
    return { file, target };
  }

  test('merge adds only the new events and keeps existing ones as they are', async () => {
    const { file, target } = await overlapping();
    const preview = await target.previewImport(file);
    expect(preview.added.event).toBe(5);
    expect(preview.skipped.event).toBe(5);
    expect(await target.events.count()).toBe(10);
    expect(await stagedCount(target.connection)).toBe(0);

    const report = await target.import(file);
    expect(report).toMatchObject({ mode: 'merge', encrypted: false, added: { event: 5, setting: 0 }, skipped: { event: 5 }, updated: { setting: 1 } });
    expect(await target.events.count()).toBe(15);
    expect((await target.events.get('o6'))?.text).toBe('on device 6');
    expect((await target.events.get('o2'))?.text).toBe('from file 2');
    expect(await target.settings.all()).toEqual({ 'ui.theme': 'light', 'ui.font': 'serif' });
    target.close();
  });

  test('replace leaves exactly the file’s data', async () => {
    const { file, target } = await overlapping();
    const preview = await target.previewImport(file, { mode: 'replace' });
    expect(preview.added.event).toBe(10);
    const report = await target.import(file, { mode: 'replace' });
    expect(report.added.event).toBe(10);
    const events = (await target.events.list({ order: 'asc' })).events;
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `o${i}`));
    expect(events.every((e) => e.text.startsWith('from file'))).toBe(true);
    expect(await target.events.count()).toBe(10);
    expect(await target.settings.all()).toEqual({ 'ui.theme': 'light' });
    target.close();
  });

  test('refuses vectors of another dimension for a space the device has', async () => {
    const source = await open();
    await seed(source);
    const file = await toBlob(source.export({ includeVectors: true }));
    const target = await open();
    await target.record({ id: 'x1', kind: 'note', text: 'x' });
    await target.segments.appendVectors('mini', 2, ['x1'], Float32Array.of(1, 2));
    const before = await exportedRecords(target);
    await expect(target.import(file)).rejects.toThrow(/dimension/);
    expect(await exportedRecords(target)).toEqual(before);
    expect(await stagedCount(target.connection)).toBe(0);
    source.close();
    target.close();
  });
});

describe('malformed files are refused whole', () => {
  async function validLines(): Promise<string[]> {
    const source = await open();
    await seed(source, 'f', 6);
    const lines = await exportLines(source);
    source.close();
    return lines;
  }

  const edit = (lines: string[], index: number, change: (record: Record<string, unknown>) => void): string[] => {
    const copy = [...lines];
    const record = JSON.parse(copy[index] ?? '') as Record<string, unknown>;
    change(record);
    copy[index] = JSON.stringify(record);
    return copy;
  };

  const eventLine = (lines: string[]): number => lines.findIndex((line) => line.startsWith('{"type":"event"'));

  const cases: [string, (lines: string[]) => { file: string[] | Blob; line: number; reason: RegExp }][] = [
    ['bad JSON', (l) => ({ file: [...l.slice(0, 3), '{"type":"event",', ...l.slice(4)], line: 4, reason: /not valid JSON/ })],
    ['an unknown type', (l) => ({ file: edit(l, 2, (r) => (r.type = 'gizmo')), line: 3, reason: /type must be/ })],
    [
      'an invalid event field',
      (l) => ({
        file: edit(l, eventLine(l), (r) => ((r.data as Record<string, unknown>).kind = 'dance')),
        line: eventLine(l) + 1,
        reason: /data\.kind must be one of/,
      }),
    ],
    [
      'an unknown event field',
      (l) => ({ file: edit(l, eventLine(l), (r) => ((r.data as Record<string, unknown>).secret = 1)), line: eventLine(l) + 1, reason: /not a known event field/ }),
    ],
    ['a repeated event', (l) => ({ file: [...l.slice(0, -1), l[eventLine(l)] ?? '', ...l.slice(-1)], line: l.length, reason: /repeats the event/ })],
    ['a missing trailer', (l) => ({ file: l.slice(0, -1), line: l.length, reason: /end record is missing/ })],
    [
      'counts that do not match',
      (l) => ({ file: edit(l, l.length - 1, (r) => ((r.counts as Record<string, number>).event = 99)), line: l.length, reason: /counts 99 event/ }),
    ],
    ['an oversized line', (l) => ({ file: [l[0] ?? '', `"${'x'.repeat(MAX_LINE_BYTES)}"`, ...l.slice(1)], line: 2, reason: /longer than/ })],
    ['another format', (l) => ({ file: edit(l, 0, (r) => (r.format = 'other-export')), line: 1, reason: /not a Persona export header/ })],
    ['a newer version', (l) => ({ file: edit(l, 0, (r) => (r.version = 2)), line: 1, reason: /version 2/ })],
    ['a newer schema', (l) => ({ file: edit(l, 0, (r) => (r.schemaVersion = 99)), line: 1, reason: /newer Persona/ })],
    ['a line after the trailer', (l) => ({ file: [...l, l[2] ?? ''], line: l.length + 1, reason: /follows the end record/ })],
    ['a blank line', (l) => ({ file: [...l.slice(0, 2), '', ...l.slice(2)], line: 3, reason: /is empty/ })],
    ['an empty file', () => ({ file: new Blob([]), line: 1, reason: /empty/ })],
    ['bytes that are not UTF-8', (l) => ({ file: new Blob([`${l[0] ?? ''}\n`, Uint8Array.of(0xff, 0xfe, 0x0a)]), line: 2, reason: /UTF-8/ })],
    [
      'a segment for an event the file lacks',
      (l) => {
        const index = l.findIndex((line) => line.includes('"kind":"vectors"'));
        return { file: edit(l, index, (r) => ((r.data as { ids: string[] }).ids[0] = 'ghost')), line: index + 1, reason: /ghost/ };
      },
    ],
    [
      'vectors of the wrong length',
      (l) => {
        const index = l.findIndex((line) => line.includes('"kind":"vectors"'));
        return { file: edit(l, index, (r) => ((r.data as { vectors: string }).vectors = 'AAAAAA==')), line: index + 1, reason: /floats/ };
      },
    ],
  ];

  test.each(cases)('%s', { timeout: SLOW }, async (_label, make) => {
    const lines = await validLines();
    const { file, line, reason } = make(lines);
    const target = await open();
    await seed(target, 'g', 4);
    const before = await exportedRecords(target);
    const error: unknown = await target.import(file instanceof Blob ? file : textBlob(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFormatError);
    expect((error as ImportFormatError).line).toBe(line);
    expect((error as ImportFormatError).reason).toMatch(reason);
    expect(await exportedRecords(target)).toEqual(before);
    expect(await stagedCount(target.connection)).toBe(0);
    target.close();
  });

  test('staging left by a crashed import is cleared by the next import', async () => {
    const source = await open();
    await seed(source, 'c', 3);
    const file = await toBlob(source.export());
    const target = await open();
    const tx = target.connection.db.transaction('staging', 'readwrite');
    await tx.store.put({ importId: 'crashed', n: 0, store: 'events', value: { id: 'zombie' } });
    await tx.done;
    expect(await stagedCount(target.connection)).toBe(1);
    await target.import(file);
    expect(await stagedCount(target.connection)).toBe(0);
    expect(await target.events.get('zombie')).toBeUndefined();
    source.close();
    target.close();
  });
});

describe('wipe', () => {
  test('deletes the database even while another connection is open, after announcing it', async () => {
    const name = uniqueName('t');
    const store = await open(name);
    await seed(store, 'w', 3);
    const other = await open(name);
    const closedBy: string[] = [];
    const third = await PersonaStore.open({ name, onClose: (reason) => closedBy.push(reason) });
    const heardHere: ChangeMessage[] = [];
    store.subscribe((message) => heardHere.push(message));
    const channel = new BroadcastChannel(`persona-changes:${name}`);
    const heardElsewhere = new Promise<ChangeMessage>((resolve) => {
      channel.onmessage = (event: MessageEvent<ChangeMessage>) => {
        if (event.data.lifecycle === 'wiped') resolve(event.data);
      };
    });

    const report = await store.wipe({ cacheNames: [] });
    expect(report).toEqual({ database: name, cachesDeleted: [] });
    expect(heardHere.at(-1)).toMatchObject({ lifecycle: 'wiped', db: name });
    expect(await heardElsewhere).toMatchObject({ lifecycle: 'wiped', db: name });
    channel.close();
    expect(store.connection.closed).toBe(true);
    expect(other.connection.closed).toBe(true);
    expect(closedBy).toEqual(['versionchange']);
    expect((await indexedDB.databases()).some((db) => db.name === name)).toBe(false);

    const reopened = await open(name);
    expect(await reopened.events.count()).toBe(0);
    expect(await reopened.memories.list()).toEqual([]);
    third.close();
    reopened.close();
  });

  test('knows which caches are Persona’s', () => {
    expect(PERSONA_CACHES).toEqual(['persona-*', 'transformers-cache', 'webllm/*']);
    expect(['persona-models', 'transformers-cache', 'webllm/model', 'webllm/wasm'].every((n) => matchesCache(n))).toBe(true);
    expect(['transformers-cache-2', 'my-app', 'personal'].some((n) => matchesCache(n))).toBe(false);
  });

  test.runIf(typeof caches !== 'undefined')('deletes the named caches and leaves others', async () => {
    const id = crypto.randomUUID();
    await caches.open(`persona-test-${id}`);
    await caches.open(`other-${id}`);
    const store = await open();
    const report = await store.wipe({ cacheNames: [`persona-test-${id}*`] });
    expect(report.cachesDeleted).toEqual([`persona-test-${id}`]);
    const names = await caches.keys();
    expect(names).toContain(`other-${id}`);
    expect(names).not.toContain(`persona-test-${id}`);
    await caches.delete(`other-${id}`);
  });
});
