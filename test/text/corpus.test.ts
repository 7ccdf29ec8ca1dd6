// Text corpora: documents (whole files or `%`-separated entries), seeded whole-document hold-out,
// byte windows with their source labels, the embedded fortunes sample, and every bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Loader } from '../../lib/data/loader.js';
import { documentsOf, splitDocuments, textFiles, TEXT_DEFAULTS } from '../../lib/text/corpus.js';
import { EMBEDDED_FORTUNES, fortunesSample, fortunesSampleDocuments } from '../../lib/text/fortunes.js';
import { decode, encode } from '../../lib/text/tokenizer.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-corpus-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
// A fresh folder holding the given files (name -> text or bytes).
function folder(files: Record<string, string | Uint8Array>): string {
  const dir = path.join(root, `c${n++}`);
  fs.mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}
const text = (b: Uint8Array) => decode(b);
const entries = (k: number, tag: string) => Array.from({ length: k }, (_, i) => `${tag} entry number ${i} with some words\n`).join('%\n');

describe('splitDocuments', () => {
  it('splits at lines holding only the separator, drops blank entries, keeps the text as it is', () => {
    const docs = splitDocuments(encode('first entry\nline two\n%\nsecond\n%\n%\n   \n%\nthird'), '%');
    expect(docs.map(text)).toEqual(['first entry\nline two\n', 'second\n', 'third']);
    expect(splitDocuments(encode('x\r\n%\r\ny\r\n'), '%').map(text)).toEqual(['x\r\n', 'y\r\n']);
    expect(splitDocuments(encode('%\na\n% \nb\n%%\nc\n%\n'), '%').map(text)).toEqual(['a\n% \nb\n%%\nc\n']);
    expect(splitDocuments(encode('a\n---\nb\n'), '---').map(text)).toEqual(['a\n', 'b\n']);
    expect(splitDocuments(encode('a\n%\nb\n'), null).map(text)).toEqual(['a\n%\nb\n']);
    expect(splitDocuments(encode(' \n\t\n'), null)).toEqual([]);
  });
});

