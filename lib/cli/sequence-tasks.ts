// `selfsup pretrain --task temporal | next-token`: their data, task and transfer evaluation.
//   temporal:   Moving-MNIST clips generated from Fashion-MNIST (the embedded sample by default,
//               --data DIR / full for other IDX files; train clips from training images, test clips
//               from test images), or --frames DIR (one folder of numbered frames per clip; a seeded
//               10% of the clips held out). Transfer: linear probe of the pooled encoder features
//               on the clip's object class and direction of motion, next to random init.
//   next-token: the embedded fortunes sample, or --text FILE[,FILE...] / a folder of text files
//               (documents = files, or entries separated by a line holding "%"; whole documents
//               held out). Transfer: classify held-out documents by source file from mean-pooled
//               features, next to random init, a bag-of-bytes baseline and the majority class.
import { intFlag, numberFlag } from './flags.js';
import fs from 'node:fs';
import type { Dataset } from '../data/dataset.js';
import { fashionMnist, DEBIAN_FASHION_MNIST, EMBEDDED_FASHION_MNIST } from '../data/fashion-mnist.js';
import { frameFolders } from '../data/frame-folders.js';
import { movingMnist, type ClipSet } from '../data/moving-mnist.js';
import { evaluateClipProbe } from '../eval/clip-probe.js';
import type { ResultRow } from '../eval/report.js';
import { stratifiedSplit } from '../eval/subset.js';
import { selectItems } from '../data/image-folder.js';
import { VideoEncoder } from '../nn/video-encoder.js';
import { manualSeed } from '../random.js';
import { NextToken } from '../tasks/next-token.js';
import { TemporalReconstruction, TEMPORAL_LOSSES, TEMPORAL_MODES } from '../tasks/temporal.js';
import type { Task } from '../tasks/task.js';
import { documentsOf, textFiles, type TextDocuments } from '../text/corpus.js';
import { EMBEDDED_FORTUNES, fortunesSample, fortunesSampleDocuments } from '../text/fortunes.js';
import { sourceProbe } from '../text/source-probe.js';
import { checkOneOf, outOfRange } from '../validate.js';
import type { CausalConvSpec } from '../nn/causal-conv.js';
import { firstItems } from './data.js';

export interface SequenceFlags {
  data?: string;
  frames?: string;
  text?: string;
  clips: string;
  clipFrames: string;
  clipSize: string;
  hidden: string;
  mode: string;
  loss?: string;
  context: string;
  stride?: string;
  width?: string;
  dropout?: string;
  limit?: string;
}

export interface SequenceData {
  train: Dataset;
  test: Dataset;
  description: string;
  labelled: boolean;
  documents?: TextDocuments; // next-token: for the source probe
}

function fashionDir(data: string | undefined): { dir: string; what: string } {
  if (data === undefined) return { dir: EMBEDDED_FASHION_MNIST, what: 'the embedded Fashion-MNIST sample' };
  if (data === 'full') return { dir: DEBIAN_FASHION_MNIST, what: `Fashion-MNIST from ${DEBIAN_FASHION_MNIST}` };
  if (!fs.existsSync(data) || !fs.statSync(data).isDirectory()) throw new Error(`${data}: --data folder does not exist (expected the Fashion-MNIST IDX files)`);
  return { dir: data, what: `Fashion-MNIST IDX files in ${data}` };
}

export async function temporalData(f: SequenceFlags, seed: number): Promise<SequenceData> {
  if (f.frames !== undefined) {
    if (f.data !== undefined) throw new Error('--frames and --data are two sources of clips: give one');
    const all = await frameFolders(f.frames, { size: intFlag('--clip-size', f.clipSize, 4), ...(f.limit === undefined ? {} : { limit: intFlag('--limit', f.limit, 2) }) });
    if (all.length < 2) throw new Error(`${f.frames}: 1 clip is too few to hold out a test split`);
    const { train: tr, val: te } = stratifiedSplit(new Int32Array(all.length), 0.1, seed);
    return { train: selectItems(all as never, tr), test: selectItems(all as never, te), labelled: false,
      description: `frame folders in ${f.frames}: ${tr.length} train / ${te.length} test clips of ${all.shape.join('x')}` };
  }
  const { dir, what } = fashionDir(f.data);
  const count = intFlag('--clips', f.clips, 2);
  const opts = { frames: intFlag('--clip-frames', f.clipFrames, 2), size: intFlag('--clip-size', f.clipSize, 28) };
  const limit = f.limit === undefined ? count : Math.min(count, intFlag('--limit', f.limit, 2));
  const testCount = Math.max(2, Math.round(limit / 4));
  const train = movingMnist(fashionMnist({ split: 'train', dir }), { count: limit, ...opts, seed });
  const test = movingMnist(fashionMnist({ split: 'test', dir }), { count: testCount, ...opts, seed: seed + 1 });
  return { train, test, labelled: true,
    description: `Moving-MNIST clips from ${what}: ${train.length} train / ${test.length} test clips of ${opts.frames} frames, ${opts.size}x${opts.size}, 2 objects` };
}

