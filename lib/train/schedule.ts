// The learning rate of every step, a pure function of the step (so a resumed run recomputes it):
// 'cosine' warms up linearly over warmupEpochs, then decays to 0 at the last step (SimCLR, BYOL);
// 'constant' keeps the base lr.
import { warmupCosine } from '../optim/schedule.js';
import type { TrainConfig } from './options.js';

export function lrSchedule(config: TrainConfig, stepsPerEpoch: number): { lrAt: (step: number) => number; warmupSteps: number } {
  const totalSteps = config.epochs * stepsPerEpoch;
  if (config.schedule === 'constant') return { lrAt: () => config.lr, warmupSteps: 0 };
  const warmupSteps = Math.min(totalSteps, Math.round((config.warmupEpochs ?? 0) * stepsPerEpoch));
  return { lrAt: warmupCosine({ baseLr: config.lr, totalSteps, warmupSteps }), warmupSteps };
}
