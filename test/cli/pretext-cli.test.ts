// The pretext tasks through the built CLI: each trains briefly, reports its held-out pretext
// metrics and the transfer table; `eval` puts several runs in one table; bad input (a grid larger
// than the images, grayscale photos for colorization, no photos at all) fails before any work.
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

async function writePhotos(folder: string, colour: boolean): Promise<void> {
  fs.mkdirSync(folder, { recursive: true });
  for (let k = 0; k < 4; k++) {
    const W = 80 + 8 * k, H = 72, px = Buffer.alloc(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const o = 3 * (y * W + x), v = (x * 3 + y * 2 + 40 * k) % 256;
      px[o] = v; px[o + 1] = colour ? (255 - v) : v; px[o + 2] = colour ? (y * 3) % 256 : v;
    }
    await sharp(px, { raw: { width: W, height: H, channels: 3 } }).png().toFile(path.join(folder, `p${k}.png`));
  }
}

describe('selfsup CLI: pretext tasks', () => {
  beforeAll(async () => {
    if (!fs.existsSync(main)) spawnSync(process.execPath, [path.join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(packageRoot, 'tsconfig.json')]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-pretext-'));
    await writePhotos(path.join(dir, 'colour'), true);
    await writePhotos(path.join(dir, 'gray'), false);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rotation, relative position and jigsaw train, report pretext accuracy, and eval tabulates them together', () => {
    const outs: string[] = [];
    for (const task of ['rotation', 'relative-position', 'jigsaw']) {
      const out = path.join(dir, task);
      const r = run(['pretrain', '--task', task, '--epochs', '1', '--batch-size', '32', '--limit', '256', '--permutations', '10', '--eval', 'linear', '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`held-out ${task}: accuracy 0\\.\\d+`));
      expect(r.stdout).toMatch(new RegExp(`${task} 1 ep\\s+linear`));
      expect(JSON.parse(fs.readFileSync(path.join(out, 'pretext.json'), 'utf8')).metrics.accuracy).toBeGreaterThan(0);
      outs.push(out);
    }
    const e = run(['eval', ...outs, '--protocol', 'linear', '--limit', '256']);
    expect(e.status, e.stderr).toBe(0);
    for (const t of ['rotation 1 ep', 'relative-position 1 ep', 'jigsaw 1 ep', 'raw pixels']) expect(e.stdout).toContain(t);
    // relative position and jigsaw share the instance-normalized architecture; rotation does not
    expect(e.stdout).toMatch(/random init \(rotation\)/);
    expect(e.stdout).toMatch(/random init \(relative-position, jigsaw\)/);
  });

  it('colorization trains on colour photos, reports error and PSNR next to the baselines, transfers to Fashion-MNIST', () => {
    const out = path.join(dir, 'colorization');
    const r = run(['pretrain', '--task', 'colorization', '--data', path.join(dir, 'colour'), '--crop', '32', '--crops-per-epoch', '64',
      '--epochs', '1', '--batch-size', '16', '--eval', 'linear', '--limit', '256', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/held-out colorization: abError [\d.]+, psnr [\d.]+, pooledPsnr [\d.]+, grayAbError [\d.]+, grayPsnr [\d.]+, grayPooledPsnr [\d.]+, images 16, meanAbError [\d.]+, meanPsnr [\d.]+, meanPooledPsnr [\d.]+/);
    expect(r.stderr).toMatch(/transfer evaluation on the embedded Fashion-MNIST sample/);
    expect(r.stdout).toMatch(/colorization 1 ep\s+linear/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'photos.json'), 'utf8')).size).toBe(32);
  });

  it('bad input fails with one clear line before any work, leaving no run folder', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const cases: [string[], RegExp][] = [
      [['pretrain', '--task', 'relative-position', '--patch', '10', '--limit', '64', '--out', path.join(bad, 'a')], /3 \* patch \+ 2 \* gap \+ 2 \* jitter = 36.*28x28/],
      [['pretrain', '--task', 'jigsaw', '--permutations', '1', '--limit', '64', '--out', path.join(bad, 'b')], /--permutations/],
      [['pretrain', '--task', 'jigsaw', '--permutations', '400000', '--limit', '64', '--out', path.join(bad, 'b2')], /\[2, 362880\] for --permutations/],
      [['pretrain', '--task', 'colorization', '--out', path.join(bad, 'c')], /needs colour photographs: pass --data DIR/],
      [['pretrain', '--task', 'colorization', '--data', path.join(dir, 'gray'), '--crop', '32', '--out', path.join(bad, 'd')], /every image is grayscale/],
      [['pretrain', '--task', 'colorization', '--data', path.join(dir, 'colour'), '--crop', '30', '--out', path.join(bad, 'e')], /multiples of the encoder's total stride 4/],
      [['pretrain', '--task', 'rotation', '--optimizer', 'adam', '--limit', '64', '--out', path.join(bad, 'f')], /--optimizer/],
      [['pretrain', '--task', 'simclr', '--weight-decay', '-1', '--limit', '64', '--out', path.join(bad, 'g')], /a finite number >= 0 for --weight-decay but received "-1"/],
      [['pretrain', '--task', 'simclr', '--weight-decay', 'Infinity', '--limit', '64', '--out', path.join(bad, 'h')], /--weight-decay but received "Infinity"/],
      // Number flags echo what was typed, and an empty one is not read as 0.
      [['pretrain', '--task', 'simclr', '--lr', 'abc', '--limit', '64', '--out', path.join(bad, 'i')], /for --lr but received "abc" of type string/],
      [['pretrain', '--task', 'simclr', '--seed', '', '--limit', '64', '--out', path.join(bad, 'j')], /for --seed but received "" of type string/],
      [['pretrain', '--task', 'simclr', '--temperature', 'warm', '--limit', '64', '--out', path.join(bad, 'k')], /for --temperature but received "warm" of type string/],
      [['pretrain', '--task', 'simclr', '--temperature', 'Infinity', '--limit', '64', '--out', path.join(bad, 'l')], /for --temperature but received "Infinity" of type string/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    expect(fs.readdirSync(bad)).toEqual([]);
  });
});
