// Moving-MNIST-style clips (Srivastava, Mansimov & Salakhutdinov 2015): items of an image set (the
// digits there; any ImageSet here, e.g. Fashion-MNIST) move inside a size x size black frame with
// constant velocity and bounce off the edges, one or two per clip, overlaps combined with max.
//
// Each object's top-left corner travels on the segment [0, size - side] per axis: the straight-line
// position x0 + v t folded back at both ends (reflecting the position reflects the velocity, the
// elastic bounce), and drawn at the nearest integer pixel, so an object is always wholly inside
// the frame. Starting corner, direction (uniform angle), speed (uniform in the range, pixels per
// frame) and the source item (uniform index) of every object come from one Generator(seed) draw,
// so the same options give the same clips on every machine and thread count.
//
// Items are (C, T, size, size) uint8, C the source's channels. Labels: the class of the first
// object (null when the source has none); `labelsBy` also holds the direction of the first
// object's initial motion in 8 compass bins (0 = east, 1 = north-east, 2 = north, ... counter-
// clockwise with north up the screen; bin k covers angles (k - 1/2, k + 1/2) x 45 degrees). The
// direction is that of frames 0 -> 1: bounces later in the clip change where it goes, not its label.
import type { Dataset } from './dataset.js';
import type { ImageSet } from './fashion-mnist.js';
import { Generator } from '../random.js';
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';

export interface MovingMnistOptions {
  count: number;                      // clips
  frames?: number;                    // T, default 10 (>= 2)
  size?: number;                      // frame side, default 64 (>= the source's side)
  objects?: 1 | 2;                    // default 2 (as the original); the label is the first one's
  seed?: number;                      // default 0
  speed?: number | [number, number];  // pixels per frame, a value or [min, max]; default [2, 5]
}

export const MOVING_MNIST_DEFAULTS = { frames: 10, size: 64, objects: 2, seed: 0, speed: [2, 5] as [number, number] } as const;
export const DIRECTION_BINS = 8;
export const CLIP_LABELS = ['class', 'direction'] as const;
export type ClipLabel = (typeof CLIP_LABELS)[number];

export interface ClipSet extends Dataset {
  shape: [number, number, number, number]; // C, T, H, W
  labelsBy: { class: Int32Array | null; direction: Int32Array };
  directions: Int32Array;                  // = labelsBy.direction
  // What was drawn, per clip and object (index j = n * objects + k): the source item, the exact
  // starting corner and initial velocity (x, y at 2j; pixels, pixels per frame, y down), and the
  // drawn top-left corner of each frame (x, y at (j * T + t) * 2).
  motion: { objects: number; items: Int32Array; start: Float64Array; velocity: Float64Array; corners: Int16Array };
}

// Folds a straight-line coordinate into [0, L]: the bounce off both walls.
export function reflect(p: number, L: number): number {
  if (L <= 0) return 0;
  const q = ((p % (2 * L)) + 2 * L) % (2 * L);
  return q <= L ? q : 2 * L - q;
}

// Direction of a velocity (y down on screen) as one of 8 compass bins, 0 = east, counter-clockwise.
export function directionBin(vx: number, vy: number): number {
  const angle = Math.atan2(-vy, vx); // north up
  return ((Math.round(angle / (Math.PI / 4)) % DIRECTION_BINS) + DIRECTION_BINS) % DIRECTION_BINS;
}

function checkSource(source: unknown): ImageSet {
  const s = source as ImageSet;
  if (s === null || typeof s !== 'object' || !(s.images instanceof Uint8Array) || !Array.isArray(s.shape) || s.shape.length !== 3)
    throw invalidParameter('source', 'ImageSet {images, labels, shape: [C, H, W], length} (e.g. data.fashionMnist())', source);
  checkInt('source.length', s.length, 1);
  if (s.images.length !== s.length * s.shape[0] * s.shape[1] * s.shape[2])
    throw outOfRange('source.images', `${s.length} × ${s.shape.join(' × ')} pixels`, s.images);
  return s;
}

