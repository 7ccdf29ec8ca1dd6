// Few-label subsets and held-out splits: per-class counts, determinism, nesting, errors.
import { describe, expect, it } from 'vitest';
import { fashionMnist } from '../../lib/data/fashion-mnist.js';
import { stratifiedSplit, stratifiedSubset } from '../../lib/eval/index.js';

function perClass(labels: Int32Array, idx: Int32Array, C: number): number[] {
  const c = new Array<number>(C).fill(0);
  for (const i of idx) c[labels[i]]++;
  return c;
}

describe('stratifiedSubset', () => {
  const labels = fashionMnist({ split: 'train' }).labels!;
  const full = perClass(labels, Int32Array.from(labels.keys()), 10);

  it('takes round(fraction × count) per class, at least one, sorted and distinct', () => {
    for (const f of [0.01, 0.1, 1]) {
      const idx = stratifiedSubset(labels, f, 0);
      expect(perClass(labels, idx, 10)).toEqual(full.map((n) => Math.max(1, Math.round(f * n))));
      expect(idx.every((v, i) => i === 0 || v > idx[i - 1])).toBe(true);
    }
    expect(stratifiedSubset(labels, 1).length).toBe(labels.length);
    // A tiny fraction still keeps one per class; uneven counts round per class.
    const y = Int32Array.from([0, 0, 0, 1, 2, 2, 2, 2, 2, 2]);
    expect(perClass(y, stratifiedSubset(y, 1e-6), 3)).toEqual([1, 1, 1]);
    expect(perClass(y, stratifiedSubset(y, 0.5), 3)).toEqual([2, 1, 3]);
  });

  it('is deterministic in the seed, and the 1% subset lies inside the 10% one', () => {
    const a = stratifiedSubset(labels, 0.1, 7);
    expect(Array.from(stratifiedSubset(labels, 0.1, 7))).toEqual(Array.from(a));
    expect(Array.from(stratifiedSubset(labels, 0.1, 8))).not.toEqual(Array.from(a));
    const small = new Set(stratifiedSubset(labels, 0.01, 7));
    const inside = a.filter((i) => small.has(i));
    expect(inside.length).toBe(small.size);
  });

  it('rejects bad input', () => {
    expect(() => stratifiedSubset(labels, 0)).toThrow(/fraction/);
    expect(() => stratifiedSubset(labels, 1.5)).toThrow(/fraction/);
    expect(() => stratifiedSubset(labels, Number.NaN)).toThrow(/fraction/);
    expect(() => stratifiedSubset(new Int32Array(0), 0.1)).toThrow(/labels/);
    expect(() => stratifiedSubset([0, -1], 0.5)).toThrow(/labels\[1\]/);
    expect(() => stratifiedSubset(labels, 0.1, 0.5)).toThrow(/seed/);
  });
});

describe('stratifiedSplit', () => {
  it('holds out round(f × count) per class but never a class\'s last item', () => {
    const y = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2]);
    const { train, val } = stratifiedSplit(y, 0.2, 1);
    expect(perClass(y, val, 3)).toEqual([2, 0, 1]);
    expect(perClass(y, train, 3)).toEqual([8, 1, 1]);
    expect([...train, ...val].sort((a, b) => a - b)).toEqual(Array.from(y.keys()));
    expect(() => stratifiedSplit(y, 1)).toThrow(/valFraction/);
  });
});
