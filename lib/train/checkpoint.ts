// The run's checkpoint: one safetensors file holding everything a resumed run needs to compute the
// same numbers as an uninterrupted one. Tensors: `model.<name>` (the model's state dict, integer
// buffers such as num_batches_tracked as I64 scalars), `optim.<i>.<buffer>` (the optimizer's state
// buffers) and `task.<name>` (task.extraState()). `__metadata__` (strings): the format and its
// version, the task's name and config, the trainer config, the data set's size, where the run
// stands (next epoch and batch, steps done, optimizer stepCount, seed), its loss history and a
// SHA-256 of the tensor bytes, so a truncated or damaged file is refused rather than half-loaded.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { decodeSafetensors, encodeSafetensors, type StoredTensor, type TensorData } from '../io/safetensors.js';
import type { Optimizer } from '../optim/optimizer.js';
import { defaultGenerator } from '../random.js';
import type { Task } from '../tasks/task.js';
import { Tensor } from '../tensor/tensor.js';
import { canonicalJson, describeDifferences } from './json.js';
import type { TrainConfig } from './options.js';

export const CHECKPOINT_FORMAT = 'selfsup.train.checkpoint';
export const CHECKPOINT_VERSION = 1;

// What a checkpoint must match to be resumed by this run.
export interface RunIdentity {
  task: string;
  taskConfig: Record<string, unknown>;
  config: TrainConfig;
  dataset: { length: number; shape: readonly number[] };
}

// Where a run stands. (epoch, batch) is the next batch to run; step counts the steps done, which
// is also the next step's index.
export interface RunPosition {
  epoch: number;
  batch: number;
  step: number;
  optimizerStepCount: number;
  epochLosses: number[];      // mean loss of each completed epoch
  epochLossSum: number;       // the current epoch so far (its mean survives a resume exactly)
  epochBatches: number;
  epochSeconds: number;
  lastLoss: number | null;    // null before the first step
  lastLr: number | null;
  defaultGenerator: { seed: number; offset: number }; // the global generator (nn.Dropout's default)
}

export function startPosition(): RunPosition {
  return {
    epoch: 0, batch: 0, step: 0, optimizerStepCount: 0, epochLosses: [], epochLossSum: 0, epochBatches: 0,
    epochSeconds: 0, lastLoss: null, lastLr: null, defaultGenerator: defaultGenerator().state(),
  };
}

type Named = Map<string, { shape: readonly number[]; data: TensorData }>;

function collectTensors(task: Task, optimizer: Optimizer): Named {
  const out: Named = new Map();
  for (const [k, v] of task.model.stateDict()) {
    if (v instanceof Tensor) out.set(`model.${k}`, { shape: v.shape, data: v.data });
    else out.set(`model.${k}`, { shape: [], data: BigInt64Array.of(BigInt(v.value)) });
  }
  for (const [k, v] of optimizer.stateBuffers()) out.set(`optim.${k}`, { shape: [v.length], data: v });
  for (const [k, v] of task.extraState?.() ?? new Map<string, Float32Array>()) out.set(`task.${k}`, { shape: [v.length], data: v });
  return out;
}

export function encodeCheckpoint(task: Task, optimizer: Optimizer, id: RunIdentity, pos: RunPosition,
  selfsupVersion: string): Buffer {
  const tensors = collectTensors(task, optimizer);
  // encodeSafetensors lays the tensors out back to back in this order, so this is the hash of the
  // file's data section.
  const hash = createHash('sha256');
  for (const t of tensors.values()) hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  const { epoch, batch, step, optimizerStepCount, ...history } = pos;
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    format_version: String(CHECKPOINT_VERSION),
    task: id.task,
    task_config: canonicalJson(id.taskConfig),
    trainer: canonicalJson(id.config),
    dataset: canonicalJson(id.dataset),
    epoch: String(epoch),
    batch: String(batch),
    step: String(step),
    optimizer_step_count: String(optimizerStepCount),
    seed: String(id.config.seed),
    history: JSON.stringify(history),
    data_sha256: hash.digest('hex'),
    selfsup_version: selfsupVersion,
    saved_at: new Date().toISOString(),
  });
}

// A checkpoint that cannot be resumed by this run: one message saying what and where.
export class CheckpointError extends Error {
  constructor(readonly file: string, why: string, options?: { cause?: unknown }) {
    super(`train.fit: cannot resume from ${file}: ${why}`, options);
    this.name = 'CheckpointError';
  }
}

function parseCount(meta: Record<string, string>, key: string): number {
  const v = meta[key];
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new Error(`metadata "${key}" is ${JSON.stringify(v)}`);
  return Number(v);
}

function parseJson(meta: Record<string, string>, key: string): unknown {
  try {
    return JSON.parse(meta[key]);
  } catch {
    throw new Error(`metadata "${key}" is not JSON`);
  }
}

