// Users' own videos as clips: a folder with one subfolder per clip, each holding that clip's frames
// as numbered PNG/JPEG/WebP files.
//
//   clips/walk-01/frame_1.png, frame_2.png, ..., frame_10.png
//   clips/walk-02/0001.jpg, 0002.jpg, ...
//
// Clips are taken in subfolder name order (plain code-unit order, the same on every machine);
// frames in the order of the number in their file name (the last run of digits: frame_10 after
// frame_9, which a name sort would get wrong). Every frame is decoded as image-folder.ts decodes
// images (EXIF orientation applied, alpha dropped) to gray (default) or RGB; with `size` it is
// resized by `fit` (default 'cover': scale to cover, crop the centre), without it every frame must
// already have the size of the first. Items are (C, T, H, W) uint8, unlabelled.
//
// All clips must have the same number of frames, or `frames` takes the first `frames` of each
// (clips with fewer are an error). Each bad input fails with one error naming the folder or file:
// no clip subfolders, a clip without frames, a frame name without a number, two frames with the
// same number, differing frame counts (both clips and their counts), differing frame sizes without
// resize (both files and sizes), a corrupt image.
import { constants as bufferConstants } from 'node:buffer';
import os from 'node:os';
import path from 'node:path';
import { checkFolder, checkSize, decodeImage, inOrderPool, listDir, noImages, toPlanar } from './image-folder.js';
import type { Dataset } from './dataset.js';
import { checkInt, checkOptions, invalidParameter, outOfRange } from '../validate.js';

export interface FrameFolderOptions {
  size?: number | [number, number]; // resize every frame to size x size (or [height, width]); default: keep, all equal
  channels?: 1 | 3;                 // default 1 (gray)
  fit?: 'cover' | 'contain' | 'fill';
  frames?: number;                  // the first `frames` of every clip; default: all (equal counts)
  limit?: number;                   // the first `limit` clips
  concurrency?: number;             // decodes in flight
}

export interface FrameFolderSet extends Dataset {
  shape: [number, number, number, number]; // C, T, H, W
  clips: string[];   // item i is the clip folder clips[i]
  files: string[][]; // and was decoded from files[i][t]
}

// The number a frame's name carries: the last run of digits of the name without its extension.
export function frameNumber(file: string): number | null {
  const m = /(\d+)(?!.*\d)/.exec(path.basename(file, path.extname(file)));
  return m ? Number(m[1]) : null;
}

// One clip folder's frames in numeric order.
function clipFrames(clip: string): string[] {
  const e = listDir(clip);
  if (e.images.length === 0) {
    const err = noImages(clip, e.others.map((n) => path.join(clip, n)), 'clip folder');
    if (e.dirs.length > 0)
      err.message += ` (it holds ${e.dirs.length} subfolder${e.dirs.length > 1 ? 's' : ''}, e.g. ${e.dirs[0]}: frames must lie directly in the clip's folder)`;
    throw err;
  }
  const numbered = e.images.map((name) => {
    const n = frameNumber(name);
    if (n === null || !Number.isSafeInteger(n))
      throw new Error(`${path.join(clip, name)}: frame name has no number (frames are ordered by the number in their name, e.g. frame_12.png)`);
    return { name, n };
  });
  numbered.sort((a, b) => a.n - b.n);
  for (let i = 1; i < numbered.length; i++)
    if (numbered[i].n === numbered[i - 1].n)
      throw new Error(`${clip}: frames ${numbered[i - 1].name} and ${numbered[i].name} both carry number ${numbered[i].n}`);
  return numbered.map((f) => path.join(clip, f.name));
}

