// The command line end to end in a temporary folder, through the compiled dist/ exactly as a user
// runs it: info, a short pretrain with checkpoints and evaluation, resume of a finished run,
// eval of the run, and bad input giving one clear line and exit status 1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/native/loader.js';

const main = path.join(packageRoot, 'dist', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, SELFSUP_NUM_THREADS: '2' } });

describe('selfsup CLI', () => {
  beforeAll(() => {
    // The tests exercise the built CLI; build it when the checkout has no dist/ yet.
    if (!fs.existsSync(main)) spawnSync(process.execPath, [path.join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(packageRoot, 'tsconfig.json')]);
  });

  it('info prints the ISA and threads', () => {
    const r = run(['info', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const i = JSON.parse(r.stdout);
    expect(['scalar', 'avx2', 'avx512']).toContain(i.isa.active);
    expect(i.threads).toBe(2);
  });

  it('pretrain writes a run folder, evaluates, resumes and evaluates again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-cli-'));
    const out = path.join(dir, 'run');
    const r = run(['pretrain', '--epochs', '1', '--batch-size', '32', '--limit', '320', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['checkpoint.safetensors', 'metrics.jsonl', 'config.json', 'encoder.safetensors', 'eval.json'])
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    expect(r.stdout).toMatch(/simclr 1 ep/);
    expect(r.stdout).toMatch(/random init/);
    const evalJson = JSON.parse(fs.readFileSync(path.join(out, 'eval.json'), 'utf8'));
    expect(evalJson.rows.length).toBe(4);
    // Resuming a finished run trains nothing more and succeeds.
    const again = run(['pretrain', '--epochs', '1', '--batch-size', '32', '--limit', '320', '--out', out, '--resume', '--no-eval']);
    expect(again.status, again.stderr).toBe(0);
    const e = run(['eval', out, '--protocol', 'linear', '--labels', '10%,100%', '--limit', '320']);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/raw pixels/);
    expect(e.stdout).toMatch(/10%/);
    fs.rmSync(dir, { recursive: true });
  });

  it('bad input: one clear line, exit status 1, no run folder left behind', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-cli-'));
    const cases: [string[], RegExp][] = [
      [['pretrain', '--task', 'moco', '--out', path.join(dir, 'a')], /--task/],
      [['pretrain', '--epochs', '0', '--out', path.join(dir, 'b')], /--epochs/],
      [['pretrain', '--data', path.join(dir, 'missing'), '--out', path.join(dir, 'c')], /missing.*does not exist/],
      [['pretrain', '--resume', '--out', path.join(dir, 'd'), '--limit', '64', '--batch-size', '32'], /checkpoint|resume/i],
      [['pretrain', '--limit', '64', '--out', path.join(dir, 'e')], /batchSize/],
      [['eval', path.join(dir, 'nothing')], /no checkpoint\.safetensors/],
      [['eval', dir, '--labels', '150%'], /--labels/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});
