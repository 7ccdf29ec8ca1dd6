// Runtime facts and knobs: version, ISA in use, thread count, CUDA state.
import fs from 'node:fs';
import path from 'node:path';
import { cudaStatus, type CudaStatus } from './native/cuda.js';
import { native, packageRoot } from './native/loader.js';
import type { Isa } from './native/binding.js';
import { checkInt, checkOneOf } from './validate.js';

export function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export function setNumThreads(n: number): void {
  native().setNumThreads(checkInt('threads', n, 1, 1024));
}

export function getNumThreads(): number {
  return native().getNumThreads();
}

// Forces a kernel path; returns false when the CPU cannot run it (the active ISA is unchanged).
export function setIsa(isa: Isa): boolean {
  return native().setIsa(checkOneOf('isa', isa, ['scalar', 'avx2', 'avx512'] as const));
}

export function isaInfo(): { detected: Isa; active: Isa } {
  return native().isaInfo();
}

export interface RuntimeInfo {
  version: string;
  node: string;
  platform: string;
  isa: { detected: Isa; active: Isa };
  threads: number;
  compiler: string;
  mallocTuned: boolean;
  cuda: CudaStatus;
}

export function info(): RuntimeInfo {
  const nb = native();
  return {
    version: version(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    isa: nb.isaInfo(),
    threads: nb.getNumThreads(),
    compiler: nb.compiler,
    mallocTuned: nb.mallocTuned,
    cuda: cudaStatus(),
  };
}
