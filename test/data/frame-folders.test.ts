// Frame folders: clips of numbered PNG/JPEG frames written with sharp into a temporary folder load
// as (C, T, H, W) items with the frames in numeric order (frame_10 after frame_9), exact pixels
// where nothing is resized, resizing and RGB on request, `frames` and `limit`; and every bad input
// (no clips, an empty clip, differing counts, differing sizes, a nameless or duplicate number, a
// corrupt file, bad options) gives one error naming what was wrong.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameFolders, frameNumber } from '../../lib/data/frame-folders.js';
import { rejects } from '../helpers.js';

let root = '';
const at = (...p: string[]) => path.join(root, ...p);

// A gray frame whose every pixel encodes (clip, frame): value 10 * clip + frame + (x + y) % 3.
const px = (clip: number, t: number, h: number, w: number) =>
  Buffer.from(Array.from({ length: h * w }, (_, i) => 10 * clip + t + ((i % w) + Math.floor(i / w)) % 3));

async function frame(file: string, data: Buffer, h: number, w: number, c: 1 | 3 = 1): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let img = sharp(data, { raw: { width: w, height: h, channels: c } });
  if (c === 1) img = img.toColourspace('b-w');
  await (path.extname(file) === '.png' ? img.png() : img.jpeg({ quality: 95 })).toFile(file);
}

