// Image folders (PNG, JPEG, WebP, decoded with sharp) and in-memory uint8 arrays as ImageSets.
//
// imageFolder(dir, { size }) finds every image under `dir` (extensions .png .jpg .jpeg .webp, any
// case; hidden files and folders and other extensions are skipped), sorted by path (plain
// code-unit order, so the same folder gives the same order on every machine), and decodes each to
// the same C × H × W:
// - EXIF orientation is applied and an alpha channel is dropped (as PIL's convert('RGB') does);
// - channels: 1 (greyscale, libvips's luminance) or 3 (sRGB); by default the first image's own
//   count (greyscale PNG/JPEG → 1, colour or any WebP → 3: WebP has no greyscale mode); images with
//   another count are converted to it, so a folder may mix greyscale and colour files;
// - fit 'cover' (default) resizes so the image covers size and crops the centre; 'contain'
//   letterboxes on black; 'fill' stretches. An image already at size is copied unchanged.
// Labels: when `dir` holds only subfolders (default), or with labels: true, each subfolder is a
// class (sorted names → label 0, 1, …; images anywhere below it); with labels: false every image
// below `dir` is one unlabelled set.
// Missing or empty folders, an empty class folder, a corrupt or truncated file each fail with one
// error naming the path and what was wrong.
import { constants as bufferConstants } from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { itemSize, type Dataset } from './dataset.js';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { checkBool, checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import type { ImageSet } from './fashion-mnist.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;
const ACCEPTED = `${IMAGE_EXTENSIONS.join(' ')}, any case`;
export const MAX_SIDE = 16384;

export interface ImageFolderOptions {
  size: number | [number, number]; // side, or [height, width]
  channels?: 1 | 3;
  labels?: boolean;
  fit?: 'cover' | 'contain' | 'fill';
  limit?: number;
  concurrency?: number;
}

export interface FolderImageSet extends ImageSet {
  classes: string[] | null; // label i is classes[i] (the subfolder name); null when unlabelled
  files: string[]; // item i was decoded from files[i]
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isImageName = (name: string) => (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());

export function checkSize(v: unknown): [number, number] {
  const what = `integer in [1, ${MAX_SIDE}] or [height, width]`;
  if (typeof v === 'number') {
    const s = checkInt('size', v, 1, MAX_SIDE);
    return [s, s];
  }
  if (!Array.isArray(v) || v.length !== 2) throw invalidParameter('size', what, v);
  return [checkInt('size[0]', v[0], 1, MAX_SIDE), checkInt('size[1]', v[1], 1, MAX_SIDE)];
}

export interface Entries {
  dirs: string[]; // names, sorted
  images: string[];
  others: string[];
}

function statKind(p: string): 'dir' | 'file' | 'other' {
  try {
    const s = fs.statSync(p); // follows symlinks
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'other'; // dangling link or unreadable entry
  }
}

export function listDir(dir: string): Entries {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    throw new Error(`${dir}: cannot read folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const out: Entries = { dirs: [], images: [], others: [] };
  for (const name of names.sort(byCodeUnit)) {
    if (name.startsWith('.')) continue;
    const kind = statKind(path.join(dir, name));
    if (kind === 'dir') out.dirs.push(name);
    else if (kind === 'file' && isImageName(name)) out.images.push(name);
    else out.others.push(name);
  }
  return out;
}

// Every image below `dir`, sorted by path, and the non-image files skipped. The helpers from here
// to decodeError, and checkSize, listDir, decodeImage, inOrderPool and toPlanar, are
// shared with photo-crops.ts and frame-folders.ts (lib/data/index.ts does not re-export them).
export function walk(dir: string, skipped: string[] = []): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const visit = (d: string) => {
    const e = listDir(d);
    for (const n of e.images) files.push(path.join(d, n));
    for (const n of e.others) skipped.push(path.join(d, n));
    for (const n of e.dirs) visit(path.join(d, n));
  };
  visit(dir);
  return { files: files.sort(byCodeUnit), skipped };
}

export function noImages(dir: string, skipped: string[], what: string): Error {
  const detail = skipped.length === 0
    ? 'it is empty'
    : `${skipped.length} other file${skipped.length > 1 ? 's' : ''} skipped, e.g. ${path.relative(dir, skipped[0])}`;
  return new Error(`${dir}: ${what} has no images (${detail}; accepted: ${ACCEPTED}; hidden files are skipped)`);
}

export function checkFolder(dir: string, what: string): void {
  if (!fs.existsSync(dir)) throw new Error(`${dir}: ${what} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir}: ${what} is not a folder`);
}

// Round-robin over classes, so a limit keeps every class represented; the result stays in class
// then path order.
function limitPerClass(perClass: string[][], limit: number): string[][] {
  const take = perClass.map(() => 0);
  let total = 0, progressed = true;
  for (let i = 0; total < limit && progressed; i++) {
    progressed = false;
    for (let c = 0; c < perClass.length && total < limit; c++)
      if (i < perClass[c].length) { take[c]++; total++; progressed = true; }
  }
  return perClass.map((f, c) => f.slice(0, take[c]));
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').map((s) => s.trim()).filter(Boolean).join('; ');
}

export function decodeError(file: string, e: unknown): Error {
  return new Error(`${file}: cannot decode image: corrupt, truncated or not a PNG/JPEG/WebP (${oneLine(e)})`);
}

async function channelsOf(file: string): Promise<1 | 3> {
  let m: Metadata;
  try {
    m = await sharp(file, { failOn: 'error' }).metadata();
  } catch (e) {
    throw decodeError(file, e);
  }
  const c = (m.channels ?? 3) - (m.hasAlpha ? 1 : 0);
  return c === 1 ? 1 : 3;
}

// One image as interleaved uint8 pixels (H·W, C): oriented, alpha dropped, in C channels, and
// resized to `size` [H, W] by `fit` (null: kept at its own size). Shared with frame-folders.ts.
export async function decodeImage(file: string, C: 1 | 3, size: [number, number] | null,
  fit: 'cover' | 'contain' | 'fill'): Promise<{ data: Buffer; height: number; width: number }> {
  let out: { data: Buffer; info: OutputInfo };
  try {
    let img = sharp(file, { failOn: 'error' })
      .autoOrient()
      .removeAlpha()
      .toColourspace(C === 1 ? 'b-w' : 'srgb');
    if (size) img = img.resize({ width: size[1], height: size[0], fit, position: 'centre', background: { r: 0, g: 0, b: 0, alpha: 1 } });
    out = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw decodeError(file, e);
  }
  const { info } = out;
  if (info.channels !== C || (size && (info.height !== size[0] || info.width !== size[1])) || out.data.length !== C * info.height * info.width)
    throw new Error(`${file}: decoded to ${info.channels} × ${info.height} × ${info.width}, expected ${C} × ${size ? size.join(' × ') : `${info.height} × ${info.width}`}`);
  return { data: out.data, height: info.height, width: info.width };
}

async function decode(file: string, C: 1 | 3, H: number, W: number, fit: 'cover' | 'contain' | 'fill'): Promise<Buffer> {
  return (await decodeImage(file, C, [H, W], fit)).data;
}

// Runs task(0) … task(n - 1) with at most `concurrency` in flight, started in index order. After
// the first failure nothing new starts; every index before it has already started, so the error
// thrown is always the one of the lowest failing index (the first bad file in path order).
export async function inOrderPool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: { i: number; e: unknown }[] = [];
  const worker = async () => {
    while (next < n && errors.length === 0) {
      const i = next++;
      try {
        await task(i);
      } catch (e) {
        errors.push({ i, e });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (errors.length > 0) throw errors.reduce((a, b) => (b.i < a.i ? b : a)).e;
}

// Interleaved pixels (H·W, C) from sharp into planar (C, H·W) at out[off …].
export function toPlanar(px: Uint8Array, C: 1 | 3, HW: number, out: Uint8Array, off: number): void {
  if (C === 1) { out.set(px.subarray(0, HW), off); return; }
  for (let p = 0; p < HW; p++) {
    out[off + p] = px[3 * p];
    out[off + HW + p] = px[3 * p + 1];
    out[off + 2 * HW + p] = px[3 * p + 2];
  }
}

export async function imageFolder(dir: string, opts: ImageFolderOptions): Promise<FolderImageSet> {
  if (typeof dir !== 'string' || dir === '') throw invalidParameter('dir', 'folder path', dir);
  if (opts === undefined) throw invalidParameter('options', 'options object with size', opts);
  const o = checkOptions<ImageFolderOptions>('options', opts, ['size', 'channels', 'labels', 'fit', 'limit', 'concurrency']);
  const [H, W] = checkSize(o.size);
  if (o.channels !== undefined && o.channels !== 1 && o.channels !== 3) throw invalidParameter('channels', '1 or 3', o.channels);
  if (o.labels !== undefined) checkBool('labels', o.labels);
  const fit = o.fit ?? 'cover';
  if (fit !== 'cover' && fit !== 'contain' && fit !== 'fill') throw invalidParameter('fit', 'one of cover, contain, fill', o.fit);
  const limit = o.limit === undefined ? Infinity : checkInt('limit', o.limit, 1);
  const concurrency = o.concurrency === undefined ? Math.max(4, os.availableParallelism()) : checkInt('concurrency', o.concurrency, 1, 1024);

  checkFolder(dir, 'image folder');
  const top = listDir(dir);
  const labelled = o.labels ?? (top.dirs.length > 0 && top.images.length === 0);
  let files: string[], labels: Int32Array | null = null, classes: string[] | null = null;
  if (labelled) {
    if (top.dirs.length === 0)
      throw new Error(`${dir}: labels need one subfolder per class, but the folder has no subfolders` +
        (top.images.length ? ` (${top.images.length} images at the top level; pass labels: false to load them unlabelled)` : ''));
    if (top.images.length > 0)
      throw new Error(`${dir}: labels take the class from the subfolder, but ${top.images.length} image${top.images.length > 1 ? 's lie' : ' lies'} ` +
        `at the top level (e.g. ${top.images[0]}); move them into class subfolders or pass labels: false`);
    classes = top.dirs;
    let perClass = classes.map((c) => {
      const sub = path.join(dir, c);
      const w = walk(sub);
      if (w.files.length === 0) throw noImages(sub, w.skipped, 'class folder');
      return w.files;
    });
    if (limit < Infinity) perClass = limitPerClass(perClass, limit);
    files = perClass.flat();
    labels = new Int32Array(files.length);
    let k = 0;
    perClass.forEach((f, c) => { labels!.fill(c, k, k + f.length); k += f.length; });
  } else {
    const w = walk(dir);
    if (w.files.length === 0) throw noImages(dir, w.skipped, 'image folder');
    files = w.files.slice(0, Math.min(limit, w.files.length));
  }

  const N = files.length;
  const C = o.channels ?? (await channelsOf(files[0]));
  const per = C * H * W;
  if (N * per > bufferConstants.MAX_LENGTH)
    throw outOfRange('size', `at most ${bufferConstants.MAX_LENGTH} bytes for all ${N} images of ${dir}`, o.size);
  const images = new Uint8Array(N * per);
  const HW = H * W;

  // Decodes in path order, `concurrency` at a time; the error reported is the first bad file's.
  await inOrderPool(N, concurrency, async (i) => toPlanar(await decode(files[i], C, H, W, fit), C, HW, images, i * per));
  return { images, labels, shape: [C, H, W], length: N, source: dir, classes, files };
}

// Items `indices` of a set (any item shape), in that order (a copy); an image folder's files and
// classes, and a frame folder's clips, follow.
export function selectItems<T extends Dataset>(set: T, indices: ArrayLike<number>): T {
  const per = itemSize(set.shape);
  const images = new Uint8Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const j = checkInt(`indices[${i}]`, indices[i], 0, set.length - 1);
    images.set(set.images.subarray(j * per, (j + 1) * per), i * per);
  }
  const out: T = { ...set, images, length: indices.length, labels: set.labels ? Int32Array.from(indices, (j) => set.labels![j]) : null };
  for (const key of ['files', 'clips'] as const) {
    const list = (set as unknown as Record<string, unknown>)[key];
    if (Array.isArray(list) && list.length === set.length) (out as unknown as Record<string, unknown>)[key] = Array.from(indices, (j) => list[j]);
  }
  return out;
}

// In-memory uint8 images (N, C, H, W) row-major as an ImageSet; `images` is used as is (no copy),
// labels are copied into an Int32Array.
export function fromUint8(images: Uint8Array, shape: readonly [number, number, number, number], labels?: ArrayLike<number> | null): ImageSet {
  if (!(images instanceof Uint8Array)) throw invalidParameter('images', 'Uint8Array', images);
  if (!Array.isArray(shape) || shape.length !== 4) throw invalidParameter('shape', '[N, C, H, W] array of 4 integers', shape);
  const [N, C, H, W] = shape.map((v, i) => checkInt(`shape[${i}]`, v, 1));
  if (images.length !== N * C * H * W)
    throw outOfRange('images', `Uint8Array of length N·C·H·W = ${N * C * H * W} for shape [${shape.join(', ')}]`, images);
  let lab: Int32Array | null = null;
  if (labels !== undefined && labels !== null) {
    if (typeof labels !== 'object' || typeof (labels as { length?: unknown }).length !== 'number')
      throw invalidParameter('labels', `array of ${N} integers`, labels);
    if (labels.length !== N) throw outOfRange('labels', `${N} labels (one per image)`, labels);
    lab = new Int32Array(N);
    for (let i = 0; i < N; i++) lab[i] = checkInt(`labels[${i}]`, labels[i], 0, 2 ** 31 - 1);
  }
  return { images, labels: lab, shape: [C, H, W], length: N, source: 'memory' };
}
