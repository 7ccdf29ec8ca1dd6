// The optimizer a TrainConfig names, over every parameter of the task's model. Weight decay and
// momentum defaults are resolved in options.ts so that a checkpoint records the values used.
import { AdamW } from '../optim/adamw.js';
import { LARS } from '../optim/lars.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TrainConfig } from './options.js';

export function createOptimizer(config: TrainConfig, params: Tensor[]): Optimizer {
  const { lr, weightDecay } = config;
  switch (config.optimizer) {
    case 'lars': return new LARS(params, { lr, weightDecay, momentum: config.momentum! });
    case 'sgd': return new SGD(params, { lr, weightDecay, momentum: config.momentum! });
    case 'adamw': return new AdamW(params, { lr, weightDecay });
  }
}
