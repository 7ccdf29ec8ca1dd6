// Learning-rate and momentum schedules as pure functions of the step, so a resumed run recomputes
// them from its step counter.
import { checkInt, checkNumber, checkOptions } from '../validate.js';

export interface WarmupCosineOptions {
  baseLr: number;
  totalSteps: number;
  warmupSteps?: number;
  finalLr?: number;
}

// Linear warmup from 0 to baseLr over warmupSteps, then cosine decay to finalLr at totalSteps.
export function warmupCosine(opts: WarmupCosineOptions): (step: number) => number {
  const o = checkOptions<WarmupCosineOptions>('options', opts, ['baseLr', 'totalSteps', 'warmupSteps', 'finalLr']);
  const base = checkNumber('baseLr', o.baseLr, 0);
  const total = checkInt('totalSteps', o.totalSteps, 1);
  const warmup = checkInt('warmupSteps', o.warmupSteps ?? 0, 0, total);
  const final = checkNumber('finalLr', o.finalLr ?? 0, 0);
  return (step: number) => {
    checkInt('step', step, 0);
    if (step < warmup) return (base * (step + 1)) / warmup;
    if (total === warmup) return final;
    const t = Math.min(1, (step - warmup) / (total - warmup));
    return final + 0.5 * (base - final) * (1 + Math.cos(Math.PI * t));
  };
}

// BYOL's target momentum: tau = 1 - (1 - base) (cos(pi k / K) + 1) / 2, rising from base to 1.
export function byolMomentum(step: number, totalSteps: number, base = 0.99): number {
  checkInt('step', step, 0);
  checkInt('totalSteps', totalSteps, 1);
  checkNumber('base', base, 0, 1);
  return 1 - ((1 - base) * (Math.cos((Math.PI * Math.min(step, totalSteps)) / totalSteps) + 1)) / 2;
}
