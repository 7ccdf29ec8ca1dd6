// A tiny real run folder for the report tests: SimCLR with a 2-conv encoder, 2 epochs of 5 steps
// on the first 320 embedded training images (per-step metrics on, as fit's metricsEvery gives),
// then an eval.json with 10% and 100% rows like `selfsup eval --labels 10%,100%` writes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Augment } from '../../lib/augment/pipeline.js';
import { fashionMnist, type ImageSet } from '../../lib/data/fashion-mnist.js';
import type { ResultRow } from '../../lib/eval/report.js';
import * as nn from '../../lib/nn/index.js';
import { manualSeed } from '../../lib/random.js';
import { SimCLR } from '../../lib/tasks/simclr.js';
import { fit } from '../../lib/train/fit.js';

export const EVAL_ROWS: ResultRow[] = [
  { model: 'simclr 2 ep', protocol: 'linear', accuracy: 0.61, labels: '10%', settings: 'L-BFGS' },
  { model: 'simclr 2 ep', protocol: 'knn', accuracy: 0.58, labels: '10%', settings: 'k=20' },
  { model: 'simclr 2 ep', protocol: 'linear', accuracy: 0.72, labels: '100%', settings: 'L-BFGS' },
  { model: 'simclr 2 ep', protocol: 'knn', accuracy: 0.69, labels: '100%', settings: 'k=20' },
  { model: 'random init', protocol: 'linear', accuracy: 0.55, labels: '10%', settings: 'L-BFGS' },
  { model: 'random init', protocol: 'linear', accuracy: 0.66, labels: '100%', settings: 'L-BFGS' },
];

function first(set: ImageSet, n: number): ImageSet {
  const per = set.shape[0] * set.shape[1] * set.shape[2];
  return { ...set, images: set.images.subarray(0, n * per), labels: set.labels!.subarray(0, n), length: n };
}

export async function makeRun(): Promise<{ root: string; run: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-report-'));
  const run = path.join(root, 'tiny-run');
  manualSeed(0);
  const encoder = nn.convEncoder({ inChannels: 1, widths: [8, 16], strides: [2, 2] });
  const task = new SimCLR({ encoder, projectionDim: 16, temperature: 0.5,
    augment: new Augment({ crop: { scale: [0.5, 1] }, hflip: 0.5 }) });
  await fit(task, first(fashionMnist({ split: 'train' }), 320), { epochs: 2, batchSize: 64, runDir: run, progress: false, metricsEvery: 1 });
  fs.writeFileSync(path.join(run, 'eval.json'), JSON.stringify({ data: 'test fixture: 320 train / 300 test images', rows: EVAL_ROWS }, null, 2));
  return { root, run };
}
