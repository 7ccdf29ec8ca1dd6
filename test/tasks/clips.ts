// Tiny Moving-MNIST clips for the video tests: Fashion-MNIST items average-pooled 4x (7x7) moving
// in 16x16 frames, cheap enough for a few seconds of 3-D conv training on 2 cores.
import { fashionMnist, type ImageSet } from '../../lib/data/fashion-mnist.js';
import { movingMnist, type ClipSet, type MovingMnistOptions } from '../../lib/data/moving-mnist.js';
import { VideoEncoder } from '../../lib/nn/video-encoder.js';

let cached: ImageSet | null = null;

export function tinySource(n = 500): ImageSet {
  if (cached && cached.length === n) return cached;
  const fm = fashionMnist(), out = new Uint8Array(n * 49);
  for (let k = 0; k < n; k++) for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) {
    let s = 0;
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) s += fm.images[k * 784 + (4 * i + a) * 28 + 4 * j + b];
    out[k * 49 + i * 7 + j] = Math.round(s / 16);
  }
  cached = { images: out, labels: fm.labels!.slice(0, n), shape: [1, 7, 7], length: n, source: 'fashion-mnist / 4' };
  return cached;
}

export const TINY = { frames: 6, size: 16, objects: 1, speed: [1, 3] } as const;

export function tinyClips(count: number, seed: number, opts: Partial<MovingMnistOptions> = {}): ClipSet {
  return movingMnist(tinySource(), { count, seed, ...TINY, speed: [...TINY.speed], ...opts });
}

export const tinyEncoder = (widths = [8, 16, 32]) => new VideoEncoder({ inChannels: 1, visibilityMask: true, widths });
