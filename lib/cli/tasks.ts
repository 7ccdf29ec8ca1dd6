// The tasks `selfsup pretrain --task NAME` builds, with the defaults chosen for 28x28 grayscale
// Fashion-MNIST and 64x64 photo crops (BENCHMARKS.md has the measurements behind them). Grid
// geometry scales with the image: gap and jitter ~1/28 of the side, the patch filling the rest.
import { intFlag, numberFlag } from './flags.js';
import { Augment } from '../augment/pipeline.js';
import { ConvEncoder, ENCODER_PRESETS } from '../nn/encoders.js';
import type { AberrationMode } from '../pretext/patches.js';
import { BYOL } from '../tasks/byol.js';
import { Colorization, type ColorizationLoss } from '../tasks/colorization.js';
import { Jigsaw } from '../tasks/jigsaw.js';
import { RelativePosition } from '../tasks/relative-position.js';
import { Rotation } from '../tasks/rotation.js';
import { SimCLR } from '../tasks/simclr.js';
import type { Task } from '../tasks/task.js';
import type { OptimizerName } from '../train/options.js';
import { checkOneOf } from '../validate.js';

export const CLI_TASKS = ['simclr', 'byol', 'rotation', 'relative-position', 'jigsaw', 'colorization', 'temporal', 'next-token'] as const;
export type CliTask = (typeof CLI_TASKS)[number];
export type ImageTask = Exclude<CliTask, 'temporal' | 'next-token'>;

export interface TaskFlags {
  encoder: string;
  temperature?: string;
  patch?: string;
  gap?: string;
  jitter?: string;
  permutations?: string;
  aberration?: string;
  loss?: string;
}

// The default SimCLR recipe for 28x28 grayscale images, chosen by measurement on the embedded
// sample (BENCHMARKS.md): crop 0.3-1 (0.08 destroys most of a 28x28 item), flip, 2-pixel shift,
// brightness/contrast jitter 0.4 with p = 0.8; T = 0.2.
export function defaultSimclrAugment(): Augment {
  return new Augment({ crop: { scale: [0.3, 1] }, hflip: 0.5, translate: 2 / 28, colorJitter: { p: 0.8, brightness: 0.4, contrast: 0.4 } });
}

// SimCLR trains with SGD (momentum 0.9, lr 0.1 x B/256) and weight decay 5e-4, the reference
// PyTorch recipe: measured against LARS (0.3 x B/256, wd 1e-6), same everything else, it gave
// 87.5% against 85.2% linear probe on the full Fashion-MNIST (deep encoder, 8 epochs) and 85.4%
// against 81.8% on the embedded sample (BENCHMARKS.md). BYOL takes the same optimizer: on the
// embedded sample (small encoder, 15 epochs, one run each; random init 80.1%), with the BYOL
// paper's views LARS gave 79.3% and SGD 82.5%; with SimCLR's views SGD gave 84.0% (82.0% at lr
// 0.2 x B/256). The classification and dense pretext tasks train with AdamW (LARS at
// 0.3 x B/256 left rotation near chance).
export function defaultOptimizer(task: CliTask): OptimizerName {
  return task === 'simclr' || task === 'byol' ? 'sgd' : 'adamw';
}

// The weight decay a task's default optimizer gets when --weight-decay is not given (undefined:
// the optimizer's own default).
export function defaultWeightDecay(task: CliTask, optimizer: OptimizerName): number | undefined {
  return (task === 'simclr' || task === 'byol') && optimizer === 'sgd' ? 5e-4 : undefined;
}

const num = (name: string, v: string | undefined, dflt: number, min = 0) => (v === undefined ? dflt : intFlag(name, v, min));

export function gridDefaults(side: number): { patch: number; gap: number; jitter: number } {
  const gap = Math.max(1, Math.round((2 * side) / 28)), jitter = Math.max(1, Math.round(side / 28));
  return { patch: Math.floor((side - 2 * gap - 2 * jitter) / 3), gap, jitter };
}

export interface BuiltTask {
  task: Task;
  encoder: ConvEncoder;
  makeEncoder: () => ConvEncoder; // the same architecture, freshly initialized (random-init rows)
}

export function buildTask(name: ImageTask, shape: readonly [number, number, number], f: TaskFlags, colour?: { prior: Float64Array; meanAb: [number, number] }): BuiltTask {
  const preset = checkOneOf('--encoder', f.encoder, Object.keys(ENCODER_PRESETS));
  const [C, H, W] = shape;
  const patchTask = name === 'relative-position' || name === 'jigsaw';
  const spec = { ...ENCODER_PRESETS[preset], inChannels: name === 'colorization' ? 1 : C, inputNorm: patchTask ? 'instance' as const : 'none' as const };
  const makeEncoder = () => new ConvEncoder(spec);
  const encoder = makeEncoder();
  const grid = () => {
    const d = gridDefaults(Math.min(H, W));
    return {
      patch: num('--patch', f.patch, d.patch, 1), gap: num('--gap', f.gap, d.gap), jitter: num('--jitter', f.jitter, d.jitter),
      aberration: checkOneOf('--aberration', f.aberration ?? (C === 3 ? 'drop' : 'none'), ['none', 'drop', 'gray'] as const) as AberrationMode,
    };
  };
  let task: Task;
  switch (name) {
    case 'simclr':
      task = new SimCLR({ encoder, temperature: f.temperature === undefined ? 0.2 : numberFlag('--temperature', f.temperature, 0, Infinity, true), augment: defaultSimclrAugment() });
      break;
    case 'byol':
      // SimCLR's views here too: with SGD they gave 84.0% / 76.8% (probe / kNN) against the BYOL
      // paper's two views' 82.5% / 76.8% on the embedded sample (crops down to 8% of a 28x28
      // image and solarization are more than these images take).
      task = new BYOL({ encoder, augment: [defaultSimclrAugment(), defaultSimclrAugment()] });
      break;
    case 'rotation':
      task = new Rotation({ encoder });
      break;
    case 'relative-position':
      task = new RelativePosition({ encoder, ...grid() });
      break;
    case 'jigsaw':
      task = new Jigsaw({ encoder, ...grid(), permutations: f.permutations === undefined ? 100 : intFlag('--permutations', f.permutations, 2, 362_880) });
      break;
    case 'colorization':
      task = new Colorization({ encoder, loss: checkOneOf('--loss', f.loss ?? 'l2', ['classification', 'l2', 'l1'] as const) as ColorizationLoss,
        prior: colour?.prior ?? null, meanAb: colour?.meanAb });
      break;
  }
  task.checkInput?.(shape);
  return { task, encoder, makeEncoder };
}
