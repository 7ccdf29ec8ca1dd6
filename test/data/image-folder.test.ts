// Image folders and in-memory arrays: images written with sharp into a temporary folder (PNG, JPEG,
// WebP; greyscale and RGB; several sizes; class subfolders) load with the right shapes, labels and
// classes, exact pixels where no resize is needed, a deterministic order, channel conversion and
// centre cropping; resolveData's train/test and held-out layouts; and every bad input gives one
// error naming the path and what was wrong.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveData } from '../../lib/cli/data.js';
import { EMBEDDED_FASHION_MNIST } from '../../lib/data/fashion-mnist.js';
import { fromUint8, imageFolder, selectItems } from '../../lib/data/image-folder.js';
import { packageRoot } from '../../lib/native/loader.js';
import { rejects } from '../helpers.js';

const PHOTOS = path.join(packageRoot, '..', 'shared', 'data', 'photos');
let root = '';
const at = (...p: string[]) => path.join(root, ...p);

// Pixels (H, W, C) interleaved, a fixed pattern per seed.
function pattern(h: number, w: number, c: number, seed: number): Buffer {
  const b = Buffer.alloc(h * w * c);
  for (let i = 0; i < b.length; i++) b[i] = (i * 37 + seed * 101 + ((i * i) >> 3)) % 256;
  return b;
}

async function write(file: string, px: Buffer, h: number, w: number, c: 1 | 3): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let img = sharp(px, { raw: { width: w, height: h, channels: c } });
  if (c === 1) img = img.toColourspace('b-w');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') img = img.png();
  else if (ext === '.webp') img = img.webp({ lossless: true });
  else img = img.jpeg({ quality: 90 });
  await img.toFile(file);
}

