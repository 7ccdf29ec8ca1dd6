// `selfsup pretrain`: build the task on the chosen data, train it with checkpoints in a run folder,
// save the encoder, then measure it: the task's own held-out metrics (pretext accuracy,
// colorization error) and the linear probe and kNN next to the same encoder at random init (the
// README's main job: SimCLR on the embedded sample in a few minutes on 2 cores).
import { intFlag, numberFlag } from './flags.js';
import fs from 'node:fs';
import path from 'node:path';
import type { ImageSet } from '../data/fashion-mnist.js';
import type { ConvEncoder } from '../nn/encoders.js';
import type { Module } from '../nn/module.js';
import type { VideoEncoder } from '../nn/video-encoder.js';
import type { Task } from '../tasks/task.js';
import { photoCrops } from '../data/photo-crops.js';
import { saveModule } from '../io/state.js';
import { manualSeed } from '../random.js';
import { setNumThreads } from '../runtime.js';
import { colorStatistics } from '../tasks/colorization.js';
import { fit } from '../train/fit.js';
import type { OptimizerName } from '../train/options.js';
import { checkOneOf, outOfRange } from '../validate.js';
import { resolveData, type DataSource } from './data.js';
import { evaluateEncoders, formatResultsTable, parseProtocols } from './evaluation.js';
import { buildNextToken, buildTemporal, isSequenceTask, sequenceTransfer, temporalData, textData, type SequenceData, type SequenceFlags } from './sequence-tasks.js';
import { NextToken } from '../tasks/next-token.js';
import { DEVICES, trainingDevice } from '../native/cuda.js';
import { buildTask, CLI_TASKS, defaultOptimizer, defaultWeightDecay, type ImageTask, type TaskFlags } from './tasks.js';

export interface PretrainFlags extends TaskFlags, Omit<SequenceFlags, 'data' | 'limit' | 'loss'> {
  task: string;
  data?: string;
  device: string;
  epochs: string;
  batchSize?: string;
  out?: string;
  resume?: boolean;
  seed: string;
  lr?: string;
  weightDecay?: string;
  optimizer?: string;
  threads?: string;
  limit?: string;
  crop: string;
  cropsPerEpoch: string;
  holdout?: string;
  eval: string | false;
}

// How a run's photo data was made, saved as photos.json in the run folder so `selfsup report` and
// `selfsup eval` rebuild the same held-out crops.
export interface PhotoDataSpec {
  dir: string;
  size: number;
  cropsPerEpoch: number;
  seed: number;
  shortSide: number;
  holdout?: number;
  limit?: number;
}
export const PHOTO_SPEC_FILE = 'photos.json';

export async function loadPhotoData(spec: PhotoDataSpec): Promise<DataSource & { files: { train: string[]; test: string[] } }> {
  const { train, test, files } = await photoCrops(spec.dir, { size: spec.size, cropsPerEpoch: spec.cropsPerEpoch, seed: spec.seed, shortSide: spec.shortSide,
    ...(spec.holdout === undefined ? {} : { holdout: spec.holdout }), ...(spec.limit === undefined ? {} : { limit: spec.limit }) });
  return { train, test, files, description: `photo folder ${spec.dir}: ${files.train.length} photos for training (${train.length} random ${spec.size}x${spec.size} crops per epoch), ` +
    `${files.test.length} held out (${test.length} fixed crops)` };
}

// Colour photographs for colorization: random crops each epoch, fixed crops of held-out photos.
async function photoData(dir: string | undefined, f: PretrainFlags, seed: number): Promise<DataSource & { spec: PhotoDataSpec }> {
  if (dir === undefined || dir === 'full')
    throw new Error('--task colorization needs colour photographs: pass --data DIR, a folder of colour images (PNG/JPEG/WebP) ' +
      'that are cropped to --crop pixels at random each epoch (the embedded Fashion-MNIST sample is grayscale)');
  const size = intFlag('--crop', f.crop, 8);
  const spec: PhotoDataSpec = { dir: path.resolve(dir), size, cropsPerEpoch: intFlag('--crops-per-epoch', f.cropsPerEpoch, 1), seed, shortSide: 4 * size,
    ...(f.holdout === undefined ? {} : { holdout: intFlag('--holdout', f.holdout, 1) }),
    ...(f.limit === undefined ? {} : { limit: intFlag('--limit', f.limit, 2) }) };
  const data = await loadPhotoData(spec);
  if (isGray(data.train) && isGray(data.test))
    throw new Error(`${dir}: every image is grayscale (R = G = B everywhere); --task colorization needs colour photographs`);
  return { ...data, spec };
}

