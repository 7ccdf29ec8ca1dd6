// Evaluation protocols for learned representations: frozen features (encoder or raw pixels), a
// linear probe fitted by L-BFGS with held-out weight-decay selection, weighted kNN, last-layer and
// end-to-end fine-tuning, few-label subsets, and a results table that carries each protocol's settings.
export { extractFeatures, rawPixels, EXTRACT_DEFAULTS } from './features.js';
export type { FeatureSet, ExtractOptions } from './features.js';
export { evaluateClipProbe } from './clip-probe.js';
export type { ClipProbeOptions, ClipProbeResult } from './clip-probe.js';
export { linearProbe, LINEAR_PROBE_DEFAULTS } from './linear-probe.js';
export type { LinearProbeOptions, LinearProbeResult, WdCandidate } from './linear-probe.js';
export { minimizeLbfgs, LBFGS_DEFAULTS } from './lbfgs.js';
export type { LbfgsOptions, LbfgsResult, LbfgsStop, Objective } from './lbfgs.js';
export type { SoftmaxRegression } from './logistic.js';
export type { Standardizer } from './standardize.js';
export { knn, KNN_DEFAULTS } from './knn.js';
export type { KnnOptions, KnnResult } from './knn.js';
export { fineTune, FINE_TUNE_DEFAULTS } from './finetune.js';
export type { FineTuneOptions, FineTuneResult, FineTuneMode } from './finetune.js';
export { stratifiedSubset, stratifiedSplit } from './subset.js';
export { protocolSettings, formatResultsTable, FEW_LABEL_FRACTIONS } from './report.js';
export type { ProtocolName, ProtocolDescription, ResultRow } from './report.js';
