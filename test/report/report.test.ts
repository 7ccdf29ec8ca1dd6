// selfsup report on a tiny real run: the three PNGs (signature, size, a picture rather than a
// blank) and summary.md with the run config, final loss, evaluation table and links; the map is a
// function of the seed; a missing input skips its plot with a note; bad input fails clearly.
import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatResultsTable } from '../../lib/eval/report.js';
import { ACCURACY_PLOT_SIZE, accuracyChart } from '../../lib/report/accuracy-plot.js';
import { reportCommand } from '../../lib/report/command.js';
import { EMBEDDING_PLOT_SIZE } from '../../lib/report/embedding-plot.js';
import { embed2d } from '../../lib/report/embedding.js';
import { labelFraction } from '../../lib/report/eval-json.js';
import { LOSS_PLOT_SIZE } from '../../lib/report/loss-plot.js';
import { readMetrics } from '../../lib/report/metrics.js';
import { writeReport, type ReportResult } from '../../lib/report/report.js';
import { EVAL_ROWS, makeRun } from './fixture.js';

const OPTS = { limit: 300, points: 240, umapEpochs: 60 } as const;
let root = '', run = '', first: ReportResult;

beforeAll(async () => {
  ({ root, run } = await makeRun());
  first = await writeReport(run, OPTS);
});
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

// Size from the IHDR chunk; then decoded, to count colours: a plot has axes, text and data.
async function checkPng(file: string, size: { width: number; height: number }): Promise<void> {
  const bytes = fs.readFileSync(file);
  expect([...bytes.subarray(0, 8)], file).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], file).toEqual([size.width, size.height]);
  const img = await loadImage(bytes);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  const colours = new Set<number>();
  let white = 0, transparent = 0;
  for (let i = 0; i < px.length; i += 4) {
    colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    if (px[i] === 255 && px[i + 1] === 255 && px[i + 2] === 255) white++;
    if (px[i + 3] !== 255) transparent++;
  }
  const n = px.length / 4;
  expect(transparent, file).toBe(0); // drawn on white, not on transparency
  expect(colours.size, file).toBeGreaterThan(20);
  expect(white / n, file).toBeGreaterThan(0.3); // mostly background…
  expect(white / n, file).toBeLessThan(0.995);  // …but not blank
}