// A clean folder of `clips` clips of `T` frames named by `name(t)`, 8x12 gray PNGs.
async function clipsDir(dir: string, clips: number, T: number, name = (t: number) => `frame_${t + 1}.png`): Promise<void> {
  for (let c = 0; c < clips; c++)
    for (let t = 0; t < T; t++) await frame(at(dir, `clip${c}`, name(t)), px(c, t, 8, 12), 8, 12);
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-frames-'));
  await clipsDir('good', 3, 11); // frame_1 … frame_11: a name sort would put frame_10 second
  fs.writeFileSync(at('good', 'clip1', 'notes.txt'), 'skipped');
  fs.writeFileSync(at('good', 'README'), 'skipped');
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('frameFolders', () => {
  it('loads clips in name order with frames in numeric order, pixels exact without resize', async () => {
    const set = await frameFolders(at('good'));
    expect(set.shape).toEqual([1, 11, 8, 12]);
    expect(set.length).toBe(3);
    expect(set.labels).toBeNull();
    expect(set.clips.map((c) => path.basename(c))).toEqual(['clip0', 'clip1', 'clip2']);
    expect(set.files[0].map((f) => path.basename(f)).slice(8)).toEqual(['frame_9.png', 'frame_10.png', 'frame_11.png']);
    const S = 8 * 12;
    for (let c = 0; c < 3; c++)
      for (let t = 0; t < 11; t++)
        expect(Buffer.from(set.images.subarray((c * 11 + t) * S, (c * 11 + t + 1) * S)).equals(px(c, t, 8, 12))).toBe(true);
  });

  it('resizes, converts to RGB, takes the first frames and the first clips on request', async () => {
    const set = await frameFolders(at('good'), { size: 8, channels: 3, frames: 4, limit: 2 });
    expect(set.shape).toEqual([3, 4, 8, 8]);
    expect(set.length).toBe(2);
    expect(set.files[1].map((f) => path.basename(f))).toEqual(['frame_1.png', 'frame_2.png', 'frame_3.png', 'frame_4.png']);
    // Gray frames converted to RGB: three equal planes per frame, each frame's level by its number.
    const S = 64, T = 4, mean = (c: number, k: number, t: number) =>
      set.images.subarray(((c * 3 + k) * T + t) * S, ((c * 3 + k) * T + t + 1) * S).reduce((a, b) => a + b, 0) / S;
    for (let t = 0; t < T; t++) {
      expect(mean(1, 0, t)).toBe(mean(1, 1, t));
      expect(mean(1, 0, t)).toBe(mean(1, 2, t));
      if (t > 0) expect(mean(1, 0, t)).toBeGreaterThan(mean(1, 0, t - 1));
    }
  });

  it('numbers frames by the last run of digits in the name', () => {
    expect(frameNumber('/x/clip3_frame_0012.png')).toBe(12);
    expect(frameNumber('7.jpg')).toBe(7);
    expect(frameNumber('img.png')).toBeNull();
  });

  it('names the clips and counts when frame counts differ, and honours frames', async () => {
    await clipsDir('counts', 2, 5);
    fs.rmSync(at('counts', 'clip1', 'frame_5.png'));
    const msg = await rejects(frameFolders(at('counts')), /differing frame counts/);
    expect(msg).toContain(`${at('counts', 'clip0')} has 5 frames`);
    expect(msg).toContain(`${at('counts', 'clip1')} has 4`);
    expect((await frameFolders(at('counts'), { frames: 4 })).shape).toEqual([1, 4, 8, 12]);
    await rejects(frameFolders(at('counts'), { frames: 5 }), new RegExp(`clip1 has 4\\).*for frames`));
  });

  it('names both files when frame sizes differ and nothing is resized', async () => {
    await clipsDir('sizes', 2, 3);
    await frame(at('sizes', 'clip1', 'frame_2.png'), px(1, 1, 10, 12), 10, 12);
    const msg = await rejects(frameFolders(at('sizes')), /frame is 12x10 but .* is 12x8/);
    expect(msg).toContain(at('sizes', 'clip1', 'frame_2.png'));
    expect(msg).toContain(at('sizes', 'clip0', 'frame_1.png'));
    expect((await frameFolders(at('sizes'), { size: [8, 12] })).shape).toEqual([1, 3, 8, 12]);
  });

  it('names the file of a corrupt frame, a frame without a number, and duplicate numbers', async () => {
    await clipsDir('corrupt', 2, 3);
    fs.writeFileSync(at('corrupt', 'clip1', 'frame_3.png'), Buffer.from('not a png at all'));
    await rejects(frameFolders(at('corrupt')), new RegExp(`${at('corrupt', 'clip1', 'frame_3.png')}: cannot decode image`.replace(/[.\\]/g, '\\$&')));
    await clipsDir('nonumber', 1, 2);
    await frame(at('nonumber', 'clip0', 'cover.png'), px(0, 0, 8, 12), 8, 12);
    await rejects(frameFolders(at('nonumber')), /cover\.png: frame name has no number/);
    await clipsDir('dupes', 1, 2);
    await frame(at('dupes', 'clip0', 'frame_01.jpg'), px(0, 0, 8, 12), 8, 12);
    await rejects(frameFolders(at('dupes')), /frames frame_01\.jpg and frame_1\.png both carry number 1|frames frame_1\.png and frame_01\.jpg both carry number 1/);
  });

  it('rejects empty folders, empty clips, loose top-level frames and bad options', async () => {
    fs.mkdirSync(at('empty'));
    await rejects(frameFolders(at('empty')), /empty: no clip subfolders .*the folder is empty/);
    await clipsDir('emptyclip', 1, 2);
    fs.mkdirSync(at('emptyclip', 'clip1', 'inner'), { recursive: true });
    await rejects(frameFolders(at('emptyclip')), /clip1: clip folder has no images.*frames must lie directly in the clip's folder/);
    await clipsDir('loose', 1, 2);
    await frame(at('loose', 'frame_1.png'), px(0, 0, 8, 12), 8, 12);
    await rejects(frameFolders(at('loose')), /1 image lies at the top level \(e\.g\. frame_1\.png\)/);
    await rejects(frameFolders(at('missing')), /missing: clip folder does not exist/);
    await rejects(frameFolders(''), /folder path for dir/);
    await rejects(frameFolders(at('good'), { channels: 2 as never }), /1 or 3 for channels/);
    await rejects(frameFolders(at('good'), { size: 0 }), /for size/);
    await rejects(frameFolders(at('good'), { frames: 0 }), /for frames/);
    await rejects(frameFolders(at('good'), { fit: 'crop' as never }), /for fit/);
    await rejects(frameFolders(at('good'), { frame: 3 } as never), /Unknown option "frame"/);
  });
});
