// The pretext-task figures of `selfsup report`: a tiny relative-position run (2 steps) and a tiny
// colorization run on synthetic photos (photos.json as `selfsup pretrain` writes it) go through
// writeReport; jigsaw, rotation and colorization figures are also drawn directly from untrained
// tasks. Checked: PNG signature and size, a picture rather than a blank (with the green/red marks
// where there are some), the original column of colorization.png pixel for pixel, predict() =
// evaluate()'s sampling, summary.md's entries, and the skip note when photos.json is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHOTO_SPEC_FILE, type PhotoDataSpec } from '../../lib/cli/pretrain.js';
import { photoCrops } from '../../lib/data/photo-crops.js';
import { fashionMnist, type ImageSet } from '../../lib/data/fashion-mnist.js';
import * as nn from '../../lib/nn/index.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { renderColorization } from '../../lib/report/colorization-figure.js';
import { firstBatch, HEADER, MARGIN } from '../../lib/report/figure.js';
import { renderJigsaw } from '../../lib/report/jigsaw-figure.js';
import { renderPretextFigure } from '../../lib/report/pretext-figures.js';
import { writeReport } from '../../lib/report/report.js';
import { Colorization } from '../../lib/tasks/colorization.js';
import { Jigsaw } from '../../lib/tasks/jigsaw.js';
import { RelativePosition } from '../../lib/tasks/relative-position.js';
import { Rotation } from '../../lib/tasks/rotation.js';
import { fit } from '../../lib/train/fit.js';

const REPORT = { limit: 40, points: 30, umapEpochs: 10 } as const;
const GRID = { patch: 7, gap: 2, jitter: 1 } as const;
let root = '';
const tinyEncoder = (inputNorm: 'none' | 'instance' = 'instance') => nn.convEncoder({ inChannels: 1, widths: [4, 8], strides: [2, 2], inputNorm });

function first(set: ImageSet, n: number): ImageSet {
  const per = set.shape[0] * set.shape[1] * set.shape[2];
  return { ...set, images: set.images.subarray(0, n * per), labels: set.labels ? set.labels.subarray(0, n) : null, length: n };
}

const test = first(fashionMnist({ split: 'test' }), 16);

// Signature and IHDR size, then decoded: opaque, mostly not one colour, and the pixels returned.
async function decodePng(bytes: Buffer, size: [number, number]): Promise<{ px: Uint8ClampedArray; width: number; has: (rgb: string) => boolean }> {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual(size);
  const img = await loadImage(bytes);
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  const colours = new Set<number>();
  let white = 0, transparent = 0;
  for (let i = 0; i < px.length; i += 4) {
    const c = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
    colours.add(c);
    if (c === 0xffffff) white++;
    if (px[i + 3] !== 255) transparent++;
  }
  expect(transparent).toBe(0);
  expect(colours.size).toBeGreaterThan(20);
  expect(white / (px.length / 4)).toBeGreaterThan(0.2);
  expect(white / (px.length / 4)).toBeLessThan(0.95);
  return { px, width: img.width, has: (c) => colours.has(parseInt(c.slice(1), 16)) };
}

async function writePhoto(file: string, k: number, h: number, w: number): Promise<void> {
  const px = Buffer.alloc(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) px.set([(x * 3) & 255, (y * 4) & 255, (60 + 70 * k + x + y) & 255], (y * w + x) * 3);
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
}

