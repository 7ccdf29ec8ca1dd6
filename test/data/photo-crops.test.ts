// Photo crops: synthetic PNG photos of different sizes and orientations, written with sharp into a
// temporary folder, whose pixels encode where they are (red = x, green = y, blue = photo number),
// so any crop tells which photo and corner it came from. Every photo's shorter side is 80 and so is
// shortSide: no resampling, exact pixels. Checked: crops are the exact region of their photo;
// epochs are reproducible from (seed, epoch) and differ from each other; photos are used evenly;
// the holdout split is disjoint and seeded, its grid crops exact; a Loader prepares each epoch;
// every bad input gives one error naming the option or file. The real photos in
// ../shared/data/photos load when present.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageSet } from '../../lib/data/fashion-mnist.js';
import { Loader } from '../../lib/data/loader.js';
import { gridOrigins, photoCrops } from '../../lib/data/photo-crops.js';
import { packageRoot } from '../../lib/native/loader.js';
import { rejects } from '../helpers.js';

const PHOTOS = path.join(packageRoot, '..', 'shared', 'data', 'photos');
const HAVE_PHOTOS = fs.existsSync(PHOTOS);
if (!HAVE_PHOTOS) console.warn(`skipping the real-photos test: ${PHOTOS} not found`);

// [height, width] of photo k; file names sort in this order (p4 in a subfolder still sorts last).
const SIZES: [number, number][] = [[80, 120], [120, 80], [80, 80], [80, 100], [90, 80]];
const NAMES = ['p0.png', 'p1.png', 'p2.png', 'p3.png', path.join('sub', 'p4.png')];
let root = '';
const at = (...p: string[]) => path.join(root, ...p);

async function writePhoto(file: string, k: number, h: number, w: number): Promise<void> {
  const px = Buffer.alloc(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) px.set([x, y, k], (y * w + x) * 3);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
}

// Which photo and corner crop i of a set came from, after checking every pixel of it.
function locate(set: ImageSet, i: number): { k: number; y: number; x: number } {
  const [C, S] = set.shape;
  const crop = set.images.subarray(i * C * S * S, (i + 1) * C * S * S);
  const x = crop[0], y = crop[S * S], k = crop[2 * S * S];
  const [h, w] = SIZES[k];
  expect(y + S).toBeLessThanOrEqual(h);
  expect(x + S).toBeLessThanOrEqual(w);
  for (let r = 0; r < S; r++)
    for (let c = 0; c < S; c++) {
      const p = r * S + c;
      if (crop[p] !== x + c || crop[S * S + p] !== y + r || crop[2 * S * S + p] !== k)
        throw new Error(`crop ${i} is not the region at (${y}, ${x}) of photo ${k}: pixel (${r}, ${c}) differs`);
    }
  return { k, y, x };
}

