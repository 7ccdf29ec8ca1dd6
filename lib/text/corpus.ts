// Plain-text corpora as byte-window datasets for next-token prediction. A corpus is a list of
// files (or every file of a folder); a document is a whole file, or, with a separator, each entry
// of a file between lines holding only the separator (the fortune format: `%`). Whole documents
// are held out for the test split (seeded), so no test window shares text with a training window.
// Each item is a window of context + 1 bytes (inputs: the first L, targets: the next L, shifted
// by one), labelled with the index of its source file (the source-classification probe's label).
// Bytes are read as they are: text that is not valid UTF-8 still trains.
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { Generator } from '../random.js';
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';

export interface TextSourceOptions {
  separator?: string | null; // a line holding only this separates documents; null: one document per file
  holdout?: number;          // share of the documents held out for the test split, in (0, 1)
  seed?: number;             // of the held-out choice
}

export interface TextFilesOptions extends TextSourceOptions {
  context?: number;          // L: bytes of input per window (a window holds L + 1)
  stride?: number;           // bytes between training-window starts within a document (default L; held-out windows use L)
}

// Fortune entries have a median of about 100 bytes: 64 bytes of context keeps most of their text
// in windows (a document shorter than context + 1 gives none); the separator of fortune files is
// harmless elsewhere (a plain text file without such a line is one document).
export const TEXT_DEFAULTS = { separator: '%', holdout: 0.1, seed: 0, context: 64 } as const;

export interface TextDocuments {
  files: string[];      // the source files; a document's label is its file's index here
  names: string[];      // the files' base names (class names of the probe)
  bytes: Uint8Array[];  // one per document, in file order then position
  labels: Int32Array;   // source file index per document
  heldOut: Uint8Array;  // 1 for documents of the test split
}

export interface TextWindows extends Dataset {
  shape: [number];      // [context + 1]
  labels: Int32Array;   // source file index per window
  documents: Int32Array; // index into TextDocuments.bytes per window
  // The split's documents whole (those shorter than a window too): held-out text scored with all
  // the context a causal model can use (NextToken.evaluate), not restarted at every window.
  texts: Uint8Array[];
}

