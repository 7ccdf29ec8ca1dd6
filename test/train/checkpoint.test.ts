// The checkpoint: written atomically (no temp files left), with the names and metadata a resume
// needs; a truncated or damaged file, another task's, another config's or another trainer
// setup's checkpoint is refused with one error naming the file and the reason, before anything is
// changed; a NaN loss stops the run naming the step and keeps the last good checkpoint; a run
// that fails before its first checkpoint leaves no run folder behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { AdamW } from '../../lib/optim/adamw.js';
import { LARS } from '../../lib/optim/lars.js';
import { SGD } from '../../lib/optim/sgd.js';
import { zeros } from '../../lib/tensor/create.js';
import { CheckpointError } from '../../lib/train/checkpoint.js';
import { fit } from '../../lib/train/fit.js';
import { snapshot, toyImages, ToyTask } from './toy.js';

const data = toyImages(256);
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-ckpt-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const base = { epochs: 2, batchSize: 64, seed: 4, progress: false } as const;

async function stoppedRun(runDir: string, atStep = 5, optimizer: 'lars' | 'sgd' | 'adamw' = 'lars') {
  const ac = new AbortController();
  return fit(new ToyTask(), data, { ...base, optimizer, runDir, signal: ac.signal,
    callbacks: { onBatchEnd: (_b, l) => { if (l.step === atStep) ac.abort(); } } });
}

