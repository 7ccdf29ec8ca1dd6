// The seeded loader: every item exactly once per epoch (and drop-last drops only the tail),
// orders reproducible from (seed, epoch) and different across epochs and seeds, batches carry the
// right pixels and labels, resume-from-batch yields the remaining batches.
import { describe, expect, it } from 'vitest';
import { Loader } from '../../lib/data/loader.js';
import type { ImageSet } from '../../lib/data/fashion-mnist.js';

function set(n: number): ImageSet {
  const images = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) images.fill(i % 256, i * 4, i * 4 + 4);
  return { images, labels: Int32Array.from({ length: n }, (_, i) => i % 7), shape: [1, 2, 2], length: n, source: 'test' };
}

describe('Loader', () => {
  it('visits every item exactly once per epoch', () => {
    const l = new Loader(set(103), { batchSize: 10, seed: 4 });
    expect(l.batchesPerEpoch()).toBe(11);
    for (const epoch of [0, 1, 5]) {
      const seen = [...l.epoch(epoch)].flatMap((b) => Array.from(b.indices));
      expect(seen.length).toBe(103);
      expect([...seen].sort((a, b) => a - b)).toEqual([...Array(103).keys()]);
    }
  });
  it('drop-last drops only the incomplete tail batch', () => {
    const l = new Loader(set(103), { batchSize: 10, seed: 4, dropLast: true });
    const batches = [...l.epoch(0)];
    expect(batches.length).toBe(10);
    expect(batches.every((b) => b.shape[0] === 10)).toBe(true);
    expect(new Set(batches.flatMap((b) => Array.from(b.indices))).size).toBe(100);
  });
  it('orders are reproducible per (seed, epoch) and differ across epochs and seeds', () => {
    const a = new Loader(set(50), { batchSize: 8, seed: 1 }), b = new Loader(set(50), { batchSize: 8, seed: 1 });
    expect(Array.from(a.order(3))).toEqual(Array.from(b.order(3)));
    expect(Array.from(a.order(3))).not.toEqual(Array.from(a.order(4)));
    expect(Array.from(a.order(3))).not.toEqual(Array.from(new Loader(set(50), { batchSize: 8, seed: 2 }).order(3)));
    expect(Array.from(new Loader(set(50), { batchSize: 8, shuffle: false }).order(0))).toEqual([...Array(50).keys()]);
  });
  it('batches carry the pixels and labels of their indices; resuming from a batch continues the epoch', () => {
    const l = new Loader(set(30), { batchSize: 7, seed: 9 });
    const all = [...l.epoch(2)];
    for (const b of all)
      b.indices.forEach((idx, i) => {
        expect(b.images[i * 4]).toBe(idx % 256);
        expect(b.labels![i]).toBe(idx % 7);
      });
    const rest = [...l.epoch(2, 2)];
    expect(rest.map((b) => Array.from(b.indices))).toEqual(all.slice(2).map((b) => Array.from(b.indices)));
  });
  it('rejects bad options', () => {
    expect(() => new Loader(set(10), { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new Loader(set(10), { batchSize: 20, dropLast: true })).toThrow(/batchSize/);
    expect(() => new Loader(set(10), { batchSize: 2, shufle: true } as never)).toThrow(/Unknown option "shufle"/);
  });
});
