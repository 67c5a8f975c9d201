import { expect, test } from 'vitest';
import { PendingEmbedder } from '../../../src/embed/pending-embedder';
import { EmbedderLoadError } from '../../../src/embed/transformers-embedder';
import { HashingEmbedder } from '../../support/hashing-embedder';

test('embeds once the real embedder is ready, and refuses one that is not the model it promised', async () => {
  let resolve: (embedder: HashingEmbedder) => void = () => undefined;
  const ready = new Promise<HashingEmbedder>((r) => (resolve = r));
  const pending = new PendingEmbedder('hashing-8', 8, ready);
  const call = pending.embed(['tea']);
  resolve(new HashingEmbedder(8));
  expect(await call).toHaveLength(8);
  const wrong = new PendingEmbedder('hashing-8', 8, Promise.resolve(new HashingEmbedder(16)));
  await expect(wrong.embed(['tea'])).rejects.toBeInstanceOf(EmbedderLoadError);
  const failing = new PendingEmbedder('x', 8, Promise.reject(new Error('worker failed')));
  await expect(failing.embed(['tea'])).rejects.toThrow('worker failed');
});
