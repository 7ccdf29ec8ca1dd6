// metrics.jsonl, as train.fit appends it: one {type: 'epoch', epoch, step, loss, lr, ...} line per
// finished epoch, plus {type: 'step', ...} lines when fit() ran with metricsEvery. A line torn by a
// crash or a non-finite loss (JSON null) is skipped and counted, not fatal: the rest of the curve
// is still worth drawing.
import fs from 'node:fs';

export interface MetricsPoint {
  type: 'step' | 'epoch';
  epoch: number;
  step: number;
  loss: number;
  lr: number | null;
}

export interface Metrics {
  steps: MetricsPoint[];   // per-step lines (empty unless fit() ran with metricsEvery)
  epochs: MetricsPoint[];  // one per finished epoch: the epoch's mean loss at its last step
  skipped: number;         // lines that could not be used
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function readMetrics(file: string): Metrics {
  const out: Metrics = { steps: [], epochs: [], skipped: 0 };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      out.skipped++;
      continue;
    }
    if (v === null || typeof v !== 'object' || !finite(v.step) || !finite(v.epoch) || !finite(v.loss)) {
      out.skipped++;
      continue;
    }
    const type = v.type === 'step' ? 'step' : 'epoch';
    out[type === 'step' ? 'steps' : 'epochs'].push({ type, epoch: v.epoch, step: v.step, loss: v.loss, lr: finite(v.lr) ? v.lr : null });
  }
  // A resumed run may have rewritten lines; keep the last line for each step, in step order.
  for (const k of ['steps', 'epochs'] as const) {
    const byStep = new Map<number, MetricsPoint>();
    for (const p of out[k]) byStep.set(p.step, p);
    out[k] = [...byStep.values()].sort((a, b) => a.step - b.step);
  }
  return out;
}