const base = { size: 32, shortSide: 80, cropsPerEpoch: 40 } as const;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-photocrops-'));
  await Promise.all(SIZES.map(([h, w], k) => writePhoto(at('photos', NAMES[k]), k, h, w)));
  fs.writeFileSync(at('photos', 'COPYRIGHT'), 'skipped');
  await writePhoto(at('one', 'a.png'), 0, 80, 120);
  await writePhoto(at('corrupt', 'a.png'), 0, 80, 120);
  fs.writeFileSync(at('corrupt', 'b.png'), 'this is not a PNG');
  fs.mkdirSync(at('empty'));
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('photoCrops', () => {
  it('crops are exact S × S regions of the photos, photos used in turn, inside every photo', async () => {
    const { train, test, files } = await photoCrops(at('photos'), { ...base, holdout: 0 });
    expect(files.train.map((f) => path.relative(at('photos'), f))).toEqual(NAMES);
    expect(files.test).toEqual([]);
    expect(test.length).toBe(0);
    expect(train.shape).toEqual([3, 32, 32]);
    expect(train.length).toBe(40);
    expect(train.labels).toBeNull();
    expect(train.images.length).toBe(40 * 3 * 32 * 32);
    expect(train.photos.map((p) => [p.height, p.width])).toEqual(SIZES);
    expect(train.epoch).toBe(0);
    for (let i = 0; i < train.length; i++) expect(locate(train, i).k).toBe(i % 5);
  });

  it('uses every photo evenly and spreads the corners over the valid positions', async () => {
    const { train } = await photoCrops(at('photos'), { ...base, holdout: 0, seed: 5, cropsPerEpoch: 402 });
    const P = train.photos.length;
    expect(P).toBe(5);
    const counts = new Map<number, number>(), xs = new Set<number>(), ys = new Set<number>();
    for (let i = 0; i < train.length; i++) {
      const { k, y, x } = locate(train, i);
      expect(train.photos[i % P].file).toBe(at('photos', NAMES[k]));
      counts.set(k, (counts.get(k) ?? 0) + 1);
      if (k === 0) { xs.add(x); ys.add(y); } // 80 × 120: y in [0, 48], x in [0, 88]
    }
    expect([...counts.values()].sort((x, y) => x - y)).toEqual([80, 80, 80, 81, 81]);
    expect(Math.min(...xs)).toBeLessThan(10);
    expect(Math.max(...xs)).toBeGreaterThan(78);
    expect(xs.size).toBeGreaterThan(40);
    expect(ys.size).toBeGreaterThan(25);
  });

  it('an epoch depends only on (seed, epoch): reproducible, different across epochs and seeds', async () => {
    const a = (await photoCrops(at('photos'), { ...base, seed: 3 })).train;
    const b = (await photoCrops(at('photos'), { ...base, seed: 3 })).train;
    const bytes = (s: { images: Uint8Array }) => Buffer.from(s.images);
    a.prepareEpoch(2);
    const e2 = bytes(a);
    a.prepareEpoch(3);
    const e3 = bytes(a);
    expect(a.epoch).toBe(3);
    expect(e3.equals(e2)).toBe(false);
    b.prepareEpoch(2); // without epochs 0 … 1 before it
    expect(bytes(b).equals(e2)).toBe(true);
    a.prepareEpoch(2);
    expect(bytes(a).equals(e2)).toBe(true);
    const c = (await photoCrops(at('photos'), { ...base, seed: 4 })).train;
    c.prepareEpoch(2);
    expect(bytes(c).equals(e2)).toBe(false);
    expect(() => a.prepareEpoch(-1)).toThrow(/epoch/);
    expect(() => a.prepareEpoch(1.5)).toThrow(/epoch/);
  });

  it('holds out a seeded, disjoint set of photos; its test crops are the fixed grid', async () => {
    const split = async (seed: number, holdout?: number) => (await photoCrops(at('photos'), { ...base, seed, holdout })).files;
    const d = await split(0); // default: max(1, round(10% of 5)) = 1
    expect(d.test.length).toBe(1);
    const s = await split(7, 2);
    expect(s.test.length).toBe(2);
    expect(s.train.length).toBe(3);
    expect(new Set([...s.train, ...s.test]).size).toBe(5);
    expect([...s.train].sort()).toEqual(s.train);
    expect([...s.test].sort()).toEqual(s.test);
    expect(await split(7, 2)).toEqual(s);
    const splits = new Set<string>();
    for (let seed = 0; seed < 8; seed++) splits.add((await split(seed, 2)).test.join());
    expect(splits.size).toBeGreaterThan(1);

    const { test, files } = await photoCrops(at('photos'), { ...base, seed: 7, holdout: 2, testCropsPerPhoto: 5 });
    expect(test.shape).toEqual([3, 32, 32]);
    expect(test.labels).toBeNull();
    expect(test.length).toBe(10);
    files.test.forEach((f, t) => {
      const k = NAMES.findIndex((n) => at('photos', n) === f);
      const [h, w] = SIZES[k];
      const got = Array.from({ length: 5 }, (_, j) => locate(test, t * 5 + j));
      expect(got.map((g) => g.k)).toEqual([k, k, k, k, k]);
      expect(got.map((g) => [g.y, g.x])).toEqual(gridOrigins(h, w, 32, 5));
    });
  });

  it('grid origins span the photo along both sides and stay inside it', () => {
    expect(gridOrigins(80, 120, 32, 1)).toEqual([[24, 44]]);
    const g = gridOrigins(80, 120, 32, 16);
    expect(g.length).toBe(16);
    expect(new Set(g.map(([y]) => y))).toEqual(new Set([0, 16, 32, 48]));
    expect(new Set(g.map(([, x]) => x))).toEqual(new Set([0, 29, 59, 88]));
    const tall = gridOrigins(120, 80, 32, 5); // 3 crops down each of 2 columns, the second column 2
    expect(tall).toEqual([[0, 0], [44, 0], [88, 0], [0, 48], [88, 48]]);
  });

  it('limit, greyscale and upscaling', async () => {
    const l = await photoCrops(at('photos'), { ...base, limit: 3, holdout: 1, seed: 1 });
    expect([...l.files.train, ...l.files.test].sort()).toEqual(NAMES.slice(0, 3).map((n) => at('photos', n)));
    const g = await photoCrops(at('photos'), { ...base, channels: 1, holdout: 0, cropsPerEpoch: 4 });
    expect(g.train.shape).toEqual([1, 32, 32]);
    expect(g.train.images.length).toBe(4 * 32 * 32);
    const up = await photoCrops(at('photos'), { size: 32, shortSide: 160, holdout: 0, cropsPerEpoch: 4 });
    expect(up.train.photos.map((p) => Math.min(p.height, p.width))).toEqual([160, 160, 160, 160, 160]);
    expect(up.train.photos[0]).toMatchObject({ height: 160, width: 240 });
  });

  it('a Loader prepares each epoch: crops differ across epochs, reproducible, resumable', async () => {
    const load = async () => new Loader((await photoCrops(at('photos'), { ...base, seed: 2 })).train, { batchSize: 8, seed: 9 });
    const a = await load(), b = await load();
    const epoch = (l: Loader, e: number, from = 0) => [...l.epoch(e, from)].map((x) => Buffer.from(x.images));
    const a0 = epoch(a, 0), a1 = epoch(a, 1);
    expect(a0.length).toBe(5);
    expect(Buffer.concat(a1).equals(Buffer.concat(a0))).toBe(false);
    const b1 = epoch(b, 1);
    expect(b1.map((x) => x.toString('hex'))).toEqual(a1.map((x) => x.toString('hex')));
    expect(epoch(a, 0).map((x) => x.toString('hex'))).toEqual(a0.map((x) => x.toString('hex')));
    expect(epoch(b, 1, 2).map((x) => x.toString('hex'))).toEqual(a1.slice(2).map((x) => x.toString('hex')));
    // batch() alone reads the epoch last prepared.
    const first = a.batch(a.order(0), 0);
    expect(first.shape).toEqual([8, 3, 32, 32]);
    expect(first.labels).toBeNull();
    expect(Buffer.from(first.images).equals(a0[0])).toBe(true);
  });

  it.skipIf(!HAVE_PHOTOS)(`loads ../shared/data/photos, 3 photos at shortSide 128 (skipped when ${PHOTOS} is absent)`, async () => {
    const { train, test, files } = await photoCrops(PHOTOS, { size: 64, shortSide: 128, limit: 3, cropsPerEpoch: 32 });
    expect(files.train.length + files.test.length).toBe(3);
    expect(files.test.length).toBe(1);
    expect(train.shape).toEqual([3, 64, 64]);
    expect(train.photos.every((p) => Math.min(p.height, p.width) === 128 && Math.max(p.height, p.width) > 128)).toBe(true);
    expect(test.length).toBe(16);
    for (const s of [train, test]) {
      const mean = s.images.reduce((acc, v) => acc + v, 0) / s.images.length;
      expect(mean).toBeGreaterThan(20); // real photographs: not blank, not saturated
      expect(mean).toBeLessThan(235);
    }
  });
});

