// The evaluation protocols on clips: features of (b, C, T, H, W) items, a linear probe on the
// direction-of-motion label after a brief temporal-reconstruction training next to the same
// encoder at random init (both read direction well above the majority rate: 3-D convolutions
// respond to motion even untrained; training briefly does not have to beat them), the class label,
// raw pixels and fine-tuning on clips, and the errors.
import { describe, expect, it } from 'vitest';
import { Loader } from '../../lib/data/loader.js';
import { withClipLabels } from '../../lib/data/moving-mnist.js';
import { evaluateClipProbe } from '../../lib/eval/clip-probe.js';
import { extractFeatures, rawPixels } from '../../lib/eval/features.js';
import { fineTune } from '../../lib/eval/finetune.js';
import { AdamW } from '../../lib/optim/adamw.js';
import { Generator, manualSeed } from '../../lib/random.js';
import { TemporalReconstruction } from '../../lib/tasks/temporal.js';
import { caught } from '../helpers.js';
import { tinyClips, tinyEncoder } from '../tasks/clips.js';

describe('probes on clips', () => {
  const train = tinyClips(256, 5), test = tinyClips(256, 6);

  it('direction probe: a briefly trained encoder and the random-init row both beat the majority rate', () => {
    manualSeed(0);
    const random = new TemporalReconstruction({ encoder: tinyEncoder([8, 16, 16]), decoderWidth: 8 });
    const before = evaluateClipProbe(random.encoder, train, test, 'direction');
    manualSeed(0);
    const task = new TemporalReconstruction({ encoder: tinyEncoder([8, 16, 16]), decoderWidth: 8 });
    const opt = new AdamW(task.model.parameters(), { lr: 5e-3 });
    const loader = new Loader(tinyClips(64, 1), { batchSize: 16, seed: 1, dropLast: true });
    for (let e = 0, s = 0; e < 5; e++)
      for (const b of loader.epoch(e)) {
        opt.zeroGrad();
        task.loss(b, { step: s, epoch: e, totalSteps: 20, generator: new Generator(100 + s++) }).backward();
        opt.step();
      }
    const after = evaluateClipProbe(task.encoder, train, test, 'direction');
    expect(after.labels).toBe('direction');
    expect(after.model.numClasses).toBe(8);
    expect(after.majority).toBeLessThan(0.2);
    expect(before.accuracy).toBeGreaterThan(after.majority + 0.08);
    expect(after.accuracy).toBeGreaterThan(after.majority + 0.08);
    const cls = evaluateClipProbe(task.encoder, train, test, 'class');
    expect(cls.labels).toBe('class');
    expect(cls.accuracy).toBeGreaterThan(cls.majority);
  });

  it('features, raw pixels and fine-tuning take clip items; errors are named', () => {
    const enc = tinyEncoder([4, 4, 8]);
    const f = extractFeatures(enc, train, { indices: [0, 5, 9] });
    expect(f.dim).toBe(8);
    expect(f.features.length).toBe(24);
    expect(Array.from(f.labels!)).toEqual([0, 5, 9].map((i) => train.labels![i]));
    expect(rawPixels(train, { indices: [1] }).dim).toBe(6 * 16 * 16);
    const small = withClipLabels(tinyClips(32, 8), 'direction'), smallTest = withClipLabels(tinyClips(16, 9), 'direction');
    for (const mode of ['last-layer', 'end-to-end'] as const) {
      const r = fineTune(enc, small, smallTest, { mode, epochs: 1, batchSize: 8, numClasses: 8 });
      expect(r.predictions.length).toBe(16);
      expect(Number.isFinite(r.epochLosses[0])).toBe(true);
    }
    expect(caught(() => extractFeatures(enc, { ...train, shape: [] })).message).toMatch(/\[C, T, H, W\] clips.*for set/);
    expect(caught(() => evaluateClipProbe(enc, train, test, 'speed' as never)).message).toMatch(/class, direction for labels/);
    expect(caught(() => evaluateClipProbe(enc, { ...train, labelsBy: undefined } as never, test)).message).toMatch(/labelsBy/);
    expect(caught(() => evaluateClipProbe({} as never, train, test)).message).toMatch(/for encoder/);
  });
});
