// `selfsup pretrain`: build the task on the chosen data, train it with checkpoints in a run folder,
// save the encoder, then measure it with the linear probe and kNN next to the same encoder at
// random init (the README's main job: SimCLR on the embedded sample in a few minutes on 2 cores).
import fs from 'node:fs';
import path from 'node:path';
import { Augment, byol as byolRecipe } from '../augment/pipeline.js';
import { saveModule } from '../io/state.js';
import { convEncoder, ENCODER_PRESETS } from '../nn/encoders.js';
import { manualSeed } from '../random.js';
import { setNumThreads } from '../runtime.js';
import { BYOL } from '../tasks/byol.js';
import { SimCLR } from '../tasks/simclr.js';
import type { Task } from '../tasks/task.js';
import { fit } from '../train/fit.js';
import { checkInt, checkNumber, checkOneOf } from '../validate.js';
import { resolveData } from './data.js';
import { evaluateEncoders, formatResultsTable, parseProtocols } from './evaluation.js';

export interface PretrainFlags {
  task: string;
  data?: string;
  epochs: string;
  batchSize: string;
  out?: string;
  resume?: boolean;
  seed: string;
  encoder: string;
  temperature?: string;
  lr?: string;
  threads?: string;
  limit?: string;
  eval: string | false;
}

// The default SimCLR recipe for 28x28 grayscale images, chosen by measurement on the embedded
// sample (BENCHMARKS.md): crop 0.3-1 (0.08 destroys most of a 28x28 item), flip, 2-pixel shift,
// brightness/contrast jitter 0.4 with p = 0.8; T = 0.2.
export function defaultSimclrAugment(): Augment {
  return new Augment({ crop: { scale: [0.3, 1] }, hflip: 0.5, translate: 2 / 28, colorJitter: { p: 0.8, brightness: 0.4, contrast: 0.4 } });
}

export async function pretrain(f: PretrainFlags): Promise<void> {
  const taskName = checkOneOf('--task', f.task, ['simclr', 'byol'] as const);
  const epochs = checkInt('--epochs', Number(f.epochs), 1);
  const batchSize = checkInt('--batch-size', Number(f.batchSize), 2);
  const seed = checkInt('--seed', Number(f.seed), 0);
  const preset = checkOneOf('--encoder', f.encoder, Object.keys(ENCODER_PRESETS));
  if (f.threads !== undefined) setNumThreads(checkInt('--threads', Number(f.threads), 1, 1024));
  if (f.resume && !f.out) throw new Error('--resume needs --out RUN_DIR (the run to continue)');
  const data = await resolveData(f.data, f.limit === undefined ? undefined : checkInt('--limit', Number(f.limit), 2));
  const runDir = f.out ?? path.join('runs', `${taskName}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
  console.error(`selfsup pretrain: ${taskName} on ${data.description}`);
  manualSeed(seed);
  const [C] = data.train.shape;
  const encoder = convEncoder({ inChannels: C, preset });
  let task: Task;
  if (taskName === 'simclr') {
    const temperature = checkNumber('--temperature', Number(f.temperature ?? 0.2), 0, Infinity, true);
    task = new SimCLR({ encoder, temperature, augment: defaultSimclrAugment() });
  } else {
    task = new BYOL({ encoder, augment: byolRecipe({ blur: false }) });
  }
  console.error(`encoder: ${preset} ${JSON.stringify(encoder.spec.widths)}, ${encoder.numParameters().toLocaleString()} parameters, ` +
    `${(encoder.flops(data.train.shape[1], data.train.shape[2]) / 1e6).toFixed(1)} MFLOP per image; run folder ${runDir}`);
  const t0 = Date.now();
  const result = await fit(task, data.train, {
    epochs, batchSize, seed, runDir, resume: !!f.resume,
    lr: f.lr === undefined ? undefined : checkNumber('--lr', Number(f.lr), 0, Infinity, true),
  });
  const minutes = (Date.now() - t0) / 60000;
  console.error(`${result.stopped ? 'stopped' : 'done'} after ${result.epochs} epochs (${result.steps} steps, ${minutes.toFixed(1)} min), ` +
    `last loss ${result.lastLoss.toFixed(4)}; checkpoint ${result.checkpoint}`);
  saveModule(encoder, path.join(runDir, 'encoder.safetensors'), { spec: JSON.stringify(encoder.spec), task: taskName });
  if (result.stopped || f.eval === false) return;
  if (!data.train.labels || !data.test.labels) {
    console.error('evaluation skipped: the data has no labels (an image folder without class subfolders)');
    return;
  }
  const protocols = parseProtocols(f.eval);
  manualSeed(seed);
  const random = convEncoder({ inChannels: C, preset });
  const rows = evaluateEncoders([{ name: `${taskName} ${result.epochs} ep`, encoder }, { name: 'random init', encoder: random }],
    data.train, data.test, { protocols, fractions: [1], seed, finetuneEpochs: 2 }, (s) => console.error(`eval: ${s}`));
  fs.writeFileSync(path.join(runDir, 'eval.json'), JSON.stringify({ data: data.description, rows }, null, 2) + '\n');
  console.log(formatResultsTable(rows, { format: 'plain' }));
}
