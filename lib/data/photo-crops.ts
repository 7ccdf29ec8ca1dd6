// Unlabelled colour photographs as random fixed-size crops, fresh every epoch: for colorization and
// other pretext tasks on photos far larger than the model's input, where one resized copy per
// photo would waste most of the pixels and a dozen photos would be a dozen items.
//
// photoCrops(dir, { size }) finds the images under `dir` as imageFolder does (PNG, JPEG, WebP;
// hidden and other files skipped; sorted by path), decodes each once (EXIF orientation applied,
// alpha dropped, converted to `channels`) and resizes it, keeping its aspect, so its shorter side
// is `shortSide`; each is kept in memory at its own size as planar uint8 (C, h, w).
// - `holdout` photos, picked by a Generator(seed) permutation of the sorted list, are held out for
//   evaluation: `test` holds a fixed grid of size × size crops of each (see gridOrigins).
// - `train` holds cropsPerEpoch crops. Item i comes from training photo i mod P (so every photo
//   gives the same number of crops, ±1), its top-left uniform over the valid positions, drawn from
//   counters 2i and 2i + 1 of Generator(seed + 7919 · (epoch + 1)): any epoch is rebuilt from
//   (seed, epoch) alone, without replaying earlier ones (resume), as Loader's orders are.
//   prepareEpoch(e) refills `images` in place; Loader.epoch(e) calls it.
import { constants as bufferConstants } from 'node:buffer';
import os from 'node:os';
import sharp, { type OutputInfo } from 'sharp';
import { Generator } from '../random.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { ImageSet } from './fashion-mnist.js';
import { checkFolder, decodeError, inOrderPool, MAX_SIDE, noImages, toPlanar, walk } from './image-folder.js';

export interface PhotoCropsOptions {
  size: number; // crop side S; crops are S × S
  cropsPerEpoch?: number; // training items per epoch (default 1024)
  shortSide?: number; // each photo is resized (aspect kept) so its shorter side is this (default 256); >= size
  channels?: 1 | 3; // default 3
  seed?: number; // holdout choice and crop positions (default 0)
  holdout?: number; // photos held out for evaluation (default max(1, round(10% of photos)))
  testCropsPerPhoto?: number; // grid crops per held-out photo (default 16)
  limit?: number; // at most this many photos, the first in path order
  concurrency?: number; // decodes in flight (default max(4, cores))
}

export interface CropPhoto {
  file: string;
  height: number; // after the resize
  width: number;
}

export interface PhotoCropSet extends ImageSet {
  labels: null;
  photos: CropPhoto[]; // the training photos; item i is a crop of photos[i % photos.length]
  epoch: number; // the epoch `images` holds (0 until prepareEpoch is called)
  prepareEpoch(epoch: number): void;
}

export interface PhotoCrops {
  train: PhotoCropSet;
  test: ImageSet; // labels null; testCropsPerPhoto items per held-out photo, in files.test order
  files: { train: string[]; test: string[] }; // each sorted by path
}

interface Decoded {
  file: string;
  height: number;
  width: number;
  pixels: Uint8Array; // planar (C, height, width)
}

const EPOCH_STRIDE = 7919;

