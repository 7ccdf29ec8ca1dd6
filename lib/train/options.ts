// fit()'s options: their types, validation and defaults. The resolved, JSON-safe part (TrainConfig)
// is what a checkpoint records and what a resumed run must match, so it holds every value that
// changes the numbers a run computes and nothing that does not (paths, callbacks, signal, display).
import { DEVICES, trainingDevice, type DeviceRequest } from '../native/cuda.js';
import { checkBool, checkInt, checkNumber, checkOneOf, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { Callbacks } from './callbacks.js';
import { checkCallbacks } from './callbacks.js';

export type OptimizerName = 'lars' | 'sgd' | 'adamw';
export type ScheduleName = 'cosine' | 'constant';

export interface FitOptions {
  epochs: number;
  batchSize?: number;          // default 256
  optimizer?: OptimizerName;   // default 'lars'
  lr?: number;                 // base lr; default lars 0.3·B/256, sgd 0.1·B/256, adamw 1e-3
  weightDecay?: number;        // default lars 1e-6, sgd 0, adamw 1e-2 (each class's own default)
  momentum?: number;           // default 0.9 (lars, sgd); adamw has betas instead and rejects it
  schedule?: ScheduleName;     // default 'cosine'
  warmupEpochs?: number;       // cosine only; default min(10, 10% of epochs); may be fractional
  seed?: number;               // default 0: batch order and every step's generator
  dropLast?: boolean;          // default true
  runDir?: string;             // checkpoint.safetensors, metrics.jsonl, config.json; none when absent
  resume?: boolean;            // default false: continue the checkpoint in runDir
  signal?: AbortSignal;        // abort = stop after the current step, with a checkpoint
  callbacks?: Callbacks;
  progress?: boolean;          // default: process.stderr.isTTY
  metricsEvery?: number;       // also write a metrics line every N steps; default 0 (epochs only)
  prefetch?: boolean;          // start the next batch's task.prefetch() (augmented views) before each step; default true
  device?: DeviceRequest;      // 'cpu' (default) | 'cuda' (an error saying why not, for now) | 'auto' (the CPU, and why)
}

// Everything that determines the numbers; saved in checkpoints and config.json.
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  weightDecay: number;
  momentum: number | null;
  schedule: ScheduleName;
  warmupEpochs: number | null;
  seed: number;
  dropLast: boolean;
}

export interface ResolvedOptions {
  config: TrainConfig;
  runDir: string | null;
  resume: boolean;
  signal: AbortSignal | null;
  callbacks: Callbacks;
  progress: boolean;
  metricsEvery: number;
  prefetch: boolean;
  device: { device: 'cpu'; why: string };
}

const KEYS = ['epochs', 'batchSize', 'optimizer', 'lr', 'weightDecay', 'momentum', 'schedule', 'warmupEpochs', 'seed',
  'dropLast', 'runDir', 'resume', 'signal', 'callbacks', 'progress', 'metricsEvery', 'prefetch', 'device'] as const;

// Linear scaling rule: SimCLR's LARS base lr is 0.3 per 256 images; Goyal et al.'s SGD is 0.1 per 256.
const LR_PER_256: Record<Exclude<OptimizerName, 'adamw'>, number> = { lars: 0.3, sgd: 0.1 };
const WEIGHT_DECAY: Record<OptimizerName, number> = { lars: 1e-6, sgd: 0, adamw: 1e-2 };

// SimCLR warms up for 10 epochs of runs of 100+; shorter runs warm up for 10% of their epochs.
export function defaultWarmupEpochs(epochs: number): number {
  return Math.min(10, 0.1 * epochs);
}

export function resolveOptions(options: FitOptions): ResolvedOptions {
  if (options === undefined) throw invalidParameter('options', 'options object with at least epochs', options);
  const o = checkOptions<FitOptions>('options', options, KEYS);
  const epochs = checkInt('epochs', o.epochs, 1);
  const batchSize = checkInt('batchSize', o.batchSize ?? 256, 1);
  const optimizer = checkOneOf('optimizer', o.optimizer ?? 'lars', ['lars', 'sgd', 'adamw'] as const);
  const lr = o.lr === undefined ? (optimizer === 'adamw' ? 1e-3 : (LR_PER_256[optimizer] * batchSize) / 256)
    : checkNumber('lr', o.lr, 0, Infinity, true);
  if (!Number.isFinite(lr)) throw outOfRange('lr', 'a finite number > 0', lr);
  const weightDecay = checkNumber('weightDecay', o.weightDecay ?? WEIGHT_DECAY[optimizer], 0);
  if (optimizer === 'adamw' && o.momentum !== undefined)
    throw new TypeError('Unknown option "momentum" for optimizer adamw: AdamW uses betas (0.9, 0.999); use lars or sgd for momentum');
  const momentum = optimizer === 'adamw' ? null : checkNumber('momentum', o.momentum ?? 0.9, 0, 1);
  const schedule = checkOneOf('schedule', o.schedule ?? 'cosine', ['cosine', 'constant'] as const);
  if (schedule === 'constant' && o.warmupEpochs !== undefined)
    throw new TypeError('Option "warmupEpochs" applies to schedule "cosine" only, but schedule is "constant"');
  const warmupEpochs = schedule === 'constant' ? null
    : o.warmupEpochs === undefined ? defaultWarmupEpochs(epochs) : checkNumber('warmupEpochs', o.warmupEpochs, 0, epochs);
  const seed = checkInt('seed', o.seed ?? 0);
  const dropLast = o.dropLast === undefined ? true : checkBool('dropLast', o.dropLast);
  if (o.runDir !== undefined && (typeof o.runDir !== 'string' || o.runDir === ''))
    throw invalidParameter('runDir', 'non-empty path string', o.runDir);
  const resume = o.resume === undefined ? false : checkBool('resume', o.resume);
  if (resume && o.runDir === undefined) throw new TypeError('Option "resume" needs "runDir": the folder whose checkpoint to continue');
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalidParameter('signal', 'AbortSignal', o.signal);
  const callbacks = checkCallbacks(o.callbacks);
  const progress = o.progress === undefined ? process.stderr.isTTY === true : checkBool('progress', o.progress);
  const metricsEvery = checkInt('metricsEvery', o.metricsEvery ?? 0, 0);
  const prefetch = o.prefetch === undefined ? true : checkBool('prefetch', o.prefetch);
  const device = trainingDevice(checkOneOf('device', o.device ?? 'cpu', DEVICES));
  return {
    config: { epochs, batchSize, optimizer, lr, weightDecay, momentum, schedule, warmupEpochs, seed, dropLast },
    runDir: o.runDir ?? null, resume, signal: o.signal ?? null, callbacks, progress, metricsEvery, prefetch, device,
  };
}