let rpRun = '', colourRun = '';
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-pretext-report-'));
  manualSeed(0);
  rpRun = path.join(root, 'relative-position');
  await fit(new RelativePosition({ encoder: tinyEncoder(), ...GRID }), first(fashionMnist({ split: 'train' }), 64),
    { epochs: 1, batchSize: 32, runDir: rpRun, progress: false, optimizer: 'adamw' });

  const photos = path.join(root, 'photos');
  fs.mkdirSync(photos);
  for (let k = 0; k < 3; k++) await writePhoto(path.join(photos, `p${k}.png`), k, 64, 80);
  const spec: PhotoDataSpec = { dir: photos, size: 16, cropsPerEpoch: 16, seed: 0, shortSide: 64, holdout: 1 };
  const { train } = await photoCrops(photos, { size: 16, cropsPerEpoch: 16, seed: 0, shortSide: 64, holdout: 1 });
  colourRun = path.join(root, 'colorization');
  await fit(new Colorization({ encoder: tinyEncoder('none'), decoderWidth: 8 }), train,
    { epochs: 1, batchSize: 8, runDir: colourRun, progress: false, optimizer: 'adamw' });
  fs.writeFileSync(path.join(colourRun, PHOTO_SPEC_FILE), JSON.stringify(spec));
});
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('pretext figures', () => {
  it('selfsup report draws patch-pairs.png for a relative-position run', async () => {
    const r = await writeReport(rpRun, REPORT);
    expect(r.skipped).toEqual([{ file: 'accuracy.png', why: expect.stringMatching(/no eval\.json/) }]);
    expect(r.written.map((f) => path.basename(f)).sort()).toEqual(['embedding.png', 'loss.png', 'patch-pairs.png', 'summary.md']);
    // 28x28 images at 8x in 4 columns of 224 px, 2 rows of 224 + 52 px, the key under them.
    const { has } = await decodePng(fs.readFileSync(path.join(r.dir, 'patch-pairs.png')), [988, 676]);
    expect(has('#17becf') && has('#ffb000')).toBe(true);   // centre and neighbour outlines
    expect(has('#2ca02c') || has('#d62728')).toBe(true);   // predictions
    const md = fs.readFileSync(path.join(r.dir, 'summary.md'), 'utf8');
    expect(md).toContain('### Relative position on held-out images\n\n![Relative position on held-out images](patch-pairs.png)');
    expect(md).toMatch(/The first 8 held-out images \(scaled 8x\).*\d of 8 right\. Images: the embedded Fashion-MNIST sample/);
  });

  it('predict() samples as evaluate() does', () => {
    const task = new RelativePosition({ encoder: tinyEncoder(), ...GRID });
    const { logits, labels, record, inputs } = task.predict(firstBatch(test, 16), new Generator(3));
    expect(inputs.shape).toEqual([32, 1, 7, 7]);
    let right = 0;
    for (let i = 0; i < 16; i++) {
      const row = Array.from(logits.data.subarray(8 * i, 8 * i + 8));
      right += row.indexOf(Math.max(...row)) === labels[i] ? 1 : 0;
      expect(record![i * (record!.length / 16)]).toBe(labels[i]);
    }
    expect(task.evaluate(test, { seed: 3 }).accuracy).toBe(right / 16);
    expect(task.model.training).toBe(true);
  });

  it('jigsaw.png and rotations.png', async () => {
    manualSeed(1);
    const jigsaw = new Jigsaw({ encoder: tinyEncoder(), permutations: 10, ...GRID });
    const j = renderJigsaw(jigsaw, test, { title: 'jigsaw', seed: 0 });
    // per row: image 28x7, 3x3 tiles of 7x9 with 3 px gaps (195), twice, text column.
    expect([j.width, j.height]).toEqual([16 + 196 + 28 + 195 + 28 + 195 + 28 + 170 + 16, HEADER + 24 + 6 * 196 + 5 * 18 + MARGIN]);
    const jp = await decodePng(j.png, [j.width, j.height]);
    expect(jp.has('#2ca02c') || jp.has('#d62728')).toBe(true);
    expect(j.caption).toMatch(/of 6 permutations \(of 10\) right/);

    const rotation = renderPretextFigure(new Rotation({ encoder: tinyEncoder('none') }), test, { count: 3 });
    expect([rotation.width, rotation.height]).toEqual([16 + 4 * (122 + 14) + 90 + 16, HEADER + 22 + 3 * (122 + 22) + 2 * 12 + MARGIN]);
    await decodePng(rotation.png, [rotation.width, rotation.height]);
    expect(rotation.caption).toMatch(/of 12 right/);
  });

  it('colorization.png from a task and a colour set: gray input, colorized, original', async () => {
    manualSeed(2);
    const H = 12, W = 16, n = 10, rows = [0, 1, 2, 3, 5, 6, 7, 8]; // 8 rows spread over the 10
    const images = new Uint8Array(n * 3 * H * W);
    for (let k = 0; k < n; k++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const rgb = [x * 16, y * 20, 40 * k + 30];
          for (let c = 0; c < 3; c++) images[((k * 3 + c) * H + y) * W + x] = rgb[c] & 255;
        }
    const set: ImageSet = { images, shape: [3, H, W], labels: null, length: n, source: 'synthetic' };
    const task = new Colorization({ encoder: tinyEncoder('none'), decoderWidth: 8, loss: 'l2' });
    const f = renderColorization(task, set);
    const s = 8, iw = W * s, ih = H * s, top = HEADER + 22; // 16 px side -> 8x (128 px)
    expect([f.width, f.height]).toEqual([MARGIN + 3 * (iw + 12) + 4 + 150 + MARGIN, top + 8 * ih + 7 * 10 + MARGIN]);
    const { px, width } = await decodePng(f.png, [f.width, f.height]);
    const at = (x: number, y: number) => Array.from(px.subarray((y * width + x) * 4, (y * width + x) * 4 + 3));
    rows.forEach((k, row) => {
      for (const [y, x] of [[0, 0], [5, 9], [H - 1, W - 1]]) {
        const Y = top + row * (ih + 10) + y * s + 3;
        expect(at(MARGIN + 2 * (iw + 12) + x * s + 3, Y)).toEqual([0, 1, 2].map((c) => images[((k * 3 + c) * H + y) * W + x]));
        const [r, g, b] = at(MARGIN + x * s + 3, Y); // the L-only input is gray
        expect(Math.max(Math.abs(r - g), Math.abs(g - b))).toBeLessThanOrEqual(2);
      }
    });
    expect(f.caption).toMatch(/^8 of the 10 held-out crops, evenly spaced/);
  });

  it('selfsup report draws colorization.png from photos.json, and says why when it cannot', async () => {
    const r = await writeReport(colourRun, REPORT);
    expect(r.written.map((f) => path.basename(f))).toContain('colorization.png');
    // 16 px crops at 8x, 8 rows of the 16 held-out crops.
    await decodePng(fs.readFileSync(path.join(r.dir, 'colorization.png')), [606, HEADER + 22 + 8 * 128 + 7 * 10 + MARGIN]);
    expect(fs.readFileSync(path.join(r.dir, 'summary.md'), 'utf8')).toContain('](colorization.png)');

    fs.rmSync(path.join(colourRun, PHOTO_SPEC_FILE));
    const again = await writeReport(colourRun, REPORT);
    expect(again.skipped.find((s) => s.file === 'colorization.png')?.why).toMatch(/no photos\.json in the run folder/);
    expect(fs.existsSync(path.join(r.dir, 'colorization.png'))).toBe(false);
    expect(fs.readFileSync(path.join(r.dir, 'summary.md'), 'utf8')).toMatch(/Skipped `colorization\.png`: no photos\.json/);
  });
});
