// embedding.png: the 2-D map, one colour per class with the class names in the legend (one
// dataset per class, so Chart.js draws the legend), small points so 2,000 of them stay readable.
// UMAP's axes have no units, so their ticks are hidden.
import type { ChartConfiguration } from 'chart.js';
import { colour, renderChart } from './chart.js';

export const EMBEDDING_PLOT_SIZE = { width: 960, height: 760 } as const;

export function embeddingChart(coords: Float32Array, labels: Int32Array | null, classNames: readonly string[],
  title: string, subtitle: string): ChartConfiguration {
  const n = coords.length / 2;
  const groups = new Map<number, { x: number; y: number }[]>();
  for (let i = 0; i < n; i++) {
    const c = labels ? labels[i] : -1;
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push({ x: coords[2 * i], y: coords[2 * i + 1] });
  }
  const datasets = [...groups.keys()].sort((a, b) => a - b).map((c) => ({
    label: c < 0 ? 'test images' : classNames[c] ?? `class ${c}`,
    data: groups.get(c)!,
    backgroundColor: colour(Math.max(0, c)),
    borderWidth: 0,
    pointRadius: 2.2,
  }));
  const axis = (text: string) => ({ type: 'linear' as const, title: { display: true, text }, ticks: { display: false }, grid: { display: false } });
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      parsing: false,
      plugins: {
        title: { display: true, text: title, font: { size: 16 } },
        subtitle: { display: true, text: subtitle },
        legend: { position: 'right', labels: { usePointStyle: true, pointStyle: 'circle', boxWidth: 8, padding: 12 } },
      },
      scales: { x: axis('UMAP 1'), y: axis('UMAP 2') },
    },
  };
}

export function renderEmbeddingPlot(coords: Float32Array, labels: Int32Array | null, classNames: readonly string[],
  title: string, subtitle: string): Buffer {
  return renderChart(embeddingChart(coords, labels, classNames, title, subtitle), EMBEDDING_PLOT_SIZE.width, EMBEDDING_PLOT_SIZE.height);
}