function isGray(set: ImageSet): boolean {
  const [C, H, W] = set.shape, S = H * W;
  if (C === 1) return true;
  for (let n = 0; n < set.length; n++)
    for (let p = 0; p < S; p++) {
      const o = n * C * S + p, r = set.images[o];
      if (set.images[o + S] !== r || set.images[o + 2 * S] !== r) return false;
    }
  return true;
}

// Per-task defaults where the general ones (batch 128; the optimizer's own lr) fit badly: big dense
// outputs (colorization, temporal) want smaller batches; the byte model trains well at 3e-3.
const DEFAULT_BATCH: Partial<Record<string, number>> = { colorization: 32, temporal: 32, 'next-token': 64 };
const DEFAULT_LR: Partial<Record<string, number>> = { 'next-token': 3e-3 };

function parseWeightDecay(v: string): number {
  const wd = Number(v);
  if (v.trim() === '' || !Number.isFinite(wd) || wd < 0) throw outOfRange('--weight-decay', 'a finite number >= 0', v);
  return wd;
}

export async function pretrain(f: PretrainFlags): Promise<void> {
  const taskName = checkOneOf('--task', f.task, CLI_TASKS);
  const epochs = intFlag('--epochs', f.epochs, 1);
  const batchSize = f.batchSize === undefined ? DEFAULT_BATCH[taskName] ?? 128 : intFlag('--batch-size', f.batchSize, 2);
  const seed = intFlag('--seed', f.seed, 0);
  const optimizer: OptimizerName = f.optimizer === undefined ? defaultOptimizer(taskName) : checkOneOf('--optimizer', f.optimizer, ['lars', 'sgd', 'adamw'] as const);
  const weightDecay = f.weightDecay === undefined ? defaultWeightDecay(taskName, optimizer) : parseWeightDecay(f.weightDecay);
  if (f.threads !== undefined) setNumThreads(intFlag('--threads', f.threads, 1, 1024));
  if (f.resume && !f.out) throw new Error('--resume needs --out RUN_DIR (the run to continue)');
  const device = checkOneOf('--device', f.device, DEVICES);
  const placement = trainingDevice(device); // 'cuda' that cannot run stops here, before any data is read
  if (device !== 'cpu') console.error(`device: ${placement.why}`);
  const sequenceFlags = f as unknown as SequenceFlags;
  if (!isSequenceTask(taskName) && (f.frames !== undefined || f.text !== undefined))
    throw new Error(`--frames and --text are for --task temporal and --task next-token, not ${taskName}`);
  for (const flag of ['width', 'dropout', 'stride'] as const)
    if (taskName !== 'next-token' && sequenceFlags[flag] !== undefined)
      throw new Error(`--${flag} is for --task next-token, not ${taskName}`);
  const photos = taskName === 'colorization' ? await photoData(f.data, f, seed) : null;
  const sequence: SequenceData | null = taskName === 'temporal' ? await temporalData(sequenceFlags, seed)
    : taskName === 'next-token' ? textData(sequenceFlags, seed) : null;
  const data = photos ?? sequence ?? await resolveData(f.data, f.limit === undefined ? undefined : intFlag('--limit', f.limit, 2));
  const runDir = f.out ?? path.join('runs', `${taskName}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
  console.error(`selfsup pretrain: ${taskName} on ${data.description}`);
  manualSeed(seed);
  const colour = taskName === 'colorization' ? colorStatistics(data.train as ImageSet) : undefined;
  // makeEncoder: the same architecture freshly initialized, for the random-init rows (next-token's
  // source probe builds its own).
  let task: Task, encoder: Module, makeEncoder: (() => Module) | null = null, describeEncoder: string;
  if (taskName === 'temporal') {
    const built = buildTemporal(sequenceFlags, data.train.shape);
    ({ task, makeEncoder } = built);
    encoder = task.encoder;
    describeEncoder = `3-D conv encoder ${JSON.stringify((encoder as VideoEncoder).spec.widths)}, ${encoder.numParameters().toLocaleString()} parameters`;
  } else if (taskName === 'next-token') {
    task = buildNextToken(data.train.shape, sequenceFlags.width, sequenceFlags.dropout);
    encoder = task.encoder;
    describeEncoder = `causal dilated conv net, ${encoder.numParameters().toLocaleString()} parameters, context ${data.train.shape[0] - 1} bytes, dropout ${(task as NextToken).model.spec.dropout}`;
  } else {
    const built = buildTask(taskName as ImageTask, data.train.shape as [number, number, number], f, colour);
    ({ task, makeEncoder } = built);
    encoder = built.encoder;
    const [, H, W] = data.train.shape;
    describeEncoder = `${f.encoder} ${JSON.stringify(built.encoder.spec.widths)}, ${encoder.numParameters().toLocaleString()} parameters, ` +
      `${(built.encoder.flops(H, W) / 1e6).toFixed(1)} MFLOP per ${H}x${W} image`;
  }
  console.error(`encoder: ${describeEncoder}; ${optimizer}; run folder ${runDir}`);
  const t0 = Date.now();
  const result = await fit(task, data.train, {
    epochs, batchSize, seed, runDir, resume: !!f.resume, optimizer, device,
    lr: f.lr === undefined ? DEFAULT_LR[taskName] : numberFlag('--lr', f.lr, 0, Infinity, true),
    ...(weightDecay === undefined ? {} : { weightDecay }),
  });
  const minutes = (Date.now() - t0) / 60000;
  console.error(`${result.stopped ? 'stopped' : 'done'} after ${result.epochs} epochs (${result.steps} steps, ${minutes.toFixed(1)} min), ` +
    `last loss ${result.lastLoss.toFixed(4)}; checkpoint ${result.checkpoint}`);
  if (photos) fs.writeFileSync(path.join(runDir, PHOTO_SPEC_FILE), JSON.stringify(photos.spec, null, 2) + '\n');
  saveModule(encoder, path.join(runDir, 'encoder.safetensors'), { spec: JSON.stringify((encoder as { spec?: unknown }).spec ?? null), task: taskName });
  if (result.stopped) return;
  // The task's own held-out metrics are cheap and always measured; --no-eval skips the transfer.
  if (task.evaluate) {
    const metrics = task.evaluate(data.test, { seed });
    fs.writeFileSync(path.join(runDir, 'pretext.json'), JSON.stringify({ task: taskName, data: data.description, metrics }, null, 2) + '\n');
    console.log(`held-out ${taskName}: ${Object.entries(metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ')}`);
  }
  if (f.eval === false) return;
  if (sequence) {
    const rows = sequenceTransfer(task, sequence, seed, makeEncoder as (() => VideoEncoder) | null, (s) => console.error(`eval: ${s}`));
    if (rows.length === 0) { console.error('transfer evaluation skipped: the clips have no labels (frame folders)'); return; }
    fs.writeFileSync(path.join(runDir, 'eval.json'), JSON.stringify({ data: sequence.description, rows }, null, 2) + '\n');
    console.log(formatResultsTable(rows, { format: 'plain' }));
    return;
  }
  // Transfer to labelled images: the training data when it has labels, else (photos) the embedded
  // Fashion-MNIST sample, which a one-channel encoder reads directly.
  const imageEncoder = encoder as ConvEncoder;
  let labelled = data as DataSource;
  if (!data.train.labels || !data.test.labels) {
    if (imageEncoder.spec.inChannels !== 1) {
      console.error('transfer evaluation skipped: the data has no labels (an image folder without class subfolders)');
      return;
    }
    labelled = await resolveData(undefined, f.limit === undefined ? undefined : intFlag('--limit', f.limit, 2));
    console.error(`transfer evaluation on ${labelled.description}`);
  }
  const protocols = parseProtocols(f.eval);
  manualSeed(seed);
  const rows = evaluateEncoders([{ name: `${taskName} ${result.epochs} ep`, encoder: imageEncoder }, { name: 'random init', encoder: makeEncoder!() as ConvEncoder }],
    labelled.train, labelled.test, { protocols, fractions: [1], seed, finetuneEpochs: 2 }, (s) => console.error(`eval: ${s}`));
  fs.writeFileSync(path.join(runDir, 'eval.json'), JSON.stringify({ data: labelled.description, rows }, null, 2) + '\n');
  console.log(formatResultsTable(rows, { format: 'plain' }));
}
