// Text generation from a next-token model, one byte at a time: the logits at the last position of
// the text so far give the next byte's distribution, softmax(logits / temperature), sampled with a
// seeded generator (temperature 0: the most likely byte, ties to the lowest value). Only the last
// receptiveField bytes are fed: the last position sees nothing older, so the result is exactly
// what the whole text would give, at a fixed cost per byte.
import { CausalConvNet } from '../nn/causal-conv.js';
import { Generator } from '../random.js';
import { NextToken } from '../tasks/next-token.js';
import { noGrad } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { BYTE_VOCAB, decode, encode } from './tokenizer.js';

export interface SampleOptions {
  length?: number;       // bytes to generate
  temperature?: number;  // 0: greedy
  seed?: number;
}

export const SAMPLE_DEFAULTS = { length: 200, temperature: 0.8, seed: 0 } as const;

function resolveModel(m: unknown): CausalConvNet {
  if (m instanceof NextToken) return resolveModel(m.model);
  if (m instanceof CausalConvNet) {
    if (m.spec.vocab !== BYTE_VOCAB) throw outOfRange('model', `a byte-level model (vocab ${BYTE_VOCAB})`, `vocab ${m.spec.vocab}`);
    return m;
  }
  throw invalidParameter('model', 'a NextToken task or a CausalConvNet', m);
}

// Index of the chosen byte from one row of logits.
function pick(z: Float32Array, temperature: number, u: number): number {
  let best = 0;
  for (let k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
  if (temperature === 0) return best;
  // Inverse CDF of softmax(z / T), shifted by the max for stability, in float64.
  const p = new Float64Array(z.length);
  let total = 0;
  for (let k = 0; k < z.length; k++) total += p[k] = Math.exp((z[k] - z[best]) / temperature);
  let r = u * total;
  for (let k = 0; k < z.length; k++) if ((r -= p[k]) < 0) return k;
  return best; // u * total rounded up to total: the last bins are all but empty
}

// The bytes that follow `prompt` (which must be non-empty: training never predicts a window's
// first byte, so there is no distribution for it).
export function sampleBytes(model: NextToken | CausalConvNet, prompt: string | Uint8Array, opts?: SampleOptions): Uint8Array {
  const net = resolveModel(model);
  const o = checkOptions<SampleOptions>('options', opts, ['length', 'temperature', 'seed']);
  const length = checkInt('length', o.length ?? SAMPLE_DEFAULTS.length, 0, 1 << 20);
  const temperature = checkNumber('temperature', o.temperature ?? SAMPLE_DEFAULTS.temperature, 0, 100);
  const seed = checkInt('seed', o.seed ?? SAMPLE_DEFAULTS.seed);
  const start = typeof prompt === 'string' ? encode(prompt) : prompt;
  if (!(start instanceof Uint8Array)) throw invalidParameter('prompt', 'string or Uint8Array of bytes', prompt);
  if (start.length === 0) throw outOfRange('prompt', 'a non-empty prompt (the model predicts each byte from the ones before it)', prompt);
  const R = net.receptiveField, V = net.spec.vocab;
  const text = new Uint8Array(start.length + length);
  text.set(start);
  const u = new Generator(seed).uniform(length);
  const wasTraining = net.training;
  net.train(false);
  try {
    noGrad(() => {
      for (let i = 0; i < length; i++) {
        const end = start.length + i, from = Math.max(0, end - R);
        const z = net.logits(text.subarray(from, end), 1, end - from).data;
        text[end] = pick(z.subarray((end - from - 1) * V, (end - from) * V), temperature, u[i]);
      }
    });
  } finally {
    net.train(wasTraining);
  }
  return text.slice(start.length);
}

// The continuation as text (a multi-byte character cut at the end shows as U+FFFD).
export function sampleText(model: NextToken | CausalConvNet, prompt: string, opts?: SampleOptions): string {
  if (typeof prompt !== 'string') throw invalidParameter('prompt', 'string', prompt);
  return decode(sampleBytes(model, prompt, opts));
}
