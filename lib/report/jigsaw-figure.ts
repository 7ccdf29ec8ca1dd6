// jigsaw.png: one held-out image per row. Left, the image (scaled up, nearest) with its 9 sampled
// grid cells outlined; then the 9 tiles as the network sees them, tile t in slot t (row order) and
// showing grid cell perms[label * 9 + t], each tile's min..max stretched to 0..255 because tiles
// are standardized one by one; then the same tiles put back by the predicted permutation (tile t
// to cell perms[pred * 9 + t]), each outlined green when that is its true cell and red when not;
// last, the true and predicted permutation index and how many tiles the prediction puts back right.
import type { ImageSet } from '../data/fashion-mnist.js';
import { Generator } from '../random.js';
import type { Jigsaw } from '../tasks/jigsaw.js';
import { argmaxRows, drawPlanes, figureCanvas, firstBatch, HEADER, MARGIN, minMaxPixels, MUTED, outline, RIGHT, scaleFor, setPixels, text, WRONG, type Figure, type PretextFigureOptions } from './figure.js';
import { CENTRE_COLOUR } from './patch-pairs.js';

const TILE_GAP = 3, COLUMN_GAP = 28, ROW_GAP = 18, TEXT_WIDTH = 170;

export function renderJigsaw(task: Jigsaw, test: ImageSet, opts: PretextFigureOptions = {}): Figure {
  const n = Math.min(opts.count ?? 6, test.length), seed = opts.seed ?? 0;
  if (n < 1) throw new Error('jigsaw.png: no test images');
  const [C, H, W] = test.shape;
  task.checkInput([C, H, W]);
  const K = task.permutations, perms = task.perms;
  const { inputs, logits, labels, record } = task.predict(firstBatch(test, n), new Generator(seed));
  const pred = argmaxRows(logits.data, n, K), R = record!.length / n;
  const { patch: P, gap: G, jitter: J } = task.grid, per = C * P * P;

  const ts = scaleFor(P, 60), T = P * ts, block = 3 * T + 2 * TILE_GAP;
  const s = scaleFor(Math.max(H, W), block), imgW = W * s, imgH = H * s, rowH = Math.max(imgH, block);
  const x1 = MARGIN + imgW + COLUMN_GAP, x2 = x1 + block + COLUMN_GAP, x3 = x2 + block + COLUMN_GAP;
  const width = x3 + TEXT_WIDTH + MARGIN, top = HEADER + 24;
  const height = top + n * rowH + (n - 1) * ROW_GAP + MARGIN;
  const right = pred.reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0);
  const { canvas, ctx } = figureCanvas(width, height, opts.title ?? task.name,
    `${right}/${n} permutations right (${K} permutations) · first ${n} held-out images · patch ${P}, gap ${G}, jitter ${J} · sampling seed ${seed} (as evaluate())`);
  for (const [x, w, label] of [[MARGIN, imgW, 'image, sampled grid'], [x1, block, 'tiles as the network sees them'],
    [x2, block, 'put back by the prediction'], [x3, TEXT_WIDTH, 'permutation']] as const)
    text(ctx, label, x + w / 2, top - 8, { size: 12, colour: MUTED, align: 'center' });

  const slot = (x: number, y: number, q: number) => [x + (q % 3) * (T + TILE_GAP), y + Math.floor(q / 3) * (T + TILE_GAP)] as const;
  for (let i = 0; i < n; i++) {
    const y = top + i * (rowH + ROW_GAP), yi = y + (rowH - imgH) / 2, yb = y + (rowH - block) / 2;
    const rec = record!.subarray(i * R, (i + 1) * R), label = labels[i], p = pred[i];
    drawPlanes(ctx, setPixels(test, i), C, H, W, MARGIN, yi, s);
    for (let t = 0; t < 9; t++) outline(ctx, MARGIN + rec[3 + 3 * t] * s, yi + rec[4 + 3 * t] * s, P * s, P * s, CENTRE_COLOUR, { width: 1 });
    let placed = 0;
    for (let t = 0; t < 9; t++) {
      const pixels = minMaxPixels(inputs.data, (i * 9 + t) * per, per);
      drawPlanes(ctx, pixels, C, P, P, ...slot(x1, yb, t), ts);
      const q = perms[p * 9 + t], ok = q === perms[label * 9 + t];
      const [qx, qy] = slot(x2, yb, q);
      drawPlanes(ctx, pixels, C, P, P, qx, qy, ts);
      outline(ctx, qx, qy, T, T, ok ? RIGHT : WRONG, { width: 2 });
      placed += ok ? 1 : 0;
    }
    const ok = p === label, ty = y + rowH / 2 - 18;
    text(ctx, `true #${label}`, x3, ty, { colour: MUTED });
    text(ctx, `pred #${p}`, x3, ty + 20, { bold: true, colour: ok ? RIGHT : WRONG });
    text(ctx, `${placed}/9 tiles in place`, x3, ty + 40, { size: 12, colour: MUTED });
  }
  return {
    png: canvas.toBuffer('image/png'), width, height,
    caption: `The first ${n} held-out images, one per row: the image with the grid that the held-out ` +
      `evaluation samples (seed ${seed}); the 9 tiles in the shuffled order the network sees (each standardized on its own, shown ` +
      `stretched to its own min..max); and the tiles put back by the permutation the network predicts, green where a tile lands in ` +
      `its true cell, red where not. ${right} of ${n} permutations (of ${K}) right.${opts.data ? ` Images: ${opts.data}.` : ''}`,
  };
}
