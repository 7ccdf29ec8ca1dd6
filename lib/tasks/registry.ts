// Rebuilds a task from the JSON config it saved (task.config(), stored in every checkpoint), so
// `selfsup eval` and `selfsup report` can load any run without the code that made it.
import { Augment, AugmentOptions } from '../augment/pipeline.js';
import { ConvEncoder, ConvEncoderSpec } from '../nn/encoders.js';
import { invalidParameter } from '../validate.js';
import { BYOL } from './byol.js';
import { SimCLR } from './simclr.js';
import type { Task } from './task.js';

export const TASK_NAMES = ['simclr', 'byol'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

export function taskFromConfig(config: Record<string, unknown>): Task {
  if (config === null || typeof config !== 'object') throw invalidParameter('config', 'task config object', config);
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
    default:
      throw invalidParameter('config.task', `one of ${TASK_NAMES.join(', ')}`, config.task);
  }
}
