// Keys from a passphrase, shared by the encrypted export (transfer/encryption.ts) and the at-rest lock (lock/):
// one KDF, one parameter range and one verifier construction, reviewed once. WebCrypto only (browsers and Node 20).
//
// PBKDF2-SHA-256 yields 512 bits: the first 256 are a non-extractable AES-256-GCM key, SHA-256 of the rest is a
// verifier that tells a wrong passphrase apart from damaged data without revealing anything about the key.
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
  // NFC: the same passphrase typed on another system (composed vs decomposed accents) must give the same key.
  const secret = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, secret, 512));
  const key = await crypto.subtle.importKey('raw', bits.slice(0, 32), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const verifier = new Uint8Array(await crypto.subtle.digest('SHA-256', bits.slice(32)));
  bits.fill(0);
  return { key, verifier };
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
