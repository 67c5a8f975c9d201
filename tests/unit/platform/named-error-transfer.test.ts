// Named errors cross a real MessageChannel with comlink (Node's, the same structured clone as a worker's) and arrive
// as their own class with their fields; other errors arrive as plain Errors with their message, as before.
import { expose, wrap, type Endpoint } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, expect, test } from 'vitest';
import { ModelDownloadError, PersonaError } from '../../../src/core/errors';
import { installNamedErrorTransfer } from '../../../src/platform/named-error-transfer';

installNamedErrorTransfer();
const { port1, port2 } = new MessageChannel();
// Node's MessagePort is an EventTarget with postMessage: the shape comlink needs.
const endpoint = (port: typeof port1) => port as unknown as Endpoint;
expose(
  {
    failNamed(): never {
      throw new ModelDownloadError('https://models.example/x.gguf', 'the server answered HTTP 404');
    },
    failPlain(): never {
      throw new TypeError('plain failure');
    },
  },
  endpoint(port1),
);
const remote = wrap<{ failNamed(): void; failPlain(): void }>(endpoint(port2));

afterAll(() => {
  port1.close();
  port2.close();
});

test('a named error arrives as its own class with its fields and message', async () => {
  const error = await remote.failNamed().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelDownloadError);
  expect(error).toBeInstanceOf(PersonaError);
  expect(error).toMatchObject({ name: 'ModelDownloadError', url: 'https://models.example/x.gguf', reason: 'the server answered HTTP 404' });
  expect((error as Error).message).toContain('Could not download the model file https://models.example/x.gguf');
});

test('any other error arrives as an Error with its name and message', async () => {
  const error = await remote.failPlain().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(PersonaError);
  expect(error).toMatchObject({ name: 'TypeError', message: 'plain failure' });
});
