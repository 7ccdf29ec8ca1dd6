// accuracy.png: accuracy against the label budget, one line per model and protocol, on a log axis
// (1%, 10%, 100% are evenly spaced). eval.json from `selfsup pretrain` holds 100% rows only, and a
// line needs two budgets, so with one budget the same numbers are drawn as grouped bars instead:
// one group per protocol, one bar per model.
import type { ChartConfiguration } from 'chart.js';
import { protocolSettings, type ResultRow } from '../eval/report.js';
import { colour, LINE_LEGEND, renderChart } from './chart.js';
import { labelFraction } from './eval-json.js';

export const ACCURACY_PLOT_SIZE = { width: 960, height: 540 } as const;

const pct = (f: number) => `${+(f * 100).toPrecision(3)}%`;
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];

// The table's names for the protocols ("linear probe", "kNN"), so plot and table agree.
function protocolTitle(p: string): string {
  const known = protocolSettings() as Record<string, { title: string }>;
  return Object.hasOwn(known, p) ? known[p].title : p;
}

// Keeps first-seen order: eval.json lists the trained encoder first, then the baselines.
function distinct<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function accuracyChart(rows: readonly ResultRow[], title: string): ChartConfiguration {
  const models = distinct(rows.map((r) => r.model));
  const protocols = distinct(rows.map((r) => r.protocol));
  const fractions = distinct(rows.map((r) => labelFraction(r.labels))).sort((a, b) => a - b);
  const yAxis = { title: { display: true, text: 'test accuracy (%)' }, ticks: { callback: (v: string | number) => `${v}%` } };
  const plugins = { title: { display: true, text: title, font: { size: 16 } }, legend: LINE_LEGEND };

  if (fractions.length === 1) {
    return {
      type: 'bar',
      data: {
        labels: protocols.map(protocolTitle),
        datasets: models.map((model, i) => ({
          label: model,
          data: protocols.map((p) => {
            const r = rows.find((x) => x.model === model && x.protocol === p);
            return r ? r.accuracy * 100 : null;
          }),
          backgroundColor: colour(i),
        })),
      },
      options: {
        plugins: { ...plugins, legend: { position: 'top' }, subtitle: { display: true, text: `${pct(fractions[0])} of the training labels` } },
        scales: { x: { title: { display: true, text: 'protocol' } }, y: { ...yAxis, beginAtZero: true, max: 100 } },
      },
    };
  }

  const series = models.flatMap((model, mi) => protocols.map((p, pi) => {
    const pts = rows.filter((r) => r.model === model && r.protocol === p)
      .map((r) => ({ x: labelFraction(r.labels) * 100, y: r.accuracy * 100 }))
      .sort((a, b) => a.x - b.x);
    return { label: `${model} · ${protocolTitle(p)}`, data: pts, borderColor: colour(mi), backgroundColor: colour(mi),
      borderDash: DASHES[pi % DASHES.length], borderWidth: 2, pointRadius: 4 };
  })).filter((s) => s.data.length > 0);
  return {
    type: 'line',
    data: { datasets: series },
    options: {
      parsing: false,
      plugins,
      scales: {
        x: {
          type: 'logarithmic', title: { display: true, text: 'labelled training images used (log scale)' },
          // Ticks at the budgets that were measured, not at 2, 3, 4, … of each decade.
          afterBuildTicks: (axis) => { axis.ticks = fractions.map((f) => ({ value: f * 100 })); },
          ticks: { callback: (v: string | number) => `${+Number(v).toPrecision(3)}%` },
        },
        y: yAxis,
      },
    },
  };
}

export function renderAccuracyPlot(rows: readonly ResultRow[], title: string): Buffer {
  return renderChart(accuracyChart(rows, title), ACCURACY_PLOT_SIZE.width, ACCURACY_PLOT_SIZE.height);
}
