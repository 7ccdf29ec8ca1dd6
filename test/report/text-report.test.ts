// `selfsup report` on a next-token run: the map shows held-out documents of the embedded fortunes
// coloured by source file (not images, which a byte model cannot read).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { manualSeed } from '../../lib/random.js';
import { writeReport } from '../../lib/report/report.js';
import { NextToken } from '../../lib/tasks/next-token.js';
import { fortunesSample } from '../../lib/text/fortunes.js';
import { fit } from '../../lib/train/fit.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-text-report-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('report of a next-token run', () => {
  it('maps held-out documents by source file', async () => {
    manualSeed(0);
    const task = new NextToken({ spec: { channels: 8, dilations: [1, 2] } });
    const corpus = fortunesSample({ context: 16 });
    const small = { ...corpus.train, images: corpus.train.images.subarray(0, 64 * 17), labels: corpus.train.labels.subarray(0, 64), length: 64 };
    const runDir = path.join(dir, 'run');
    await fit(task, small, { epochs: 1, batchSize: 32, runDir, progress: false, optimizer: 'adamw' });
    const r = await writeReport(runDir, { points: 60, seed: 0, log: () => {} });
    expect(r.written.map((f) => path.basename(f))).toContain('embedding.png');
    expect(r.embedding!.coords.length).toBe(2 * 60);
    expect(new Set(r.embedding!.labels).size).toBeGreaterThan(3); // several source files
    const meta = await sharp(path.join(runDir, 'report', 'embedding.png')).metadata();
    expect(meta.format).toBe('png');
  });
});
