// Moving-MNIST clips: same options give the same bytes (another seed does not); every frame of a
// one-object clip is the source item shifted (so it is wholly inside the frame, pixel for pixel);
// its centroid moves by the drawn velocity (within the rounding of two positions) on every step
// without a bounce, and a bounce flips that component's sign at the wall; two objects combine by
// max; labels, directions and bad options.
import { describe, expect, it } from 'vitest';
import { fashionMnist, type ImageSet } from '../../lib/data/fashion-mnist.js';
import { directionBin, movingMnist, reflect, withClipLabels } from '../../lib/data/moving-mnist.js';
import { caught } from '../helpers.js';

const fm = fashionMnist({ split: 'test' });
const src: ImageSet = { ...fm, images: fm.images.subarray(0, 50 * 784), labels: fm.labels!.subarray(0, 50), length: 50 };

// Intensity-weighted centroid (x, y) of frame t of clip n (1 channel).
function centroid(images: Uint8Array, n: number, t: number, T: number, S: number): [number, number] {
  let m = 0, sx = 0, sy = 0;
  const off = (n * T + t) * S * S;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const v = images[off + y * S + x];
    m += v; sx += v * x; sy += v * y;
  }
  return [sx / m, sy / m];
}

describe('movingMnist', () => {
  it('is deterministic per seed and has the documented shape, labels and source', () => {
    const a = movingMnist(src, { count: 20, frames: 6, size: 48, seed: 7 });
    const b = movingMnist(src, { count: 20, frames: 6, size: 48, seed: 7 });
    const c = movingMnist(src, { count: 20, frames: 6, size: 48, seed: 8 });
    expect(a.shape).toEqual([1, 6, 48, 48]);
    expect(a.images.length).toBe(20 * 6 * 48 * 48);
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).toBe(true);
    expect(Buffer.from(a.images).equals(Buffer.from(c.images))).toBe(false);
    expect(a.motion.objects).toBe(2); // the original's default
    // The class label is the first object's source item's; directions agree with its velocity.
    for (let n = 0; n < 20; n++) {
      expect(a.labels![n]).toBe(src.labels![a.motion.items[2 * n]]);
      expect(a.labelsBy.direction[n]).toBe(directionBin(a.motion.velocity[4 * n], a.motion.velocity[4 * n + 1]));
    }
    expect(a.labelsBy.class).toBe(a.labels);
    expect(a.directions).toBe(a.labelsBy.direction);
    expect(withClipLabels(a, 'direction').labels).toBe(a.directions);
    expect(a.source).toMatch(/moving-mnist\(.*20 clips, 6 frames, 48x48, 2 objects/);
  });

  it('moves one object rigidly inside the frame with constant velocity between bounces', () => {
    const T = 24, S = 40, set = movingMnist(src, { count: 12, frames: T, size: S, objects: 1, seed: 3, speed: [3, 6] });
    const L = S - 28;
    let bounces = 0, straight = 0;
    for (let n = 0; n < set.length; n++) {
      const item = src.images.subarray(set.motion.items[n] * 784, (set.motion.items[n] + 1) * 784);
      const v = [set.motion.velocity[2 * n], set.motion.velocity[2 * n + 1]];
      const c = Array.from({ length: T }, (_, t) => centroid(set.images, n, t, T, S));
      for (let t = 0; t < T; t++) {
        const x = set.motion.corners[(n * T + t) * 2], y = set.motion.corners[(n * T + t) * 2 + 1];
        // Inside the frame, and the frame is exactly the item at (x, y) on black.
        expect(x >= 0 && x <= L && y >= 0 && y <= L).toBe(true);
        const frame = set.images.subarray((n * T + t) * S * S, (n * T + t + 1) * S * S);
        let mismatches = 0, sum = 0;
        for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) {
          const inside = i >= y && i < y + 28 && j >= x && j < x + 28;
          if (frame[i * S + j] !== (inside ? item[(i - y) * 28 + (j - x)] : 0)) mismatches++;
          sum += frame[i * S + j];
        }
        expect(mismatches).toBe(0);
        expect(sum).toBe(item.reduce((a, b) => a + b, 0)); // nothing clipped at the edges
      }
      // Per axis, from the exact start: while the straight-line step stays inside [0, L] the
      // centroid moves by v (± 1 for rounding both ends); a step that would leave it is a bounce,
      // after which the motion along that axis goes the other way, and the drawn corner is always
      // the tracked position rounded.
      for (let axis = 0; axis < 2; axis++) {
        let dir = Math.sign(v[axis]), pos = set.motion.start[2 * n + axis];
        const speed = Math.abs(v[axis]);
        for (let t = 0; t + 1 < T; t++) {
          const d = c[t + 1][axis] - c[t][axis];
          let next = pos + dir * speed;
          if (next >= 0 && next <= L) {
            expect(Math.abs(d - dir * speed), `clip ${n} axis ${axis} step ${t}`).toBeLessThanOrEqual(1 + 1e-9);
            straight++;
          } else {
            bounces++;
            next = next < 0 ? -next : 2 * L - next;
            dir = -dir;
            expect(Math.abs(d), 'a bounce step is no longer than the speed').toBeLessThanOrEqual(speed + 1);
          }
          pos = next;
          expect(Math.abs(set.motion.corners[(n * T + t + 1) * 2 + axis] - pos), `clip ${n} axis ${axis} step ${t}`).toBeLessThanOrEqual(0.5 + 1e-6);
        }
      }
    }
    expect(bounces).toBeGreaterThan(10);
    expect(straight).toBeGreaterThan(200);
  });

  it('reflect folds a straight line into [0, L]; directionBin follows the compass', () => {
    expect([-3, 0, 4, 10, 13, 20, 23, 31].map((p) => reflect(p, 10))).toEqual([3, 0, 4, 10, 7, 0, 3, 9]);
    expect(reflect(5, 0)).toBe(0);
    expect([[1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [-1, 1], [0, 1], [1, 1]].map(([x, y]) => directionBin(x, y))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('combines two objects with max', () => {
    const T = 3, S = 30;
    const set = movingMnist(src, { count: 6, frames: T, size: S, objects: 2, seed: 1 });
    for (let n = 0; n < 6; n++) for (let t = 0; t < T; t++) {
      const want = new Uint8Array(S * S);
      for (let k = 0; k < 2; k++) {
        const j = n * 2 + k, item = set.motion.items[j];
        const x = set.motion.corners[(j * T + t) * 2], y = set.motion.corners[(j * T + t) * 2 + 1];
        for (let i = 0; i < 28; i++) for (let q = 0; q < 28; q++)
          want[(y + i) * S + x + q] = Math.max(want[(y + i) * S + x + q], src.images[item * 784 + i * 28 + q]);
      }
      expect(Buffer.from(set.images.subarray((n * T + t) * S * S, (n * T + t + 1) * S * S)).equals(Buffer.from(want))).toBe(true);
    }
  });

  it('unlabelled sources give direction labels only; bad options are named', () => {
    const set = movingMnist({ ...src, labels: null }, { count: 4, frames: 2, size: 28 });
    expect(set.labels).toBeNull();
    expect(set.labelsBy.class).toBeNull();
    expect(caught(() => withClipLabels(set, 'class')).message).toMatch(/only direction.*for labels/);
    expect(caught(() => withClipLabels(set, 'speed' as never)).message).toMatch(/one of class, direction/);
    expect(caught(() => movingMnist(src, { count: 0 })).message).toMatch(/count/);
    expect(caught(() => movingMnist(src, { count: 2, frames: 1 })).message).toMatch(/frames/);
    expect(caught(() => movingMnist(src, { count: 2, size: 27 })).message).toMatch(/source's side 28.*for size/);
    expect(caught(() => movingMnist(src, { count: 2, objects: 3 as never })).message).toMatch(/1 or 2 for objects/);
    expect(caught(() => movingMnist(src, { count: 2, speed: [3, 1] })).message).toMatch(/min <= max for speed/);
    expect(caught(() => movingMnist(src, { count: 2, speed: -1 })).message).toMatch(/speed/);
    expect(caught(() => movingMnist(src, { count: 2, sped: 1 } as never)).message).toMatch(/Unknown option "sped"/);
    expect(caught(() => movingMnist({} as never, { count: 2 })).message).toMatch(/source/);
    expect(caught(() => movingMnist(src, undefined as never)).message).toMatch(/options/);
  });
});
