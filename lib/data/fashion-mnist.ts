// Fashion-MNIST: the embedded sample (data/fashion-mnist-sample), a folder of the four IDX files
// (gzip or plain), or Debian's dataset-fashion-mnist install when present.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../native/loader.js';
import { checkBool, checkOneOf, checkOptions, invalidParameter } from '../validate.js';
import { readIdx } from './idx.js';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
export const EMBEDDED_FASHION_MNIST = path.join(packageRoot, 'data', 'fashion-mnist-sample');
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

export interface ImageSet {
  images: Uint8Array; // (N, C, H, W) row-major
  labels: Int32Array | null;
  shape: [number, number, number]; // C, H, W
  length: number;
  source: string;
}

function findFile(dir: string, base: string): string {
  for (const name of [`${base}.gz`, base]) {
    const f = path.join(dir, name);
    if (fs.existsSync(f)) return f;
  }
  throw new Error(`${dir}: no ${base}.gz or ${base} found (expected the Fashion-MNIST IDX files)`);
}

export interface FashionMnistOptions {
  split?: 'train' | 'test';
  dir?: string;
  labels?: boolean;
}

export function fashionMnist(opts: FashionMnistOptions = {}): ImageSet {
  const o = checkOptions<FashionMnistOptions>('options', opts, ['split', 'dir', 'labels']);
  const split = checkOneOf('split', o.split ?? 'train', ['train', 'test'] as const);
  if (o.dir !== undefined && typeof o.dir !== 'string') throw invalidParameter('dir', 'path string', o.dir);
  const dir = o.dir ?? EMBEDDED_FASHION_MNIST;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: Fashion-MNIST folder does not exist`);
  const prefix = split === 'train' ? 'train' : 't10k';
  const img = readIdx(findFile(dir, `${prefix}-images-idx3-ubyte`));
  if (img.dims.length !== 3) throw new Error(`${dir}: ${prefix} images have ${img.dims.length} dims, expected 3 (N, H, W)`);
  const [n, h, w] = img.dims;
  let labels: Int32Array | null = null;
  if (o.labels === undefined ? true : checkBool('labels', o.labels)) {
    const lab = readIdx(findFile(dir, `${prefix}-labels-idx1-ubyte`));
    if (lab.dims.length !== 1 || lab.dims[0] !== n) throw new Error(`${dir}: ${lab.dims[0]} ${prefix} labels for ${n} images`);
    labels = Int32Array.from(lab.data);
    const bad = labels.findIndex((v) => v > 9);
    if (bad >= 0) throw new Error(`${dir}: label ${labels[bad]} at index ${bad} is not a Fashion-MNIST class (0-9)`);
  }
  return { images: img.data, labels, shape: [1, h, w], length: n, source: dir };
}

// Pixels to float in [0, 1], (N, ...item shape), for the given item indices (images or clips).
export function toFloatBatch(set: { images: Uint8Array; shape: readonly number[] }, indices: ArrayLike<number>): Float32Array {
  const per = set.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] * per;
    for (let k = 0; k < per; k++) out[i * per + k] = set.images[src + k] * (1 / 255);
  }
  return out;
}