describe('selfsup report', () => {
  it('writes loss.png, accuracy.png, embedding.png and summary.md', async () => {
    const dir = path.join(run, 'report');
    expect(first.dir).toBe(dir);
    expect(first.skipped).toEqual([]);
    expect(first.written.map((f) => path.basename(f)).sort()).toEqual(['accuracy.png', 'embedding.png', 'loss.png', 'summary.md']);
    await checkPng(path.join(dir, 'loss.png'), LOSS_PLOT_SIZE);
    await checkPng(path.join(dir, 'accuracy.png'), ACCURACY_PLOT_SIZE);
    await checkPng(path.join(dir, 'embedding.png'), EMBEDDING_PLOT_SIZE);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const md = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toContain(formatResultsTable(EVAL_ROWS, { format: 'markdown' }));
    for (const f of ['loss.png', 'accuracy.png', 'embedding.png']) expect(md).toContain(`](${f})`);
    const last = readMetrics(path.join(run, 'metrics.jsonl')).epochs.at(-1)!;
    expect(md).toContain(`| final loss | ${last.loss.toFixed(4)} (mean of epoch 2)`);
    expect(md).toMatch(/\| task \| simclr \|/);
    expect(md).toMatch(/\| trainer \| epochs 2, batchSize 64, optimizer lars/);
    expect(md).toMatch(/\| progress \| 2 of 2 epochs, 10 steps/);
    expect(md).toMatch(/240 test images/);
    expect(md).not.toMatch(/Skipped/);

    const e = first.embedding!;
    expect(e.indices.length).toBe(240);
    expect(e.coords.length).toBe(480);
    expect(e.coords.every(Number.isFinite)).toBe(true);
    expect(new Set(e.labels).size).toBe(10);
  });

  it('the embedding map is a function of the seed', async () => {
    const again = await writeReport(run, OPTS);
    expect(again.embedding!.indices).toEqual(first.embedding!.indices);
    expect(again.embedding!.coords).toEqual(first.embedding!.coords);
    const other = await writeReport(run, { ...OPTS, seed: 1 });
    expect(other.embedding!.coords).not.toEqual(first.embedding!.coords);

    // embed2d alone: same seed, same coordinates; another seed, another layout.
    const f = new Float32Array(60 * 5).map((_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const a = embed2d(f, 5, { seed: 3, epochs: 30 }), b = embed2d(f, 5, { seed: 3, epochs: 30 });
    expect(a).toEqual(b);
    expect(embed2d(f, 5, { seed: 4, epochs: 30 })).not.toEqual(a);
  });

  it('skips a plot whose input is missing, says why in summary.md, and removes its stale file', async () => {
    const partial = path.join(root, 'partial');
    fs.cpSync(run, partial, { recursive: true });
    fs.rmSync(path.join(partial, 'metrics.jsonl'));
    fs.rmSync(path.join(partial, 'eval.json'));
    const r = await writeReport(partial, OPTS);
    expect(r.skipped.map((s) => s.file)).toEqual(['loss.png', 'accuracy.png']);
    const dir = path.join(partial, 'report');
    expect(fs.readdirSync(dir).sort()).toEqual(['embedding.png', 'summary.md']);
    const md = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(md).toMatch(/Skipped `loss\.png`: no metrics\.jsonl in the run folder/);
    expect(md).toMatch(/Skipped `accuracy\.png`: no eval\.json in the run folder/);
    expect(md).toMatch(/## Evaluation\n\nSkipped: no eval\.json/);
    expect(md).toContain('](embedding.png)');

    // eval.json from `selfsup pretrain` has 100% rows only: bars instead of lines.
    const only100 = EVAL_ROWS.filter((x) => x.labels === '100%');
    fs.writeFileSync(path.join(partial, 'eval.json'), JSON.stringify({ rows: only100 }));
    fs.rmSync(path.join(partial, 'checkpoint.safetensors'));
    const r2 = await writeReport(partial, OPTS);
    expect(r2.skipped.map((s) => s.file)).toEqual(['loss.png', 'embedding.png']);
    await checkPng(path.join(dir, 'accuracy.png'), ACCURACY_PLOT_SIZE);
    expect(fs.existsSync(path.join(dir, 'embedding.png'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(/Skipped `embedding\.png`: no checkpoint\.safetensors/);
    expect(accuracyChart(only100, 't').type).toBe('bar');
    expect(accuracyChart(EVAL_ROWS, 't').type).toBe('line');
  });

  it('bad input: no such run, not a run, malformed files, bad options', async () => {
    await expect(writeReport(path.join(root, 'nothing'))).rejects.toThrow(/nothing: no such run folder/);
    const notRun = path.join(root, 'not-a-run');
    fs.mkdirSync(notRun);
    fs.writeFileSync(path.join(notRun, 'notes.txt'), 'hello');
    await expect(writeReport(notRun)).rejects.toThrow(/not a selfsup run folder \(no checkpoint\.safetensors, config\.json or metrics\.jsonl\)/);
    expect(fs.existsSync(path.join(notRun, 'report'))).toBe(false);
    await expect(writeReport(path.join(notRun, 'notes.txt'))).rejects.toThrow(/not a folder/);

    const broken = path.join(root, 'broken');
    fs.mkdirSync(broken);
    fs.copyFileSync(path.join(run, 'config.json'), path.join(broken, 'config.json'));
    fs.writeFileSync(path.join(broken, 'eval.json'), '{"rows": [{"model": "m", "protocol": "knn", "accuracy": 7}]}');
    await expect(writeReport(broken)).rejects.toThrow(/eval\.json: .*accuracy/);
    fs.writeFileSync(path.join(broken, 'eval.json'), '{"rows": [{"model": "m", "protocol": "knn", "accuracy": 0.5, "labels": "lots"}]}');
    await expect(writeReport(broken)).rejects.toThrow(/eval\.json: .*labels/);
    expect(fs.existsSync(path.join(broken, 'report'))).toBe(false); // nothing written before the inputs were read

    await expect(writeReport(run, { points: 0 })).rejects.toThrow(/points/);
    await expect(writeReport(run, { colour: 'red' } as never)).rejects.toThrow(/Unknown option "colour"/);
    await expect(reportCommand(run, { points: 'many', seed: '0' })).rejects.toThrow(/--points/);
    await expect(reportCommand(run, { points: '100', seed: '-1' })).rejects.toThrow(/--seed/);
    await expect(writeReport(run, { data: path.join(root, 'missing-data') })).rejects.toThrow(/missing-data/);
  });

  it('reads torn metrics lines and label budgets', () => {
    const f = path.join(root, 'metrics.jsonl');
    fs.writeFileSync(f, [
      '{"type":"step","epoch":0,"batch":0,"step":0,"loss":5,"lr":0.1}',
      '{"type":"epoch","epoch":0,"step":0,"loss":5,"lr":0.1,"seconds":1}',
      '{"type":"step","epoch":1,"batch":0,"step":1,"loss":null,"lr":0.1}',
      '{"type":"ste',
    ].join('\n'));
    const m = readMetrics(f);
    expect([m.steps.length, m.epochs.length, m.skipped]).toEqual([1, 1, 2]);
    expect([labelFraction('1%'), labelFraction(0.1), labelFraction(undefined), labelFraction(' 12.5 % ')]).toEqual([0.01, 0.1, 1, 0.125]);
    expect(() => labelFraction('0%')).toThrow(/labels/);
  });
});
