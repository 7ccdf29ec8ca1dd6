// The byte tokenizer: exact round trips for any string, U+FFFD for invalid UTF-8 (never a throw),
// and bad input named.
import { describe, expect, it } from 'vitest';
import { BYTE_VOCAB, byteTokenizer, decode, encode } from '../../lib/text/tokenizer.js';

describe('byte tokenizer', () => {
  it('round-trips ASCII, accents, CJK, emoji (with ZWJ and skin tone), a BOM and control bytes', () => {
    const texts = ['', 'hello, world\n', 'naïve café – “quotes”', '日本語のテキスト', '👩🏽‍💻 and 🏳️‍🌈', '\uFEFFBOM first', '\u0000\u0001\t\r\n\u007f'];
    for (const t of texts) {
      const b = encode(t);
      expect(b).toBeInstanceOf(Uint8Array);
      expect(decode(b)).toBe(t);
      expect(decode(Array.from(b))).toBe(t);
    }
    expect(Array.from(encode('é'))).toEqual([0xc3, 0xa9]);
    expect(encode('😀').length).toBe(4);
    expect(BYTE_VOCAB).toBe(256);
    expect(byteTokenizer.decode(byteTokenizer.encode('ok'))).toBe('ok');
  });
  it('replaces invalid UTF-8 with U+FFFD and never throws', () => {
    expect(decode(Uint8Array.of(0x61, 0xff, 0x62))).toBe('a\uFFFDb');
    expect(decode(Uint8Array.of(0xf0, 0x9f, 0x98))).toBe('\uFFFD');           // an emoji cut short
    expect(decode(Uint8Array.of(0xc0, 0xaf))).toBe('\uFFFD\uFFFD');            // overlong encoding
    expect(decode(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\uFFFD\uFFFD\uFFFD'); // a UTF-16 surrogate
    // Every single byte and a stretch of pseudo-random bytes decode to something.
    for (let v = 0; v < 256; v++) expect(typeof decode(Uint8Array.of(v))).toBe('string');
    let s = 7;
    const junk = Uint8Array.from({ length: 4096 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255);
    expect(() => decode(junk)).not.toThrow();
    // A lone surrogate in a string cannot be UTF-8: it encodes as U+FFFD.
    expect(Array.from(encode('a\uD800b'))).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62]);
  });
  it('rejects what is not text or bytes, naming the argument', () => {
    expect(() => encode(42 as never)).toThrow(/text/);
    expect(() => encode(Uint8Array.of(1) as never)).toThrow(/text/);
    expect(() => decode('abc' as never)).toThrow(/bytes/);
    expect(() => decode([65, 256])).toThrow(/bytes\[1\]/);
    expect(() => decode([65, 1.5])).toThrow(/bytes\[1\]/);
    expect(() => decode([-1])).toThrow(/bytes\[0\]/);
  });
});
