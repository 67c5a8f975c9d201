/**
 * Passphrase encryption of an export, with WebCrypto only (browsers and Node 20 alike). Container:
 *
 *   PERSONA-ENCRYPTED-EXPORT/1\n
 *   {"kdf":"PBKDF2-SHA-256","iterations":600000,"salt":<b64, 16 bytes>,"cipher":"AES-256-GCM",
 *    "noncePrefix":<b64, 7 bytes>,"chunkBytes":65536,"verifier":<b64, 32 bytes>}\n
 *   frames: [u32 big-endian ciphertext length][ciphertext ‖ 16-byte tag] …
 *
 * The key and verifier come from passphrase-key.ts, so a wrong passphrase is told apart from a damaged file before
 * any chunk is opened.
 * Each frame seals at most chunkBytes of plaintext under nonce = noncePrefix ‖ u32 BE chunk counter ‖ last-chunk
 * flag (the STREAM construction): reordered, dropped or repeated chunks fail their tag, and so does a file cut at a
 * frame boundary, because its last frame was not sealed as last. The magic and header lines, byte for byte, are
 * the additional data of every chunk, so an edited header fails too. Altering salt or iterations changes the
 * derived verifier and reads as a wrong passphrase: without the passphrase the two cannot be told apart.
 */
import * as v from 'valibot';
import { ImportFormatError, TamperedExportError, WrongPassphraseError } from '../../core/errors';
import { DEFAULT_ITERATIONS, KDF_NAME, MAX_ITERATIONS, MIN_ITERATIONS, SALT_BYTES, VERIFIER_BYTES, checkIterations, checkPassphrase, deriveKeys, sameBytes } from '../passphrase-key';
import { ByteQueue, fromBase64, toBase64 } from './bytes';

export const ENCRYPTED_MAGIC = 'PERSONA-ENCRYPTED-EXPORT/1\n';
export { DEFAULT_ITERATIONS, MIN_ITERATIONS, MAX_ITERATIONS } from '../passphrase-key';

const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const NONCE_PREFIX_BYTES = 7;
const MAX_HEADER_BYTES = 4 * 1024;
// A reader accepts other chunk sizes, within bounds that keep one frame's memory modest.
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 1024 * 1024;
const MAX_CHUNKS = 2 ** 32;

const magicBytes = new TextEncoder().encode(ENCRYPTED_MAGIC);

/** Whether a file's first bytes are the encrypted container's magic line. */
export function isEncryptedPrefix(prefix: Uint8Array): boolean {
  return prefix.length >= magicBytes.length && magicBytes.every((byte, i) => prefix[i] === byte);
}

export const ENCRYPTED_MAGIC_BYTES = magicBytes.length;

const b64 = (bytes: number) =>
  v.pipe(
    v.string('must be base64'),
    v.check((text) => fromBase64(text)?.length === bytes, `must be ${bytes} bytes as base64`),
  );
const headerSchema = v.strictObject({
  kdf: v.literal(KDF_NAME, `must be ${KDF_NAME}`),
  iterations: v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(MIN_ITERATIONS, `must be at least ${MIN_ITERATIONS}`),
    v.maxValue(MAX_ITERATIONS, `must be at most ${MAX_ITERATIONS}`),
  ),
  salt: b64(SALT_BYTES),
  cipher: v.literal('AES-256-GCM', 'must be AES-256-GCM'),
  noncePrefix: b64(NONCE_PREFIX_BYTES),
  chunkBytes: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(MIN_CHUNK_BYTES), v.maxValue(MAX_CHUNK_BYTES)),
  verifier: b64(VERIFIER_BYTES),
});
type ContainerHeader = v.InferOutput<typeof headerSchema>;

function nonce(prefix: Uint8Array, counter: number, last: boolean): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(12);
  bytes.set(prefix, 0);
  new DataView(bytes.buffer).setUint32(NONCE_PREFIX_BYTES, counter, false);
  bytes[11] = last ? 1 : 0;
  return bytes;
}

/** Plaintext in, container out; key derivation runs when the stream starts. */
export function encryptStream(passphrase: string, options: { iterations?: number } = {}): TransformStream<Uint8Array, Uint8Array> {
  checkPassphrase(passphrase);
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  checkIterations(iterations);
  const pending = new ByteQueue();
  let key: CryptoKey | undefined;
  let aad = new Uint8Array(0);
  const prefix = crypto.getRandomValues(new Uint8Array(NONCE_PREFIX_BYTES));
  let counter = 0;

  const seal = async (plaintext: Uint8Array<ArrayBuffer>, last: boolean): Promise<Uint8Array> => {
    if (!key) throw new TypeError('encryption key not derived');
    if (counter >= MAX_CHUNKS) throw new RangeError('export too large for one encrypted file');
    const iv = nonce(prefix, counter++, last);
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BYTES * 8 }, key, plaintext));
    const frame = new Uint8Array(4 + sealed.length);
    new DataView(frame.buffer).setUint32(0, sealed.length, false);
    frame.set(sealed, 4);
    return frame;
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
      const keys = await deriveKeys(passphrase, salt, iterations);
      key = keys.key;
      const header: ContainerHeader = {
        kdf: KDF_NAME,
        iterations,
        salt: toBase64(salt),
        cipher: 'AES-256-GCM',
        noncePrefix: toBase64(prefix),
        chunkBytes: CHUNK_BYTES,
        verifier: toBase64(keys.verifier),
      };
      aad = new TextEncoder().encode(`${ENCRYPTED_MAGIC}${JSON.stringify(header)}\n`);
      controller.enqueue(aad.slice());
    },
    async transform(chunk, controller) {
      pending.push(chunk);
      // Strictly more than a chunk: the last chunk is sealed in flush, when it is known to be the last.
      while (pending.length > CHUNK_BYTES) controller.enqueue(await seal(pending.take(CHUNK_BYTES), false));
    },
    async flush(controller) {
      controller.enqueue(await seal(pending.take(pending.length), true));
    },
  });
}

