// `selfsup sample RUN_DIR --prompt "..." --length 200 --temperature 0.8 --seed 0`: text from a
// next-token run. Rebuilds the run's network from its checkpoint, writes prompt + continuation to
// stdout (the prompt kept, so the output reads as one text) and returns the continuation.
import { intFlag, numberFlag } from './flags.js';
import { setNumThreads } from '../runtime.js';
import { NextToken } from '../tasks/next-token.js';
import { SAMPLE_DEFAULTS, sampleText } from '../text/sample.js';
import { loadRunTask } from './eval-command.js';

export interface SampleFlags {
  prompt?: string;       // default "\n": the model's idea of how a text starts after a line break
  length?: string;       // bytes to generate
  temperature?: string;  // 0: greedy
  seed?: string;
  threads?: string;
}


export async function sampleCommand(runDir: string, f: SampleFlags = {}): Promise<string> {
  if (typeof runDir !== 'string' || runDir === '') throw new TypeError('selfsup sample: expected a run folder');
  if (f.threads !== undefined) setNumThreads(intFlag('--threads', f.threads, 1, 1024));
  const length = f.length === undefined ? SAMPLE_DEFAULTS.length : intFlag('--length', f.length, 0, 1 << 20);
  const temperature = f.temperature === undefined ? SAMPLE_DEFAULTS.temperature : numberFlag('--temperature', f.temperature, 0, 100);
  const seed = f.seed === undefined ? SAMPLE_DEFAULTS.seed : intFlag('--seed', f.seed, 0);
  const prompt = f.prompt ?? '\n';
  if (typeof prompt !== 'string' || prompt === '') throw new RangeError('Expected a non-empty --prompt (the model continues it) but received ""');
  const { task } = loadRunTask(runDir);
  if (!(task instanceof NextToken)) throw new Error(`${runDir}: a ${task.name} run; selfsup sample needs a next-token run (selfsup pretrain --task next-token)`);
  const text = sampleText(task, prompt, { length, temperature, seed });
  process.stdout.write(prompt + text + (text.endsWith('\n') ? '' : '\n'));
  return text;
}
