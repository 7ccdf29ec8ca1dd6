// Byte-level tokenizer: a token is one byte of the UTF-8 encoding, so the vocabulary is the 256
// byte values, every text (any script, emoji, binary junk) encodes without unknown tokens, and a
// model never needs a learned merge table. Decoding replaces invalid UTF-8 (a sampled sequence
// may stop inside a multi-byte character) with U+FFFD instead of throwing.
import { invalidParameter, outOfRange } from '../validate.js';

export const BYTE_VOCAB = 256;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

// Lone UTF-16 surrogates in `text` cannot be encoded; they become U+FFFD (EF BF BD), as in
// TextEncoder.
export function encode(text: string): Uint8Array {
  if (typeof text !== 'string') throw invalidParameter('text', 'string', text);
  return encoder.encode(text);
}

export function decode(bytes: Uint8Array | readonly number[]): string {
  if (bytes instanceof Uint8Array) return decoder.decode(bytes);
  if (!Array.isArray(bytes)) throw invalidParameter('bytes', 'Uint8Array or array of byte values', bytes);
  // Checked before conversion: Uint8Array.from would wrap 256 to 0 and turn 0.5 into 0.
  for (let i = 0; i < bytes.length; i++)
    if (!(Number.isInteger(bytes[i]) && bytes[i] >= 0 && bytes[i] < BYTE_VOCAB)) throw outOfRange(`bytes[${i}]`, 'a byte value in [0, 255]', bytes[i]);
  return decoder.decode(Uint8Array.from(bytes));
}

// The same two functions as an object, for code that takes "a tokenizer".
export const byteTokenizer = { vocabSize: BYTE_VOCAB, encode, decode } as const;
