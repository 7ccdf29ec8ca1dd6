// A toy Task for the trainer's tests: 4-class classification of generated 1×8×8 images (one bright
// quadrant per class plus noise) by conv → batch norm → dropout → linear, with Gaussian input noise
// drawn from the step's generator, dropout drawing from the global generator, and an EMA of the
// weights kept as extra state (what BYOL's target is), so resume must restore all three sources of
// state exactly.
import type { ImageSet } from '../../lib/data/fashion-mnist.js';
import * as nn from '../../lib/nn/index.js';
import { addScalar, mulScalar, sqrt } from '../../lib/ops/elementwise.js';
import { crossEntropy } from '../../lib/ops/loss.js';
import { manualSeed } from '../../lib/random.js';
import type { Batch, StepContext, Task } from '../../lib/tasks/task.js';
import { Tensor } from '../../lib/tensor/tensor.js';

export function toyImages(n = 256, seed = 7): ImageSet {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const images = new Uint8Array(n * 64), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    labels[i] = c;
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const inQuadrant = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1) === c;
        images[i * 64 + y * 8 + x] = Math.min(255, Math.floor((inQuadrant ? 150 : 30) + rnd() * 100));
      }
  }
  return { images, labels, shape: [1, 8, 8], length: n, source: 'toy' };
}

export interface ToyOptions {
  name?: string;
  hidden?: number;
  nanAtStep?: number;
  infAtStep?: number;
  initSeed?: number;
}

export class ToyTask implements Task {
  readonly name: string;
  readonly encoder: nn.Module;
  readonly model: nn.Module;
  readonly hidden: number;
  readonly ema: Float32Array;
  private readonly head: nn.Linear;
  readonly nanAtStep: number | null;
  readonly infAtStep: number | null;
  afterSteps = 0;

  constructor(o: ToyOptions = {}) {
    manualSeed(o.initSeed ?? 1); // the same initial weights for every run of a test
    this.name = o.name ?? 'toy';
    this.hidden = o.hidden ?? 4;
    this.nanAtStep = o.nanAtStep ?? null;
    this.infAtStep = o.infAtStep ?? null;
    this.encoder = new nn.Sequential(new nn.Conv2d(1, this.hidden, 3, { padding: 1 }), new nn.BatchNorm2d(this.hidden),
      new nn.ReLU(), new nn.Flatten());
    this.head = new nn.Linear(this.hidden * 64, 4);
    this.model = new nn.Sequential(this.encoder, new nn.Dropout(0.1), this.head);
    this.ema = Float32Array.from(this.head.weight.data);
  }

  loss(batch: Batch, ctx: StepContext): Tensor {
    const x = new Float32Array(batch.images.length);
    const noise = ctx.generator.normal(x.length, 0, 0.05);
    for (let i = 0; i < x.length; i++) x[i] = batch.images[i] / 255 + noise[i];
    const loss = crossEntropy(this.model.forward(new Tensor(x, batch.shape)), batch.labels!);
    if (ctx.step === this.nanAtStep) return sqrt(addScalar(mulScalar(loss, 0), -1));
    if (ctx.step === this.infAtStep) return mulScalar(loss, Infinity);
    return loss;
  }

  afterStep(): void {
    this.afterSteps++;
    const w = this.head.weight.data;
    for (let i = 0; i < w.length; i++) this.ema[i] = 0.9 * this.ema[i] + 0.1 * w[i];
  }

  extraState(): Map<string, Float32Array> {
    return new Map([['ema.weight', this.ema]]);
  }

  config(): Record<string, unknown> {
    return { hidden: this.hidden, dropout: 0.1 };
  }
}

// Every parameter and buffer, flattened, to compare runs bitwise.
export function snapshot(task: ToyTask): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [k, v] of task.model.stateDict()) out.set(k, v instanceof Tensor ? Array.from(v.data) : [v.value]);
  out.set('ema', Array.from(task.ema));
  return out;
}
