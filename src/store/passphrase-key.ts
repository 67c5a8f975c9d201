// Keys from a passphrase, shared by the encrypted export (transfer/encryption.ts) and the at-rest lock (lock/):
// one KDF, one parameter range and one verifier construction, reviewed once. WebCrypto only (browsers and Node 20).
//
// PBKDF2-SHA-256 yields 512 bits: the first 256 are a non-extractable AES-256-GCM key, SHA-256 of the rest is a
// verifier that tells a wrong passphrase apart from damaged data without revealing anything about the key. The lock
// also derives its field key from the first 256 (HKDF, subkeyFromSecret).
import { InvalidInputError } from '../core/errors';

export const KDF_NAME = 'PBKDF2-SHA-256';
export const DEFAULT_ITERATIONS = 600_000;
// Below this a passphrase is too cheap to guess; above it a crafted header would make the import hang for minutes.
export const MIN_ITERATIONS = 100_000;
export const MAX_ITERATIONS = 10_000_000;
export const SALT_BYTES = 16;
export const VERIFIER_BYTES = 32;

export interface PassphraseKeys {
  key: CryptoKey;
  verifier: Uint8Array<ArrayBuffer>;
}

export async function deriveKeys(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<PassphraseKeys> {
  const secret = await deriveSecret(passphrase, salt, iterations);
  try {
    return await keysFromSecret(secret);
  } finally {
    secret.fill(0);
  }
}

/** The KDF's whole 512-bit output: what keysFromSecret splits. The lock keeps it in memory to hand to its other tabs. */
export async function deriveSecret(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  // NFC: the same passphrase typed on another system (composed vs decomposed accents) must give the same key.
  const secret = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, secret, 512));
}

export const SECRET_BYTES = 64;

/** The AES-256-GCM key (first half) and the verifier (SHA-256 of the second half) of a derived secret. */
export async function keysFromSecret(secret: Uint8Array<ArrayBuffer>): Promise<PassphraseKeys> {
  if (secret.length !== SECRET_BYTES) throw new RangeError(`a passphrase secret has ${SECRET_BYTES} bytes`);
  const [first, second] = [secret.slice(0, 32), secret.slice(32)];
  try {
    const key = await crypto.subtle.importKey('raw', first, 'AES-GCM', false, ['encrypt', 'decrypt']);
    const verifier = new Uint8Array(await crypto.subtle.digest('SHA-256', second));
    return { key, verifier };
  } finally {
    first.fill(0);
    second.fill(0);
  }
}

/**
 * A second 256-bit key from the same secret for another cipher (HKDF-SHA-256 over the AES key's bits, named by
 * `info`): one key is never used by two algorithms.
 */
export async function subkeyFromSecret(secret: Uint8Array<ArrayBuffer>, info: string): Promise<Uint8Array<ArrayBuffer>> {
  const first = secret.slice(0, 32);
  const base = await crypto.subtle.importKey('raw', first, 'HKDF', false, ['deriveBits']).finally(() => first.fill(0));
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(info) }, base, 256));
}

export function checkPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new InvalidInputError('passphrase', 'must not be empty');
}

export function checkIterations(iterations: number): void {
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new InvalidInputError('iterations', `must be a whole number from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`);
  }
}

/** Compares every byte whatever the first difference, so timing does not tell how much of a guess was right. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
