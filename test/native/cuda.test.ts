// The CUDA backend's state: which of "no CUDA build", "no NVIDIA driver", "no CUDA device" stops
// it, said in one line by cudaStatus(), `selfsup info`, train.fit({ device }) and the CLI, before
// any work. Runs on every machine: with no CUDA build, with a build but no driver (this repository's
// CI compiles the CUDA addon wherever nvcc exists), and on a GPU machine, where the kernels
// themselves are checked by build-cuda/selfsup_cuda_check (`npm run test:cuda`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CUDA_ADDON_DEFAULT, cudaStatus, resetCudaStatus, trainingDevice } from '../../lib/native/cuda.js';
import { packageRoot } from '../../lib/native/loader.js';
import { fit } from '../../lib/train/fit.js';
import { toyImages, ToyTask } from '../train/toy.js';

const saved = process.env.SELFSUP_CUDA_NATIVE_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.SELFSUP_CUDA_NATIVE_PATH;
  else process.env.SELFSUP_CUDA_NATIVE_PATH = saved;
  resetCudaStatus();
});
const withAddon = (file: string) => {
  process.env.SELFSUP_CUDA_NATIVE_PATH = file;
  resetCudaStatus();
};

describe('CUDA state', () => {
  it('no CUDA build: reason no-build; device cuda is an error naming it, auto falls back to the CPU', async () => {
    withAddon(path.join(os.tmpdir(), 'no-such-selfsup_cuda.node'));
    const s = cudaStatus();
    expect(s).toMatchObject({ available: false, reason: 'no-build', addonPath: null, devices: [] });
    expect(s.message).toMatch(/no CUDA build/);
    expect(() => trainingDevice('cuda')).toThrow(/device 'cuda': CUDA is not available: no CUDA build/);
    expect(trainingDevice('auto')).toEqual({ device: 'cpu', why: expect.stringMatching(/auto chose the CPU: .*no CUDA build/) });
    await expect(fit(new ToyTask(), toyImages(64), { epochs: 1, batchSize: 32, device: 'cuda', progress: false })).rejects.toThrow(/no CUDA build/);
    await expect(fit(new ToyTask(), toyImages(64), { epochs: 1, batchSize: 32, device: 'gpu' as never, progress: false })).rejects.toThrow(/device/);
    const r = await fit(new ToyTask(), toyImages(64), { epochs: 1, batchSize: 32, device: 'auto', progress: false });
    expect(r.steps).toBe(2);
  });

  it('a file that is not a loadable addon is no build either, with the loader\'s words', () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-cuda-')), 'selfsup_cuda.node');
    fs.writeFileSync(bad, 'not a shared library');
    withAddon(bad);
    const s = cudaStatus();
    expect(s.reason).toBe('no-build');
    expect(s.message).toMatch(/does not load/);
    fs.rmSync(path.dirname(bad), { recursive: true, force: true });
  });

  it.skipIf(!fs.existsSync(CUDA_ADDON_DEFAULT))('the built CUDA addon loads anywhere and says why CUDA cannot run, or lists the devices', () => {
    const s = cudaStatus();
    expect(s.addonPath).toBe(CUDA_ADDON_DEFAULT);
    if (s.available) {
      expect(s.devices.length).toBeGreaterThan(0);
      expect(s.devices[0].memoryBytes).toBeGreaterThan(0);
      // Kernels are checked by selfsup_cuda_check; training on them is not wired up yet, and says so.
      expect(() => trainingDevice('cuda')).toThrow(/cannot train yet/);
    } else {
      expect(['no-driver', 'no-device']).toContain(s.reason);
      expect(s.message).toMatch(/^(no NVIDIA driver|no CUDA device): /);
      expect(() => trainingDevice('cuda')).toThrow(new RegExp(s.reason === 'no-driver' ? 'no NVIDIA driver' : 'no CUDA device'));
    }
  });

  it('CLI: `info` prints the CUDA state and what auto would choose; `pretrain --device cuda` stops before any work', () => {
    const main = path.join(packageRoot, 'dist', 'cli', 'main.js');
    if (!fs.existsSync(main)) spawnSync(process.execPath, [path.join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(packageRoot, 'tsconfig.json')]);
    const env = { ...process.env, SELFSUP_CUDA_NATIVE_PATH: path.join(os.tmpdir(), 'no-such-selfsup_cuda.node') };
    const info = spawnSync(process.execPath, [main, 'info'], { encoding: 'utf8', env });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/CUDA: +not available \(no-build\): no CUDA build/);
    expect(info.stdout).toMatch(/device: +auto chose the CPU/);
    const json = JSON.parse(spawnSync(process.execPath, [main, 'info', '--json'], { encoding: 'utf8', env }).stdout);
    expect(json.cuda).toMatchObject({ available: false, reason: 'no-build' });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-cuda-cli-')), 'run');
    const r = spawnSync(process.execPath, [main, 'pretrain', '--device', 'cuda', '--out', out], { encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/device 'cuda': CUDA is not available: no CUDA build/);
    expect(fs.existsSync(out)).toBe(false);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});