/** Container in, plaintext out. Errors: ImportFormatError (line 0) for a malformed header, WrongPassphraseError, TamperedExportError. */
export function decryptStream(passphrase: string): TransformStream<Uint8Array, Uint8Array> {
  checkPassphrase(passphrase);
  const input = new ByteQueue();
  let state: 'magic' | 'header' | 'frames' = 'magic';
  let aad = new Uint8Array(0);
  let key: CryptoKey | undefined;
  let prefix = new Uint8Array(0);
  let maxFrame = 0;
  let counter = 0;
  // A frame is opened only once the next one begins (or the file ends): only then is it known whether it is last.
  let held: Uint8Array<ArrayBuffer> | undefined;

  const open = async (sealed: Uint8Array<ArrayBuffer>, last: boolean): Promise<Uint8Array> => {
    if (!key) throw new TypeError('decryption key not derived');
    const index = counter++;
    try {
      const iv = nonce(prefix, index, last);
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: TAG_BYTES * 8 }, key, sealed));
    } catch {
      throw new TamperedExportError(last ? `the last chunk (${index}) failed its integrity check` : `chunk ${index} failed its integrity check`);
    }
  };

  const readHeader = async (): Promise<boolean> => {
    const end = input.indexOf(0x0a, MAX_HEADER_BYTES);
    if (end === -1) {
      if (input.length >= MAX_HEADER_BYTES) throw new ImportFormatError(0, 'the encryption header is too long');
      return false;
    }
    const line = input.take(end + 1);
    let header: ContainerHeader;
    try {
      const parsed = v.safeParse(headerSchema, JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(line)));
      if (!parsed.success) {
        const issue = parsed.issues[0];
        throw new ImportFormatError(0, `encryption header ${v.getDotPath(issue) ?? ''} ${issue.message}`.replace(/\s+/g, ' '));
      }
      header = parsed.output;
    } catch (error) {
      if (error instanceof ImportFormatError) throw error;
      throw new ImportFormatError(0, 'the encryption header is not valid JSON');
    }
    const keys = await deriveKeys(passphrase, fromBase64(header.salt) as Uint8Array<ArrayBuffer>, header.iterations);
    if (!sameBytes(keys.verifier, fromBase64(header.verifier) as Uint8Array)) throw new WrongPassphraseError();
    key = keys.key;
    prefix = fromBase64(header.noncePrefix) as Uint8Array<ArrayBuffer>;
    maxFrame = header.chunkBytes + TAG_BYTES;
    const magicAndHeader = new Uint8Array(magicBytes.length + line.length);
    magicAndHeader.set(magicBytes, 0);
    magicAndHeader.set(line, magicBytes.length);
    aad = magicAndHeader;
    return true;
  };

  const readFrames = async (controller: TransformStreamDefaultController<Uint8Array>): Promise<void> => {
    while (input.length >= 4) {
      const length = new DataView(input.peek(4).buffer).getUint32(0, false);
      if (length < TAG_BYTES || length > maxFrame) throw new TamperedExportError(`chunk ${counter + (held ? 1 : 0)} has an impossible length`);
      if (input.length < 4 + length) return;
      input.take(4);
      const frame = input.take(length);
      if (held) controller.enqueue(await open(held, false));
      held = frame;
    }
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      input.push(chunk);
      if (state === 'magic') {
        if (input.length < magicBytes.length) return;
        if (!isEncryptedPrefix(input.take(magicBytes.length))) throw new ImportFormatError(0, 'this is not an encrypted Persona export');
        state = 'header';
      }
      if (state === 'header') {
        if (!(await readHeader())) return;
        state = 'frames';
      }
      await readFrames(controller);
    },
    async flush(controller) {
      if (state !== 'frames') throw new TamperedExportError('the file ends before its encryption header does');
      if (input.length > 0) throw new TamperedExportError('the file ends inside a chunk');
      if (!held) throw new TamperedExportError('the file holds no chunks');
      controller.enqueue(await open(held, true));
    },
  });
}