export interface TextCorpus {
  train: TextWindows;
  test: TextWindows;
  documents: TextDocuments;
  context: number;
  stride: number;
  // Documents shorter than context + 1 bytes give no window (per split).
  skipped: { train: number; test: number };
  description: string;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const isBlank = (b: Uint8Array) => b.every((v) => WHITESPACE.has(v));

// The files of `source`: a folder's regular files (sorted, no dot files, not recursive) or the
// given list of paths.
function resolveFiles(source: unknown): string[] {
  if (typeof source === 'string') {
    if (!fs.existsSync(source)) throw new Error(`${source}: no such file or folder (expected text files, or a folder of them)`);
    if (!fs.statSync(source).isDirectory()) return [source];
    const files = fs.readdirSync(source).filter((n) => !n.startsWith('.')).sort()
      .map((n) => path.join(source, n)).filter((f) => fs.statSync(f).isFile());
    if (files.length === 0) throw new Error(`${source}: the folder holds no files (expected plain-text files)`);
    return files;
  }
  if (!Array.isArray(source)) throw invalidParameter('source', 'a path string (file or folder) or an array of file paths', source);
  if (source.length === 0) throw outOfRange('source', 'a non-empty array of file paths', source);
  return source.map((f, i) => {
    if (typeof f !== 'string') throw invalidParameter(`source[${i}]`, 'file path string', f);
    if (!fs.existsSync(f)) throw new Error(`${f}: no such file (source[${i}])`);
    if (!fs.statSync(f).isFile()) throw new Error(`${f}: not a regular file (source[${i}]; pass a folder as the whole source)`);
    return f;
  });
}

// Entries between lines holding only `sep` (a trailing \r is allowed: CRLF files); blank ones
// (the space after a final separator line, say) are dropped.
export function splitDocuments(bytes: Uint8Array, sep: string | null): Uint8Array[] {
  if (sep === null) return isBlank(bytes) ? [] : [bytes];
  const s = new TextEncoder().encode(sep);
  const docs: Uint8Array[] = [];
  let docStart = 0;
  for (let a = 0; a <= bytes.length;) {
    let b = bytes.indexOf(0x0a, a);
    if (b < 0) b = bytes.length;
    const end = b > a && bytes[b - 1] === 0x0d ? b - 1 : b;
    if (end - a === s.length && s.every((v, i) => bytes[a + i] === v)) {
      docs.push(bytes.subarray(docStart, a));
      docStart = b + 1;
    }
    a = b + 1;
  }
  if (docStart < bytes.length) docs.push(bytes.subarray(docStart));
  return docs.filter((d) => !isBlank(d));
}

function resolveSourceOptions(opts: TextSourceOptions): { separator: string | null; holdout: number; seed: number } {
  const separator = opts.separator === undefined ? TEXT_DEFAULTS.separator : opts.separator;
  if (separator !== null && (typeof separator !== 'string' || separator === '' || /[\r\n]/.test(separator)))
    throw invalidParameter('separator', 'a non-empty string without line breaks, or null (one document per file)', separator);
  const holdout = checkNumber('holdout', opts.holdout ?? TEXT_DEFAULTS.holdout, 0, 1, true);
  if (holdout >= 1) throw outOfRange('holdout', 'number in (0, 1) (a share of the documents)', holdout);
  return { separator, holdout, seed: checkInt('seed', opts.seed ?? TEXT_DEFAULTS.seed) };
}

// The documents of a corpus with their source labels and the seeded held-out choice.
export function documentsOf(source: string | readonly string[], opts?: TextSourceOptions): TextDocuments {
  const o = resolveSourceOptions(checkOptions<TextSourceOptions>('options', opts, ['separator', 'holdout', 'seed']));
  const files = resolveFiles(source);
  const bytes: Uint8Array[] = [], labels: number[] = [];
  files.forEach((f, i) => {
    const data = new Uint8Array(fs.readFileSync(f));
    if (data.length === 0) throw new Error(`${f}: empty file (source[${i}]); a corpus file must hold some text`);
    const docs = splitDocuments(data, o.separator);
    if (docs.length === 0) throw new Error(`${f}: no text (only whitespace${o.separator === null ? '' : ` and "${o.separator}" lines`}; source[${i}])`);
    for (const d of docs) { bytes.push(d); labels.push(i); }
  });
  const D = bytes.length;
  if (D < 2)
    throw outOfRange('source', 'at least 2 documents (whole documents are held out for the test split; give more files, or a separator)', `${D} document in ${files.join(', ')}`);
  const nTest = Math.min(D - 1, Math.max(1, Math.round(o.holdout * D)));
  const heldOut = new Uint8Array(D);
  const order = new Generator(o.seed).permutation(D);
  for (let i = 0; i < nTest; i++) heldOut[order[i]] = 1;
  return { files, names: files.map((f) => path.basename(f)), bytes, labels: Int32Array.from(labels), heldOut };
}

// Windows of L + 1 bytes from each chosen document: starts 0, stride, 2 stride, ... and one more
// ending at the document's end when the last one falls short, so every byte after a document's
// first is a target at least once. No window spans two documents.
function windows(docs: TextDocuments, pick: (d: number) => boolean, L: number, stride: number, source: string): { set: TextWindows; skipped: number } {
  const W = L + 1;
  const starts: number[] = [], owner: number[] = [], texts: Uint8Array[] = [];
  let skipped = 0;
  docs.bytes.forEach((b, d) => {
    if (!pick(d)) return;
    texts.push(b);
    if (b.length < W) { skipped++; return; }
    let s = 0;
    for (; s + W <= b.length; s += stride) { starts.push(s); owner.push(d); }
    if (s - stride + W < b.length) { starts.push(b.length - W); owner.push(d); }
  });
  const images = new Uint8Array(starts.length * W);
  starts.forEach((s, i) => images.set(docs.bytes[owner[i]].subarray(s, s + W), i * W));
  const documents = Int32Array.from(owner);
  return { set: { images, labels: Int32Array.from(owner, (d) => docs.labels[d]), shape: [W], length: starts.length, source, documents, texts }, skipped };
}

export function textFiles(source: string | readonly string[], opts?: TextFilesOptions): TextCorpus {
  const o = checkOptions<TextFilesOptions>('options', opts, ['separator', 'holdout', 'seed', 'context', 'stride']);
  const L = checkInt('context', o.context ?? TEXT_DEFAULTS.context, 1);
  const stride = checkInt('stride', o.stride ?? L, 1);
  const docs = documentsOf(source, { separator: o.separator, holdout: o.holdout, seed: o.seed });
  const longest = docs.bytes.reduce((m, b) => Math.max(m, b.length), 0);
  if (longest < L + 1)
    throw outOfRange('context', `at most ${longest - 1} (a window holds context + 1 bytes and the longest of the ${docs.bytes.length} documents has ${longest})`, L);
  const where = typeof source === 'string' ? source : `${docs.files.length} file${docs.files.length > 1 ? 's' : ''}`;
  const train = windows(docs, (d) => docs.heldOut[d] === 0, L, stride, `text windows of ${L + 1} bytes from ${where} (train documents)`);
  // Held-out windows never overlap (stride L), so each held-out byte is scored once whatever the
  // training stride: bits per byte stay comparable between runs.
  const test = windows(docs, (d) => docs.heldOut[d] === 1, L, L, `text windows of ${L + 1} bytes from ${where} (held-out documents)`);
  const nTest = docs.heldOut.reduce((s, v) => s + v, 0);
  for (const [name, w, n] of [['train', train, docs.bytes.length - nTest], ['test', test, nTest]] as const)
    if (w.set.length === 0)
      throw outOfRange('context', `a context that fits some ${name} document (all ${n} ${name} documents are shorter than context + 1 = ${L + 1} bytes; lower context or raise holdout)`, L);
  return {
    train: train.set, test: test.set, documents: docs, context: L, stride, skipped: { train: train.skipped, test: test.skipped },
    description: `${where}: ${docs.bytes.length} documents (${nTest} held out), ${train.set.length} + ${test.set.length} windows of ${L + 1} bytes`,
  };
}
