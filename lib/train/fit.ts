// train.fit(task, dataset, options): the training loop. Every number a step computes is a function
// of (seed, step, state at that step): the batch order comes from (seed, epoch), the step's
// generator from (seed, step), the lr from the step, and a checkpoint holds the rest, so a run
// stopped and resumed takes exactly the steps an uninterrupted one would (same thread count).
import { itemSize, type Dataset } from '../data/dataset.js';
import { Loader } from '../data/loader.js';
import { Module } from '../nn/module.js';
import { defaultGenerator } from '../random.js';
import { getNumThreads, version } from '../runtime.js';
import type { Batch, StepContext, Task } from '../tasks/task.js';
import { Tensor } from '../tensor/tensor.js';
import { invalidParameter, outOfRange } from '../validate.js';
import { encodeCheckpoint, resumeCheckpoint, startPosition, type RunIdentity, type RunPosition } from './checkpoint.js';
import { jsonConfig } from './json.js';
import { createOptimizer } from './optimizer.js';
import { resolveOptions, type FitOptions } from './options.js';
import { createReporter } from './progress.js';
import { RunDir } from './run-dir.js';
import { lrSchedule } from './schedule.js';
import { COUNTERS_PER_STEP, MAX_STEPS, runStep, stepContext } from './step.js';
import { StopWatch } from './stop.js';

export interface FitResult {
  epochs: number;            // epochs completed by the whole run (a resumed run counts earlier ones)
  steps: number;             // steps completed by the whole run
  losses: number[];          // mean loss of each completed epoch
  lastLoss: number;          // loss of the last step taken; NaN when none was
  stopped: boolean;          // stopped early (signal or Ctrl-C) with epochs left to run
  checkpoint: string | null; // path of the checkpoint, null without runDir
}

function checkTask(task: unknown): asserts task is Task {
  const t = task as Task;
  if (t === null || typeof t !== 'object') throw invalidParameter('task', 'Task object', task);
  if (typeof t.name !== 'string' || t.name === '') throw invalidParameter('task.name', 'non-empty string', t.name);
  if (!(t.model instanceof Module)) throw invalidParameter('task.model', 'Module', t.model);
  for (const f of ['loss', 'config'] as const)
    if (typeof t[f] !== 'function') throw invalidParameter(`task.${f}`, 'function', t[f]);
  for (const f of ['afterStep', 'extraState', 'checkInput', 'evaluate'] as const)
    if (t[f] !== undefined && typeof t[f] !== 'function') throw invalidParameter(`task.${f}`, 'function or undefined', t[f]);
}

function checkDataset(d: unknown): asserts d is Dataset {
  const s = d as Dataset;
  if (s === null || typeof s !== 'object') throw invalidParameter('dataset', 'Dataset { images, labels, shape, length }', d);
  if (!(s.images instanceof Uint8Array)) throw invalidParameter('dataset.images', 'Uint8Array', s.images);
  if (!Array.isArray(s.shape) || s.shape.length === 0 || !s.shape.every((v) => Number.isInteger(v) && v >= 1))
    throw invalidParameter('dataset.shape', 'per-item shape of positive integers ([C, H, W] images, [C, T, H, W] clips, [L] windows)', s.shape);
  if (!Number.isInteger(s.length) || s.length < 1) throw outOfRange('dataset.length', 'integer >= 1', s.length);
  const per = itemSize(s.shape);
  if (s.images.length !== s.length * per)
    throw outOfRange('dataset.images', `${s.length} × ${per} = ${s.length * per} bytes for length ${s.length} and shape [${s.shape.join(', ')}]`, s.images);
  if (s.labels !== null && s.labels !== undefined && (!(s.labels instanceof Int32Array) || s.labels.length !== s.length))
    throw invalidParameter('dataset.labels', `null or Int32Array(${s.length})`, s.labels);
}

