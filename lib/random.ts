// One seeded counter-based generator for everything random (init, shuffling, dropout, later
// augmentation). Draws come from the native Philox kernel at (seed, offset + i); the generator only
// advances `offset`, so its whole state is two numbers (saved in checkpoints) and the numbers do
// not depend on the thread count.
import { native } from './native/loader.js';
import { checkInt, checkNumber } from './validate.js';

export class Generator {
  seed: number;
  offset: number;

  constructor(seed = 0) {
    this.seed = checkInt('seed', seed);
    this.offset = 0;
  }

  // Reserves n counters and returns the first; kernels that draw themselves (dropout) use this.
  reserve(n: number): number {
    const start = this.offset;
    this.offset += n;
    return start;
  }

  uniform(n: number, lo = 0, hi = 1, out?: Float32Array): Float32Array {
    checkInt('n', n);
    out ??= new Float32Array(n);
    checkNumber('lo', lo);
    checkNumber('hi', hi);
    native().rngUniform(out, lo, hi, this.seed, this.reserve(out.length));
    return out;
  }

  normal(n: number, mean = 0, std = 1, out?: Float32Array): Float32Array {
    checkInt('n', n);
    out ??= new Float32Array(n);
    checkNumber('mean', mean);
    checkNumber('std', std, 0);
    native().rngNormal(out, mean, std, this.seed, this.reserve(out.length));
    return out;
  }

  // Seeded Fisher-Yates permutation of 0..n-1.
  permutation(n: number): Int32Array {
    checkInt('n', n);
    const u = this.uniform(n);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(u[i] * (i + 1)));
      const t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  state(): { seed: number; offset: number } {
    return { seed: this.seed, offset: this.offset };
  }

  setState(s: { seed: number; offset: number }): void {
    this.seed = checkInt('state.seed', s.seed);
    this.offset = checkInt('state.offset', s.offset);
  }
}

let globalGenerator = new Generator(0);

export function manualSeed(seed: number): Generator {
  globalGenerator = new Generator(seed);
  return globalGenerator;
}

export function defaultGenerator(): Generator {
  return globalGenerator;
}