function shapeStr(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

// Reads and checks the checkpoint against this run (integrity, task, configs, data set, every
// tensor's name and shape) without changing anything, then restores the model, optimizer, task
// state and global generator in place and returns where the run stands.
export function resumeCheckpoint(file: string, task: Task, optimizer: Optimizer, id: RunIdentity): RunPosition {
  if (!fs.existsSync(file)) throw new CheckpointError(file, 'the file does not exist (resume: true needs a checkpoint written by an earlier run with this runDir)');
  let bytes: Buffer;
  let decoded: { tensors: Map<string, StoredTensor>; metadata: Record<string, string> };
  try {
    bytes = fs.readFileSync(file);
    decoded = decodeSafetensors(bytes, file);
  } catch (e) {
    throw new CheckpointError(file, `the file is corrupt or truncated (${(e as Error).message.replace(`${file}: `, '')})`, { cause: e });
  }
  const { tensors, metadata: meta } = decoded;
  if (meta.format !== CHECKPOINT_FORMAT)
    throw new CheckpointError(file, `not a selfsup training checkpoint (metadata "format" is ${JSON.stringify(meta.format ?? null)}, expected "${CHECKPOINT_FORMAT}")`);
  if (meta.format_version !== String(CHECKPOINT_VERSION))
    throw new CheckpointError(file, `checkpoint format version ${meta.format_version}, but this selfsup reads version ${CHECKPOINT_VERSION}`);
  const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
  const digest = createHash('sha256').update(bytes.subarray(headerEnd)).digest('hex');
  if (digest !== meta.data_sha256)
    throw new CheckpointError(file, 'the file is corrupt: the SHA-256 of its tensor data does not match the one recorded when it was written');

  if (meta.task !== id.task)
    throw new CheckpointError(file, `it was written by task "${meta.task}", but this run's task is "${id.task}"`);
  const sections: [string, string, unknown][] = [
    ['task config', 'task_config', id.taskConfig], ['trainer options', 'trainer', id.config], ['data set', 'dataset', id.dataset]];
  for (const [what, key, now] of sections) {
    let saved: unknown;
    try {
      saved = parseJson(meta, key);
    } catch (e) {
      throw new CheckpointError(file, `the file is corrupt (${(e as Error).message})`);
    }
    if (canonicalJson(saved) !== canonicalJson(now))
      throw new CheckpointError(file, `its ${what} differ${what.endsWith('s') ? '' : 's'} from this run's: ${describeDifferences(saved, now)}`);
  }

  let pos: RunPosition;
  try {
    const history = parseJson(meta, 'history') as Omit<RunPosition, 'epoch' | 'batch' | 'step' | 'optimizerStepCount'>;
    const g = history?.defaultGenerator;
    if (history === null || typeof history !== 'object' || !Array.isArray(history.epochLosses) ||
      !Number.isSafeInteger(g?.seed) || !Number.isSafeInteger(g?.offset)) throw new Error('metadata "history" is malformed');
    pos = { epoch: parseCount(meta, 'epoch'), batch: parseCount(meta, 'batch'), step: parseCount(meta, 'step'),
      optimizerStepCount: parseCount(meta, 'optimizer_step_count'), ...history };
  } catch (e) {
    throw new CheckpointError(file, `the file is corrupt (${(e as Error).message})`);
  }

  // Every name and shape before anything changes.
  const own = collectTensors(task, optimizer);
  const problems: string[] = [];
  const stateDict = task.model.stateDict();
  for (const [k, v] of stateDict) {
    const t = tensors.get(`model.${k}`);
    if (!t) problems.push(`model.${k} is missing`);
    else if (v instanceof Tensor ? t.dtype !== 'F32' || shapeStr(t.shape) !== shapeStr(v.shape) : t.dtype !== 'I64' || t.shape.length !== 0)
      problems.push(`model.${k} is ${t.dtype} ${shapeStr(t.shape)}, expected ${v instanceof Tensor ? `F32 ${shapeStr(v.shape)}` : 'I64 []'}`);
  }
  const extra = task.extraState?.() ?? new Map<string, Float32Array>();
  for (const [k, v] of extra) {
    const t = tensors.get(`task.${k}`);
    if (!t) problems.push(`task.${k} is missing`);
    else if (t.dtype !== 'F32' || t.data.length !== v.length) problems.push(`task.${k} is ${t.dtype} ${shapeStr(t.shape)}, expected F32 [${v.length}]`);
  }
  for (const k of tensors.keys())
    if ((k.startsWith('model.') || k.startsWith('task.')) && !own.has(k)) problems.push(`${k} is not in this run's model or task state`);
    else if (!/^(model|optim|task)\./.test(k)) problems.push(`${k} is not a model., optim. or task. tensor`);
  if (problems.length) throw new CheckpointError(file, `its tensors do not fit this run's task: ${problems.join('; ')}`);

  const optimState = new Map<string, Float32Array>();
  for (const [k, t] of tensors)
    if (k.startsWith('optim.')) {
      if (!(t.data instanceof Float32Array)) throw new CheckpointError(file, `optimizer buffer ${k} is ${t.dtype}, expected F32`);
      optimState.set(k.slice('optim.'.length), t.data);
    }
  try {
    optimizer.loadStateBuffers(optimState); // checks before it changes anything
  } catch (e) {
    throw new CheckpointError(file, `its optimizer state does not fit this run's optimizer: ${(e as Error).message}`, { cause: e });
  }

  task.model.loadStateDict(new Map([...stateDict.keys()].map((k) => {
    const t = tensors.get(`model.${k}`)!;
    return [k, { shape: t.shape, data: t.data instanceof BigInt64Array ? Array.from(t.data, Number) : t.data as Float32Array }] as const;
  })));
  for (const [k, v] of extra) v.set(tensors.get(`task.${k}`)!.data as Float32Array);
  optimizer.stepCount = pos.optimizerStepCount;
  defaultGenerator().setState(pos.defaultGenerator);
  return pos;
}
