// Contrastive losses: the fused InfoNCE kernel against its double-precision reference (loss and
// gradient, several temperatures down to 0.05, arbitrary positives, every ISA), NT-Xent and BYOL
// against PyTorch fixtures, and their autograd gradients against finite differences.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { byolLoss, infoNce, ntXent } from '../../lib/ops/contrastive.js';
import { Tensor, noGrad } from '../../lib/tensor/tensor.js';
import { expectClose, fixture, forEachIsa, numericGrad, randomArray } from '../helpers.js';

describe('InfoNCE kernel vs reference', () => {
  for (const [R, D, T] of [[2, 1, 0.5], [8, 3, 0.5], [24, 16, 0.1], [64, 33, 0.05], [130, 128, 0.2]] as const) {
    it(`R${R} D${D} T${T}`, () => {
      const nb = native();
      forEachIsa((isa) => {
        const z = randomArray(R * D, R + D);
        const pos = Int32Array.from({ length: R }, (_, i) => (i + R / 2) % R === i ? (i + 1) % R : Math.floor(i + R / 2) % R);
        const g = new Float32Array(R * D), gr = new Float32Array(R * D);
        const loss = nb.infoNce(g, z, pos, R, D, T), lossRef = nb.ref.infoNce(gr, z, pos, R, D, T);
        expect(Math.abs(loss - lossRef), `${isa} loss`).toBeLessThan(2e-5 * Math.max(1, Math.abs(lossRef)));
        const scale = Math.max(...Array.from(gr, Math.abs));
        expectClose(g, gr, 1e-3, 1e-4 * scale, `${isa} dz`);
      });
    });
  }
  it('is finite for nearly identical rows at T = 0.05', () => {
    const z = new Float32Array(8 * 4).fill(1);
    z[0] = 1.001;
    const g = new Float32Array(z.length);
    const loss = native().infoNce(g, z, Int32Array.from([4, 5, 6, 7, 0, 1, 2, 3]), 8, 4, 0.05);
    expect(Number.isFinite(loss)).toBe(true);
    expect(g.every(Number.isFinite)).toBe(true);
  });
});

describe('NT-Xent and BYOL vs PyTorch', () => {
  const f = fixture('contrastive');
  for (const tag of ['t05', 't005']) {
    it(`NT-Xent at T = ${f.meta[`temperature_${tag}`]}`, () => {
      const z1 = new Tensor(f.f32('z1').slice(), f.shape('z1'), true), z2 = new Tensor(f.f32('z2').slice(), f.shape('z2'), true);
      const loss = ntXent(z1, z2, Number(f.meta[`temperature_${tag}`]));
      expect(Math.abs(loss.item() - f.f32(`loss_${tag}`)[0])).toBeLessThan(1e-5 * Math.max(1, f.f32(`loss_${tag}`)[0]));
      loss.backward();
      expectClose(z1.grad!, f.f32(`gz1_${tag}`), 1e-3, 1e-6, 'gz1');
      expectClose(z2.grad!, f.f32(`gz2_${tag}`), 1e-3, 1e-6, 'gz2');
    });
  }
  it('BYOL loss', () => {
    const p = new Tensor(f.f32('p').slice(), f.shape('p'), true), t = new Tensor(f.f32('t').slice(), f.shape('t'));
    const loss = byolLoss(p, t);
    expect(Math.abs(loss.item() - f.f32('loss_byol')[0])).toBeLessThan(1e-5);
    loss.backward();
    expectClose(p.grad!, f.f32('gp_byol'), 1e-4, 1e-6, 'gp');
  });
});

describe('contrastive gradients vs finite differences', () => {
  it('infoNce with arbitrary positives, scaled upstream gradient', () => {
    const z = new Tensor(randomArray(10 * 4, 3), [10, 4], true);
    const pos = [3, 0, 9, 1, 2, 8, 4, 5, 6, 7];
    const loss = infoNce(z, pos, 0.3);
    loss.backward(new Float32Array([2.5]));
    const num = numericGrad(() => 2.5 * noGrad(() => infoNce(new Tensor(z.data, [10, 4]), pos, 0.3).item()), z.data, 1e-2);
    expectClose(z.grad!, num, 2e-2, 2e-3, 'dz');
  });
  it('byolLoss', () => {
    const p = new Tensor(randomArray(5 * 6, 4), [5, 6], true), t = new Tensor(randomArray(5 * 6, 5), [5, 6]);
    byolLoss(p, t).backward();
    const num = numericGrad(() => noGrad(() => byolLoss(new Tensor(p.data, [5, 6]), t).item()), p.data, 1e-2);
    expectClose(p.grad!, num, 2e-2, 2e-3, 'dp');
  });
  it('rejects bad arguments before the addon', () => {
    const z = new Tensor(new Float32Array(8), [4, 2]);
    expect(() => infoNce(z, [1, 0, 3, 3], 0.5)).toThrow(/pos\[3\]/);
    expect(() => infoNce(z, [1, 0, 3], 0.5)).toThrow(/pos/);
    expect(() => infoNce(z, [1, 0, 3, 2], 0)).toThrow(RangeError);
    expect(() => ntXent(z, new Tensor(new Float32Array(6), [3, 2]))).toThrow(/z2/);
    expect(() => byolLoss(z, new Tensor(new Float32Array(6), [2, 3]))).toThrow(/\bt\b/);
  });
});