describe('train checkpoints', () => {
  it('holds the model, optimizer and task state and the run position, written atomically', async () => {
    const runDir = path.join(tmp(), 'run');
    const seenFiles: string[][] = [];
    const task = new ToyTask();
    await fit(task, data, { ...base, runDir, callbacks: { onEpochEnd: () => { seenFiles.push(fs.readdirSync(runDir).sort()); } } });
    const files = ['checkpoint.safetensors', 'config.json', 'metrics.jsonl'];
    expect(seenFiles).toEqual([files, files]); // no temp file at any epoch end
    expect(fs.readdirSync(runDir).sort()).toEqual(files);

    const { tensors, metadata } = loadSafetensors(path.join(runDir, 'checkpoint.safetensors'));
    const names = [...tensors.keys()];
    expect(names).toEqual([
      'model.0.0.weight', 'model.0.0.bias', 'model.0.1.weight', 'model.0.1.bias', 'model.0.1.running_mean', 'model.0.1.running_var',
      'model.0.1.num_batches_tracked', 'model.2.weight', 'model.2.bias',
      'optim.0.velocity', 'optim.1.velocity', 'optim.2.velocity', 'optim.3.velocity', 'optim.4.velocity', 'optim.5.velocity',
      'task.ema.weight',
    ]);
    expect(tensors.get('model.0.1.num_batches_tracked')).toMatchObject({ dtype: 'I64', shape: [], data: BigInt64Array.of(8n) });
    expect(tensors.get('model.2.weight')!.shape).toEqual([4, 256]);
    expect(Array.from(tensors.get('model.2.weight')!.data as Float32Array)).toEqual(snapshot(task).get('2.weight'));
    expect(Array.from(tensors.get('task.ema.weight')!.data as Float32Array)).toEqual(Array.from(task.ema));
    expect(metadata).toMatchObject({
      format: 'selfsup.train.checkpoint', format_version: '1', task: 'toy', task_config: '{"dropout":0.1,"hidden":4}',
      epoch: '2', batch: '0', step: '8', optimizer_step_count: '8', seed: '4',
    });
    expect(JSON.parse(metadata.trainer)).toEqual({ batchSize: 64, dropLast: true, epochs: 2, lr: 0.075, momentum: 0.9,
      optimizer: 'lars', schedule: 'cosine', seed: 4, warmupEpochs: 0.2, weightDecay: 1e-6 });
    expect(JSON.parse(metadata.dataset)).toEqual({ length: 256, shape: [1, 8, 8] });
    expect(metadata.data_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(metadata.history).epochLosses).toHaveLength(2);
  });

  it('saves SGD momentum only for started parameters and AdamW step counts', async () => {
    const sgdDir = path.join(tmp(), 'sgd');
    await stoppedRun(sgdDir, 0, 'sgd');
    const sgd = loadSafetensors(path.join(sgdDir, 'checkpoint.safetensors')).tensors;
    expect([...sgd.keys()].filter((k) => k.startsWith('optim.'))).toHaveLength(6);
    const adamDir = path.join(tmp(), 'adamw');
    await stoppedRun(adamDir, 2, 'adamw');
    const adam = loadSafetensors(path.join(adamDir, 'checkpoint.safetensors')).tensors;
    expect(Array.from(adam.get('optim.0.step')!.data as Float32Array)).toEqual([3]);
  });

  it('refuses a truncated, damaged or foreign file with one error naming it, changing nothing', async () => {
    const runDir = path.join(tmp(), 'run');
    await stoppedRun(runDir);
    const file = path.join(runDir, 'checkpoint.safetensors');
    const good = fs.readFileSync(file);
    const resume = async (bytes: Buffer, task = new ToyTask()) => {
      fs.writeFileSync(file, bytes);
      const before = snapshot(task);
      const err = await fit(task, data, { ...base, runDir, resume: true }).then(() => null, (e: unknown) => e);
      expect(snapshot(task)).toEqual(before);
      return err as Error;
    };
    for (const [bytes, why] of [
      [good.subarray(0, good.length - 100), /the file is corrupt or truncated \(not a valid safetensors file \(tensor ".*" has inconsistent offsets\)\)/],
      [good.subarray(0, 20), /the file is corrupt or truncated \(not a valid safetensors file \(header length \d+ exceeds the file\)\)/],
      [Buffer.alloc(0), /corrupt or truncated \(not a valid safetensors file \(shorter than the 8-byte header length\)\)/],
      [Buffer.concat([good.subarray(0, good.length - 10), Buffer.alloc(10, 0x7f)]), /the file is corrupt: the SHA-256 of its tensor data does not match/],
    ] as const) {
      const err = await resume(bytes);
      expect(err).toBeInstanceOf(CheckpointError);
      expect(err.message).toMatch(new RegExp(`^train\\.fit: cannot resume from ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(err.message).toMatch(why);
    }
    fs.writeFileSync(file, good);
    expect((await resume(good, new ToyTask({ name: 'other' }))).message).toMatch(/it was written by task "toy", but this run's task is "other"$/);
    expect((await resume(good, new ToyTask({ hidden: 8 }))).message).toMatch(/its task config differs from this run's: hidden 4 in the checkpoint but 8 now$/);
    fs.writeFileSync(file, good);
    await expect(fit(new ToyTask(), data, { ...base, batchSize: 32, runDir, resume: true }))
      .rejects.toThrow(/its trainer options differ from this run's: batchSize 64 in the checkpoint but 32 now; lr 0.075 in the checkpoint but 0.0375 now/);
    await expect(fit(new ToyTask(), toyImages(200), { ...base, runDir, resume: true }))
      .rejects.toThrow(/its data set differs from this run's: length 256 in the checkpoint but 200 now/);
    await expect(fit(new ToyTask(), data, { ...base, runDir: path.join(runDir, 'none'), resume: true }))
      .rejects.toThrow(/cannot resume from .*none\/checkpoint.safetensors: the file does not exist/);
    // The intact file still resumes.
    const r = await fit(new ToyTask(), data, { ...base, runDir, resume: true });
    expect(r).toMatchObject({ steps: 8, stopped: false });
  });

  it('will not start a fresh run over another run', async () => {
    const runDir = path.join(tmp(), 'run');
    await stoppedRun(runDir);
    await expect(fit(new ToyTask(), data, { ...base, runDir }))
      .rejects.toThrow(/runDir .*run already holds checkpoint.safetensors, metrics.jsonl, config.json of another run; pass resume: true/);
  });

  it('stops on a NaN loss naming the step and keeps the last good checkpoint', async () => {
    const runDir = path.join(tmp(), 'run');
    const err = await fit(new ToyTask({ nanAtStep: 6 }), data, { ...base, runDir }).then(() => null, (e: unknown) => e as Error);
    const file = path.join(runDir, 'checkpoint.safetensors');
    expect(err?.message).toBe(`train.fit: loss is NaN at step 6 (epoch 1, batch 2) of task "toy"; the optimizer step was skipped; ` +
      `the last good checkpoint is ${file} (after 4 steps)`);
    expect(loadSafetensors(file).metadata.step).toBe('4');
    expect(fs.readdirSync(runDir).sort()).toEqual(['checkpoint.safetensors', 'config.json', 'metrics.jsonl']);
    await expect(fit(new ToyTask({ infAtStep: 0 }), data, { ...base })).rejects.toThrow(/loss is Infinity at step 0 .*no checkpoint is kept without runDir/);
  });

  it('leaves no run folder when it fails before its first checkpoint', async () => {
    const root = tmp();
    const runDir = path.join(root, 'a', 'b');
    await expect(fit(new ToyTask({ nanAtStep: 2 }), data, { ...base, runDir, metricsEvery: 1 }))
      .rejects.toThrow(/at step 2 .*no checkpoint had been written yet/);
    expect(fs.readdirSync(root)).toEqual([]);
    // An existing folder is kept, and so are files that are not the run's.
    const own = path.join(root, 'mine');
    fs.mkdirSync(own);
    fs.writeFileSync(path.join(own, 'notes.txt'), 'x');
    await expect(fit(new ToyTask(), data, { ...base, runDir: own, metricsEvery: 1,
      callbacks: { onBatchEnd: (_b, l) => { if (l.step === 1) throw new Error('callback failed'); } } })).rejects.toThrow('callback failed');
    expect(fs.readdirSync(own)).toEqual(['notes.txt']);
  });

  it('optimizers restore their buffers exactly and refuse state that does not fit, changing nothing', () => {
    const params = () => [zeros([3]), zeros([2, 2])];
    const lars = new LARS(params(), { lr: 0.1 });
    expect(() => lars.loadStateBuffers(new Map([['0.velocity', new Float32Array(3)]])))
      .toThrow('LARS.loadStateBuffers: missing [1.velocity], unexpected [], wrong size []');
    expect(() => lars.loadStateBuffers(new Map([['0.velocity', new Float32Array(3)], ['1.velocity', new Float32Array(3)]])))
      .toThrow(/wrong size \[1.velocity \(3 instead of 4 elements\)\]/);
    lars.loadStateBuffers(new Map([['0.velocity', Float32Array.of(1, 2, 3)], ['1.velocity', Float32Array.of(4, 5, 6, 7)]]));
    expect(Array.from(lars.stateBuffers().get('1.velocity')!)).toEqual([4, 5, 6, 7]);

    const sgd = new SGD(params(), { lr: 0.1, momentum: 0.9 });
    expect(sgd.stateBuffers().size).toBe(0);
    expect(() => sgd.loadStateBuffers(new Map([['2.momentum_buffer', new Float32Array(1)]]))).toThrow(/unexpected \[2.momentum_buffer\]/);
    sgd.loadStateBuffers(new Map([['1.momentum_buffer', Float32Array.of(1, 1, 1, 1)]]));
    expect([...sgd.stateBuffers().keys()]).toEqual(['1.momentum_buffer']); // parameter 1 has started, 0 has not

    const adam = new AdamW(params());
    const state = adam.stateBuffers();
    state.set('1.step', Float32Array.of(7));
    state.get('0.exp_avg')!.fill(9); // live buffer: this one changes in place
    adam.loadStateBuffers(new Map([...state].map(([k, v]) => [k, Float32Array.from(v)])));
    expect(Array.from(adam.stateBuffers().get('1.step')!)).toEqual([7]);
    state.set('0.step', Float32Array.of(1.5));
    expect(() => adam.loadStateBuffers(state)).toThrow(/non-negative integer step count for state\["0.step"\]/);
    expect(Array.from(adam.stateBuffers().get('0.step')!)).toEqual([0]);
  });
});