export function textData(f: SequenceFlags, seed: number): SequenceData {
  const data = textCorpus(f, seed);
  if (f.limit === undefined) return data;
  // --limit: the first n training and test windows (quick tries); the probe keeps every document.
  const n = intFlag('--limit', f.limit, 2);
  const test = firstItems(data.test, n) as Dataset & { texts?: Uint8Array[] };
  return { ...data, train: firstItems(data.train, n), test: test.texts ? { ...test, texts: test.texts.slice(0, n) } as Dataset : test };
}

function textCorpus(f: SequenceFlags, seed: number): SequenceData {
  const context = intFlag('--context', f.context, 1);
  // Overlapping training windows (stride < context) show each byte after contexts of several lengths.
  const stride = f.stride === undefined ? context : intFlag('--stride', f.stride, 1, context);
  if (f.text === undefined) {
    const c = fortunesSample({ context, stride, seed });
    return { train: c.train, test: c.test, labelled: true, documents: fortunesSampleDocuments({ seed }),
      description: `the embedded fortunes sample (${EMBEDDED_FORTUNES}): ${c.train.length} train / ${c.test.length} test windows of ${context} + 1 bytes` };
  }
  const sources = f.text.includes(',') ? f.text.split(',').map((s) => s.trim()).filter((s) => s !== '') : f.text;
  const c = textFiles(sources, { context, stride, seed });
  return { train: c.train, test: c.test, labelled: true, documents: documentsOf(sources, { seed }),
    description: `text ${Array.isArray(sources) ? sources.join(', ') : sources}: ${c.train.length} train / ${c.test.length} test windows of ${context} + 1 bytes` };
}

export function buildTemporal(f: SequenceFlags, shape: readonly number[]): { task: Task; makeEncoder: () => VideoEncoder } {
  const spec = { inChannels: shape[0], visibilityMask: true };
  const task = new TemporalReconstruction({
    encoder: new VideoEncoder(spec), hidden: intFlag('--hidden', f.hidden, 1),
    mode: checkOneOf('--mode', f.mode, TEMPORAL_MODES), loss: checkOneOf('--loss', f.loss ?? 'l2', TEMPORAL_LOSSES),
  });
  task.checkInput?.(shape);
  return { task, makeEncoder: () => new VideoEncoder(spec) };
}

export function buildNextToken(shape: readonly number[], width?: string, dropout?: string): Task {
  const spec: CausalConvSpec = {};
  if (width !== undefined) spec.channels = intFlag('--width', width, 1);
  if (dropout !== undefined) {
    spec.dropout = numberFlag('--dropout', dropout, 0, 1);
    if (spec.dropout >= 1) throw outOfRange('--dropout', 'probability in [0, 1)', dropout);
  }
  const task = new NextToken({ spec });
  task.checkInput(shape);
  return task;
}

// Transfer rows for the results table.
export function sequenceTransfer(task: Task, data: SequenceData, seed: number, makeEncoder: (() => VideoEncoder) | null, log: (s: string) => void): ResultRow[] {
  if (task instanceof NextToken) {
    log('source probe: next-token features, random init, bag of bytes');
    const r = sourceProbe(task, data.documents!, { seed, name: `${task.name}` });
    return r.rows.map((row) => ({ model: row.model, protocol: row.protocol, accuracy: row.accuracy, labels: '100%', settings: row.settings }));
  }
  if (!(task instanceof TemporalReconstruction) || !data.labelled || !makeEncoder) return [];
  const rows: ResultRow[] = [];
  manualSeed(seed);
  const random = makeEncoder();
  for (const label of ['class', 'direction'] as const)
    for (const [name, encoder] of [[task.name, task.encoder], ['random init', random]] as const) {
      log(`clip probe (${label}): ${name}`);
      const r = evaluateClipProbe(encoder, data.train as ClipSet, data.test as ClipSet, label, { probe: { seed } });
      rows.push({ model: name, protocol: `linear (${label})`, accuracy: r.accuracy, labels: '100%', settings: `${r.settings}; majority ${(100 * r.majority).toFixed(1)}%` });
    }
  return rows;
}

export const isSequenceTask = (name: string) => name === 'temporal' || name === 'next-token';
