// Rebuilds a task from the JSON config it saved (task.config(), stored in every checkpoint), so
// `selfsup eval` and `selfsup report` can load any run without the code that made it.
import { Augment, AugmentOptions } from '../augment/pipeline.js';
import { ConvEncoder, ConvEncoderSpec } from '../nn/encoders.js';
import { invalidParameter } from '../validate.js';
import { BYOL } from './byol.js';
import { SimCLR } from './simclr.js';
import type { GridOptions } from '../pretext/patches.js';
import { Colorization, type ColorizationLoss } from './colorization.js';
import { Jigsaw } from './jigsaw.js';
import { NextToken } from './next-token.js';
import { CausalConvNet, type CausalConvSpec } from '../nn/causal-conv.js';
import { RelativePosition } from './relative-position.js';
import { Rotation } from './rotation.js';
import { TemporalReconstruction, type TemporalLoss, type TemporalMode } from './temporal.js';
import { VideoEncoder, type VideoEncoderSpec } from '../nn/video-encoder.js';
import type { Task } from './task.js';

export const TASK_NAMES = ['simclr', 'byol', 'rotation', 'relative-position', 'jigsaw', 'colorization', 'next-token', 'temporal'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

export function taskFromConfig(config: Record<string, unknown>): Task {
  if (config === null || typeof config !== 'object') throw invalidParameter('config', 'task config object', config);
  // The text task has no image encoder: its whole network comes from its own spec.
  if (config.task === 'next-token') return new NextToken({ model: new CausalConvNet(config.model as CausalConvSpec) });
  // Temporal reconstruction reads clips: its encoder is a 3-D VideoEncoder, rebuilt from its spec.
  if (config.task === 'temporal')
    return new TemporalReconstruction({ encoder: new VideoEncoder(config.encoder as VideoEncoderSpec), hidden: config.hidden as number,
      mode: config.mode as TemporalMode, loss: config.loss as TemporalLoss, decoderWidth: config.decoderWidth as number,
      skip: config.skip as boolean });
  const encoder = new ConvEncoder(config.encoder as ConvEncoderSpec);
  switch (config.task) {
    case 'simclr':
      return new SimCLR({ encoder, hiddenDim: config.hidden as number, projectionDim: config.projection as number,
        temperature: config.temperature as number, augment: new Augment(config.augment as AugmentOptions) });
    case 'byol': {
      const aug = config.augment as [AugmentOptions, AugmentOptions];
      return new BYOL({ encoder, hiddenDim: config.hidden as number, projectionDim: config.projection as number,
        baseMomentum: config.baseMomentum as number, augment: [new Augment(aug[0]), new Augment(aug[1])] });
    }
    case 'rotation':
      return new Rotation({ encoder, augment: new Augment(config.augment as AugmentOptions), hiddenDim: (config.hidden ?? null) as number | null });
    case 'relative-position':
      return new RelativePosition({ encoder, hiddenDim: config.hidden as number, patch: config.patch as number, gap: config.gap as number,
        jitter: config.jitter as number, aberration: config.aberration as GridOptions['aberration'] });
    case 'jigsaw':
      return new Jigsaw({ encoder, hiddenDim: config.hidden as number, permutations: config.permutations as number,
        patch: config.patch as number, gap: config.gap as number, jitter: config.jitter as number, aberration: config.aberration as GridOptions['aberration'] });
    case 'colorization':
      return new Colorization({ encoder, loss: config.loss as ColorizationLoss, gridSize: config.gridSize as number, lambda: config.lambda as number,
        temperature: config.temperature as number, decoderWidth: config.decoderWidth as number, hflip: config.hflip as number,
        prior: config.prior as number[] | null, meanAb: (config.meanAb ?? undefined) as [number, number] | undefined });
    default:
      throw invalidParameter('config.task', `one of ${TASK_NAMES.join(', ')}`, config.task);
  }
}
