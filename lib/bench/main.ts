#!/usr/bin/env node
// `npm run bench [-- --threads 1,2 --iters 10 --warmup 3 --only conv,step --json FILE --no-torch]`
// (--only takes any of the groups in workloads.ts's GROUPS: conv, norm, step, loss, gemm, pretext):
// times each workload with selfsup (median of iters after warmup, per thread count), then runs
// the PyTorch twin (bench/torch_twin.py) on the same workloads in the same run, and prints
// speedup = torch_ms / ours_ms. PyTorch runs after ours, never concurrently.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { native, packageRoot } from '../native/loader.js';
import { allWorkloads, GROUPS } from './workloads.js';

interface Row { name: string; threads: number; ours_ms: number; torch_ms: number | null; speedup: number | null; gflops?: number }

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function runTorch(threads: number[], iters: number, warmup: number, only: string[]): Map<string, number> | string {
  const python = process.env.SELFSUP_TORCH_PYTHON ?? '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return `PyTorch not importable with ${python} (install Debian's python3-torch; see bench/torch_twin.py)`;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-bench-')), 'torch.json');
  const tcmalloc = '/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4';
  const env = { ...process.env, ...(fs.existsSync(tcmalloc) ? { LD_PRELOAD: tcmalloc } : {}) };
  const r = spawnSync(python, [path.join(packageRoot, 'bench', 'torch_twin.py'), '--threads', threads.join(','), '--iters', String(iters),
    '--warmup', String(warmup), '--only', only.join(','), '--json', out], { encoding: 'utf8', env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) return `torch_twin.py failed with status ${r.status}`;
  const rows = (JSON.parse(fs.readFileSync(out, 'utf8')) as { rows: { name: string; threads: number; torch_ms: number }[] }).rows;
  return new Map(rows.map((x) => [`${x.name}@${x.threads}`, x.torch_ms]));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      threads: { type: 'string', default: '1,2' },
      iters: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      only: { type: 'string', default: GROUPS.join(',') },
      json: { type: 'string' },
      'no-torch': { type: 'boolean', default: false },
    },
  });
  const threads = values.threads!.split(',').map(Number);
  const iters = Number(values.iters), warmup = Number(values.warmup);
  const only = values.only!.split(',').map((s) => s.trim()).filter((s) => s);
  const badGroups = only.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (only.length === 0 || badGroups.length) throw new RangeError(`Expected --only as a comma list of ${GROUPS.join(', ')} but received ${values.only}`);
  if (threads.some((t) => !Number.isInteger(t) || t < 1)) throw new RangeError(`Expected --threads like 1,2 but received ${values.threads}`);
  if (!Number.isInteger(iters) || iters < 1 || !Number.isInteger(warmup) || warmup < 0) throw new RangeError('Expected integer --iters >= 1 and --warmup >= 0');
  const nb = native();
  const initialThreads = nb.getNumThreads();
  const workloads = allWorkloads().filter((w) => only.includes(w.group));
  const rows: Row[] = [];
  console.error(`selfsup bench: ISA ${nb.isaInfo().active}, threads ${threads.join(',')}, median of ${iters} after ${warmup} warmup`);
  for (const t of threads) {
    nb.setNumThreads(t);
    for (const w of workloads) {
      const fn = w.setup();
      for (let i = 0; i < warmup; i++) await fn();
      const times: number[] = [];
      for (let i = 0; i < iters; i++) {
        const t0 = process.hrtime.bigint();
        await fn();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const ms = median(times);
      rows.push({ name: w.name, threads: t, ours_ms: ms, torch_ms: null, speedup: null, gflops: w.flops ? w.flops / ms / 1e6 : undefined });
      console.error(`  ${w.name} @${t}: ${ms.toFixed(2)} ms`);
    }
  }
  nb.setNumThreads(initialThreads);
  const torch = values['no-torch'] ? 'skipped (--no-torch)' : runTorch(threads, iters, warmup, only);
  if (typeof torch === 'string') console.error(`PyTorch comparison: ${torch}`);
  else for (const r of rows) {
    const tm = torch.get(`${r.name}@${r.threads}`);
    if (tm !== undefined) { r.torch_ms = tm; r.speedup = tm / r.ours_ms; }
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  const nameWidth = Math.max(36, ...rows.map((r) => r.name.length + 1));
  console.log(`${pad('workload', nameWidth)} ${pad('threads', 8)} ${pad('ours ms', 10)} ${pad('torch ms', 10)} ${pad('speedup', 8)} GFLOP/s`);
  for (const r of rows)
    console.log(`${pad(r.name, nameWidth)} ${pad(String(r.threads), 8)} ${pad(r.ours_ms.toFixed(2), 10)} ${pad(r.torch_ms?.toFixed(2) ?? '-', 10)} ${pad(r.speedup?.toFixed(2) ?? '-', 8)} ${r.gflops?.toFixed(0) ?? ''}`);
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify(rows.map(({ name, threads: th, ours_ms, torch_ms, speedup }) => ({ name, threads: th, ours_ms, torch_ms, speedup })), null, 2) + '\n');
    console.error(`wrote ${values.json}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
