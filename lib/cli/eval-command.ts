// `selfsup eval RUN_DIR`: rebuild the run's task from its checkpoint, load the trained weights and
// print each protocol at each label fraction for the trained encoder, random init and raw pixels.
import fs from 'node:fs';
import path from 'node:path';
import { loadSafetensors } from '../io/safetensors.js';
import { ConvEncoder } from '../nn/encoders.js';
import { manualSeed } from '../random.js';
import { setNumThreads } from '../runtime.js';
import { taskFromConfig } from '../tasks/registry.js';
import { CHECKPOINT_FILE } from '../train/run-dir.js';
import { checkInt } from '../validate.js';
import { resolveData } from './data.js';
import { evaluateEncoders, formatResultsTable, parseFractions, parseProtocols } from './evaluation.js';

export interface EvalFlags {
  protocol: string;
  labels: string;
  data?: string;
  seed: string;
  threads?: string;
  finetuneEpochs: string;
  limit?: string;
}

export function loadRunEncoder(runDir: string): { encoder: ConvEncoder; task: string; epochs: number } {
  const file = path.join(runDir, CHECKPOINT_FILE);
  if (!fs.existsSync(file)) throw new Error(`${runDir}: no ${CHECKPOINT_FILE} (not a selfsup run folder, or the run never finished an epoch)`);
  const { tensors, metadata } = loadSafetensors(file);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(metadata.task_config);
  } catch {
    throw new Error(`${file}: checkpoint metadata has no readable task_config`);
  }
  const task = taskFromConfig(config);
  const state = new Map<string, { shape: number[]; data: ArrayLike<number> }>();
  for (const [k, t] of tensors)
    if (k.startsWith('model.')) state.set(k.slice(6), { shape: t.shape, data: t.data instanceof BigInt64Array ? Array.from(t.data, Number) : t.data });
  task.model.loadStateDict(state);
  return { encoder: task.encoder as ConvEncoder, task: task.name, epochs: Number(metadata.epoch ?? 0) };
}

export async function evalCommand(runDir: string, f: EvalFlags): Promise<void> {
  if (f.threads !== undefined) setNumThreads(checkInt('--threads', Number(f.threads), 1, 1024));
  const seed = checkInt('--seed', Number(f.seed), 0);
  const protocols = parseProtocols(f.protocol), fractions = parseFractions(f.labels);
  const { encoder, task, epochs } = loadRunEncoder(runDir);
  const data = await resolveData(f.data, f.limit === undefined ? undefined : checkInt('--limit', Number(f.limit), 2));
  console.error(`selfsup eval: ${task} run ${runDir} on ${data.description}`);
  manualSeed(seed);
  const random = new ConvEncoder(encoder.spec);
  const rows = evaluateEncoders([{ name: `${task} ${epochs} ep`, encoder }, { name: 'random init', encoder: random }, { name: 'raw pixels', encoder: null }],
    data.train, data.test, { protocols, fractions, seed, finetuneEpochs: checkInt('--finetune-epochs', Number(f.finetuneEpochs), 1) },
    (s) => console.error(`eval: ${s}`));
  fs.writeFileSync(path.join(runDir, 'eval.json'), JSON.stringify({ data: data.description, rows }, null, 2) + '\n');
  console.log(formatResultsTable(rows, { format: 'plain' }));
}