export function movingMnist(source: ImageSet, opts: MovingMnistOptions): ClipSet {
  const src = checkSource(source);
  if (opts === undefined) throw invalidParameter('options', 'options object with count', opts);
  const o = checkOptions<MovingMnistOptions>('options', opts, ['count', 'frames', 'size', 'objects', 'seed', 'speed']);
  const d = MOVING_MNIST_DEFAULTS;
  const N = checkInt('count', o.count, 1);
  const T = checkInt('frames', o.frames ?? d.frames, 2, 4096);
  const [C, h, w] = src.shape;
  const side = Math.max(h, w);
  const S = checkInt('size', o.size ?? d.size, 1, 16384);
  if (S < side) throw outOfRange('size', `an integer >= the source's side ${side} (its items are ${h}x${w})`, o.size);
  const K = o.objects ?? d.objects;
  if (K !== 1 && K !== 2) throw invalidParameter('objects', '1 or 2', o.objects);
  const seed = checkInt('seed', o.seed ?? d.seed);
  let speed: [number, number];
  if (o.speed === undefined) speed = [...d.speed];
  else if (typeof o.speed === 'number') speed = [checkNumber('speed', o.speed, 0, S), o.speed];
  else {
    if (!Array.isArray(o.speed) || o.speed.length !== 2) throw invalidParameter('speed', 'pixels per frame, a number or [min, max]', o.speed);
    speed = [checkNumber('speed[0]', o.speed[0], 0, S), checkNumber('speed[1]', o.speed[1], 0, S)];
    if (speed[1] < speed[0]) throw outOfRange('speed', '[min, max] with min <= max', o.speed);
  }
  const per = C * T * S * S;
  if (N * per > 2 ** 31 - 1) throw outOfRange('count', `at most ${Math.floor((2 ** 31 - 1) / per)} clips of ${C}×${T}×${S}×${S} bytes`, N);

  // Five draws per object: item, corner x, corner y, angle, speed.
  const u = new Generator(seed).uniform(N * K * 5);
  const items = new Int32Array(N * K), start = new Float64Array(N * K * 2), velocity = new Float64Array(N * K * 2), corners = new Int16Array(N * K * T * 2);
  const Lx = S - w, Ly = S - h;
  for (let j = 0; j < N * K; j++) {
    const r = u.subarray(5 * j, 5 * j + 5);
    items[j] = Math.min(src.length - 1, Math.floor(r[0] * src.length));
    const x0 = r[1] * Lx, y0 = r[2] * Ly, angle = r[3] * 2 * Math.PI, v = speed[0] + r[4] * (speed[1] - speed[0]);
    const vx = v * Math.cos(angle), vy = v * Math.sin(angle);
    start[2 * j] = x0;
    start[2 * j + 1] = y0;
    velocity[2 * j] = vx;
    velocity[2 * j + 1] = vy;
    for (let t = 0; t < T; t++) {
      corners[(j * T + t) * 2] = Math.round(reflect(x0 + vx * t, Lx));
      corners[(j * T + t) * 2 + 1] = Math.round(reflect(y0 + vy * t, Ly));
    }
  }

  const images = new Uint8Array(N * per);
  const itemSize = C * h * w;
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++) {
      const j = n * K + k, img = src.images.subarray(items[j] * itemSize, (items[j] + 1) * itemSize);
      for (let c = 0; c < C; c++)
        for (let t = 0; t < T; t++) {
          const x = corners[(j * T + t) * 2], y = corners[(j * T + t) * 2 + 1];
          const frame = ((n * C + c) * T + t) * S * S;
          for (let i = 0; i < h; i++) {
            const row = frame + (y + i) * S + x, from = (c * h + i) * w;
            for (let q = 0; q < w; q++) {
              const v = img[from + q];
              if (v > images[row + q]) images[row + q] = v;
            }
          }
        }
    }

  const direction = new Int32Array(N);
  for (let n = 0; n < N; n++) direction[n] = directionBin(velocity[2 * n * K], velocity[2 * n * K + 1]);
  const cls = src.labels ? Int32Array.from({ length: N }, (_, n) => src.labels![items[n * K]]) : null;
  return {
    images, labels: cls, shape: [C, T, S, S], length: N,
    source: `moving-mnist(${src.source}; ${N} clips, ${T} frames, ${S}x${S}, ${K} object${K > 1 ? 's' : ''}, speed ${speed[0]}-${speed[1]}, seed ${seed})`,
    labelsBy: { class: cls, direction }, directions: direction,
    motion: { objects: K, items, start, velocity, corners },
  };
}

// The same clips with `labels` set to one of the label kinds (for probes and the trainer's labels).
export function withClipLabels(set: ClipSet, which: ClipLabel): ClipSet {
  if (set === null || typeof set !== 'object' || typeof (set as ClipSet).labelsBy !== 'object')
    throw invalidParameter('set', 'clip set with labelsBy (data.movingMnist)', set);
  const kind = CLIP_LABELS.includes(which) ? which : null;
  if (kind === null) throw invalidParameter('labels', `one of ${CLIP_LABELS.join(', ')}`, which);
  const labels = set.labelsBy[kind];
  if (!labels) throw outOfRange('labels', 'a label kind the set has (its source images are unlabelled: only direction)', which);
  return { ...set, labels };
}
