// The CUDA backend's addon (selfsup_cuda.node, built by `npm run build:cuda` where nvcc exists),
// loaded on demand and never by node-gyp-build: it lives in build-cuda/, or where
// SELFSUP_CUDA_NATIVE_PATH points. cudaStatus() says whether CUDA can run here and, if not,
// which of the reasons it is: no CUDA build, no NVIDIA driver, no CUDA device. The addon links
// the CUDA runtime statically, so it loads on a machine without a driver and says so.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from './loader.js';

const require = createRequire(import.meta.url);

export interface CudaDevice {
  index: number;
  name: string;
  memoryBytes: number;
  computeCapability: string;
}

interface CudaAddon {
  backend: 'cuda';
  probe(): { status: 'ok' | 'no-driver' | 'no-device' | 'error'; message: string; devices: CudaDevice[] };
  memoryStats(): { allocatedBytes: number; cachedBytes: number };
}

export type CudaUnavailableReason = 'no-build' | 'no-driver' | 'no-device' | 'error';

export interface CudaStatus {
  // The addon loaded and sees at least one device (its kernels are checked by `npm run test:cuda`;
  // training on them is not wired up yet: see trainingDevice()).
  available: boolean;
  reason: CudaUnavailableReason | null;
  message: string;          // one readable line: what was found, or why CUDA cannot run
  addonPath: string | null; // the selfsup_cuda.node that was loaded
  devices: CudaDevice[];
}

export const CUDA_ADDON_DEFAULT = path.join(packageRoot, 'build-cuda', 'Release', 'selfsup_cuda.node');

let cached: CudaStatus | null = null;

function probe(): CudaStatus {
  const explicit = process.env.SELFSUP_CUDA_NATIVE_PATH;
  const file = explicit ? path.resolve(explicit) : CUDA_ADDON_DEFAULT;
  if (!fs.existsSync(file))
    return { available: false, reason: 'no-build', addonPath: null, devices: [],
      message: explicit ? `no CUDA build: SELFSUP_CUDA_NATIVE_PATH=${explicit} does not exist`
        : 'no CUDA build: selfsup_cuda.node was not built (run `npm run build:cuda` on a machine with nvcc)' };
  let addon: CudaAddon;
  try {
    addon = require(file) as CudaAddon;
  } catch (e) {
    return { available: false, reason: 'no-build', addonPath: null, devices: [],
      message: `no CUDA build: ${file} does not load (${(e as Error).message.split('\n')[0]})` };
  }
  const p = addon.probe();
  if (p.status === 'ok') {
    const d = p.devices.map((x) => `${x.name} (${(x.memoryBytes / 2 ** 30).toFixed(0)} GiB, sm_${x.computeCapability.replace('.', '')})`).join(', ');
    return { available: true, reason: null, addonPath: file, devices: p.devices, message: `CUDA devices: ${d}` };
  }
  const why = { 'no-driver': 'no NVIDIA driver', 'no-device': 'no CUDA device', error: 'CUDA error' }[p.status];
  return { available: false, reason: p.status, addonPath: file, devices: [], message: `${why}: ${p.message}` };
}

// Cached after the first call: a process's driver and devices do not change under it.
export function cudaStatus(): CudaStatus {
  cached ??= probe();
  return cached;
}

// Forget the cached status (tests switch SELFSUP_CUDA_NATIVE_PATH).
export function resetCudaStatus(): void {
  cached = null;
}

export type DeviceRequest = 'cpu' | 'cuda' | 'auto';
export const DEVICES = ['cpu', 'cuda', 'auto'] as const;

// The device training runs on for a request, and why: 'cuda' fails with one error saying which
// reason stops it; 'auto' falls back to the CPU and says why. Device tensors are not wired to the
// CUDA kernels yet, so even with a GPU the answer is the CPU ('auto') or an error ('cuda').
export function trainingDevice(request: DeviceRequest): { device: 'cpu'; why: string } {
  if (request === 'cpu') return { device: 'cpu', why: 'asked for the CPU' };
  const s = cudaStatus();
  const why = s.available
    ? `the CUDA backend cannot train yet: its kernels (GEMM, convolution, batch norm, activations, losses, embedding, optimizer steps; checked by \`npm run test:cuda\`) are not yet wired to device tensors (${s.message})`
    : `CUDA is not available: ${s.message}`;
  if (request === 'cuda') throw new Error(`device 'cuda': ${why}`);
  return { device: 'cpu', why: `auto chose the CPU: ${why}` };
}
