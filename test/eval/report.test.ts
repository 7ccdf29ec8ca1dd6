// Protocol descriptions and the results table.
import { describe, expect, it } from 'vitest';
import { formatResultsTable, protocolSettings } from '../../lib/eval/index.js';
import { evaluate } from '../../lib/index.js';

describe('protocolSettings / formatResultsTable', () => {
  it('describes every protocol from the defaults the code uses', () => {
    const s = protocolSettings();
    expect(Object.keys(s)).toEqual(['linearProbe', 'knn', 'fineTuneLastLayer', 'fineTuneEndToEnd', 'fewLabels', 'baselines']);
    expect(s.knn.settings.k).toEqual([20, 200]);
    expect(s.knn.settings.temperature).toBe(0.07);
    expect(s.knn.summary).toMatch(/τ=0\.07/);
    expect(s.linearProbe.settings.history).toBe(10);
    expect(s.linearProbe.summary).toMatch(/L-BFGS.*1e-6.*1e-2.*10% stratified held-out/);
    expect(s.fewLabels.settings.fractions).toEqual([0.01, 0.1, 1]);
    expect(s.fineTuneEndToEnd.summary).toMatch(/SGD/);
  });

  it('formats markdown and plain tables with the settings column', () => {
    const rows = [
      { model: 'raw pixels', protocol: 'linearProbe', accuracy: 0.8304 },
      { model: 'random init', protocol: 'knn', accuracy: 0.7, labels: 0.01, settings: 'k=20 | τ=0.07' },
      { model: 'SimCLR', protocol: 'my protocol', accuracy: 1, labels: '100 per class' },
    ];
    const md = formatResultsTable(rows);
    const lines = md.split('\n');
    expect(lines[0]).toBe('| model | protocol | labels | accuracy | settings |');
    expect(lines[1]).toBe('| --- | --- | ---: | ---: | --- |');
    expect(lines[2]).toMatch(/^\| raw pixels \| linear probe \| 100% \| 83\.0% \| full-batch L-BFGS/);
    expect(lines[3]).toBe('| random init | kNN | 1% | 70.0% | k=20 \\| τ=0.07 |');
    expect(lines[4]).toBe('| SimCLR | my protocol | 100 per class | 100.0% |  |');
    const plain = formatResultsTable(rows, { format: 'plain', digits: 2 }).split('\n');
    expect(plain.length).toBe(5);
    expect(plain[0].startsWith('model        protocol')).toBe(true);
    expect(plain[2]).toMatch(/^raw pixels {3}linear probe {2} +100% +83\.04% {2}full-batch/);
    // Exported from the package root as `evaluate`.
    expect(evaluate.formatResultsTable).toBe(formatResultsTable);
  });

  it('rejects bad rows and options', () => {
    expect(() => formatResultsTable([{ model: 'x', protocol: 'knn', accuracy: 83 }])).toThrow(/rows\[0\]\.accuracy/);
    expect(() => formatResultsTable([{ model: 'x', protocol: 'knn', acc: 0.8 } as never])).toThrow(/Unknown option "acc" in rows\[0\]/);
    expect(() => formatResultsTable([], { format: 'html' as never })).toThrow(/format/);
    expect(() => formatResultsTable({} as never)).toThrow(/rows/);
  });
});
