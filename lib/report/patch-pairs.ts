// patch-pairs.png (relative position): held-out images in a grid of panels, each image scaled up
// (nearest) with the patch pair that evaluate() samples outlined where it was cut (the recorded
// position, jitter included): the centre patch in cyan, the true neighbour in amber, and the cell
// the network predicts (argmax of the head) dashed, green when it is the true one, red when not,
// drawn at the grid's un-jittered cell when it is not the true one. Under each image: true and
// predicted position (label and name) and a small 3x3 map of the same.
import type { ImageSet } from '../data/fashion-mnist.js';
import { Generator } from '../random.js';
import type { RelativePosition } from '../tasks/relative-position.js';
import { argmaxRows, drawPlanes, figureCanvas, firstBatch, HEADER, MARGIN, MUTED, outline, RIGHT, scaleFor, setPixels, text, WRONG, type Figure, type PretextFigureOptions } from './figure.js';

export const POSITION_NAMES = ['top-left', 'top', 'top-right', 'left', 'right', 'bottom-left', 'bottom', 'bottom-right'] as const;
export const CENTRE_COLOUR = '#17becf';
export const NEIGHBOUR_COLOUR = '#ffb000';
const COLUMNS = 4, GAP = 20, INFO = 52, MINI = 12;

// Grid cell (row-major, 0..8) of a relative-position label (0..7, the centre skipped).
export const cellOf = (label: number) => (label < 4 ? label : label + 1);

export function renderPatchPairs(task: RelativePosition, test: ImageSet, opts: PretextFigureOptions = {}): Figure {
  const n = Math.min(opts.count ?? 8, test.length), seed = opts.seed ?? 0;
  if (n < 1) throw new Error('patch-pairs.png: no test images');
  const [C, H, W] = test.shape;
  task.checkInput([C, H, W]);
  const { logits, labels, record } = task.predict(firstBatch(test, n), new Generator(seed));
  const pred = argmaxRows(logits.data, n, 8), R = record!.length / n;
  const { patch: P, gap: G, jitter: J } = task.grid;

  const s = scaleFor(Math.max(H, W), 224), imgW = W * s, imgH = H * s;
  const panelW = Math.max(imgW, 224), panelH = imgH + INFO;
  const cols = Math.min(COLUMNS, n), rows = Math.ceil(n / cols);
  const width = 2 * MARGIN + cols * panelW + (cols - 1) * GAP;
  const legendY = HEADER + rows * panelH + (rows - 1) * GAP + 14;
  const height = legendY + 12 + MARGIN;
  const right = pred.reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0);
  const { canvas, ctx } = figureCanvas(width, height, opts.title ?? task.name,
    `${right}/${n} positions right · first ${n} held-out images · patch ${P}, gap ${G}, jitter ${J} · sampling seed ${seed} (as evaluate()) · ${s}x nearest`);

  for (let i = 0; i < n; i++) {
    const x0 = MARGIN + (i % cols) * (panelW + GAP), y0 = HEADER + Math.floor(i / cols) * (panelH + GAP);
    const rec = record!.subarray(i * R, (i + 1) * R), label = labels[i], p = pred[i], ok = p === label;
    drawPlanes(ctx, setPixels(test, i), C, H, W, x0, y0, s);
    const box = (x: number, y: number) => [x0 + x * s, y0 + y * s, P * s, P * s] as const;
    outline(ctx, ...box(rec[3], rec[4]), CENTRE_COLOUR);
    outline(ctx, ...box(rec[6], rec[7]), NEIGHBOUR_COLOUR);
    // The predicted cell: the sampled neighbour when right, else that cell of the grid (no jitter).
    const c = cellOf(p);
    const [px, py] = ok ? [rec[6], rec[7]] : [rec[1] + (c % 3) * (P + G), rec[2] + Math.floor(c / 3) * (P + G)];
    outline(ctx, ...box(px, py), ok ? RIGHT : WRONG, { dash: [6, 4], inset: -3 });

    const ty = y0 + imgH + 8;
    text(ctx, `true ${label} (${POSITION_NAMES[label]})`, x0, ty + 14, { colour: MUTED });
    text(ctx, `pred ${p} (${POSITION_NAMES[p]})`, x0, ty + 32, { bold: true, colour: ok ? RIGHT : WRONG });
    const mx = x0 + panelW - 3 * MINI - 4;
    for (let cell = 0; cell < 9; cell++) {
      const cx = mx + (cell % 3) * (MINI + 2), cy = ty + 2 + Math.floor(cell / 3) * (MINI + 2);
      ctx.fillStyle = cell === 4 ? CENTRE_COLOUR : cell === cellOf(label) ? NEIGHBOUR_COLOUR : '#e4e4e4';
      ctx.fillRect(cx, cy, MINI, MINI);
      if (cell === c) outline(ctx, cx, cy, MINI, MINI, ok ? RIGHT : WRONG, { width: 2, inset: -2 });
    }
  }

  let lx = MARGIN;
  const key = (colour: string, label: string, dash?: number[]) => {
    outline(ctx, lx, legendY - 9, 18, 11, colour, { dash });
    text(ctx, label, lx + 24, legendY, { size: 12, colour: MUTED });
    lx += 24 + ctx.measureText(label).width + 18;
  };
  key(CENTRE_COLOUR, 'centre patch');
  key(NEIGHBOUR_COLOUR, 'true neighbour');
  key(RIGHT, 'predicted cell, right', [4, 3]);
  key(WRONG, 'predicted cell, wrong', [4, 3]);
  return {
    png: canvas.toBuffer('image/png'), width, height,
    caption: `The first ${n} held-out images (scaled ${s}x), with the patch pair that the held-out ` +
      `evaluation samples (seed ${seed}) outlined where it was cut: centre patch cyan, true neighbour amber, and the cell the network ` +
      `predicts dashed (green right, red wrong). Positions 0-7 are the grid cells in row order with the centre skipped; ${right} of ${n} right.${opts.data ? ` Images: ${opts.data}.` : ''}`,
  };
}
