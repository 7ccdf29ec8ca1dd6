// Resume = uninterrupted: a run stopped part-way through an epoch and resumed from its checkpoint
// takes exactly the steps of a run that was never stopped (same seed, same thread count): the same
// per-step losses, epoch losses and, at the end, bitwise the same parameters, buffers and task
// state. Checked for each optimizer, since each keeps different state (LARS velocity, SGD's
// first-step flags, AdamW's moments and step counts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fit } from '../../lib/train/fit.js';
import type { OptimizerName } from '../../lib/train/options.js';
import { snapshot, toyImages, ToyTask } from './toy.js';

const data = toyImages(256);
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-resume-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function uninterrupted(optimizer: OptimizerName, epochs = 3) {
  const task = new ToyTask();
  const losses: number[] = [];
  const r = await fit(task, data, { epochs, batchSize: 32, optimizer, seed: 11, progress: false,
    callbacks: { onBatchEnd: (_b, l) => { losses[l.step] = l.loss; } } });
  return { task, losses, r };
}

describe('train.fit resume', () => {
  for (const optimizer of ['lars', 'sgd', 'adamw'] as const) {
    it(`equals the uninterrupted run after an abort mid-epoch 2 (${optimizer})`, async () => {
      const A = await uninterrupted(optimizer);
      expect(A.losses).toHaveLength(24);

      const runDir = path.join(tmp(), 'run');
      const ac = new AbortController();
      const before: number[] = [];
      const b1 = await fit(new ToyTask(), data, { epochs: 3, batchSize: 32, optimizer, seed: 11, runDir, signal: ac.signal, progress: false,
        callbacks: { onBatchEnd: (_b, l) => {
          before[l.step] = l.loss;
          if (l.step === 11) ac.abort(); // epoch 1 (the second), batch 3
        } } });
      expect(b1).toMatchObject({ stopped: true, steps: 12, epochs: 1, checkpoint: path.join(runDir, 'checkpoint.safetensors') });
      expect(before).toEqual(A.losses.slice(0, 12));

      // A fresh process would build the task again (same init) and resume.
      const task = new ToyTask();
      const after: number[] = [];
      const events: string[] = [];
      const b2 = await fit(task, data, { epochs: 3, batchSize: 32, optimizer, seed: 11, runDir, resume: true, progress: false,
        callbacks: {
          onTrainBegin: (l) => { events.push(`begin ${l.startEpoch}/${l.startBatch}/${l.startStep} ${l.resumed}`); },
          onEpochBegin: (e, l) => { events.push(`epoch ${e} from batch ${l.batch}`); },
          onBatchEnd: (_b, l) => { after.push(l.step); expect(l.loss).toBe(A.losses[l.step]); },
        } });
      expect(events).toEqual(['begin 1/4/12 true', 'epoch 1 from batch 4', 'epoch 2 from batch 0']);
      expect(after).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
      expect(b2).toMatchObject({ stopped: false, steps: 24, epochs: 3, lastLoss: A.r.lastLoss });
      expect(b2.losses).toEqual(A.r.losses);
      expect(snapshot(task)).toEqual(snapshot(A.task));

      // metrics.jsonl continues: one line per epoch across both calls.
      const lines = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.epoch, l.step])).toEqual([[0, 7], [1, 15], [2, 23]]);
      expect(lines.map((l) => l.loss)).toEqual(A.r.losses);
    });
  }

  it('stops on Ctrl-C with a checkpoint, resumes exactly, and a finished run resumes to nothing', async () => {
    const A = await uninterrupted('lars', 2);
    const runDir = path.join(tmp(), 'nested', 'run');
    const r1 = await fit(new ToyTask(), data, { epochs: 2, batchSize: 32, seed: 11, runDir, progress: false,
      callbacks: { onBatchEnd: (_b, l) => { if (l.step === 2) process.emit('SIGINT'); } } });
    expect(r1).toMatchObject({ stopped: true, steps: 3 });
    const task = new ToyTask();
    const r2 = await fit(task, data, { epochs: 2, batchSize: 32, seed: 11, runDir, resume: true, progress: false });
    expect(r2).toMatchObject({ stopped: false, steps: 16, losses: A.r.losses });
    expect(snapshot(task)).toEqual(snapshot(A.task));
    let batches = 0;
    const r3 = await fit(new ToyTask(), data, { epochs: 2, batchSize: 32, seed: 11, runDir, resume: true, progress: false,
      callbacks: { onBatchEnd: () => { batches++; } } });
    expect(batches).toBe(0);
    expect(r3).toMatchObject({ stopped: false, steps: 16, epochs: 2, losses: A.r.losses, lastLoss: A.r.lastLoss });
  });

  it('drops metrics lines past the checkpoint (a crash between a line and its checkpoint)', async () => {
    const runDir = path.join(tmp(), 'run');
    const ac = new AbortController();
    await fit(new ToyTask(), data, { epochs: 2, batchSize: 32, seed: 11, runDir, signal: ac.signal, progress: false, metricsEvery: 2,
      callbacks: { onBatchEnd: (_b, l) => { if (l.step === 4) ac.abort(); } } });
    const metrics = path.join(runDir, 'metrics.jsonl');
    fs.appendFileSync(metrics, JSON.stringify({ type: 'step', step: 5 }) + '\n{"torn": ');
    await fit(new ToyTask(), data, { epochs: 2, batchSize: 32, seed: 11, runDir, resume: true, progress: false, metricsEvery: 2 });
    const steps = fs.readFileSync(metrics, 'utf8').trim().split('\n').map((l) => `${JSON.parse(l).type}@${JSON.parse(l).step}`);
    expect(steps).toEqual(['step@1', 'step@3', 'step@5', 'step@7', 'epoch@7', 'step@9', 'step@11', 'step@13', 'step@15', 'epoch@15']);
  });
});
