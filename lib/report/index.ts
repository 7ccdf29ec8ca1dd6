// Run reports: loss curve, accuracy against label budget, a 2-D map of the test embeddings and the
// pretext task's figure (patch pairs, jigsaw, rotations, colorization, temporal reconstruction) as
// PNGs, plus summary.md, written into <run>/report/ (`selfsup report`).
export { writeReport, samplePoints, REPORT_DEFAULTS, REPORT_FILES } from './report.js';
export type { ReportOptions, ReportResult } from './report.js';
export { embed2d, seededRandom, EMBED_DEFAULTS } from './embedding.js';
export type { EmbedOptions } from './embedding.js';
export { readMetrics } from './metrics.js';
export type { Metrics, MetricsPoint } from './metrics.js';
export { readEvalJson, labelFraction } from './eval-json.js';
export type { EvalFile } from './eval-json.js';
export { openRun, EVAL_FILE, REPORT_DIR } from './run-files.js';
export type { RunFiles } from './run-files.js';
export { buildSummary } from './summary.js';
export { renderChart, PALETTE } from './chart.js';
export { renderPretextFigure, pretextFigureFor, PRETEXT_FIGURES } from './pretext-figures.js';
export { renderPatchPairs } from './patch-pairs.js';
export { renderJigsaw } from './jigsaw-figure.js';
export { renderRotations } from './rotation-figure.js';
export { renderColorization } from './colorization-figure.js';
export { renderTemporal } from './temporal-figure.js';
export type { Figure, PretextFigureOptions } from './figure.js';
