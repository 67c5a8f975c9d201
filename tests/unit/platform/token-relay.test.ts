// The relay that keeps streamed pieces whole and in order when the result overtakes the last of them.
import { expect, test } from 'vitest';
import { tokenRelay } from '../../../src/platform/token-relay';

test('pieces pass through; on finish the missing end is delivered once, and late pieces are dropped', () => {
  const seen: string[] = [];
  const relay = tokenRelay((piece) => seen.push(piece));
  relay.piece('Once');
  relay.piece(' upon');
  relay.finish('Once upon a time');
  relay.piece(' a');
  relay.piece(' time');
  relay.finish('Once upon a time');
  expect(seen).toEqual(['Once', ' upon', ' a time']);
  expect(seen.join('')).toBe('Once upon a time');
});

test('nothing extra when every piece arrived first', () => {
  const seen: string[] = [];
  const relay = tokenRelay((piece) => seen.push(piece));
  for (const piece of ['a', 'b', 'c']) relay.piece(piece);
  relay.finish('abc');
  expect(seen).toEqual(['a', 'b', 'c']);
});
