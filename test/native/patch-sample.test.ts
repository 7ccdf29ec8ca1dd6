// Native pretext sampling (relative position, jigsaw, rotations) against TypeScript references:
// every output patch is recomputed from the image and the positions the kernel recorded; the
// recorded positions are checked against the grid the label implies; same pixels at 1 and 2
// threads; the permutation set's defining properties.
import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { jigsawPermutations, minimumHammingDistance } from '../../lib/pretext/permutations.js';
import { jigsawTiles, relativePositionPatches, rotations } from '../../lib/pretext/patches.js';
import { Generator } from '../../lib/random.js';
import { setNumThreads } from '../../lib/runtime.js';
import type { Batch } from '../../lib/tasks/task.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { caught, expectClose, randomArray } from '../helpers.js';

const REC = 30;

function makeBatch(N: number, C: number, H: number, W: number, seed = 1): Batch {
  const images = new Uint8Array(N * C * H * W);
  let s = seed;
  for (let i = 0; i < images.length; i++) { s = (s * 1103515245 + 12345) >>> 0; images[i] = (s >>> 16) & 255; }
  return { images, shape: [N, C, H, W], indices: Int32Array.from({ length: N }, (_, i) => i), labels: null };
}

// The patch at (x, y) of image n, per-channel standardized (std floored at 1/255), optionally gray.
function referencePatch(b: Batch, n: number, x: number, y: number, P: number, gray: boolean): Float64Array[] {
  const [, C, H, W] = b.shape;
  const ch = Array.from({ length: C }, (_, c) => {
    const v = new Float64Array(P * P);
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) {
      if (x + j < 0 || y + i < 0 || x + j >= W || y + i >= H) throw new Error(`patch outside the image at (${x}, ${y})`);
      v[i * P + j] = Math.fround(b.images[((n * C + c) * H + y + i) * W + x + j] * Math.fround(1 / 255));
    }
    return v;
  });
  if (gray && C === 3) {
    const g = ch[0].map((_, p) => Math.fround(Math.fround(Math.fround(0.299 * ch[0][p]) + Math.fround(0.587 * ch[1][p])) + Math.fround(0.114 * ch[2][p])));
    ch[0] = g; ch[1] = g.slice(); ch[2] = g.slice();
  }
  return ch.map((v) => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    return v.map((a) => (a - mean) / Math.max(sd, 1 / 255));
  });
}

function checkPatches(b: Batch, out: Float32Array, rec: Float32Array, k: number, P: number, aberration: 'none' | 'drop' | 'gray'): void {
  const [N, C] = b.shape;
  const per = C * P * P;
  for (let n = 0; n < N; n++)
    for (let t = 0; t < k; t++) {
      const r = rec.subarray(n * REC + 3 + 3 * t);
      const ref = referencePatch(b, n, r[0], r[1], P, aberration === 'gray');
      const kept = r[2];
      if (aberration === 'drop' && C === 3) expect(kept === 0 || kept === 1 || kept === 2).toBe(true);
      else expect(kept).toBe(-1);
      for (let c = 0; c < C; c++) {
        const got = out.subarray((n * k + t) * per + c * P * P, (n * k + t) * per + (c + 1) * P * P);
        if (kept === -1 || c === kept) expectClose(got, ref[c], 1e-4, 1e-4, `sample ${n} patch ${t} channel ${c}`);
        else {
          const sd = Math.sqrt(got.reduce((a, v) => a + v * v, 0) / got.length);
          expect(sd).toBeGreaterThan(0.005);
          expect(sd).toBeLessThan(0.02); // noise of std 0.01 replaces the dropped channel
        }
      }
    }
}

afterEach(() => setNumThreads(2));

