#!/usr/bin/env node
// Summarizes several `npm run bench -- --json FILE` runs into a markdown table: per workload and
// thread count, the median of ours_ms, torch_ms and of the per-run speedups (each speedup is a
// same-run ratio, so the median of ratios is what survives a noisy machine).
// Usage: node dist/bench/summarize.js run1.json run2.json ...
import fs from 'node:fs';

interface Row { name: string; threads: number; ours_ms: number; torch_ms: number | null; speedup: number | null }

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: summarize.js run1.json [run2.json ...]');
  process.exit(2);
}
const groups = new Map<string, Row[]>();
for (const f of files)
  for (const r of JSON.parse(fs.readFileSync(f, 'utf8')) as Row[]) {
    const k = `${r.name}@${r.threads}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
console.log(`| workload | threads | ours ms | PyTorch ms | speedup (median of ${files.length} runs) | range |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const rows of groups.values()) {
  const sp = rows.map((r) => r.speedup).filter((v): v is number => v !== null);
  const tm = rows.map((r) => r.torch_ms).filter((v): v is number => v !== null);
  const fmt = (v: number) => v.toFixed(2);
  console.log(`| ${rows[0].name} | ${rows[0].threads} | ${fmt(median(rows.map((r) => r.ours_ms)))} | ${tm.length ? fmt(median(tm)) : '-'} | ` +
    `${sp.length ? fmt(median(sp)) : '-'} | ${sp.length ? `${fmt(Math.min(...sp))}–${fmt(Math.max(...sp))}` : '-'} |`);
}
