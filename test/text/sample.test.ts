// Sampling: seeded (same seed, same text), greedy at temperature 0 (the argmax chain, whatever the
// seed), exact with only the receptive field fed, and the `selfsup sample` command on a real run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sampleCommand } from '../../lib/cli/sample.js';
import { CausalConvNet } from '../../lib/nn/causal-conv.js';
import { Generator } from '../../lib/random.js';
import { NextToken } from '../../lib/tasks/next-token.js';
import { fortunesSample } from '../../lib/text/fortunes.js';
import { sampleBytes, sampleText } from '../../lib/text/sample.js';
import { decode, encode } from '../../lib/text/tokenizer.js';
import { fit } from '../../lib/train/fit.js';
import { expectClose } from '../helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-sample-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const net = () => new CausalConvNet({ channels: 8, dilations: [1, 2, 4] }, { generator: new Generator(3) });
const prompt = 'A prompt longer than the receptive field of fifteen bytes: ';

describe('sampleText', () => {
  it('is seeded: the same seed gives the same text, another seed another', () => {
    const m = net();
    const a = sampleBytes(m, prompt, { length: 40, temperature: 1, seed: 5 });
    expect(a.length).toBe(40);
    expect(Array.from(sampleBytes(m, prompt, { length: 40, temperature: 1, seed: 5 }))).toEqual(Array.from(a));
    expect(Array.from(sampleBytes(m, prompt, { length: 40, temperature: 1, seed: 6 }))).not.toEqual(Array.from(a));
    expect(sampleText(new NextToken({ model: m }), prompt, { length: 40, temperature: 1, seed: 5 })).toBe(decode(a));
    expect(sampleText(m, prompt, { length: 0 })).toBe('');
    expect(m.training).toBe(true); // the mode is restored
  });

  it('temperature 0 is the argmax chain over the full text, for any seed', () => {
    const m = net().eval();
    const greedy = sampleBytes(m, prompt, { length: 25, temperature: 0, seed: 1 });
    expect(Array.from(sampleBytes(m, prompt, { length: 25, temperature: 0, seed: 99 }))).toEqual(Array.from(greedy));
    // Reference: feed the whole text each time (no receptive-field cut) and take the argmax.
    const text = Array.from(encode(prompt));
    for (let i = 0; i < 25; i++) {
      const z = m.logits(Uint8Array.from(text), 1, text.length).data.subarray((text.length - 1) * 256);
      // The cut input gives the same last-position logits as the whole text.
      const from = Math.max(0, text.length - m.receptiveField);
      const cut = m.logits(Uint8Array.from(text.slice(from)), 1, text.length - from).data.subarray((text.length - from - 1) * 256);
      expectClose(cut, z, 1e-5, 1e-5, `step ${i}`);
      text.push(z.indexOf(Math.max(...z)));
    }
    expect(Array.from(greedy)).toEqual(text.slice(encode(prompt).length));
  });

  it('rejects bad input, naming it', () => {
    const m = net();
    expect(() => sampleText(m, '')).toThrow(/prompt/);
    expect(() => sampleText(m, 5 as never)).toThrow(/prompt/);
    expect(() => sampleText(m, 'a', { temperature: -1 })).toThrow(/temperature/);
    expect(() => sampleText(m, 'a', { length: 1.5 })).toThrow(/length/);
    expect(() => sampleText(m, 'a', { seed: -1 })).toThrow(/seed/);
    expect(() => sampleText(m, 'a', { top: 5 } as never)).toThrow(/Unknown option "top"/);
    expect(() => sampleText({} as never, 'a')).toThrow(/model/);
    expect(() => sampleText(new CausalConvNet({ vocab: 300, channels: 4, dilations: [1] }), 'a')).toThrow(/vocab 256/);
  });
});

describe('selfsup sample', () => {
  it('continues the prompt from a run\'s checkpoint, as the trained task does', async () => {
    const corpus = fortunesSample();
    const task = new NextToken({ model: net() });
    const runDir = path.join(root, 'run');
    await fit(task, corpus.test, { epochs: 1, batchSize: 64, optimizer: 'adamw', runDir, progress: false });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let out: string, printed: string;
    try {
      out = await sampleCommand(runDir, { prompt: 'The law ', length: '30', temperature: '0.8', seed: '2' });
      printed = write.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      write.mockRestore();
    }
    expect(out).toBe(sampleText(task, 'The law ', { length: 30, temperature: 0.8, seed: 2 }));
    expect(printed.startsWith(`The law ${out}`)).toBe(true);
    await expect(sampleCommand(runDir, { length: 'many' })).rejects.toThrow(/--length/);
    await expect(sampleCommand(runDir, { length: '' })).rejects.toThrow(/--length/);
    await expect(sampleCommand(runDir, { temperature: '-1' })).rejects.toThrow(/--temperature/);
    await expect(sampleCommand(runDir, { seed: '0.5' })).rejects.toThrow(/--seed/);
    await expect(sampleCommand(runDir, { prompt: '' })).rejects.toThrow(/--prompt/);
    await expect(sampleCommand(path.join(root, 'nothing'), {})).rejects.toThrow(/no checkpoint\.safetensors/);
  });
});