// A checkpoint must never replace a good one with diverged weights.
function assertFinite(task: Task, step: number): void {
  const named: [string, Float32Array][] = [];
  for (const [k, v] of task.model.stateDict()) if (v instanceof Tensor) named.push([`model.${k}`, v.data]);
  for (const [k, v] of task.extraState?.() ?? []) named.push([`task.${k}`, v]);
  for (const [name, data] of named)
    for (let i = 0; i < data.length; i++)
      if (!Number.isFinite(data[i]))
        throw new Error(`train.fit: ${name} holds ${data[i]} after step ${step - 1}: the run diverged; the checkpoint was not overwritten`);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

// A batch taken from the loader with its step context and, when the task prefetches, the
// promise of its prepared inputs (started before the previous step ran).
interface Ahead {
  batch: Batch;
  ctx: StepContext;
  prepared: Promise<unknown> | undefined;
}

export async function fit(task: Task, dataset: Dataset, options: FitOptions): Promise<FitResult> {
  checkTask(task);
  checkDataset(dataset);
  task.checkInput?.(dataset.shape);
  const opts = resolveOptions(options);
  const { config } = opts;
  const loader = new Loader(dataset, { batchSize: config.batchSize, dropLast: config.dropLast, seed: config.seed, shuffle: true });
  const stepsPerEpoch = loader.batchesPerEpoch();
  const totalSteps = config.epochs * stepsPerEpoch;
  if (totalSteps > MAX_STEPS)
    throw outOfRange('epochs', `at most ${MAX_STEPS} steps in all (epochs × ${stepsPerEpoch} steps per epoch)`, config.epochs);
  const { lrAt, warmupSteps } = lrSchedule(config, stepsPerEpoch);
  const id: RunIdentity = { task: task.name, taskConfig: jsonConfig(task.name, task.config()), config,
    dataset: { length: dataset.length, shape: [...dataset.shape] } };
  const optimizer = createOptimizer(config, task.model.parameters());
  const selfsupVersion = version();
  const run = opts.runDir === null ? null : new RunDir(opts.runDir, () => ({
    task: { name: id.task, config: id.taskConfig }, trainer: config,
    derived: { stepsPerEpoch, totalSteps, warmupSteps, stepGenerator: `Generator(seed) at offset (step + 1) * ${COUNTERS_PER_STEP}` },
    dataset: { ...id.dataset, source: dataset.source },
    selfsup: selfsupVersion, node: process.version, threads: getNumThreads(), device: opts.device, created: new Date().toISOString(),
  }));

  let pos: RunPosition;
  if (opts.resume) {
    pos = resumeCheckpoint(run!.checkpoint, task, optimizer, id);
    run!.markResumed();
    run!.truncateMetrics(pos.step);
  } else {
    run?.assertFresh();
    pos = startPosition();
  }
  let savedStep = opts.resume ? pos.step : -1;
  const save = () => {
    if (!run || savedStep === pos.step) return;
    assertFinite(task, pos.step);
    pos.optimizerStepCount = optimizer.stepCount;
    pos.defaultGenerator = defaultGenerator().state();
    run.writeCheckpoint(encodeCheckpoint(task, optimizer, id, pos, selfsupVersion));
    savedStep = pos.step;
  };

  task.model.train();
  const cb = opts.callbacks;
  const reporter = createReporter(opts.progress);
  const stop = new StopWatch(opts.signal, (m) => reporter.notice(m));
  const sessionStart = performance.now(), sessionStartStep = pos.step;
  const secondsLeft = () => {
    const done = pos.step - sessionStartStep;
    return done > 0 ? ((totalSteps - pos.step) * (performance.now() - sessionStart)) / 1000 / done : NaN;
  };
  let stopped = false;
  try {
    const start = { startEpoch: pos.epoch, startBatch: pos.batch, startStep: pos.step };
    reporter.begin({ task: task.name, epochs: config.epochs, stepsPerEpoch, batchSize: config.batchSize,
      optimizer: config.optimizer, lr: config.lr, schedule: config.schedule, ...start });
    await cb.onTrainBegin?.({ epochs: config.epochs, stepsPerEpoch, totalSteps, ...start, resumed: opts.resume });
    if (stop.requested && pos.epoch < config.epochs) {
      save();
      stopped = true;
    }

    while (!stopped && pos.epoch < config.epochs) {
      const epoch = pos.epoch;
      const epochStart = performance.now(), secondsBefore = pos.epochSeconds;
      let images = 0;
      reporter.epochBegin(epoch, pos.batch);
      await cb.onEpochBegin?.(epoch, { step: pos.step, batch: pos.batch });
      const batches = loader.epoch(epoch, pos.batch);
      // Prefetch: batch b + 1 is taken and its task.prefetch() started before step b runs, so
      // (SimCLR, BYOL) its views are made on worker threads during the step. Never across epochs:
      // the next epoch's items may differ (prepareEpoch) and its first batch waits for this epoch's end.
      // The first batch of an epoch has no step to hide behind: loss() makes its inputs itself
      // (on the thread pool).
      const take = (step: number, prefetch: boolean): Ahead | null => {
        const next = batches.next();
        if (next.done) return null;
        const ctx = stepContext(config.seed, step, epoch, totalSteps);
        const prepared = prefetch ? task.prefetch?.(next.value, ctx) : undefined;
        prepared?.catch(() => undefined); // awaited before its step; this only keeps a run stopped first from an unhandled rejection
        return { batch: next.value, ctx, prepared };
      };
      let ahead = take(pos.step, false);
      for (;;) {
        const t0 = performance.now();
        const current = ahead;
        if (current === null) break;
        const prepared = current.prepared === undefined ? undefined : await current.prepared;
        ahead = take(current.ctx.step + 1, opts.prefetch);
        const batch = current.batch, b = pos.batch, step = pos.step, lr = lrAt(step);
        const loss = runStep(task, optimizer, batch, current.ctx, lr, prepared);
        if (!Number.isFinite(loss)) {
          const last = !run ? 'no checkpoint is kept without runDir'
            : savedStep >= 0 ? `the last good checkpoint is ${run.checkpoint} (after ${savedStep} steps)` : 'no checkpoint had been written yet';
          throw new Error(`train.fit: loss is ${loss} at step ${step} (epoch ${epoch}, batch ${b}) of task "${task.name}"; ` +
            `the optimizer step was skipped; ${last}`);
        }
        const imagesPerSec = batch.shape[0] / ((performance.now() - t0) / 1000);
        images += batch.shape[0];
        pos.batch++;
        pos.step++;
        pos.epochLossSum += loss;
        pos.epochBatches++;
        pos.lastLoss = loss;
        pos.lastLr = lr;
        const logs = { loss, lr, step, imagesPerSec };
        reporter.batch(epoch, b, logs, secondsLeft());
        if (opts.metricsEvery > 0 && pos.step % opts.metricsEvery === 0)
          run?.appendMetrics({ type: 'step', epoch, batch: b, step, loss, lr, imagesPerSec, time: new Date().toISOString() });
        await cb.onBatchEnd?.(b, logs);
        await yieldToEventLoop(); // lets Ctrl-C, the signal and timers (the progress bar) through
        pos.epochSeconds = secondsBefore + (performance.now() - epochStart) / 1000;
        if (stop.requested && pos.batch < stepsPerEpoch) {
          save();
          stopped = true;
          break;
        }
      }
      if (stopped) break;

      const seconds = secondsBefore + (performance.now() - epochStart) / 1000;
      const logs = { loss: pos.epochLossSum / pos.epochBatches, lr: pos.lastLr!, seconds };
      const imagesPerSec = images / ((performance.now() - epochStart) / 1000);
      Object.assign(pos, { epoch: epoch + 1, batch: 0, epochLossSum: 0, epochBatches: 0, epochSeconds: 0 });
      pos.epochLosses.push(logs.loss);
      // The metrics line goes first: after a crash between the two, resume drops it and redoes it.
      run?.appendMetrics({ type: 'epoch', epoch, step: pos.step - 1, loss: logs.loss, lr: logs.lr, imagesPerSec, seconds,
        time: new Date().toISOString() });
      save();
      reporter.epochEnd(epoch, logs, imagesPerSec, secondsLeft());
      await cb.onEpochEnd?.(epoch, logs);
      if (stop.requested && pos.epoch < config.epochs) stopped = true; // its checkpoint is the one just written
    }

    const lastLoss = pos.lastLoss ?? NaN;
    reporter.end(stopped ? `stopped by ${stop.reason} after ${pos.step} of ${totalSteps} steps` + (run ? `; checkpoint ${run.checkpoint}` : '') : null);
    await cb.onTrainEnd?.({ epochs: pos.epoch, steps: pos.step, lastLoss, stopped });
    return { epochs: pos.epoch, steps: pos.step, losses: [...pos.epochLosses], lastLoss, stopped,
      checkpoint: run && savedStep >= 0 ? run.checkpoint : null };
  } catch (e) {
    run?.abandon(); // only a fresh run that never wrote a checkpoint
    throw e;
  } finally {
    stop.dispose();
    reporter.close();
  }
}
