// Transfer probe for text: which source file (fortune category) a held-out document comes from,
// by a linear probe on frozen features. Three feature sets on the same documents and the same
// probe: the trained model's hidden features mean-pooled over the document's first `window`
// bytes, the same network at random init (what the architecture alone gives), and a normalized
// byte histogram of those bytes (bag of bytes, 256 features: what letter statistics alone give).
// The probe trains on the corpus's training documents and is scored on its held-out ones, which
// the next-token model never saw either.
import { linearProbe, describeLinearProbe, LINEAR_PROBE_DEFAULTS } from '../eval/linear-probe.js';
import { CausalConvNet } from '../nn/causal-conv.js';
import { Generator } from '../random.js';
import { NextToken } from '../tasks/next-token.js';
import { noGrad } from '../tensor/tensor.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { TextDocuments } from './corpus.js';
import { BYTE_VOCAB } from './tokenizer.js';

export interface SourceProbeOptions {
  window?: number;     // bytes of each document read (its first ones); shorter documents are used whole
  seed?: number;       // of the probe's held-out wd selection and of the random-init network
  batchSize?: number;  // documents per forward pass
  name?: string;       // the trained model's row name
}

export interface SourceProbeRow {
  model: string;
  protocol: string;    // 'linear' (or 'majority' for the chance row): formatResultsTable reads these rows
  accuracy: number;
  settings: string;
}

export interface SourceProbeResult {
  rows: SourceProbeRow[];
  classes: string[];
  trainDocuments: number;
  testDocuments: number;
}

// Fortune entries are mostly under 256 bytes, so the window rarely cuts one; wd up to 1 because a
// few hundred documents against 64-256 features need more shrinkage than the image probe's grid.
export const SOURCE_PROBE_DEFAULTS = { window: 256, seed: 0, batchSize: 64, name: 'next-token',
  wdGrid: [1e-4, 1e-3, 1e-2, 1e-1, 1] as readonly number[] } as const;

function checkDocuments(docs: unknown): TextDocuments {
  const d = docs as TextDocuments;
  if (d === null || typeof d !== 'object' || !Array.isArray(d.bytes) || !Array.isArray(d.names) || !(d.labels instanceof Int32Array) || !(d.heldOut instanceof Uint8Array)
    || d.labels.length !== d.bytes.length || d.heldOut.length !== d.bytes.length)
    throw invalidParameter('documents', 'TextDocuments (text.documentsOf or textFiles(...).documents)', docs);
  d.bytes.forEach((b, i) => {
    if (!(b instanceof Uint8Array) || b.length === 0) throw invalidParameter(`documents.bytes[${i}]`, 'non-empty Uint8Array', b);
  });
  return d;
}

