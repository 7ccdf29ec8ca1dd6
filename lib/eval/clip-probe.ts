// Linear probe on clip labels: frozen features of a video encoder (extractFeatures feeds whole
// clips (b, C, T, H, W)) under the usual linear probe, with the label kind picked from the clip
// set's labelsBy (Moving-MNIST: the first object's class or its direction of motion). The result
// carries the majority-class rate of the test labels, the accuracy a probe must beat to have read
// anything from the features.
import { CLIP_LABELS, withClipLabels, type ClipLabel, type ClipSet } from '../data/moving-mnist.js';
import { Module } from '../nn/module.js';
import { checkOneOf, checkOptions, invalidParameter } from '../validate.js';
import { EXTRACT_DEFAULTS, extractFeatures } from './features.js';
import { linearProbe, type LinearProbeOptions, type LinearProbeResult } from './linear-probe.js';

export interface ClipProbeOptions {
  batchSize?: number;           // feature extraction batch, default EXTRACT_DEFAULTS.batchSize
  probe?: LinearProbeOptions;   // passed to linearProbe
}

export interface ClipProbeResult extends LinearProbeResult {
  labels: ClipLabel;
  majority: number; // share of the most common label among the test clips
}

export function evaluateClipProbe(encoder: Module, train: ClipSet, test: ClipSet, labels: ClipLabel = 'class', opts?: ClipProbeOptions): ClipProbeResult {
  if (!(encoder instanceof Module)) throw invalidParameter('encoder', 'Module (a VideoEncoder)', encoder);
  const which = checkOneOf('labels', labels, CLIP_LABELS);
  const o = checkOptions<ClipProbeOptions>('options', opts, ['batchSize', 'probe']);
  const tr = withClipLabels(train, which), te = withClipLabels(test, which);
  const batchSize = o.batchSize ?? EXTRACT_DEFAULTS.batchSize;
  const a = extractFeatures(encoder, tr, { batchSize }), b = extractFeatures(encoder, te, { batchSize });
  const counts = new Map<number, number>();
  for (const y of te.labels!) counts.set(y, (counts.get(y) ?? 0) + 1);
  const result = linearProbe(a.features, a.labels!, b.features, b.labels!, o.probe);
  return { ...result, labels: which, majority: Math.max(...counts.values()) / te.length };
}
