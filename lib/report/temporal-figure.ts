// temporal.png: the first held-out clips (as evaluate() sees them first: the same seed draws the
// same hidden frames), each as three strips of its T frames: the input the network gets (hidden
// frames blank, framed in red and marked "?"), the clip it completes (visible frames as given, the
// hidden ones replaced by its prediction, framed in blue) and the true clip (hidden frames framed
// in red). Beside each clip the MSE of its hidden frames against "copy the last visible frame".
import { createCanvas } from '@napi-rs/canvas';
import { itemSize, type Dataset } from '../data/dataset.js';
import type { ImageSet } from '../data/fashion-mnist.js';
import { movingMnist, type ClipSet } from '../data/moving-mnist.js';
import { Generator } from '../random.js';
import { copyLastSource, visibleFrames, type TemporalReconstruction } from '../tasks/temporal.js';
import type { Batch } from '../tasks/task.js';
import { canvasFont } from './chart.js';
import { drawPlanes, figureCanvas, HEADER, MARGIN, MUTED, outline, scaleFor, text, TEXT, unitPixels, WRONG, type Figure, type PretextFigureOptions } from './figure.js';

const PREDICTED = '#1f77b4'; // PALETTE's blue
const BLANK = '#e6e6e6';
const GAP = 4, ROW_GAP = 6, CLIP_GAP = 22, LABEL_WIDTH = 74, TEXT_WIDTH = 150;
const ROWS = ['input', 'completed', 'true'] as const;

function textWidth(s: string, size: number, bold: boolean): number {
  const ctx = createCanvas(1, 1).getContext('2d');
  ctx.font = canvasFont(size, bold);
  return ctx.measureText(s).width;
}

// The first n clips of a set as a batch.
function firstClips(set: Dataset, n: number): Batch {
  const per = itemSize(set.shape);
  return { images: set.images.subarray(0, n * per), shape: [n, ...set.shape], indices: Int32Array.from({ length: n }, (_, i) => i), labels: null };
}