describe('textFiles', () => {
  it('windows of context + 1 bytes, stride apart, plus one ending at the document end', () => {
    // One long document per file, so with holdout 0.5 one file trains and the other tests.
    const dir = folder({ 'a.txt': '0123456789\n', 'b.txt': 'abcdefghijklmnopqrstuvwxyz' });
    const c = textFiles(dir, { context: 4, holdout: 0.5, separator: null });
    expect(c.context).toBe(4);
    expect(c.stride).toBe(4);
    expect(c.train.shape).toEqual([5]);
    expect(c.documents.names).toEqual(['a.txt', 'b.txt']);
    const all = [c.train, c.test];
    const a = all.find((s) => s.labels[0] === 0)!, b = all.find((s) => s.labels[0] === 1)!;
    const items = (s: typeof a) => Array.from({ length: s.length }, (_, i) => text(s.images.subarray(i * 5, i * 5 + 5)));
    expect(items(a)).toEqual(['01234', '45678', '6789\n']);
    expect(items(b)).toEqual(['abcde', 'efghi', 'ijklm', 'mnopq', 'qrstu', 'uvwxy', 'vwxyz']);
    expect(Array.from(b.labels)).toEqual(new Array(7).fill(1));
    expect(new Set(b.documents).size).toBe(1);
    // stride 2: overlapping training windows; every byte after the first is still a target. The
    // held-out split keeps stride = context, so its bytes are scored once.
    const s2 = textFiles([path.join(dir, 'a.txt'), path.join(dir, 'b.txt')], { context: 4, stride: 2, holdout: 0.5, separator: null });
    const aTrains = s2.train.labels[0] === 0;
    const a2 = aTrains ? s2.train : s2.test, b2 = aTrains ? s2.test : s2.train;
    expect(items(a2)).toEqual(aTrains ? ['01234', '23456', '45678', '6789\n'] : ['01234', '45678', '6789\n']);
    expect(items(b2).length).toBe(aTrains ? 7 : 12); // b.txt: 7 windows at stride 4 (held out), 12 at stride 2
  });

  it('holds out whole documents, seeded, and labels windows by source file', () => {
    const dir = folder({ 'x': entries(30, 'x'), 'y': entries(10, 'y'), '.hidden': 'not read', 'z-empty-dir-below': '' });
    fs.rmSync(path.join(dir, 'z-empty-dir-below'));
    fs.mkdirSync(path.join(dir, 'z-empty-dir-below'));
    const c = textFiles(dir, { context: 16, holdout: 0.25, seed: 3 });
    expect(c.documents.files.map((f) => path.basename(f))).toEqual(['x', 'y']);
    expect(c.documents.bytes.length).toBe(40);
    expect(c.documents.heldOut.reduce((s, v) => s + v, 0)).toBe(10);
    const trainDocs = new Set(c.train.documents), testDocs = new Set(c.test.documents);
    for (const d of trainDocs) expect(c.documents.heldOut[d]).toBe(0);
    for (const d of testDocs) expect(c.documents.heldOut[d]).toBe(1);
    expect(trainDocs.size + testDocs.size).toBe(40);
    // Each window is a piece of its document and carries its document's file label.
    for (const set of [c.train, c.test])
      for (let i = 0; i < set.length; i++) {
        const d = set.documents[i];
        expect(text(c.documents.bytes[d])).toContain(text(set.images.subarray(i * 17, i * 17 + 17)));
        expect(set.labels[i]).toBe(c.documents.labels[d]);
        expect(text(c.documents.bytes[d])[0]).toBe(['x', 'y'][set.labels[i]]); // entries of file x start with "x"
      }
    expect(Array.from(textFiles(dir, { context: 16, holdout: 0.25, seed: 3 }).documents.heldOut)).toEqual(Array.from(c.documents.heldOut));
    expect(Array.from(documentsOf(dir, { holdout: 0.25, seed: 4 }).heldOut)).not.toEqual(Array.from(c.documents.heldOut));
    // The loader batches byte windows like any item shape.
    const batch = new Loader(c.train, { batchSize: 4 }).epoch(0).next().value!;
    expect(batch.shape).toEqual([4, 17]);
    expect(batch.labels!.length).toBe(4);
  });

  it('takes bytes that are not UTF-8 as they are', () => {
    const junk = Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + 200) & 255);
    const dir = folder({ a: junk, b: Uint8Array.of(0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x41, 0x42, 0x43) });
    const c = textFiles(dir, { context: 8, holdout: 0.5, separator: null });
    const a = [c.train, c.test].find((s) => s.labels[0] === 0)!;
    expect(Array.from(a.images.subarray(0, 9))).toEqual(Array.from(junk.subarray(0, 9)));
  });

  it('counts documents too short for a window instead of failing, while one fits', () => {
    const dir = folder({ a: `short\n%\n${'long enough entry '.repeat(4)}\n%\ntiny\n%\n${'another long one '.repeat(4)}\n` });
    const c = textFiles(dir, { context: 32, holdout: 0.5, seed: 0 });
    expect(c.skipped.train + c.skipped.test).toBe(2);
    expect(c.train.length + c.test.length).toBeGreaterThan(0);
  });

  it('rejects every bad input, naming what was wrong', () => {
    const dir = folder({ a: entries(5, 'a'), b: entries(5, 'b') });
    const file = path.join(dir, 'a');
    const missing = path.join(root, 'no-such-file.txt');
    expect(() => textFiles(missing)).toThrow(/no-such-file\.txt: no such file/);
    expect(() => textFiles([file, missing])).toThrow(/no-such-file\.txt: no such file \(source\[1\]\)/);
    expect(() => textFiles([dir])).toThrow(/not a regular file \(source\[0\]/);
    expect(() => textFiles(folder({}))).toThrow(/holds no files/);
    expect(() => textFiles([file, path.join(folder({ e: '' }), 'e')])).toThrow(/empty file \(source\[1\]\)/);
    expect(() => textFiles(folder({ a: entries(3, 'a'), s: '%\n  \n%\n\n' }))).toThrow(/s: no text .*source\[1\]/);
    expect(() => textFiles(folder({ one: 'a single document with no separator line' }), { context: 4 })).toThrow(/at least 2 documents.*source/);
    // Context longer than every document: the context and the longest document's length.
    const longest = Math.max(...documentsOf(dir).bytes.map((b) => b.length));
    expect(() => textFiles(dir, { context: longest })).toThrow(new RegExp(`at most ${longest - 1} .*longest of the 10 documents has ${longest}.* for context`));
    expect(() => textFiles(dir, { context: longest - 1 })).not.toThrow();
    // A held-out split whose documents are all too short.
    const uneven = folder({ a: `${'x'.repeat(60)}\n%\n${'y'.repeat(60)}\n%\nshort one\n` });
    expect(() => textFiles(uneven, { context: 20, holdout: 0.3, seed: 1 })).toThrow(/fits some test document \(all 1 test documents are shorter than context \+ 1 = 21 bytes/);
    expect(() => textFiles(42 as never)).toThrow(/source/);
    expect(() => textFiles([])).toThrow(/source/);
    expect(() => textFiles([7] as never)).toThrow(/source\[0\]/);
    expect(() => textFiles(dir, { context: 0 })).toThrow(/context/);
    expect(() => textFiles(dir, { context: 2.5 })).toThrow(/context/);
    expect(() => textFiles(dir, { stride: 0 })).toThrow(/stride/);
    for (const holdout of [0, 1, -0.1, 1.5, NaN]) expect(() => textFiles(dir, { holdout })).toThrow(/holdout/);
    expect(() => textFiles(dir, { holdout: '0.1' as never })).toThrow(/holdout/);
    for (const separator of ['', 'a\nb', 5]) expect(() => textFiles(dir, { separator: separator as never })).toThrow(/separator/);
    expect(() => textFiles(dir, { seed: -1 })).toThrow(/seed/);
    expect(() => textFiles(dir, { contxt: 8 } as never)).toThrow(/Unknown option "contxt"/);
    expect(() => documentsOf(dir, { context: 8 } as never)).toThrow(/Unknown option "context"/);
  });
});

describe('the embedded fortunes sample', () => {
  it('six category files, 939 entries, about 10% held out, windows of 65 bytes by default', () => {
    const c = fortunesSample();
    expect(c.documents.names).toEqual(['computers', 'food', 'law', 'science', 'songs-poems', 'startrek']);
    expect(c.documents.bytes.length).toBe(939);
    expect(c.documents.heldOut.reduce((s, v) => s + v, 0)).toBe(94);
    expect(c.train.shape).toEqual([TEXT_DEFAULTS.context + 1]);
    expect(c.train.length).toBeGreaterThan(2000);
    expect(c.test.length).toBeGreaterThan(200);
    expect(new Set(c.train.labels).size).toBe(6);
    expect(fs.existsSync(path.join(EMBEDDED_FORTUNES, '..', 'COPYRIGHT'))).toBe(true);
    const docs = fortunesSampleDocuments({ seed: 1 });
    expect(docs.bytes.length).toBe(939);
    expect(() => fortunesSample({ separator: null } as never)).toThrow(/Unknown option "separator"/);
  });
});
