// The trainer: train.fit(task, dataset, options) drives a pretext Task over an ImageSet with
// checkpoints, exact resume, metrics, callbacks, Ctrl-C/AbortSignal stops and a progress display.
export { fit, type FitResult } from './fit.js';
export type { FitOptions, TrainConfig, OptimizerName, ScheduleName } from './options.js';
export { defaultWarmupEpochs } from './options.js';
export type { Callbacks, TrainBeginLogs, EpochBeginLogs, BatchEndLogs, EpochEndLogs, TrainEndLogs } from './callbacks.js';
export { CheckpointError, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint.js';
export { CHECKPOINT_FILE, METRICS_FILE, CONFIG_FILE } from './run-dir.js';
export { stepGenerator, COUNTERS_PER_STEP, MAX_STEPS } from './step.js';
