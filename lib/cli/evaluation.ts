// The evaluation table the CLI prints: each protocol on the pretrained encoder, the same encoder
// architecture at random init, and raw pixels, with the protocol's settings beside each number.
import type { ImageSet } from '../data/fashion-mnist.js';
import { extractFeatures, rawPixels, type FeatureSet } from '../eval/features.js';
import { fineTune } from '../eval/finetune.js';
import { knn } from '../eval/knn.js';
import { linearProbe } from '../eval/linear-probe.js';
import { formatResultsTable, type ResultRow } from '../eval/report.js';
import { stratifiedSubset } from '../eval/subset.js';
import { ConvEncoder } from '../nn/encoders.js';
import { checkOneOf } from '../validate.js';

export type Protocol = 'linear' | 'knn' | 'finetune';

export interface EvalPlan {
  protocols: Protocol[];
  fractions: number[];  // of the training labels, e.g. [0.01, 0.1, 1]
  seed: number;
  finetuneEpochs: number;
}

export function parseProtocols(s: string): Protocol[] {
  return s.split(',').map((p) => checkOneOf('--protocol', p.trim(), ['linear', 'knn', 'finetune'] as const));
}

export function parseFractions(s: string): number[] {
  return s.split(',').map((p) => {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(p.trim());
    const v = m ? Number(m[1]) / 100 : NaN;
    if (!(v > 0 && v <= 1)) throw new RangeError(`Expected --labels like 1%,10%,100% but received "${p}"`);
    return v;
  });
}

function pick(f: FeatureSet, idx: Int32Array): FeatureSet {
  const out = new Float32Array(idx.length * f.dim);
  idx.forEach((r, i) => out.set(f.features.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
  return { features: out, dim: f.dim, labels: f.labels ? Int32Array.from(idx, (r) => f.labels![r]) : null };
}

const pct = (f: number) => `${+(f * 100).toFixed(2)}%`;

export function evaluateEncoders(encoders: { name: string; encoder: ConvEncoder | null }[], train: ImageSet, test: ImageSet,
  plan: EvalPlan, log: (s: string) => void = () => {}): ResultRow[] {
  const rows: ResultRow[] = [];
  if (!train.labels || !test.labels) throw new Error('evaluation needs labelled train and test images');
  for (const { name, encoder } of encoders) {
    log(`features: ${name}`);
    const tr = encoder ? extractFeatures(encoder, train) : rawPixels(train);
    const te = encoder ? extractFeatures(encoder, test) : rawPixels(test);
    for (const fraction of plan.fractions) {
      const idx = fraction >= 1 ? Int32Array.from({ length: train.length }, (_, i) => i) : stratifiedSubset(train.labels, fraction, plan.seed);
      const sub = pick(tr, idx);
      if (plan.protocols.includes('linear')) {
        log(`linear probe: ${name}, ${pct(fraction)} labels`);
        const r = linearProbe(sub.features, sub.labels!, te.features, te.labels!, { seed: plan.seed });
        rows.push({ model: name, protocol: 'linear', accuracy: r.accuracy, labels: pct(fraction), settings: r.settings });
      }
      if (plan.protocols.includes('knn') && idx.length >= 20) {
        const r = knn(sub.features, sub.labels!, te.features, te.labels!, { k: [20] });
        rows.push({ model: name, protocol: 'knn', accuracy: r.results[0].accuracy, labels: pct(fraction), settings: r.settings });
      }
      if (plan.protocols.includes('finetune') && encoder) {
        for (const mode of ['last-layer', 'end-to-end'] as const) {
          log(`fine-tune (${mode}): ${name}, ${pct(fraction)} labels`);
          const r = fineTune(encoder, train, test, { mode, epochs: plan.finetuneEpochs, seed: plan.seed, trainIndices: idx,
            makeEncoder: () => new ConvEncoder(encoder.spec) });
          rows.push({ model: name, protocol: `finetune-${mode}`, accuracy: r.accuracy, labels: pct(fraction), settings: r.settings });
        }
      }
    }
  }
  return rows;
}

export { formatResultsTable };