describe('photoCrops bad input: one error naming the option or file', () => {
  it('rejects bad options', async () => {
    await rejects(photoCrops(at('photos'), { size: 64, shortSide: 32 }), /integer >= size \(64\).* for shortSide but received 32/);
    await rejects(photoCrops(at('photos'), { size: 0 }), /for size/);
    await rejects(photoCrops(at('photos'), { size: 8, channels: 2 as 1 }), /channels/);
    await rejects(photoCrops(at('photos'), { size: 8, cropsPerEpoch: 0 }), /cropsPerEpoch/);
    await rejects(photoCrops(at('photos'), { size: 8, testCropsPerPhoto: 0 }), /testCropsPerPhoto/);
    await rejects(photoCrops(at('photos'), { size: 8, holdout: -1 }), /holdout/);
    await rejects(photoCrops(at('photos'), { size: 8, crops: 4 } as never), /Unknown option "crops"/);
    await rejects(photoCrops(at('photos'), undefined as never), /options object with size/);
  });
  it('rejects a missing or imageless folder, a corrupt file, too few photos for the holdout', async () => {
    await rejects(photoCrops(at('nope'), { size: 8 }), /nope: photo folder does not exist/);
    await rejects(photoCrops(at('empty'), { size: 8 }), /empty: photo folder has no images/);
    await rejects(photoCrops(at('corrupt'), { size: 8, holdout: 0 }), /b\.png: cannot decode image/);
    await rejects(photoCrops(at('photos'), { size: 8, holdout: 5 }), /\[0, 4\] for holdout.*5 photos/);
    await rejects(photoCrops(at('photos'), { size: 8, limit: 2, holdout: 2 }), /holdout.*2 photos/);
    const msg = await rejects(photoCrops(at('one'), { size: 8 }), /holdout.*the only photo of/);
    expect(msg).toMatch(/pass holdout: 0/);
    const ok = await photoCrops(at('one'), { size: 8, holdout: 0, cropsPerEpoch: 2 });
    expect(ok.train.photos.length).toBe(1);
  });
});