// Mean-pooled hidden features (D, C) of each document's first `window` bytes. A batch is padded on
// the right to its longest document and each row pooled over its own length (causality: the
// padding never reaches a real position).
export function documentFeatures(model: CausalConvNet, docs: readonly Uint8Array[], window: number, batchSize = 64): Float32Array {
  if (!(model instanceof CausalConvNet)) throw invalidParameter('model', 'CausalConvNet', model);
  checkInt('window', window, 1);
  checkInt('batchSize', batchSize, 1);
  const C = model.featureDim, out = new Float32Array(docs.length * C);
  const wasTraining = model.training;
  model.train(false);
  try {
    noGrad(() => {
      for (let s = 0; s < docs.length; s += batchSize) {
        const batch = docs.slice(s, s + batchSize);
        const lengths = batch.map((b) => Math.min(window, b.length));
        const L = Math.max(...lengths);
        const ids = new Uint8Array(batch.length * L);
        batch.forEach((b, i) => ids.set(b.subarray(0, lengths[i]), i * L));
        out.set(model.pooled(ids, batch.length, L, lengths).data, s * C);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return out;
}

// Byte frequencies (D, 256) of each document's first `window` bytes, summing to 1 per row.
export function byteHistograms(docs: readonly Uint8Array[], window: number): Float32Array {
  checkInt('window', window, 1);
  const out = new Float32Array(docs.length * BYTE_VOCAB);
  docs.forEach((b, i) => {
    const n = Math.min(window, b.length);
    for (let t = 0; t < n; t++) out[i * BYTE_VOCAB + b[t]] += 1 / n;
  });
  return out;
}

const rowsOf = (x: Float32Array, dim: number, idx: readonly number[]) => {
  const out = new Float32Array(idx.length * dim);
  idx.forEach((r, i) => out.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
};

export function sourceProbe(model: NextToken | CausalConvNet, documents: TextDocuments, opts?: SourceProbeOptions): SourceProbeResult {
  const net = model instanceof NextToken ? model.model : model;
  if (!(net instanceof CausalConvNet)) throw invalidParameter('model', 'a NextToken task or a CausalConvNet', model);
  const docs = checkDocuments(documents);
  const o = checkOptions<SourceProbeOptions>('options', opts, ['window', 'seed', 'batchSize', 'name']);
  const d = SOURCE_PROBE_DEFAULTS;
  const window = checkInt('window', o.window ?? d.window, 1);
  const seed = checkInt('seed', o.seed ?? d.seed);
  const batchSize = checkInt('batchSize', o.batchSize ?? d.batchSize, 1);
  const name = o.name ?? d.name;
  if (typeof name !== 'string' || name === '') throw invalidParameter('name', 'non-empty string', name);
  const train: number[] = [], test: number[] = [];
  docs.heldOut.forEach((h, i) => (h ? test : train).push(i));
  if (train.length < 2 || test.length < 1)
    throw outOfRange('documents', 'at least 2 training and 1 held-out document', `${train.length} and ${test.length}`);
  const yTr = Int32Array.from(train, (i) => docs.labels[i]), yTe = Int32Array.from(test, (i) => docs.labels[i]);
  const numClasses = Math.max(2, docs.names.length, docs.labels.reduce((m, y) => Math.max(m, y + 1), 0));
  const probeOpts = { seed, wdGrid: d.wdGrid, numClasses };
  const probeSettings = describeLinearProbe({ ...LINEAR_PROBE_DEFAULTS, wdGrid: d.wdGrid });
  const span = `first ${window} bytes of each document`;

  const probe = (features: Float32Array, dim: number) =>
    linearProbe(rowsOf(features, dim, train), yTr, rowsOf(features, dim, test), yTe, { ...probeOpts, dim }).accuracy;
  const hidden = (m: CausalConvNet) => probe(documentFeatures(m, docs.bytes, window, batchSize), m.featureDim);
  const random = new CausalConvNet(net.spec, { generator: new Generator(seed) });

  // The most frequent training label, predicted for every held-out document.
  const counts = new Array<number>(numClasses).fill(0);
  for (const y of yTr) counts[y]++;
  const majority = counts.indexOf(Math.max(...counts));
  const chance = yTe.reduce((s, y) => s + (y === majority ? 1 : 0), 0) / yTe.length;

  const rows: SourceProbeRow[] = [
    { model: name, protocol: 'linear', accuracy: hidden(net), settings: `mean-pooled hidden features (${net.featureDim}), ${span}; ${probeSettings}` },
    { model: 'random init', protocol: 'linear', accuracy: hidden(random), settings: `(same network, seed ${seed})` },
    { model: 'bag of bytes', protocol: 'linear', accuracy: probe(byteHistograms(docs.bytes, window), BYTE_VOCAB), settings: `normalized byte histogram (256), ${span}` },
    { model: 'majority class', protocol: 'majority', accuracy: chance, settings: `"${docs.names[majority] ?? majority}" for every held-out document` },
  ];
  return { rows, classes: [...docs.names], trainDocuments: train.length, testDocuments: test.length };
}
