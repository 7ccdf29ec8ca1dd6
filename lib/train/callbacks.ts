// TF.js-shaped training callbacks. Each may return a Promise, which fit() awaits before going on,
// so a callback can write files, update a UI or abort the run (through the AbortSignal) in order.
// Epochs, batches and steps are 0-based, as in StepContext.
import { checkOptions, invalidParameter } from '../validate.js';

type MaybePromise = void | Promise<void>;

export interface TrainBeginLogs {
  epochs: number;         // planned epochs of the whole run
  stepsPerEpoch: number;
  totalSteps: number;
  startEpoch: number;     // where this call starts: (0, 0) unless resumed
  startBatch: number;
  startStep: number;
  resumed: boolean;
}

export interface EpochBeginLogs {
  step: number;           // global step of the epoch's first batch in this call
  batch: number;          // batch it starts at: 0, or later in an epoch resumed part-way
}

export interface BatchEndLogs {
  loss: number;
  lr: number;             // the lr this step used
  step: number;           // global step just taken
  imagesPerSec: number;   // this step's throughput (batch, loss, backward and update)
}

export interface EpochEndLogs {
  loss: number;           // mean loss over the epoch's batches (across a resume too)
  lr: number;             // lr of the epoch's last step
  seconds: number;        // wall time spent in the epoch (summed across a resume)
}

export interface TrainEndLogs {
  epochs: number;         // epochs completed
  steps: number;          // steps completed
  lastLoss: number;       // NaN when no step was ever taken
  stopped: boolean;       // stopped early by the signal or Ctrl-C
}

export interface Callbacks {
  onTrainBegin?(logs: TrainBeginLogs): MaybePromise;
  onEpochBegin?(epoch: number, logs: EpochBeginLogs): MaybePromise;
  onBatchEnd?(batch: number, logs: BatchEndLogs): MaybePromise;
  onEpochEnd?(epoch: number, logs: EpochEndLogs): MaybePromise;
  onTrainEnd?(logs: TrainEndLogs): MaybePromise;
}

const NAMES = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;

export function checkCallbacks(cb: unknown): Callbacks {
  const c = checkOptions<Callbacks>('callbacks', cb, NAMES);
  for (const name of NAMES)
    if (c[name] !== undefined && typeof c[name] !== 'function') throw invalidParameter(`callbacks.${name}`, 'function', c[name]);
  return c;
}
