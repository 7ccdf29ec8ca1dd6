// Chart.js drawing on @napi-rs/canvas (Skia): Chart.js is a maintained chart library with axes,
// ticks, legends and log scales, and it runs off the DOM on any 2-D context; @napi-rs/canvas ships
// its Skia binary as a per-platform npm package, so nothing is downloaded or compiled at install.
// Everything here is fixed-size, white-backed, animation-free and at pixel ratio 1, so the same
// inputs give the same PNG.
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartType, type DefaultDataPoint, type Plugin } from 'chart.js';

// Category10 (d3/Vega, matplotlib's tab10): ten colours that stay apart for the ten classes.
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

export const colour = (i: number) => PALETTE[i % PALETTE.length];

// Chart.js leaves the canvas transparent; PNG viewers differ on what they put behind it.
const whiteBackground: Plugin = {
  id: 'selfsupWhiteBackground',
  beforeDraw: (chart) => {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

let ready = false;
let fontWarning: string | null = null;
let fontFamily = 'sans-serif';

// Skia finds the system's fonts itself; Chart.js's default stack names Helvetica/Arial, which a
// Linux machine rarely has, so name a family that is there. With no font at all the charts still
// draw, without text, and the caller is told.
function setup(): void {
  if (ready) return;
  Chart.register(...registerables);
  const families = GlobalFonts.families.map((f) => f.family);
  const family = ['DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'Arial', 'Helvetica'].find((f) => families.includes(f)) ?? families[0];
  if (family === undefined) fontWarning = 'no fonts found on this system (install fonts-dejavu-core): plots have no text';
  else Chart.defaults.font.family = fontFamily = `'${family}', sans-serif`;
  Chart.defaults.color = '#333333';
  ready = true;
}

// Legend keys drawn as short lines in each series' own colour and dash (Chart.js's default key is
// a filled box, and its line-style key takes the dash from the points, which have none).
export const LINE_LEGEND = {
  position: 'top' as const,
  labels: {
    usePointStyle: true, pointStyle: 'line' as const, pointStyleWidth: 36,
    generateLabels: (chart: Chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
      const ds = chart.data.datasets[item.datasetIndex ?? 0] as { borderDash?: number[]; borderColor?: unknown };
      return { ...item, lineDash: ds.borderDash ?? [], lineWidth: 2, strokeStyle: ds.borderColor as string };
    }),
  },
};

// Set when the plots were drawn without text; the report passes it on.
export function chartWarning(): string | null {
  setup();
  return fontWarning;
}

// A CSS font for drawing on a canvas directly (the picture figures), in the charts' family.
export function canvasFont(px: number, bold = false): string {
  setup();
  return `${bold ? 'bold ' : ''}${px}px ${fontFamily}`;
}

export function renderChart<T extends ChartType, D = DefaultDataPoint<T>>(config: ChartConfiguration<T, D>, width: number, height: number): Buffer {
  setup();
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const chart = new Chart<T, D>(ctx as unknown as CanvasRenderingContext2D, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 } as ChartConfiguration<T, D>['options'],
    plugins: [...(config.plugins ?? []), whiteBackground as Plugin<T>],
  });
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