describe('relative position patches', () => {
  for (const [C, P, G, J, ab] of [[1, 8, 1, 1, 'none'], [3, 6, 2, 2, 'drop'], [3, 5, 0, 0, 'gray'], [3, 7, 3, 1, 'none']] as const)
    it(`C${C} patch ${P} gap ${G} jitter ${J} aberration ${ab}: pixels and geometry`, () => {
      const H = 3 * P + 2 * G + 2 * J + 3, W = H + 2;
      const b = makeBatch(40, C, H, W, C + P);
      const rec = new Float32Array(40 * REC);
      const { patches, labels } = relativePositionPatches(b, new Generator(5), { patch: P, gap: G, jitter: J, aberration: ab }, rec);
      expect(patches.shape).toEqual([80, C, P, P]);
      checkPatches(b, patches.data, rec, 2, P, ab);
      for (let n = 0; n < 40; n++) {
        const r = rec.subarray(n * REC);
        expect(r[0]).toBe(labels[n]);
        const cell = labels[n] < 4 ? labels[n] : labels[n] + 1;
        const dx = r[6] - r[3], dy = r[7] - r[4];
        // neighbour minus centre = the cell offset times (patch + gap), up to both jitters
        expect(Math.abs(dx - ((cell % 3) - 1) * (P + G))).toBeLessThanOrEqual(2 * J);
        expect(Math.abs(dy - (Math.floor(cell / 3) - 1) * (P + G))).toBeLessThanOrEqual(2 * J);
      }
    });

  it('uses every one of the 8 labels and gives the same pixels at 1 and 2 threads', () => {
    const b = makeBatch(300, 1, 28, 28, 3);
    const run = () => relativePositionPatches(b, new Generator(11), { patch: 8, gap: 1, jitter: 1 });
    setNumThreads(1);
    const one = run();
    setNumThreads(2);
    const two = run();
    expect(Array.from(two.patches.data)).toEqual(Array.from(one.patches.data));
    expect(Array.from(two.labels)).toEqual(Array.from(one.labels));
    const counts = new Array(8).fill(0);
    for (const l of one.labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(15);
  });

  it('bad grids and batches are named before the addon sees them', () => {
    const b = makeBatch(2, 1, 28, 28);
    expect(caught(() => relativePositionPatches(b, new Generator(1), { patch: 9, gap: 1, jitter: 1 })).message).toMatch(/3 \* patch \+ 2 \* gap \+ 2 \* jitter = 31.*28x28 image for patch/);
    expect(caught(() => relativePositionPatches(b, new Generator(1), { patch: 0 })).message).toMatch(/patch/);
    expect(caught(() => relativePositionPatches(b, new Generator(1), { patch: 4, aberration: 'blue' as never })).message).toMatch(/aberration/);
    expect(caught(() => relativePositionPatches({ ...b, images: new Uint8Array(5) }, new Generator(1), { patch: 4 })).message).toMatch(/batch.images/);
    expect(caught(() => relativePositionPatches(b, {} as Generator, { patch: 4 })).message).toMatch(/generator/);
  });
});

describe('jigsaw tiles', () => {
  const perms = jigsawPermutations(30);
  for (const [C, P, G, J, ab] of [[1, 6, 2, 1, 'none'], [3, 5, 1, 2, 'drop'], [3, 4, 0, 0, 'gray']] as const)
    it(`C${C} tile ${P} gap ${G} jitter ${J} aberration ${ab}: pixels and the permutation`, () => {
      const H = 3 * P + 2 * G + 2 * J + 1;
      const b = makeBatch(20, C, H, H, 7 + C);
      const rec = new Float32Array(20 * REC);
      const { patches, labels } = jigsawTiles(b, new Generator(9), perms, { patch: P, gap: G, jitter: J, aberration: ab }, rec);
      expect(patches.shape).toEqual([180, C, P, P]);
      checkPatches(b, patches.data, rec, 9, P, ab);
      for (let n = 0; n < 20; n++) {
        const r = rec.subarray(n * REC);
        expect(labels[n]).toBeGreaterThanOrEqual(0);
        expect(labels[n]).toBeLessThan(30);
        for (let t = 0; t < 9; t++) {
          const cell = perms[labels[n] * 9 + t];
          const x = r[3 + 3 * t], y = r[4 + 3 * t];
          expect(Math.abs(x - r[1] - (cell % 3) * (P + G))).toBeLessThanOrEqual(J);
          expect(Math.abs(y - r[2] - Math.floor(cell / 3) * (P + G))).toBeLessThanOrEqual(J);
        }
      }
    });

  it('rejects malformed permutation tables', () => {
    const b = makeBatch(2, 1, 28, 28);
    expect(caught(() => jigsawTiles(b, new Generator(1), new Int32Array(10), { patch: 8 })).message).toMatch(/perms/);
    const bad = jigsawPermutations(2).slice();
    bad[4] = 9;
    expect(caught(() => jigsawTiles(b, new Generator(1), bad, { patch: 8 })).message).toMatch(/perms\[4\]/);
  });
});

describe('jigsaw permutation set', () => {
  it('is deterministic, distinct, starts at the identity and keeps classes far apart', () => {
    const p = jigsawPermutations(100);
    expect(p.length).toBe(900);
    expect(Array.from(p.subarray(0, 9))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const rows = new Set<string>();
    for (let k = 0; k < 100; k++) {
      const row = Array.from(p.subarray(k * 9, k * 9 + 9));
      expect([...row].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      rows.add(row.join(','));
    }
    expect(rows.size).toBe(100);
    // the second permutation moves every tile (distance 9 to the identity)
    expect(p.subarray(9, 18).every((v, t) => v !== t)).toBe(true);
    // greedy max-min over all 9! candidates: 100 classes stay at least 6 of 9 tiles apart
    expect(minimumHammingDistance(p)).toBeGreaterThanOrEqual(6);
    expect(jigsawPermutations(100)).toBe(p); // cached
    expect(caught(() => jigsawPermutations(1)).message).toMatch(/count/);
    expect(caught(() => jigsawPermutations(400000)).message).toMatch(/362880 permutations.*for count/);
  });
});

describe('rotations', () => {
  it('matches torch.rot90 on a 2x2 example and on random 3-channel images', () => {
    const small = rotations(new Tensor(Float32Array.of(1, 2, 3, 4), [1, 1, 2, 2]));
    // torch.rot90([[1,2],[3,4]], k) for k = 0..3
    expect(Array.from(small.patches.data)).toEqual([1, 2, 3, 4, 2, 4, 1, 3, 4, 3, 2, 1, 3, 1, 4, 2]);
    expect(Array.from(small.labels)).toEqual([0, 1, 2, 3]);
    const N = 3, C = 3, S = 5;
    const x = new Tensor(randomArray(N * C * S * S, 4), [N, C, S, S]);
    const { patches } = rotations(x);
    const at = (n: number, c: number, i: number, j: number) => x.data[((n * C + c) * S + i) * S + j];
    for (let n = 0; n < N; n++) for (let r = 0; r < 4; r++) for (let c = 0; c < C; c++)
      for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) {
        // rotate r times by one counter-clockwise quarter: out[i][j] = in[j][S-1-i]
        let ii = i, jj = j;
        for (let k = 0; k < r; k++) [ii, jj] = [jj, S - 1 - ii];
        expect(patches.data[(((4 * n + r) * C + c) * S + i) * S + j]).toBe(at(n, c, ii, jj));
      }
    expect(caught(() => rotations(new Tensor(new Float32Array(6), [1, 1, 2, 3]))).message).toMatch(/square/);
  });
});

describe('native defence', () => {
  it('the addon rejects a grid that does not fit and short buffers', () => {
    const nb = native();
    const img = new Uint8Array(28 * 28);
    expect(caught(() => nb.relativePositionPatches(new Float32Array(2 * 64), new Int32Array(1), null, img, 1, 1, 28, 28, 10, 0, 0, 0, 1, 0)).message)
      .toMatch(/relativePositionPatches.*fit/);
    expect(caught(() => nb.relativePositionPatches(new Float32Array(10), new Int32Array(1), null, img, 1, 1, 28, 28, 8, 0, 0, 0, 1, 0)).message)
      .toMatch(/out to hold at least 128/);
    expect(caught(() => nb.jigsawTiles(new Float32Array(9 * 64), new Int32Array(1), null, img, 1, 1, 28, 28, 8, 0, 0, 0, new Int32Array(9).fill(12), 1, 1, 0)).message)
      .toMatch(/perms\[0\] in \[0, 8\]/);
    expect(caught(() => nb.rotate90Batch(new Float32Array(3), new Float32Array(4), 1, 1, 2)).message).toMatch(/out to hold at least 16/);
  });
});