export function renderTemporal(task: TemporalReconstruction, test: Dataset, opts: PretextFigureOptions = {}): Figure {
  const n = Math.min(opts.count ?? 4, test.length), seed = opts.seed ?? 0;
  if (n < 1) throw new Error('temporal.png: no test clips');
  task.checkInput(test.shape);
  const [C, T, H, W] = test.shape, S = H * W, K = task.hidden;
  const { predicted, truth, hidden } = task.predict(firstClips(test, n), new Generator(seed));
  // Planar (C, H, W) of frame t of clip i, as drawPlanes reads it.
  const framePixels = (data: Float32Array, i: number, t: number) => {
    const px = unitPixels(data, 0);
    return (j: number) => px(((i * C + Math.floor(j / S)) * T + t) * S + (j % S));
  };
  const mse = (a: Float32Array, ta: number, b: Float32Array, tb: number, i: number) => {
    let se = 0;
    for (let c = 0; c < C; c++)
      for (let p = 0; p < S; p++) se += (a[((i * C + c) * T + ta) * S + p] - b[((i * C + c) * T + tb) * S + p]) ** 2;
    return se / (C * S);
  };

  const s = scaleFor(Math.max(H, W), 64), fw = W * s, fh = H * s, top = HEADER + 22;
  const clipH = ROWS.length * fh + (ROWS.length - 1) * ROW_GAP;
  const left = MARGIN + LABEL_WIDTH, textX = left + T * (fw + GAP) + 8;
  const height = top + n * clipH + (n - 1) * CLIP_GAP + MARGIN;
  const rows: { model: number; copy: number }[] = [];
  for (let i = 0; i < n; i++) {
    const hid = Array.from(hidden.subarray(i * K, (i + 1) * K)), vis = visibleFrames(T, hid);
    rows.push({
      model: hid.reduce((a, t) => a + mse(predicted.data, t, truth.data, t, i), 0) / K,
      copy: hid.reduce((a, t) => a + mse(truth.data, copyLastSource(t, vis), truth.data, t, i), 0) / K,
    });
  }
  const mean = (k: 'model' | 'copy') => rows.reduce((a, r) => a + r[k], 0) / n;
  const title = opts.title ?? task.name;
  const subtitle = `${n} held-out clips · ${K} of ${T} frames hidden (${task.mode}) · hidden-frame MSE ${mean('model').toFixed(4)} ` +
    `(copy last visible ${mean('copy').toFixed(4)}) · ${s}x nearest`;
  // Short clips make a narrow strip: the canvas is at least as wide as its title lines.
  const width = Math.max(textX + TEXT_WIDTH + MARGIN, MARGIN * 2 + Math.ceil(Math.max(textWidth(title, 16, true), textWidth(subtitle, 12, false))));
  const { canvas, ctx } = figureCanvas(width, height, title, subtitle);
  for (let t = 0; t < T; t++) text(ctx, `t=${t}`, left + t * (fw + GAP) + fw / 2, top - 8, { size: 12, bold: true, align: 'center' });

  for (let i = 0; i < n; i++) {
    const y0 = top + i * (clipH + CLIP_GAP), hid = new Set(hidden.subarray(i * K, (i + 1) * K));
    ROWS.forEach((row, r) => {
      const y = y0 + r * (fh + ROW_GAP);
      text(ctx, row, MARGIN, y + fh / 2 + 4, { size: 12, colour: TEXT });
      for (let t = 0; t < T; t++) {
        const x = left + t * (fw + GAP), isHidden = hid.has(t);
        if (row === 'input' && isHidden) {
          ctx.fillStyle = BLANK;
          ctx.fillRect(x, y, fw, fh);
          text(ctx, '?', x + fw / 2, y + fh / 2 + 6, { size: 16, bold: true, colour: WRONG, align: 'center' });
        } else {
          const src = row === 'completed' && isHidden ? predicted.data : truth.data;
          drawPlanes(ctx, framePixels(src, i, t), C, H, W, x, y, s);
        }
        if (isHidden) outline(ctx, x, y, fw, fh, row === 'completed' ? PREDICTED : WRONG, { width: 2, inset: -2 });
      }
    });
    text(ctx, `MSE ${rows[i].model.toFixed(4)}`, textX, y0 + clipH / 2 - 2, { colour: TEXT });
    text(ctx, `copy last ${rows[i].copy.toFixed(4)}`, textX, y0 + clipH / 2 + 16, { size: 12, colour: MUTED });
  }
  return {
    png: canvas.toBuffer('image/png'), width, height,
    caption: `The first ${n} held-out clips (scaled ${s}x), each as three strips of its ${T} frames: the input the network gets ` +
      `(the ${K} hidden frames blank, framed red), the clip it completes (visible frames as given, hidden frames predicted, framed ` +
      `blue) and the true clip (hidden frames framed red). Beside each clip the mean squared error of its hidden frames (pixels in [0, 1]) and that of ` +
      `copying the last visible frame; over the ${n}: ${mean('model').toFixed(4)} against ${mean('copy').toFixed(4)}.` +
      `${opts.data ? ` Clips: ${opts.data}.` : ''}`,
  };
}

// Held-out clips for the report of a temporal run. The run folder records the shape of the clips
// it trained on (the checkpoint's dataset metadata) but not where they came from, so the report
// makes Moving-MNIST clips of that shape from its test images (two objects, default speeds),
// seeded: what the figure and the map then show is labelled as such.
export const MAX_REPORT_CLIPS = 500;

export function reportClips(test: ImageSet, datasetMeta: string | undefined, count: number, seed: number): { test: ClipSet; description: string } {
  let shape: unknown;
  try {
    shape = (JSON.parse(datasetMeta ?? 'null') as { shape?: unknown } | null)?.shape;
  } catch {
    shape = undefined;
  }
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d >= 1))
    throw new Error('the checkpoint does not record the clip shape [C, T, H, W] the run trained on');
  const [C, T, H, W] = shape as number[];
  if (H !== W) throw new Error(`the run trained on ${H}x${W} clips; Moving-MNIST clips are square`);
  if (C !== test.shape[0]) throw new Error(`the run trained on ${C}-channel clips but the test images have ${test.shape[0]}`);
  const clips = movingMnist(test, { count: Math.min(count, test.length), frames: T, size: H, seed });
  // An image folder's class names stay with the clips (their labels are the first object's class).
  const classes = (test as { classes?: unknown }).classes;
  return { test: Array.isArray(classes) ? Object.assign(clips, { classes }) : clips, description: `Moving-MNIST clips (${T} frames, ${H}x${W}) made from ${test.source}, seed ${seed}` };
}
