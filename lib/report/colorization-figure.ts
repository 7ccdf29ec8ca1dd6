// colorization.png: held-out colour crops (spread evenly over the test set, which holds each
// held-out photo's crops in turn, so that several photos show) as rows of three, scaled up (nearest, at least 2x): the
// input the network gets (the lightness L alone, shown as the gray image it is: ab = 0), the
// colorized image (true L with the predicted ab, as evaluate() composes it) and the original;
// beside each row its mean ab error (Lab units) against the gray image's.
import type { ImageSet } from '../data/fashion-mnist.js';
import { Colorization } from '../tasks/colorization.js';
import { Tensor } from '../tensor/tensor.js';
import { drawPlanes, figureCanvas, HEADER, MARGIN, MUTED, pickBatch, scaleFor, setPixels, spread, text, TEXT, unitPixels, type Figure, type PretextFigureOptions } from './figure.js';

const GAP = 12, ROW_GAP = 10, TEXT_WIDTH = 150;

export function renderColorization(task: Colorization, test: ImageSet, opts: Omit<PretextFigureOptions, 'seed'> = {}): Figure {
  const n = Math.min(opts.count ?? 8, test.length);
  if (n < 1) throw new Error('colorization.png: no test images');
  const [C, H, W] = test.shape, S = H * W;
  task.checkInput([C, H, W]);
  const rows = spread(test.length, n);
  const { ab, lab } = task.predictAb(pickBatch(test, rows));
  const colour = Colorization.compose(lab, ab), gray = Colorization.compose(lab, new Tensor(new Float32Array(n * 2 * S), [n, 2, H, W]));
  const err = new Float64Array(n), grayErr = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < S; p++) {
      const a = lab.data[(3 * i + 1) * S + p], b = lab.data[(3 * i + 2) * S + p];
      err[i] += Math.hypot(ab.data[2 * i * S + p] - a, ab.data[(2 * i + 1) * S + p] - b) / S;
      grayErr[i] += Math.hypot(a, b) / S;
    }
  const mean = (v: Float64Array) => v.reduce((x, y) => x + y, 0) / v.length;

  const s = scaleFor(Math.max(H, W), 128, 2), iw = W * s, ih = H * s, top = HEADER + 22;
  const textX = MARGIN + 3 * (iw + GAP) + 4;
  const width = textX + TEXT_WIDTH + MARGIN, height = top + n * ih + (n - 1) * ROW_GAP + MARGIN;
  const { canvas, ctx } = figureCanvas(width, height, opts.title ?? task.name,
    `${n} of ${test.length} held-out crops · mean ab error of these ${n}: ${mean(err).toFixed(1)} (gray ${mean(grayErr).toFixed(1)}) · ${task.lossKind} loss · ${s}x nearest`);
  ['input (L only)', 'colorized (model)', 'original'].forEach((label, c) =>
    text(ctx, label, MARGIN + c * (iw + GAP) + iw / 2, top - 8, { size: 12, bold: true, align: 'center' }));
  for (let i = 0; i < n; i++) {
    const y = top + i * (ih + ROW_GAP);
    drawPlanes(ctx, unitPixels(gray.data, 3 * i * S), 3, H, W, MARGIN, y, s);
    drawPlanes(ctx, unitPixels(colour.data, 3 * i * S), 3, H, W, MARGIN + iw + GAP, y, s);
    drawPlanes(ctx, setPixels(test, rows[i]), C, H, W, MARGIN + 2 * (iw + GAP), y, s);
    text(ctx, `ab error ${err[i].toFixed(1)}`, textX, y + ih / 2 - 2, { colour: TEXT });
    text(ctx, `gray ${grayErr[i].toFixed(1)}`, textX, y + ih / 2 + 16, { size: 12, colour: MUTED });
  }
  return {
    png: canvas.toBuffer('image/png'), width, height,
    caption: `${n} of the ${test.length} held-out crops, evenly spaced (scaled ${s}x), one per row: the lightness L the network ` +
      `gets (shown with ab = 0), the true L with the ab the network predicts, and the original. Per row, the mean ab error in Lab units ` +
      `and that of the gray image; over the ${n}: ${mean(err).toFixed(1)} against ${mean(grayErr).toFixed(1)}.${opts.data ? ` Images: ${opts.data}.` : ''}`,
  };
}
