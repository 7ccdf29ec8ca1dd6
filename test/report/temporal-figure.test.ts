// temporal.png: drawn from an untrained task on tiny clips (size from the layout, the hidden input
// frames blank and framed red, the completed strip holding the clamped prediction at hidden frames
// and the given frames elsewhere, the true strip the clip's pixels, the same hidden frames as
// evaluate() with the same seed); and `selfsup report` on a tiny temporal run draws it (and the
// embedding map) on Moving-MNIST clips made from the test images, or says why it cannot.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnist } from '../../lib/data/fashion-mnist.js';
import { movingMnist } from '../../lib/data/moving-mnist.js';
import { VideoEncoder } from '../../lib/nn/video-encoder.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { HEADER, MARGIN } from '../../lib/report/figure.js';
import { renderPretextFigure } from '../../lib/report/pretext-figures.js';
import { writeReport } from '../../lib/report/report.js';
import { reportClips } from '../../lib/report/temporal-figure.js';
import { TemporalReconstruction } from '../../lib/tasks/temporal.js';
import { fit } from '../../lib/train/fit.js';
import { caught } from '../helpers.js';
import { tinyClips, tinyEncoder } from '../tasks/clips.js';

let root = '', run = '';
const fmTest = fashionMnist({ split: 'test' });

async function pixels(png: Buffer): Promise<(x: number, y: number) => [number, number, number]> {
  const img = await loadImage(png);
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  return (x, y) => [px[(y * img.width + x) * 4], px[(y * img.width + x) * 4 + 1], px[(y * img.width + x) * 4 + 2]];
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-temporal-report-'));
  run = path.join(root, 'temporal');
  manualSeed(0);
  const first = { ...fmTest, images: fmTest.images.subarray(0, 100 * 784), labels: fmTest.labels!.subarray(0, 100), length: 100 };
  const clips = movingMnist(first, { count: 16, frames: 4, size: 32, seed: 1 });
  await fit(new TemporalReconstruction({ encoder: new VideoEncoder({ inChannels: 1, visibilityMask: true, widths: [4, 4, 4] }), decoderWidth: 4 }),
    clips, { epochs: 1, batchSize: 8, runDir: run, progress: false, optimizer: 'adamw' });
});
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('temporal figure', () => {
  it('draws input, completed and true strips with the hidden frames marked', async () => {
    manualSeed(3);
    const task = new TemporalReconstruction({ encoder: tinyEncoder([4, 4, 4]), decoderWidth: 4, hidden: 2 });
    const clips = tinyClips(8, 4), T = 6, S = 16, n = 3, scale = 4, fw = S * scale;
    const f = renderPretextFigure(task, clips, { count: n, seed: 9, title: 'temporal' });
    const clipH = 3 * fw + 2 * 6, top = HEADER + 22, left = MARGIN + 74;
    expect(f.height).toBe(top + n * clipH + (n - 1) * 22 + MARGIN);
    expect(f.width).toBeGreaterThanOrEqual(left + T * (fw + 4) + 8 + 150 + MARGIN); // or the subtitle's width
    expect(f.width).toBeLessThan(1000);
    expect(f.caption).toMatch(/The first 3 held-out clips \(scaled 4x\).*the 2 hidden frames blank/);
    const at = await pixels(f.png);
    const { predicted, hidden } = task.predict({ images: clips.images.subarray(0, n * T * S * S), shape: [n, 1, T, S, S], indices: new Int32Array(n), labels: null }, new Generator(9));
    // The figure's hidden frames are evaluate()'s for its first clips (same seed, counter-based draws).
    expect(hidden).toEqual(task.hiddenFrames(32, T, new Generator(9)).subarray(0, 2 * n));
    for (let i = 0; i < n; i++)
      for (let t = 0; t < T; t++) {
        const x = left + t * (fw + 4), y = top + i * (clipH + 22), isHidden = hidden[2 * i] === t || hidden[2 * i + 1] === t;
        const truth = clips.images[(i * T + t) * S * S + S + 1]; // frame pixel (1, 1): canvas pixel (x + 5, y + 5)
        expect(at(x + 5, y + 5), `input clip ${i} frame ${t}`).toEqual(isHidden ? [0xe6, 0xe6, 0xe6] : [truth, truth, truth]);
        const want = isHidden ? Math.round(Math.min(1, Math.max(0, predicted.data[(i * T + t) * S * S + S + 1])) * 255) : truth;
        expect(at(x + 5, y + fw + 6 + 5), `completed clip ${i} frame ${t}`).toEqual([want, want, want]);
        expect(at(x + 5, y + 2 * (fw + 6) + 5), `true clip ${i} frame ${t}`).toEqual([truth, truth, truth]);
        // Hidden frames framed just outside the cell: red in the input strip, blue in the completed one.
        expect(at(x - 1, y + 20), `outline clip ${i} frame ${t}`).toEqual(isHidden ? [0xd6, 0x27, 0x28] : [255, 255, 255]);
        expect(at(x - 1, y + fw + 6 + 20)).toEqual(isHidden ? [0x1f, 0x77, 0xb4] : [255, 255, 255]);
      }
    expect(caught(() => renderPretextFigure(task, fmTest)).message).toMatch(/clips \[C, T, H, W\]/);
  });

  it('selfsup report draws temporal.png and the map on Moving-MNIST clips of the run\'s shape', async () => {
    const r = await writeReport(run, { limit: 40, points: 30, umapEpochs: 10 });
    expect(r.written.map((f) => path.basename(f)).sort()).toEqual(['embedding.png', 'loss.png', 'summary.md', 'temporal.png']);
    expect(r.embedding!.indices.length).toBe(30);
    const md = fs.readFileSync(path.join(r.dir, 'summary.md'), 'utf8');
    expect(md).toContain('![Temporal reconstruction of held-out clips](temporal.png)');
    expect(md).toMatch(/The first 4 held-out clips .*Clips: Moving-MNIST clips \(4 frames, 32x32\) made from/);
    expect(md).toMatch(/30 test clips \(Moving-MNIST clips/);
  });

  it('reportClips needs the clip shape and square clips of the test images\' channels', () => {
    expect(reportClips(fmTest, JSON.stringify({ length: 5, shape: [1, 3, 28, 28] }), 7, 0).test.shape).toEqual([1, 3, 28, 28]);
    expect(caught(() => reportClips(fmTest, undefined, 5, 0)).message).toMatch(/does not record the clip shape/);
    expect(caught(() => reportClips(fmTest, JSON.stringify({ shape: [1, 28, 28] }), 5, 0)).message).toMatch(/clip shape/);
    expect(caught(() => reportClips(fmTest, JSON.stringify({ shape: [1, 4, 32, 36] }), 5, 0)).message).toMatch(/square/);
    expect(caught(() => reportClips(fmTest, JSON.stringify({ shape: [3, 4, 32, 32] }), 5, 0)).message).toMatch(/3-channel clips/);
  });
});
