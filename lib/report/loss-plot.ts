// loss.png: the training loss against the step, with the learning rate on a second axis (the
// warmup and cosine decay explain most bends in the loss). Per-step lines are drawn when the run
// logged them (fit's metricsEvery); the epoch means are always drawn, as points at each epoch's
// last step, so a run with epoch lines only still has its curve.
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { colour, LINE_LEGEND, renderChart } from './chart.js';
import type { Metrics } from './metrics.js';

export const LOSS_PLOT_SIZE = { width: 960, height: 540 } as const;

type XY = { x: number; y: number };

export function lossChart(m: Metrics, title: string): ChartConfiguration<'line', XY[]> {
  const datasets: ChartDataset<'line', XY[]>[] = [];
  if (m.steps.length)
    datasets.push({ label: 'loss (per step)', data: m.steps.map((p) => ({ x: p.step, y: p.loss })), borderColor: colour(0),
      backgroundColor: colour(0), borderWidth: 1, pointRadius: 0, yAxisID: 'loss' });
  if (m.epochs.length)
    datasets.push({ label: 'loss (epoch mean)', data: m.epochs.map((p) => ({ x: p.step, y: p.loss })), borderColor: colour(3),
      backgroundColor: colour(3), borderWidth: 2, pointRadius: 4, yAxisID: 'loss' });
  // The lr comes from the densest series that has it.
  const lrFrom = (m.steps.some((p) => p.lr !== null) ? m.steps : m.epochs).filter((p) => p.lr !== null);
  if (lrFrom.length)
    datasets.push({ label: 'learning rate', data: lrFrom.map((p) => ({ x: p.step, y: p.lr! })), borderColor: colour(2),
      backgroundColor: colour(2), borderWidth: 1.5, borderDash: [6, 4], pointRadius: m.steps.length ? 0 : 3, yAxisID: 'lr' });
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      plugins: { title: { display: true, text: title, font: { size: 16 } }, legend: LINE_LEGEND },
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'step' } },
        loss: { type: 'linear', position: 'left', title: { display: true, text: 'loss' } },
        lr: { type: 'linear', position: 'right', title: { display: true, text: 'learning rate' }, grid: { drawOnChartArea: false }, beginAtZero: true },
      },
    },
  };
}

export function renderLossPlot(m: Metrics, title: string): Buffer {
  return renderChart(lossChart(m, title), LOSS_PLOT_SIZE.width, LOSS_PLOT_SIZE.height);
}
