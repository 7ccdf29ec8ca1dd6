// train.fit on a toy task: it learns, calls callbacks in TF.js order with the right counts and
// logs, writes one metrics line per epoch, rejects bad options, stops on an AbortSignal or Ctrl-C
// (SIGINT) after the current step, and reports progress as plain lines off a terminal.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fit } from '../../lib/train/fit.js';
import { defaultWarmupEpochs } from '../../lib/train/options.js';
import { formatDuration, plainReporter } from '../../lib/train/progress.js';
import { lrSchedule } from '../../lib/train/schedule.js';
import { stepGenerator } from '../../lib/train/step.js';
import { toyImages, ToyTask } from './toy.js';

const data = toyImages(256);
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-fit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('train.fit', () => {
  it('lowers the loss with each optimizer', async () => {
    for (const optimizer of ['lars', 'sgd', 'adamw'] as const) {
      const r = await fit(new ToyTask(), data, { epochs: 4, batchSize: 32, optimizer, lr: { lars: 2, sgd: 0.2, adamw: 3e-3 }[optimizer], progress: false });
      expect(r.epochs).toBe(4);
      expect(r.steps).toBe(32);
      expect(r.stopped).toBe(false);
      expect(r.checkpoint).toBeNull();
      expect(r.losses).toHaveLength(4);
      expect(r.losses[3], `${optimizer}: ${r.losses.join(', ')}`).toBeLessThan(0.7 * r.losses[0]);
      expect(r.lastLoss).toBeGreaterThanOrEqual(0);
    }
  });

  it('calls the callbacks in order, awaiting promises, with the logs they promise', async () => {
    const events: string[] = [];
    const batchLogs: { loss: number; lr: number; step: number; imagesPerSec: number }[] = [];
    const task = new ToyTask();
    const r = await fit(task, data, {
      epochs: 2, batchSize: 64, progress: false, seed: 3,
      callbacks: {
        onTrainBegin: async (logs) => {
          await new Promise((res) => setTimeout(res, 5));
          events.push(`trainBegin ${logs.epochs} ${logs.stepsPerEpoch} ${logs.totalSteps} ${logs.startStep} ${logs.resumed}`);
        },
        onEpochBegin: (e, logs) => { events.push(`epochBegin ${e} ${logs.step}`); },
        onBatchEnd: async (b, logs) => {
          await Promise.resolve();
          events.push(`batchEnd ${b}`);
          batchLogs.push(logs);
        },
        onEpochEnd: (e, logs) => {
          events.push(`epochEnd ${e}`);
          expect(logs.seconds).toBeGreaterThan(0);
          const mine = batchLogs.slice(e * 4, e * 4 + 4);
          expect(logs.loss).toBeCloseTo(mine.reduce((s, l) => s + l.loss, 0) / 4, 12);
          expect(logs.lr).toBe(mine[3].lr);
        },
        onTrainEnd: (logs) => { events.push(`trainEnd ${logs.epochs} ${logs.steps} ${logs.stopped} ${logs.lastLoss === batchLogs[7].loss}`); },
      },
    });
    expect(events).toEqual([
      'trainBegin 2 4 8 0 false',
      'epochBegin 0 0', 'batchEnd 0', 'batchEnd 1', 'batchEnd 2', 'batchEnd 3', 'epochEnd 0',
      'epochBegin 1 4', 'batchEnd 0', 'batchEnd 1', 'batchEnd 2', 'batchEnd 3', 'epochEnd 1',
      'trainEnd 2 8 false true',
    ]);
    expect(batchLogs.map((l) => l.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(batchLogs.every((l) => l.imagesPerSec > 0 && Number.isFinite(l.loss))).toBe(true);
    expect(task.afterSteps).toBe(8);
    // Default LARS lr 0.3·64/256 with a cosine schedule warming up over 10% of the run.
    const { lrAt } = lrSchedule({ epochs: 2, batchSize: 64, optimizer: 'lars', lr: 0.075, weightDecay: 1e-6, momentum: 0.9,
      schedule: 'cosine', warmupEpochs: 0.2, seed: 3, dropLast: true }, 4);
    expect(batchLogs.map((l) => l.lr)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(lrAt));
    expect(r.losses).toHaveLength(2);
  });

  it('derives defaults: warmup, lr scaling, dropLast, step generators', async () => {
    expect(defaultWarmupEpochs(5)).toBe(0.5);
    expect(defaultWarmupEpochs(500)).toBe(10);
    const lrs: number[] = [];
    await fit(new ToyTask(), toyImages(100), { epochs: 1, batchSize: 32, schedule: 'constant', progress: false,
      callbacks: { onBatchEnd: (_b, l) => { lrs.push(l.lr); } } });
    expect(lrs).toEqual([0.0375, 0.0375, 0.0375]); // 100 images, 32 per batch, last partial batch dropped
    const steps: number[] = [];
    await fit(new ToyTask(), toyImages(100), { epochs: 1, batchSize: 32, dropLast: false, progress: false,
      callbacks: { onBatchEnd: (_b, l) => { steps.push(l.step); } } });
    expect(steps).toEqual([0, 1, 2, 3]);
    // A step's draws are a function of (seed, step) alone.
    expect(stepGenerator(5, 9).normal(4)).toEqual(stepGenerator(5, 9).normal(4));
    expect(stepGenerator(5, 9).normal(4)).not.toEqual(stepGenerator(5, 10).normal(4));
  });

  it('writes one metrics line per epoch (and per N steps when asked), appending', async () => {
    const dir = path.join(tmp(), 'run');
    await fit(new ToyTask(), data, { epochs: 3, batchSize: 64, runDir: dir, progress: false });
    const lines = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    lines.forEach((l, e) => {
      expect(l).toMatchObject({ type: 'epoch', epoch: e, step: 4 * e + 3 });
      for (const k of ['loss', 'lr', 'imagesPerSec', 'seconds']) expect(typeof l[k]).toBe('number');
    });
    expect(fs.readdirSync(dir).sort()).toEqual(['checkpoint.safetensors', 'config.json', 'metrics.jsonl']);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config.task).toEqual({ name: 'toy', config: { hidden: 4, dropout: 0.1 } });
    expect(config.trainer).toMatchObject({ epochs: 3, batchSize: 64, optimizer: 'lars', lr: 0.075, seed: 0 });
    expect(config.derived).toMatchObject({ stepsPerEpoch: 4, totalSteps: 12 });

    const dir2 = path.join(tmp(), 'run2');
    await fit(new ToyTask(), data, { epochs: 2, batchSize: 64, runDir: dir2, progress: false, metricsEvery: 3 });
    const types = fs.readFileSync(path.join(dir2, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
      const j = JSON.parse(l);
      return `${j.type}@${j.step}`;
    });
    expect(types).toEqual(['step@2', 'epoch@3', 'step@5', 'epoch@7']);
  });

  it('stops after the current step on an AbortSignal or Ctrl-C, and removes its SIGINT handler', async () => {
    const before = process.listenerCount('SIGINT');
    const ac = new AbortController();
    const seen: number[] = [];
    const r = await fit(new ToyTask(), data, { epochs: 3, batchSize: 32, signal: ac.signal, progress: false,
      callbacks: { onBatchEnd: (_b, l) => {
        seen.push(l.step);
        expect(process.listenerCount('SIGINT')).toBe(before + 1);
        if (l.step === 5) ac.abort();
      } } });
    expect(r).toMatchObject({ stopped: true, steps: 6, epochs: 0, checkpoint: null });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(process.listenerCount('SIGINT')).toBe(before);

    const ends: boolean[] = [];
    const r2 = await fit(new ToyTask(), data, { epochs: 3, batchSize: 32, progress: false,
      callbacks: { onBatchEnd: (_b, l) => { if (l.step === 9) process.emit('SIGINT'); }, onTrainEnd: (l) => { ends.push(l.stopped); } } });
    expect(r2).toMatchObject({ stopped: true, steps: 10, epochs: 1 });
    expect(r2.losses).toHaveLength(1);
    expect(ends).toEqual([true]);
    expect(process.listenerCount('SIGINT')).toBe(before);

    // Already aborted: no step is taken.
    const r3 = await fit(new ToyTask(), data, { epochs: 1, batchSize: 32, signal: AbortSignal.abort(), progress: false });
    expect(r3).toMatchObject({ stopped: true, steps: 0, epochs: 0 });
    expect(r3.lastLoss).toBeNaN();
  });

  it('rejects unknown and invalid options, tasks and data sets with clear messages', async () => {
    const task = new ToyTask();
    const bad: [unknown, RegExp][] = [
      [{ epochs: 1, batchsize: 32 }, /Unknown option "batchsize" in options: did you mean "batchSize"\?/],
      [{ epochs: 1, learningRate: 0.1 }, /Unknown option "learningRate" in options; expected one of epochs, batchSize/],
      [{ batchSize: 32 }, /Expected integer in \[1, .*\] for epochs but received undefined/],
      [{ epochs: 0 }, /for epochs but received 0/],
      [{ epochs: 1, optimizer: 'adam' }, /Expected one of lars, sgd, adamw for optimizer but received "adam"/],
      [{ epochs: 1, schedule: 'step' }, /one of cosine, constant for schedule/],
      [{ epochs: 1, lr: -1 }, /for lr but received -1/],
      [{ epochs: 1, optimizer: 'adamw', momentum: 0.9 }, /"momentum" for optimizer adamw/],
      [{ epochs: 1, schedule: 'constant', warmupEpochs: 1 }, /"warmupEpochs" applies to schedule "cosine"/],
      [{ epochs: 2, warmupEpochs: 3 }, /Expected number in \[0, 2\] for warmupEpochs but received 3/],
      [{ epochs: 1, resume: true }, /"resume" needs "runDir"/],
      [{ epochs: 1, signal: {} }, /Expected AbortSignal for signal/],
      [{ epochs: 1, callbacks: { onBatchEnd: 1 } }, /Expected function for callbacks.onBatchEnd but received 1/],
      [{ epochs: 1, callbacks: { onStepEnd() {} } }, /Unknown option "onStepEnd" in callbacks/],
      [{ epochs: 1, batchSize: 1000 }, /at least batchSize \(1000\) items with dropLast/],
      [{ epochs: 1, progress: 'yes' }, /Expected boolean for progress/],
    ];
    for (const [opts, msg] of bad) await expect(fit(task, data, opts as never), JSON.stringify(opts)).rejects.toThrow(msg);
    await expect(fit({ name: 'x' } as never, data, { epochs: 1 })).rejects.toThrow(/Expected Module for task.model/);
    await expect(fit(task, { ...data, length: 10 }, { epochs: 1 })).rejects.toThrow(/for dataset.images/);
    const scalarless = Object.assign(Object.create(task), { loss: () => task.model.parameters()[0] });
    await expect(fit(scalarless, data, { epochs: 1, batchSize: 32, progress: false })).rejects.toThrow(/must return a scalar Tensor/);
  });

  it('prints one plain line per epoch when the stream is not a terminal', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => { text += c; });
    const r = plainReporter(out);
    r.begin({ task: 'toy', epochs: 2, stepsPerEpoch: 4, batchSize: 64, optimizer: 'lars', lr: 0.075, schedule: 'cosine',
      startEpoch: 0, startBatch: 0, startStep: 0 });
    r.batch(0, 0, { loss: 1, lr: 0.1, step: 0, imagesPerSec: 100 }, 10);
    r.epochEnd(0, { loss: 1.23456, lr: 0.05, seconds: 1.5 }, 1234.4, 75);
    r.notice('Ctrl-C');
    r.end('stopped');
    expect(text).toBe('train: task "toy", 2 epochs × 4 steps of 64, lars lr 0.0750 cosine\n' +
      'epoch 1/2  loss 1.2346  lr 0.0500  1234 img/s  1.5s  left 1m 15s\ntrain: Ctrl-C\ntrain: stopped\n');
    expect([formatDuration(5), formatDuration(3725), formatDuration(NaN)]).toEqual(['5s', '1h 02m', '?']);
  });
});
