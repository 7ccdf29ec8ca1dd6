// The encoder presets that the README and BENCHMARKS.md describe by size: parameter counts and
// FLOPs against the formula for 3x3 convs without bias, each followed by an affine batch norm,
// and the feature width of a forward pass.
import { describe, expect, it } from 'vitest';
import { ConvEncoder, ENCODER_PRESETS } from '../../lib/nn/encoders.js';
import { zeros } from '../../lib/tensor/create.js';

describe('ConvEncoder presets', () => {
  const expected: Record<string, { params: number; mflop: number; features: number }> = {
    small: { params: 92_896, mflop: 14.9, features: 128 },
    deep: { params: 286_880, mflop: 58.3, features: 128 },
    wide: { params: 434_592, mflop: 72.7, features: 256 },
  };
  for (const [name, spec] of Object.entries(ENCODER_PRESETS)) {
    it(`${name}: parameters, FLOPs and features`, () => {
      const e = new ConvEncoder({ inChannels: 1, ...spec });
      // Independent count: conv weights Cin*Cout*9 + batch-norm scale and shift 2*Cout.
      let cin = 1, params = 0, flops = 0, h = 28;
      spec.widths.forEach((cout, i) => {
        h = Math.floor((h - 1) / (spec.strides?.[i] ?? 1)) + 1;
        params += cin * cout * 9 + 2 * cout;
        flops += 2 * cin * cout * 9 * h * h;
        cin = cout;
      });
      expect(e.numParameters()).toBe(params);
      expect(e.flops(28, 28)).toBe(flops);
      if (expected[name]) {
        expect(params).toBe(expected[name].params);
        expect((flops / 1e6).toFixed(1)).toBe(expected[name].mflop.toFixed(1));
      }
      const y = e.forward(zeros([2, 1, 28, 28]));
      expect(y.shape).toEqual([2, expected[name]?.features ?? cin]);
    });
  }
});
