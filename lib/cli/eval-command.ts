// `selfsup eval RUN_DIR`: rebuild the run's task from its checkpoint, load the trained weights and
// print each protocol at each label fraction for the trained encoder, random init and raw pixels.
import { intFlag } from './flags.js';
import fs from 'node:fs';
import path from 'node:path';
import { loadSafetensors } from '../io/safetensors.js';
import { ConvEncoder } from '../nn/encoders.js';
import { manualSeed } from '../random.js';
import { setNumThreads } from '../runtime.js';
import { taskFromConfig } from '../tasks/registry.js';
import type { Task } from '../tasks/task.js';
import { CHECKPOINT_FILE } from '../train/run-dir.js';
import { resolveData } from './data.js';
import { evaluateEncoders, formatResultsTable, parseFractions, parseProtocols } from './evaluation.js';
import { isSequenceTask, sequenceTransfer, temporalData, textData } from './sequence-tasks.js';
import { VideoEncoder, type VideoEncoderSpec } from '../nn/video-encoder.js';

// Temporal runs: clips generated as in pretraining (frame count and size from the run's config.json);
// next-token runs: the source probe on --text or the embedded fortunes.
async function evalSequenceRun(dir: string, task: Task, epochs: number, f: EvalFlags, seed: number): Promise<void> {
  let shape: number[] = [];
  try {
    shape = (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { dataset?: { shape?: number[] } }).dataset?.shape ?? [];
  } catch { /* the defaults below */ }
  const flags = { data: f.data, text: f.text, clips: '2000', clipFrames: String(shape[1] ?? 10), clipSize: String(shape[2] ?? 64),
    hidden: '2', mode: 'random', context: String((shape[0] ?? 65) - 1), limit: f.limit };
  const data = task.name === 'temporal' ? await temporalData(flags, seed) : textData(flags, seed);
  console.error(`selfsup eval: ${task.name} run ${dir} (${epochs} epochs) on ${data.description}`);
  if (task.evaluate) {
    const m = task.evaluate(data.test, { seed });
    console.log(`held-out ${task.name}: ${Object.entries(m).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ')}`);
  }
  const encoderSpec = (task.encoder as { spec?: VideoEncoderSpec }).spec;
  const rows = sequenceTransfer(task, data, seed, task.name === 'temporal' && encoderSpec ? () => new VideoEncoder(encoderSpec) : null,
    (s) => console.error(`eval: ${s}`));
  fs.writeFileSync(path.join(dir, 'eval.json'), JSON.stringify({ data: data.description, rows }, null, 2) + '\n');
  console.log(formatResultsTable(rows, { format: 'plain' }));
}

export interface EvalFlags {
  text?: string;
  protocol: string;
  labels: string;
  data?: string;
  seed: string;
  threads?: string;
  finetuneEpochs: string;
  limit?: string;
}

// The run's whole task (encoder and heads) rebuilt from its checkpoint's task config with the
// trained weights, plus the checkpoint's metadata (epoch, trainer options, …).
export function loadRunTask(runDir: string): { task: Task; epochs: number; metadata: Record<string, string> } {
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
  return { task, epochs: Number(metadata.epoch ?? 0), metadata };
}

export function loadRunEncoder(runDir: string): { encoder: ConvEncoder; task: string; epochs: number } {
  const { task, epochs } = loadRunTask(runDir);
  return { encoder: task.encoder as ConvEncoder, task: task.name, epochs };
}

// One table for any number of runs (SimCLR next to the pretext tasks, say): every run's encoder,
// a random-init encoder per distinct architecture, and raw pixels, on the same labelled data.
export async function evalCommand(runDirs: string | string[], f: EvalFlags): Promise<void> {
  const runs = Array.isArray(runDirs) ? runDirs : [runDirs];
  if (runs.length === 0) throw new Error('selfsup eval: expected at least one run folder');
  if (f.threads !== undefined) setNumThreads(intFlag('--threads', f.threads, 1, 1024));
  const seed = intFlag('--seed', f.seed, 0);
  const protocols = parseProtocols(f.protocol), fractions = parseFractions(f.labels);
  const sequenceRuns = runs.map((dir) => ({ dir, ...loadRunTask(dir) })).filter((r) => isSequenceTask(r.task.name));
  if (sequenceRuns.length > 0) {
    if (runs.length > 1) throw new Error(`selfsup eval: ${sequenceRuns[0].dir} is a ${sequenceRuns[0].task.name} run; evaluate temporal and next-token runs one at a time`);
    return evalSequenceRun(sequenceRuns[0].dir, sequenceRuns[0].task, sequenceRuns[0].epochs, f, seed);
  }
  const loaded = runs.map((dir) => ({ dir, ...loadRunEncoder(dir) }));
  const data = await resolveData(f.data, f.limit === undefined ? undefined : intFlag('--limit', f.limit, 2));
  const C = data.train.shape[0];
  for (const r of loaded)
    if (r.encoder.spec.inChannels !== C)
      throw new Error(`${r.dir}: its encoder reads ${r.encoder.spec.inChannels}-channel images but ${data.description} has ${C} channel${C > 1 ? 's' : ''}`);
  console.error(`selfsup eval: ${loaded.map((r) => `${r.task} (${r.dir})`).join(', ')} on ${data.description}`);
  for (const r of loaded) {
    const file = path.join(r.dir, 'pretext.json');
    if (!fs.existsSync(file)) continue;
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { metrics: Record<string, number>; data: string };
    console.log(`${r.task} held-out pretext metrics (${m.data}): ${Object.entries(m.metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ')}`);
  }
  // One random-init row per distinct architecture (input normalization included), seeded.
  const specs = new Map<string, ConvEncoder>();
  for (const r of loaded) {
    const key = JSON.stringify(r.encoder.spec);
    if (!specs.has(key)) { manualSeed(seed); specs.set(key, new ConvEncoder(r.encoder.spec)); }
  }
  const randomRows = [...specs.entries()].map(([key, encoder], i) => ({
    name: specs.size === 1 ? 'random init' : `random init (${loaded.filter((r) => JSON.stringify(r.encoder.spec) === key).map((r) => r.task).join(', ')})`,
    encoder, i }));
  const rows = evaluateEncoders([...loaded.map((r) => ({ name: `${r.task} ${r.epochs} ep`, encoder: r.encoder })), ...randomRows, { name: 'raw pixels', encoder: null }],
    data.train, data.test, { protocols, fractions, seed, finetuneEpochs: intFlag('--finetune-epochs', f.finetuneEpochs, 1) },
    (s) => console.error(`eval: ${s}`));
  // Each run keeps its own rows and the baselines (what `selfsup report` plots).
  for (const r of loaded) {
    const own = rows.filter((row) => row.model === `${r.task} ${r.epochs} ep` || row.model.startsWith('random init') || row.model === 'raw pixels');
    fs.writeFileSync(path.join(r.dir, 'eval.json'), JSON.stringify({ data: data.description, rows: own }, null, 2) + '\n');
  }
  console.log(formatResultsTable(rows, { format: 'plain' }));
}
