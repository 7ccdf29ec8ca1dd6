// `selfsup sample RUN_DIR --prompt "..." --length 200 --temperature 0.8 --seed 0`: text from a
// next-token run. Rebuilds the run's network from its checkpoint, writes prompt + continuation to
// stdout (the prompt kept, so the output reads as one text) and returns the continuation.
import { setNumThreads } from '../runtime.js';
import { NextToken } from '../tasks/next-token.js';
import { SAMPLE_DEFAULTS, sampleText } from '../text/sample.js';
import { checkInt, checkNumber } from '../validate.js';
import { loadRunTask } from './eval-command.js';

export interface SampleFlags {
  prompt?: string;       // default "\n": the model's idea of how a text starts after a line break
  length?: string;       // bytes to generate
  temperature?: string;  // 0: greedy
  seed?: string;
  threads?: string;
}

// Commander hands flags over as strings; "" and "abc" must fail, not become 0 or NaN.
const num = (name: string, v: string | undefined, dflt: number) => {
  if (v === undefined) return dflt;
  const x = v.trim() === '' ? NaN : Number(v);
  return Number.isNaN(x) ? checkNumber(name, v) : x;
};

export async function sampleCommand(runDir: string, f: SampleFlags = {}): Promise<string> {
  if (typeof runDir !== 'string' || runDir === '') throw new TypeError('selfsup sample: expected a run folder');
  if (f.threads !== undefined) setNumThreads(checkInt('--threads', num('--threads', f.threads, 0), 1, 1024));
  const length = checkInt('--length', num('--length', f.length, SAMPLE_DEFAULTS.length), 0, 1 << 20);
  const temperature = checkNumber('--temperature', num('--temperature', f.temperature, SAMPLE_DEFAULTS.temperature), 0, 100);
  const seed = checkInt('--seed', num('--seed', f.seed, SAMPLE_DEFAULTS.seed), 0);
  const prompt = f.prompt ?? '\n';
  if (typeof prompt !== 'string' || prompt === '') throw new RangeError('Expected a non-empty --prompt (the model continues it) but received ""');
  const { task } = loadRunTask(runDir);
  if (!(task instanceof NextToken)) throw new Error(`${runDir}: a ${task.name} run; selfsup sample needs a next-token run (selfsup pretrain --task next-token)`);
  const text = sampleText(task, prompt, { length, temperature, seed });
  process.stdout.write(prompt + text + (text.endsWith('\n') ? '' : '\n'));
  return text;
}