export async function frameFolders(dir: string, opts: FrameFolderOptions = {}): Promise<FrameFolderSet> {
  if (typeof dir !== 'string' || dir === '') throw invalidParameter('dir', 'folder path', dir);
  const o = checkOptions<FrameFolderOptions>('options', opts, ['size', 'channels', 'fit', 'frames', 'limit', 'concurrency']);
  const size = o.size === undefined ? null : checkSize(o.size);
  const C = o.channels ?? 1;
  if (C !== 1 && C !== 3) throw invalidParameter('channels', '1 or 3', o.channels);
  const fit = o.fit ?? 'cover';
  if (fit !== 'cover' && fit !== 'contain' && fit !== 'fill') throw invalidParameter('fit', 'one of cover, contain, fill', o.fit);
  const wantFrames = o.frames === undefined ? null : checkInt('frames', o.frames, 1);
  const limit = o.limit === undefined ? Infinity : checkInt('limit', o.limit, 1);
  const concurrency = o.concurrency === undefined ? Math.max(4, os.availableParallelism()) : checkInt('concurrency', o.concurrency, 1, 1024);

  checkFolder(dir, 'clip folder');
  const top = listDir(dir);
  if (top.images.length > 0)
    throw new Error(`${dir}: expected one subfolder of frames per clip, but ${top.images.length} image${top.images.length > 1 ? 's lie' : ' lies'} ` +
      `at the top level (e.g. ${top.images[0]}); put each clip's frames in its own subfolder`);
  if (top.dirs.length === 0)
    throw new Error(`${dir}: no clip subfolders (expected one subfolder of numbered frames per clip${top.others.length ? `; ${top.others.length} other files skipped` : ', the folder is empty'})`);
  const clips = top.dirs.slice(0, Math.min(limit, top.dirs.length)).map((d) => path.join(dir, d));
  let files = clips.map(clipFrames);
  if (wantFrames !== null) {
    const short = files.findIndex((f) => f.length < wantFrames);
    if (short >= 0) throw outOfRange('frames', `at most the frame count of every clip (${clips[short]} has ${files[short].length})`, wantFrames);
    files = files.map((f) => f.slice(0, wantFrames));
  } else {
    const odd = files.findIndex((f) => f.length !== files[0].length);
    if (odd >= 0)
      throw new Error(`${dir}: clips have differing frame counts: ${clips[0]} has ${files[0].length} frames, ${clips[odd]} has ${files[odd].length} ` +
        `(pass frames to take the first n of each clip)`);
  }
  const T = files[0].length, N = clips.length;

  // The first frame fixes the size when nothing is resized.
  const first = await decodeImage(files[0][0], C, size, fit);
  const [H, W] = size ?? [first.height, first.width];
  const per = C * T * H * W, HW = H * W;
  if (N * per > bufferConstants.MAX_LENGTH)
    throw outOfRange(size ? 'size' : 'dir', `at most ${bufferConstants.MAX_LENGTH} bytes for all ${N} clips of ${C}×${T}×${H}×${W}`, size ? o.size : dir);
  const images = new Uint8Array(N * per);
  const flat = files.flat();
  // Planar (C, T, H, W): channel c of frame t starts at c·T·H·W + t·H·W within its clip.
  const place = (px: Uint8Array, i: number) => {
    const n = Math.floor(i / T), t = i % T;
    const frame = new Uint8Array(C * HW);
    toPlanar(px, C, HW, frame, 0);
    for (let c = 0; c < C; c++) images.set(frame.subarray(c * HW, (c + 1) * HW), n * per + (c * T + t) * HW);
  };
  place(first.data, 0);
  // In path order, `concurrency` at a time; the error reported is the first bad frame's.
  await inOrderPool(flat.length - 1, concurrency, async (k) => {
    const i = k + 1, f = await decodeImage(flat[i], C, size, fit);
    if (f.height !== H || f.width !== W)
      throw new Error(`${flat[i]}: frame is ${f.width}x${f.height} but ${flat[0]} is ${W}x${H}; frames must share one size, or pass size to resize them all`);
    place(f.data, i);
  });
  return { images, labels: null, shape: [C, T, H, W], length: N, source: dir, clips, files };
}
