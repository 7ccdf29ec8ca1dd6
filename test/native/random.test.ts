// The counter-based generator: same seed -> same numbers at any thread count and any split of the
// draws; moments of uniform and normal draws; generator state round trip.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { Generator } from '../../lib/random.js';

describe('Philox generator', () => {
  it('gives identical draws at 1 and 2 threads and when split into pieces', () => {
    const nb = native();
    const T = nb.getNumThreads();
    const draw = (threads: number) => {
      nb.setNumThreads(threads);
      const g = new Generator(1234);
      return [g.uniform(100_000), g.normal(50_001)];
    };
    const [u1, n1] = draw(1), [u2, n2] = draw(2);
    nb.setNumThreads(T);
    expect(Buffer.compare(Buffer.from(u1.buffer), Buffer.from(u2.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(n1.buffer), Buffer.from(n2.buffer))).toBe(0);
    // Drawing 100,000 as 30,000 + 70,000 gives the same stream.
    const g = new Generator(1234);
    const a = g.uniform(30_000), b = g.uniform(70_000);
    expect(Array.from(a)).toEqual(Array.from(u1.subarray(0, 30_000)));
    expect(Array.from(b.subarray(0, 100))).toEqual(Array.from(u1.subarray(30_000, 30_100)));
  });

  it('has the right moments and differs between seeds', () => {
    const g = new Generator(7);
    const u = g.uniform(200_000), n = g.normal(200_000);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const varOf = (a: Float32Array, m: number) => a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length;
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(varOf(u, mean(u)) - 1 / 12)).toBeLessThan(0.002);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Math.abs(mean(n))).toBeLessThan(0.01);
    expect(Math.abs(varOf(n, mean(n)) - 1)).toBeLessThan(0.02);
    expect(n.every(Number.isFinite)).toBe(true);
    expect(Array.from(new Generator(8).uniform(8))).not.toEqual(Array.from(new Generator(7).uniform(8)));
  });

  it('restores its state exactly, and permutations are permutations', () => {
    const g = new Generator(3);
    g.uniform(10);
    const s = g.state();
    const a = g.normal(16);
    g.setState(s);
    expect(Array.from(g.normal(16))).toEqual(Array.from(a));
    const p = new Generator(5).permutation(1000);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
    expect(Array.from(new Generator(5).permutation(1000))).toEqual(Array.from(p));
  });
});