async function decodeShortSide(file: string, C: 1 | 3, shortSide: number, size: number): Promise<Decoded> {
  let out: { data: Buffer; info: OutputInfo };
  try {
    // 'outside' with a shortSide square is the smallest resize covering it: the shorter side
    // becomes shortSide and the aspect is kept (after autoOrient, so a rotated JPEG's own).
    out = await sharp(file, { failOn: 'error' })
      .autoOrient()
      .removeAlpha()
      .toColourspace(C === 1 ? 'b-w' : 'srgb')
      .resize({ width: shortSide, height: shortSide, fit: 'outside' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw decodeError(file, e);
  }
  const { channels, height, width } = out.info;
  if (channels !== C || out.data.length !== C * height * width)
    throw new Error(`${file}: decoded to ${channels} × ${height} × ${width}, expected ${C} channels`);
  // Cannot happen while shortSide >= size (checked), unless sharp rounds a side below it.
  if (Math.min(height, width) < size)
    throw new Error(`${file}: ${height} × ${width} after the resize to shortSide ${shortSide}, smaller than the ${size} × ${size} crops`);
  const pixels = new Uint8Array(C * height * width);
  toPlanar(out.data, C, height * width, pixels, 0);
  return { file, height, width, pixels };
}

// Copies the S × S crop at (y, x) of a planar photo into out[off …] as (C, S, S).
function copyCrop(p: Decoded, C: number, S: number, y: number, x: number, out: Uint8Array, off: number): void {
  const plane = p.height * p.width;
  for (let c = 0; c < C; c++)
    for (let r = 0; r < S; r++) {
      const src = c * plane + (y + r) * p.width + x;
      out.set(p.pixels.subarray(src, src + S), off + (c * S + r) * S);
    }
}

// n positions spread evenly over [0, span] (both ends included); one is the centre.
function spread(n: number, span: number): number[] {
  if (n === 1) return [Math.floor(span / 2)];
  return Array.from({ length: n }, (_, j) => Math.round((j * span) / (n - 1)));
}

// The top-left corners of a photo's `n` test crops: a grid of ceil(sqrt(n)) lines along the longer
// side, with the short lines spread over the whole width too, so the crops cover the photo evenly
// and depend only on its size.
export function gridOrigins(height: number, width: number, size: number, n: number): [number, number][] {
  const across = Math.ceil(Math.sqrt(n)); // crops per line, along the longer side
  const lines = Math.ceil(n / across);
  const wide = width >= height;
  const [longSpan, shortSpan] = wide ? [width - size, height - size] : [height - size, width - size];
  const linePos = spread(lines, shortSpan);
  const out: [number, number][] = [];
  for (let l = 0; l < lines; l++) {
    const m = Math.min(across, n - l * across);
    for (const a of spread(m, longSpan)) out.push(wide ? [linePos[l], a] : [a, linePos[l]]);
  }
  return out;
}

class PhotoCropItems implements PhotoCropSet {
  readonly labels = null;
  readonly shape: [number, number, number];
  readonly photos: CropPhoto[];
  images: Uint8Array;
  epoch = -1;
  readonly #decoded: Decoded[];
  readonly #seed: number;

  constructor(decoded: Decoded[], C: number, size: number, readonly length: number, seed: number, readonly source: string) {
    this.#decoded = decoded;
    this.#seed = seed;
    this.shape = [C, size, size];
    this.photos = decoded.map(({ file, height, width }) => ({ file, height, width }));
    this.images = new Uint8Array(length * C * size * size);
    this.prepareEpoch(0);
  }

  prepareEpoch(epoch: number): void {
    checkInt('epoch', epoch, 0, Math.floor((Number.MAX_SAFE_INTEGER - this.#seed) / EPOCH_STRIDE) - 1);
    if (epoch === this.epoch) return;
    const [C, S] = this.shape;
    const P = this.#decoded.length;
    const u = new Generator(this.#seed + EPOCH_STRIDE * (epoch + 1)).uniform(2 * this.length);
    // Float draws can round up to 1: the min keeps the corner inside the photo.
    const pick = (v: number, positions: number) => Math.min(positions - 1, Math.floor(v * positions));
    for (let i = 0; i < this.length; i++) {
      const p = this.#decoded[i % P];
      const y = pick(u[2 * i], p.height - S + 1), x = pick(u[2 * i + 1], p.width - S + 1);
      copyCrop(p, C, S, y, x, this.images, i * C * S * S);
    }
    this.epoch = epoch;
  }
}

export async function photoCrops(dir: string, opts: PhotoCropsOptions): Promise<PhotoCrops> {
  if (typeof dir !== 'string' || dir === '') throw invalidParameter('dir', 'folder path', dir);
  if (opts === undefined) throw invalidParameter('options', 'options object with size', opts);
  const o = checkOptions<PhotoCropsOptions>('options', opts,
    ['size', 'cropsPerEpoch', 'shortSide', 'channels', 'seed', 'holdout', 'testCropsPerPhoto', 'limit', 'concurrency']);
  const S = checkInt('size', o.size, 1, MAX_SIDE);
  const cropsPerEpoch = checkInt('cropsPerEpoch', o.cropsPerEpoch ?? 1024, 1);
  const shortSide = o.shortSide ?? 256;
  checkInt('shortSide', shortSide, 1, MAX_SIDE);
  if (shortSide < S) throw outOfRange('shortSide', `integer >= size (${S})`, shortSide);
  if (o.channels !== undefined && o.channels !== 1 && o.channels !== 3) throw invalidParameter('channels', '1 or 3', o.channels);
  const C = o.channels ?? 3;
  const seed = checkInt('seed', o.seed ?? 0);
  if (o.holdout !== undefined) checkInt('holdout', o.holdout);
  const testCropsPerPhoto = checkInt('testCropsPerPhoto', o.testCropsPerPhoto ?? 16, 1);
  const limit = o.limit === undefined ? Infinity : checkInt('limit', o.limit, 1);
  const concurrency = o.concurrency === undefined ? Math.max(4, os.availableParallelism()) : checkInt('concurrency', o.concurrency, 1, 1024);
  const per = C * S * S;
  if (cropsPerEpoch * per > bufferConstants.MAX_LENGTH)
    throw outOfRange('cropsPerEpoch', `at most ${Math.floor(bufferConstants.MAX_LENGTH / per)} crops of ${C} × ${S} × ${S} bytes`, cropsPerEpoch);

  checkFolder(dir, 'photo folder');
  const w = walk(dir);
  if (w.files.length === 0) throw noImages(dir, w.skipped, 'photo folder');
  const files = w.files.slice(0, Math.min(limit, w.files.length));
  const N = files.length;
  const holdout = o.holdout ?? Math.max(1, Math.round(0.1 * N));
  if (holdout >= N)
    throw new RangeError(`${outOfRange('holdout', `integer in [0, ${N - 1}]`, holdout).message}: ` +
      `${N === 1 ? 'the only photo' : `at least one of the ${N} photos`} of ${dir} must stay for training` +
      (o.holdout === undefined ? ' (the default holds out max(1, round(10%)) of them; pass holdout: 0 to hold out none)' : ''));

  // The held-out photos: the first `holdout` of a seeded permutation; both lists stay in path order.
  const held = new Set(Array.from(new Generator(seed).permutation(N).subarray(0, holdout)));
  const testIdx = [...held].sort((a, b) => a - b);
  const trainIdx = files.map((_, i) => i).filter((i) => !held.has(i));

  const decoded: Decoded[] = new Array(N);
  await inOrderPool(N, concurrency, async (i) => { decoded[i] = await decodeShortSide(files[i], C, shortSide, S); });

  const testImages = new Uint8Array(testIdx.length * testCropsPerPhoto * per);
  testIdx.forEach((pi, t) => {
    const p = decoded[pi];
    gridOrigins(p.height, p.width, S, testCropsPerPhoto)
      .forEach(([y, x], k) => copyCrop(p, C, S, y, x, testImages, (t * testCropsPerPhoto + k) * per));
  });
  const test: ImageSet = { images: testImages, labels: null, shape: [C, S, S], length: testIdx.length * testCropsPerPhoto, source: dir };
  const train = new PhotoCropItems(trainIdx.map((i) => decoded[i]), C, S, cropsPerEpoch, seed, dir);
  return { train, test, files: { train: trainIdx.map((i) => files[i]), test: testIdx.map((i) => files[i]) } };
}