// HWC → CHW, as an ImageSet holds it.
function planar(px: Buffer, h: number, w: number, c: number): Uint8Array {
  const out = new Uint8Array(px.length);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) out[k * h * w + p] = px[p * c + k];
  return out;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-imgfolder-'));
  // Three classes, mixed formats, sizes and channels, with files to skip.
  await write(at('pets', 'cat', 'c1.png'), pattern(10, 20, 3, 1), 10, 20, 3);
  await write(at('pets', 'cat', 'c2.PNG'), pattern(12, 12, 3, 2), 12, 12, 3);
  await write(at('pets', 'cat', 'sub', 'c3.jpg'), pattern(16, 24, 3, 3), 16, 24, 3);
  await write(at('pets', 'dog', 'd1.jpeg'), pattern(30, 30, 1, 4), 30, 30, 1);
  await write(at('pets', 'dog', 'd2.JPG'), pattern(8, 40, 3, 5), 8, 40, 3);
  await write(at('pets', 'emu', 'e1.webp'), pattern(16, 12, 3, 6), 16, 12, 3);
  await write(at('pets', 'emu', 'e2.webp'), pattern(9, 9, 1, 7), 9, 9, 1);
  await write(at('pets', 'emu', '.hidden.png'), pattern(9, 9, 3, 8), 9, 9, 3);
  fs.writeFileSync(at('pets', 'dog', 'notes.txt'), 'not an image');
  fs.writeFileSync(at('pets', '.DS_Store'), 'x');
  // Exact pixels: an RGB PNG and a greyscale PNG at the requested size.
  await write(at('exact', 'rgb', 'a.png'), pattern(6, 8, 3, 9), 6, 8, 3);
  await write(at('exact', 'gray', 'a.png'), pattern(8, 8, 1, 10), 8, 8, 1);
  // Mixed channels, greyscale first.
  await write(at('mixed', 'a.png'), pattern(8, 8, 1, 11), 8, 8, 1);
  await write(at('mixed', 'b.png'), pattern(8, 8, 3, 12), 8, 8, 3);
  // A 40 × 20 greyscale image: columns 0-9 white, 10-29 grey 128, 30-39 black.
  const wide = Buffer.alloc(20 * 40);
  for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) wide[y * 40 + x] = x < 10 ? 255 : x < 30 ? 128 : 0;
  await write(at('wide', 'w.png'), wide, 20, 40, 1);
  // train/test layout and a flat labelled folder for resolveData.
  for (const [split, n] of [['train', 4], ['test', 2]] as const)
    for (const cls of ['ant', 'bee'])
      for (let i = 0; i < n; i++) await write(at('splits', split, cls, `${i}.png`), pattern(40, 40, 3, i + (cls === 'bee' ? 50 : 0)), 40, 40, 3);
  await write(at('beeonly', 'train', 'ant', '0.png'), pattern(8, 8, 3, 1), 8, 8, 3);
  await write(at('beeonly', 'train', 'bee', '0.png'), pattern(8, 8, 3, 2), 8, 8, 3);
  await write(at('beeonly', 'test', 'bee', '0.png'), pattern(8, 8, 3, 3), 8, 8, 3);
  for (const cls of ['a', 'b'])
    for (let i = 0; i < 10; i++) await write(at('flat', cls, `${String(i).padStart(2, '0')}.png`), pattern(20, 20, 1, i + (cls === 'b' ? 30 : 0)), 20, 20, 1);
  // Bad input.
  fs.mkdirSync(at('empty'));
  fs.mkdirSync(at('textonly'));
  fs.writeFileSync(at('textonly', 'readme.txt'), 'hi');
  await write(at('emptyclass', 'full', 'x.png'), pattern(8, 8, 3, 1), 8, 8, 3);
  fs.mkdirSync(at('emptyclass', 'none'));
  fs.writeFileSync(at('emptyclass', 'none', '.keep'), '');
  await write(at('corrupt', 'a.png'), pattern(8, 8, 3, 1), 8, 8, 3);
  fs.writeFileSync(at('corrupt', 'b.png'), 'this is not a PNG');
  await write(at('truncjpg', 'a.jpg'), pattern(64, 64, 3, 1), 64, 64, 3);
  await write(at('truncpng', 'a.png'), pattern(64, 64, 3, 1), 64, 64, 3);
  for (const f of [at('truncjpg', 'a.jpg'), at('truncpng', 'a.png')]) {
    const b = fs.readFileSync(f);
    fs.writeFileSync(f, b.subarray(0, Math.floor(b.length * 0.6)));
  }
  await write(at('toplevel', 'cls', 'a.png'), pattern(8, 8, 3, 1), 8, 8, 3);
  await write(at('toplevel', 'stray.png'), pattern(8, 8, 3, 2), 8, 8, 3);
  await write(at('extra', 'train', 'ant', '0.png'), pattern(8, 8, 3, 1), 8, 8, 3);
  await write(at('extra', 'test', 'ant', '0.png'), pattern(8, 8, 3, 2), 8, 8, 3);
  await write(at('extra', 'test', 'cow', '0.png'), pattern(8, 8, 3, 3), 8, 8, 3);
  await write(at('single', 'only.png'), pattern(8, 8, 3, 2), 8, 8, 3);
  fs.writeFileSync(at('afile'), 'x');
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('imageFolder', () => {
  it('loads class subfolders of mixed formats, sizes and channels, skipping hidden and non-image files', async () => {
    const s = await imageFolder(at('pets'), { size: 16 });
    expect(s.classes).toEqual(['cat', 'dog', 'emu']);
    expect(s.length).toBe(7);
    expect(s.shape).toEqual([3, 16, 16]); // first file (cat/c1.png) is RGB
    expect(s.images.length).toBe(7 * 3 * 16 * 16);
    expect(Array.from(s.labels!)).toEqual([0, 0, 0, 1, 1, 2, 2]);
    expect(s.files.map((f) => path.relative(at('pets'), f))).toEqual(
      ['cat/c1.png', 'cat/c2.PNG', 'cat/sub/c3.jpg', 'dog/d1.jpeg', 'dog/d2.JPG', 'emu/e1.webp', 'emu/e2.webp']);
    expect(s.source).toBe(at('pets'));
    const hw = await imageFolder(at('pets'), { size: [8, 12], channels: 1 });
    expect(hw.shape).toEqual([1, 8, 12]);
    expect(hw.images.length).toBe(7 * 8 * 12);
  });

  it('gives exact pixels for a PNG already at the size (RGB and greyscale)', async () => {
    const rgb = await imageFolder(at('exact', 'rgb'), { size: [6, 8] });
    expect(rgb.shape).toEqual([3, 6, 8]);
    expect(rgb.labels).toBeNull();
    expect(rgb.classes).toBeNull();
    expect(Array.from(rgb.images)).toEqual(Array.from(planar(pattern(6, 8, 3, 9), 6, 8, 3)));
    const gray = await imageFolder(at('exact', 'gray'), { size: 8 });
    expect(gray.shape).toEqual([1, 8, 8]);
    expect(Array.from(gray.images)).toEqual(Array.from(pattern(8, 8, 1, 10)));
  });

  it('is deterministic: same order and pixels at any concurrency', async () => {
    const a = await imageFolder(at('pets'), { size: 12, concurrency: 1 });
    const b = await imageFolder(at('pets'), { size: 12, concurrency: 16 });
    expect(b.files).toEqual(a.files);
    expect(Buffer.compare(Buffer.from(a.images), Buffer.from(b.images))).toBe(0);
    expect(Array.from(b.labels!)).toEqual(Array.from(a.labels!));
  });

  it('converts every image to the first image\'s channel count, or to the requested one', async () => {
    const g = await imageFolder(at('mixed'), { size: 8 });
    expect(g.shape).toEqual([1, 8, 8]);
    expect(Array.from(g.images.subarray(0, 64))).toEqual(Array.from(pattern(8, 8, 1, 11)));
    const c = await imageFolder(at('mixed'), { size: 8, channels: 3 });
    expect(c.shape).toEqual([3, 8, 8]);
    const first = c.images.subarray(0, 192);
    for (let k = 0; k < 3; k++) expect(Array.from(first.subarray(k * 64, (k + 1) * 64))).toEqual(Array.from(pattern(8, 8, 1, 11)));
    expect(Array.from(c.images.subarray(192))).toEqual(Array.from(planar(pattern(8, 8, 3, 12), 8, 8, 3)));
    // The RGB image in greyscale: one plane, a luminance between its channels' extremes.
    const rgbAsGray = g.images.subarray(64);
    const px = pattern(8, 8, 3, 12);
    for (let p = 0; p < 64; p++) {
      const ch = [px[3 * p], px[3 * p + 1], px[3 * p + 2]];
      expect(rgbAsGray[p]).toBeGreaterThanOrEqual(Math.min(...ch) - 2);
      expect(rgbAsGray[p]).toBeLessThanOrEqual(Math.max(...ch) + 2);
    }
  });

  it('cover crops the centre of a non-square image; contain letterboxes; fill stretches', async () => {
    const cover = await imageFolder(at('wide'), { size: 20 });
    expect(cover.shape).toEqual([1, 20, 20]);
    expect(cover.images.every((v) => v === 128)).toBe(true); // columns 10-29 of 40
    const contain = await imageFolder(at('wide'), { size: 20, fit: 'contain' });
    const row = (r: number) => Array.from(contain.images.subarray(r * 20, (r + 1) * 20));
    expect(row(0).every((v) => v === 0)).toBe(true); // black bars above and below
    expect(row(19).every((v) => v === 0)).toBe(true);
    expect(row(10)[0]).toBeGreaterThan(200); // the white left edge survives, scaled to 20 × 10
    expect(row(10)[10]).toBeGreaterThan(100);
    const fill = await imageFolder(at('wide'), { size: 20, fit: 'fill' });
    expect(fill.images[10 * 20]).toBeGreaterThan(200);
    expect(fill.images[10 * 20 + 19]).toBeLessThan(50);
  });

  it('labels: false loads every image below the folder; limit keeps every class represented', async () => {
    const u = await imageFolder(at('pets'), { size: 8, labels: false });
    expect(u.labels).toBeNull();
    expect(u.classes).toBeNull();
    expect(u.length).toBe(7);
    const l = await imageFolder(at('pets'), { size: 8, limit: 4 });
    expect(Array.from(l.labels!)).toEqual([0, 0, 1, 2]);
    expect(l.files.map((f) => path.basename(f))).toEqual(['c1.png', 'c2.PNG', 'd1.jpeg', 'e1.webp']);
    const first2 = await imageFolder(at('flat', 'a'), { size: 8, limit: 2 });
    expect(first2.files.map((f) => path.basename(f))).toEqual(['00.png', '01.png']);
  });

  it('loads ../shared/data/photos at 64 × 64 × 3 (skipped when the folder is absent)', async (ctx) => {
    if (!fs.existsSync(PHOTOS)) {
      console.warn(`skipping the photos test: ${PHOTOS} not found`);
      ctx.skip();
    }
    const s = await imageFolder(PHOTOS, { size: 64, channels: 3 });
    expect(s.length).toBe(12);
    expect(s.shape).toEqual([3, 64, 64]);
    expect(s.labels).toBeNull();
    expect(s.images.length).toBe(12 * 3 * 64 * 64);
    // Real photographs: not blank, not saturated.
    const mean = s.images.reduce((a, v) => a + v, 0) / s.images.length;
    expect(mean).toBeGreaterThan(20);
    expect(mean).toBeLessThan(235);
  });
});

