// rotations.png: one held-out image per row, in the four rotations the network sees (columns 0°,
// 90°, 180°, 270°, counter-clockwise as torch.rot90; no crop or flip, as evaluate()), each framed
// green when the network names its rotation and red when not, with the predicted angle under it
// and the row's count of right answers at the end.
import type { ImageSet } from '../data/fashion-mnist.js';
import { Generator } from '../random.js';
import type { Rotation } from '../tasks/rotation.js';
import { argmaxRows, drawPlanes, figureCanvas, firstBatch, HEADER, MARGIN, MUTED, outline, RIGHT, scaleFor, text, unitPixels, WRONG, type Figure, type PretextFigureOptions } from './figure.js';

const PAD = 5, GAP = 14, ROW_GAP = 12, LABEL = 22, TEXT_WIDTH = 90;

export function renderRotations(task: Rotation, test: ImageSet, opts: PretextFigureOptions = {}): Figure {
  const n = Math.min(opts.count ?? 6, test.length), seed = opts.seed ?? 0;
  if (n < 1) throw new Error('rotations.png: no test images');
  task.checkInput(test.shape);
  const { inputs, logits, labels } = task.predict(firstBatch(test, n), new Generator(seed));
  const [, C, S] = inputs.shape, per = C * S * S;
  const pred = argmaxRows(logits.data, 4 * n, 4);

  const s = scaleFor(S, 112), side = S * s, cell = side + 2 * PAD;
  const top = HEADER + 22, rowH = cell + LABEL;
  const textX = MARGIN + 4 * (cell + GAP);
  const width = textX + TEXT_WIDTH + MARGIN, height = top + n * rowH + (n - 1) * ROW_GAP + MARGIN;
  const right = pred.reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0);
  const { canvas, ctx } = figureCanvas(width, height, opts.title ?? task.name,
    `${right}/${4 * n} rotations right · first ${n} held-out images · columns: true rotation (counter-clockwise) · ${s}x nearest`);
  for (let r = 0; r < 4; r++) text(ctx, `${90 * r}°`, MARGIN + r * (cell + GAP) + cell / 2, top - 8, { bold: true, align: 'center' });

  for (let i = 0; i < n; i++) {
    const y = top + i * (rowH + ROW_GAP);
    let rowRight = 0;
    for (let r = 0; r < 4; r++) {
      const k = 4 * i + r, x = MARGIN + r * (cell + GAP), ok = pred[k] === labels[k];
      drawPlanes(ctx, unitPixels(inputs.data, k * per), C, S, S, x + PAD, y + PAD, s);
      outline(ctx, x, y, cell, cell, ok ? RIGHT : WRONG, { width: 3 });
      text(ctx, `pred ${90 * pred[k]}°`, x + cell / 2, y + cell + 16, { size: 12, bold: !ok, colour: ok ? RIGHT : WRONG, align: 'center' });
      rowRight += ok ? 1 : 0;
    }
    text(ctx, `${rowRight}/4 right`, textX, y + cell / 2 + 5, { colour: MUTED });
  }
  return {
    png: canvas.toBuffer('image/png'), width, height,
    caption: `The first ${n} held-out images, one per row, at 0°, 90°, 180° and 270° as the network ` +
      `sees them (scaled ${s}x); each framed green when the network names its rotation, red when not, with the predicted angle under ` +
      `it. ${right} of ${4 * n} right.${opts.data ? ` Images: ${opts.data}.` : ''}`,
  };
}
