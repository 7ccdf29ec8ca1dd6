// temporal and next-token through the built CLI: a tiny run of each with held-out metrics and the
// transfer table, eval of the runs, text sampling, and bad input before any work.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/native/loader.js';

const main = path.join(packageRoot, 'dist', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, SELFSUP_NUM_THREADS: '2' } });
let dir = '';

describe('selfsup CLI: temporal and next-token', () => {
  beforeAll(() => {
    if (!fs.existsSync(main)) spawnSync(process.execPath, [path.join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(packageRoot, 'tsconfig.json')]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-seq-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('temporal: trains on generated clips, reports MSE next to the baselines and the clip probes; eval repeats them', () => {
    const out = path.join(dir, 'temporal');
    const r = run(['pretrain', '--task', 'temporal', '--epochs', '1', '--clips', '64', '--clip-size', '32', '--clip-frames', '6', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/held-out temporal: mse [\d.]+, psnr [\d.]+, copyLastMse [\d.]+, copyLastPsnr [\d.]+, meanVisibleMse [\d.]+/);
    for (const row of [/temporal\s+linear \(class\)/, /random init\s+linear \(class\)/, /temporal\s+linear \(direction\)/]) expect(r.stdout).toMatch(row);
    const e = run(['eval', out, '--limit', '64']);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/held-out temporal: mse/);
    expect(e.stderr).toMatch(/6 frames, 32x32/);
  });

  it('next-token: trains on the embedded fortunes, reports bits per byte and the source probe; sample continues a prompt', () => {
    const out = path.join(dir, 'text');
    const r = run(['pretrain', '--task', 'next-token', '--epochs', '1', '--context', '32', '--limit', '256', '--dropout', '0.1', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/held-out next-token: bitsPerByte [\d.]+, .*documentBitsPerByte [\d.]+/);
    expect(r.stderr).toMatch(/dropout 0\.1/);
    for (const row of [/next-token\s+linear/, /random init\s+linear/, /bag of bytes\s+linear/, /majority class/]) expect(r.stdout).toMatch(row);
    const s1 = run(['sample', out, '--prompt', 'The ', '--length', '40', '--seed', '3']);
    const s2 = run(['sample', out, '--prompt', 'The ', '--length', '40', '--seed', '3']);
    expect(s1.status, s1.stderr).toBe(0);
    expect(s1.stdout.startsWith('The ')).toBe(true);
    expect(s1.stdout).toBe(s2.stdout); // seeded
    const bad = run(['sample', path.join(dir, 'temporal'), '--prompt', 'x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/needs a next-token run/);
  });

  it('temporal on frame folders: the clips are read, split and trained on (no labels, so no probe)', async () => {
    const frames = path.join(dir, 'frames');
    for (let c = 0; c < 6; c++)
      for (let t = 0; t < 5; t++) {
        const px = Buffer.alloc(16 * 16);
        for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) px[y * 16 + x] = ((x + t * (c + 1)) % 16) * 16;
        fs.mkdirSync(path.join(frames, `clip${c}`), { recursive: true });
        await sharp(px, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(path.join(frames, `clip${c}`, `f${t + 1}.png`));
      }
    const out = path.join(dir, 'frames-run');
    const r = run(['pretrain', '--task', 'temporal', '--frames', frames, '--clip-size', '16', '--epochs', '1', '--batch-size', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/frame folders in .*: 5 train \/ 1 test clips of 1x5x16x16/);
    expect(r.stdout).toMatch(/held-out temporal: mse [\d.]+/);
    expect(r.stderr).toMatch(/transfer evaluation skipped: the clips have no labels/);
  });

  it('bad input: one clear line, no run folder', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const cases: [string[], RegExp][] = [
      [['pretrain', '--task', 'temporal', '--hidden', '6', '--clip-frames', '6', '--clips', '8', '--out', path.join(bad, 'a')], /hidden/],
      [['pretrain', '--task', 'temporal', '--mode', 'middle', '--clips', '8', '--out', path.join(bad, 'b')], /--mode/],
      [['pretrain', '--task', 'next-token', '--text', path.join(dir, 'none.txt'), '--out', path.join(bad, 'c')], /none\.txt/],
      [['pretrain', '--task', 'next-token', '--context', '100000', '--out', path.join(bad, 'd')], /context/],
      [['pretrain', '--task', 'simclr', '--text', 'x.txt', '--out', path.join(bad, 'e')], /--text are for --task temporal and --task next-token/],
      [['pretrain', '--task', 'next-token', '--dropout', '1', '--out', path.join(bad, 'f')], /--dropout/],
      [['pretrain', '--task', 'rotation', '--dropout', '0.1', '--out', path.join(bad, 'g')], /--dropout is for --task next-token/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    expect(fs.readdirSync(bad)).toEqual([]);
  });
});