describe('imageFolder bad input: one clear error naming the path', () => {
  it('missing, not a folder, empty, no images, empty class folder', async () => {
    await rejects(imageFolder(at('nope'), { size: 8 }), /nope: image folder does not exist/);
    await rejects(imageFolder(at('afile'), { size: 8 }), /afile: image folder is not a folder/);
    await rejects(imageFolder(at('empty'), { size: 8 }), /empty: image folder has no images \(it is empty; accepted: \.png \.jpg \.jpeg \.webp/);
    await rejects(imageFolder(at('textonly'), { size: 8 }), /textonly: image folder has no images \(1 other file skipped, e\.g\. readme\.txt/);
    await rejects(imageFolder(at('emptyclass'), { size: 8 }), /emptyclass\/none: class folder has no images/);
  });

  it('corrupt and truncated files', async () => {
    await rejects(imageFolder(at('corrupt'), { size: 8 }), /corrupt\/b\.png: cannot decode image: corrupt, truncated or not a PNG\/JPEG\/WebP \(/);
    await rejects(imageFolder(at('truncjpg'), { size: 8 }), /truncjpg\/a\.jpg: cannot decode image: corrupt, truncated/);
    await rejects(imageFolder(at('truncpng'), { size: 8 }), /truncpng\/a\.png: cannot decode image/);
    // With concurrency the first bad file in path order is the one reported.
    const m = await rejects(imageFolder(at('corrupt'), { size: 8, channels: 3, concurrency: 8 }), /cannot decode/);
    expect(m.split('\n').length).toBe(1);
  });

  it('labels that do not fit the layout', async () => {
    await rejects(imageFolder(at('toplevel'), { size: 8, labels: true }), /toplevel: labels take the class from the subfolder, but 1 image lies at the top level \(e\.g\. stray\.png\)/);
    await rejects(imageFolder(at('exact', 'rgb'), { size: 8, labels: true }), /rgb: labels need one subfolder per class/);
    const t = await imageFolder(at('toplevel'), { size: 8 }); // mixed top level: unlabelled by default
    expect(t.labels).toBeNull();
    expect(t.length).toBe(2);
  });

  it('invalid options', async () => {
    const bad: [unknown, RegExp][] = [
      [{}, /Expected integer in \[1, 16384\] or \[height, width\] for size but received undefined/],
      [{ size: 0 }, /for size but received 0/],
      [{ size: 2.5 }, /for size but received 2\.5/],
      [{ size: '32' }, /for size but received "32"/],
      [{ size: [8] }, /for size but received \[8 of type number\] of type array/],
      [{ size: [8, 0] }, /for size\[1\] but received 0/],
      [{ size: 8, channels: 2 }, /Expected 1 or 3 for channels but received 2/],
      [{ size: 8, fit: 'stretch' }, /Expected one of cover, contain, fill for fit/],
      [{ size: 8, labels: 'yes' }, /Expected boolean for labels/],
      [{ size: 8, limit: 0 }, /for limit but received 0/],
      [{ size: 8, concurrency: 0 }, /for concurrency but received 0/],
      [{ size: 8, resize: 8 }, /Unknown option "resize" in options/],
      [{ size: 8, Channels: 3 }, /Unknown option "Channels" in options: did you mean "channels"\?/],
    ];
    for (const [opts, re] of bad) await rejects(imageFolder(at('exact', 'rgb'), opts as never), re);
    await rejects(imageFolder(at('exact', 'rgb'), undefined as never), /options object with size/);
    await rejects(imageFolder(42 as never, { size: 8 }), /Expected folder path for dir but received 42/);
  });
});

describe('fromUint8', () => {
  it('wraps in-memory images and copies labels', () => {
    const px = Uint8Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    const s = fromUint8(px, [2, 3, 4, 5], [1, 0]);
    expect(s.shape).toEqual([3, 4, 5]);
    expect(s.length).toBe(2);
    expect(s.images).toBe(px);
    expect(s.labels).toEqual(Int32Array.from([1, 0]));
    expect(s.source).toBe('memory');
    expect(fromUint8(px, [2, 3, 4, 5]).labels).toBeNull();
    const sub = selectItems(s, [1]);
    expect(Array.from(sub.images)).toEqual(Array.from(px.subarray(60)));
    expect(Array.from(sub.labels!)).toEqual([0]);
  });

  it('rejects wrong types, shapes, lengths and labels', () => {
    const px = new Uint8Array(24);
    expect(() => fromUint8(new Float32Array(24) as never, [1, 1, 4, 6])).toThrow(/Expected Uint8Array for images but received Float32Array\(24\)/);
    expect(() => fromUint8(px, [1, 4, 6] as never)).toThrow(/\[N, C, H, W\] array of 4 integers for shape/);
    expect(() => fromUint8(px, [1, 0, 4, 6])).toThrow(/for shape\[1\] but received 0/);
    expect(() => fromUint8(px, [2, 1, 4, 6])).toThrow(/length N·C·H·W = 48 for shape \[2, 1, 4, 6\] for images but received Uint8Array\(24\)/);
    expect(() => fromUint8(px, [2, 1, 3, 4], [0])).toThrow(/2 labels \(one per image\) for labels/);
    expect(() => fromUint8(px, [2, 1, 3, 4], [0, -1])).toThrow(/for labels\[1\] but received -1/);
    expect(() => fromUint8(px, [2, 1, 3, 4], 'ab' as never)).toThrow(/array of 2 integers for labels/);
  });
});

describe('resolveData with image folders', () => {
  it('uses train/ and test/ subfolders as the splits, at size 32 by default', async () => {
    const d = await resolveData(at('splits'));
    expect(d.train.shape).toEqual([3, 32, 32]);
    expect(d.test.shape).toEqual([3, 32, 32]);
    expect(d.train.length).toBe(8);
    expect(d.test.length).toBe(4);
    expect(Array.from(d.train.labels!)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(d.test.labels!)).toEqual([0, 0, 1, 1]);
    expect(d.description).toMatch(/image folder .*splits \(train\/, test\/\): 3×32×32, 2 classes \(ant, bee\): 8 train \/ 4 test images/);
    const small = await resolveData(at('splits'), 2, { size: 16 });
    expect(small.train.shape).toEqual([3, 16, 16]);
    expect(Array.from(small.train.labels!)).toEqual([0, 1]);
  });

  it('maps a test split with fewer classes onto the training class indices', async () => {
    const d = await resolveData(at('beeonly'), undefined, { size: 8 });
    expect((d.test as { classes?: string[] }).classes).toEqual(['ant', 'bee']);
    expect(Array.from(d.test.labels!)).toEqual([1]);
    await rejects(resolveData(at('extra'), undefined, { size: 8 }), /extra\/test: class folder cow not in .*extra\/train \(the test classes must be among the training classes\)/);
  });

  it('holds out a seeded stratified 10% of a flat labelled folder', async () => {
    const d = await resolveData(at('flat'));
    expect(d.train.length).toBe(18);
    expect(d.test.length).toBe(2);
    expect(d.train.shape).toEqual([1, 32, 32]);
    expect(Array.from(d.test.labels!)).toEqual([0, 1]);
    const files = (s: unknown) => (s as { files: string[] }).files;
    expect(new Set([...files(d.train), ...files(d.test)]).size).toBe(20);
    expect(d.description).toMatch(/18 train \/ 2 test images \(test: seeded 10% held out per class\)/);
    const again = await resolveData(at('flat'));
    expect(files(again.test)).toEqual(files(d.test));
    // The held-out images' pixels are the ones of their files.
    const all = await imageFolder(at('flat'), { size: 32 });
    const j = all.files.indexOf(files(d.test)[0]);
    expect(Array.from(d.test.images.subarray(0, 1024))).toEqual(Array.from(all.images.subarray(j * 1024, (j + 1) * 1024)));
  });

  it('keeps Fashion-MNIST IDX folders as before; bad folders fail clearly', async () => {
    const f = await resolveData(EMBEDDED_FASHION_MNIST, 10);
    expect(f.train.shape).toEqual([1, 28, 28]);
    expect(f.train.length).toBe(10);
    expect(f.description).toMatch(/Fashion-MNIST IDX files/);
    await rejects(resolveData(at('missing')), /missing: data folder does not exist/);
    await rejects(resolveData(at('afile')), /afile: --data is not a folder/);
    await rejects(resolveData(at('empty')), /empty: image folder has no images/);
    await rejects(resolveData(at('single')), /single: 1 image is too few to hold out a test split/);
    await rejects(resolveData(at('corrupt')), /corrupt\/b\.png: cannot decode image/);
  });
});
