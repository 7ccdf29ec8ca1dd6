// writeReport(run): everything `selfsup report` writes into <run>/report/. Each plot needs its own
// input (metrics.jsonl, eval.json, a checkpoint); a missing input skips that plot with a note in
// summary.md rather than failing the others, while a folder that is not a run, a malformed
// eval.json or bad options are errors. Files are written atomically, and a skipped plot's file
// from an earlier report is removed so summary.md never sits beside a stale picture. Runs of a
// pretext task with a figure (relative position, jigsaw, rotation, colorization, temporal) get it
// too, drawn from the run's whole task (encoder and head) on held-out images: the test split of the
// data option, for colorization the held-out photo crops that photos.json rebuilds, for temporal
// reconstruction Moving-MNIST clips made from the test images at the run's clip shape.
import fs from 'node:fs';
import path from 'node:path';
import { resolveData, type DataSource } from '../cli/data.js';
import { loadRunTask } from '../cli/eval-command.js';
import { loadPhotoData, PHOTO_SPEC_FILE, type PhotoDataSpec } from '../cli/pretrain.js';
import type { Dataset } from '../data/dataset.js';
import { FASHION_MNIST_CLASSES } from '../data/fashion-mnist.js';
import { extractFeatures } from '../eval/features.js';
import { NextToken } from '../tasks/next-token.js';
import { fortunesSampleDocuments } from '../text/fortunes.js';
import { documentFeatures, SOURCE_PROBE_DEFAULTS } from '../text/source-probe.js';
import { writeFileAtomic } from '../io/safetensors.js';
import { Generator } from '../random.js';
import { version } from '../runtime.js';
import { METRICS_FILE } from '../train/run-dir.js';
import { checkInt, checkOptions, invalidParameter } from '../validate.js';
import { renderAccuracyPlot } from './accuracy-plot.js';
import { chartWarning } from './chart.js';
import { EMBED_DEFAULTS, embed2d } from './embedding.js';
import { renderEmbeddingPlot } from './embedding-plot.js';
import { readEvalJson, type EvalFile } from './eval-json.js';
import { renderLossPlot } from './loss-plot.js';
import { readMetrics, type Metrics } from './metrics.js';
import { pretextFigureFor, renderPretextFigure } from './pretext-figures.js';
import { MAX_REPORT_CLIPS, reportClips } from './temporal-figure.js';
import { EVAL_FILE, openRun, REPORT_DIR } from './run-files.js';
import { buildSummary, type PlotStatus } from './summary.js';

export interface ReportOptions {
  data?: string;        // test images for the map and the pretext figure, as `--data` (default: the embedded sample;
                        // colorization's figure uses the held-out photo crops of the run's photos.json)
  limit?: number;       // only the first `limit` test images
  points?: number;      // images in the map, a seeded sample when there are more; default 2000
  seed?: number;        // of that sample and of UMAP; default 0
  umapEpochs?: number;  // default EMBED_DEFAULTS.epochs
  log?: (line: string) => void;
}

export interface ReportResult {
  dir: string;                                     // <run>/report
  written: string[];                               // paths of the files written
  skipped: { file: string; why: string }[];
  embedding: { indices: Int32Array; coords: Float32Array; labels: Int32Array | null } | null;
}

export const REPORT_DEFAULTS = { points: 2000, seed: 0 } as const;
export const REPORT_FILES = { loss: 'loss.png', accuracy: 'accuracy.png', embedding: 'embedding.png', summary: 'summary.md' } as const;

// `points` of `n` items: all of them in order, or a seeded sample kept in item order.
export function samplePoints(n: number, points: number, seed: number): Int32Array {
  if (points >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return new Generator(seed).permutation(n).slice(0, points).sort();
}

// An image folder's test set names its classes (its subfolders); Fashion-MNIST's are fixed.
function classNames(set: object): readonly string[] {
  const c = (set as { classes?: unknown }).classes;
  return Array.isArray(c) && c.every((x) => typeof x === 'string') ? c : FASHION_MNIST_CLASSES;
}

// The run's seed, which `selfsup pretrain` also gives the held-out pretext evaluation: the figures
// show the samples that pretext.json counted.
function trainerSeed(metadata: Record<string, string>): number {
  try {
    const seed = (JSON.parse(metadata.trainer) as { seed?: unknown }).seed;
    return typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0 ? seed : 0;
  } catch {
    return 0;
  }
}

export async function writeReport(runDir: string, opts?: ReportOptions): Promise<ReportResult> {
  const o = checkOptions<ReportOptions>('options', opts, ['data', 'limit', 'points', 'seed', 'umapEpochs', 'log']);
  if (o.data !== undefined && typeof o.data !== 'string') throw invalidParameter('data', 'folder path or "full"', o.data);
  const limit = o.limit === undefined ? undefined : checkInt('limit', o.limit, 3);
  const points = checkInt('points', o.points ?? REPORT_DEFAULTS.points, 3);
  const seed = checkInt('seed', o.seed ?? REPORT_DEFAULTS.seed);
  const umapEpochs = checkInt('umapEpochs', o.umapEpochs ?? EMBED_DEFAULTS.epochs, 1);
  if (o.log !== undefined && typeof o.log !== 'function') throw invalidParameter('log', 'function', o.log);
  const log = o.log ?? (() => {});

  const run = openRun(runDir);
  const name = path.basename(path.resolve(runDir));
  const outDir = path.join(runDir, REPORT_DIR);
  const written: string[] = [];
  const write = (file: string, bytes: Uint8Array) => {
    writeFileAtomic(path.join(outDir, file), bytes);
    written.push(path.join(outDir, file));
  };
  const plots: PlotStatus[] = [];

  // Read every input before writing anything: an error (malformed eval.json, a bad --data) then
  // leaves the previous report as it was.
  const metricsFile = path.join(runDir, METRICS_FILE);
  let metrics: Metrics | null = null, lossNote: string | null = null;
  if (!fs.existsSync(metricsFile)) lossNote = `no ${METRICS_FILE} in the run folder`;
  else {
    metrics = readMetrics(metricsFile);
    if (!metrics.steps.length && !metrics.epochs.length) lossNote = `${METRICS_FILE} has no usable lines (${metrics.skipped} unreadable)`;
  }
  const evalFile = path.join(runDir, EVAL_FILE);
  let evaluation: EvalFile | null = null, evalNote: string | null = null;
  if (!fs.existsSync(evalFile)) evalNote = `no ${EVAL_FILE} in the run folder (run \`selfsup eval ${runDir} --labels 1%,10%,100%\`)`;
  else evaluation = readEvalJson(evalFile);
  const accuracyNote = evalNote ?? (evaluation!.rows.length ? null : `${EVAL_FILE} holds no rows`);
  const data = run.checkpoint ? await resolveData(o.data, limit) : null;
  const taskName = (run.config?.task as { name?: unknown } | undefined)?.name ?? run.checkpoint?.task;
  const figure = pretextFigureFor(taskName);
  // Temporal runs read clips: the map and the figure use clips made from the test images
  // (reportClips says which; at most MAX_REPORT_CLIPS, as a clip costs T times an image through
  // the encoder and more); when they cannot be made, both plots say why.
  let clips: { test: Dataset; description: string } | null = null, clipsNote: string | null = null;
  if (taskName === 'temporal' && data) {
    try {
      clips = reportClips(data.test, run.checkpoint?.dataset, Math.min(points, MAX_REPORT_CLIPS), seed);
    } catch (e) {
      clipsNote = `no held-out clips for the temporal run (${(e as Error).message})`;
    }
  }
  const mapData = taskName === 'temporal' ? clips : data;
  // Colorization's held-out images are the photo crops the run was tested on; they cannot be
  // rebuilt (photos.json missing, the photo folder moved): the figure is skipped, not the report.
  let photos: DataSource | null = null, photosNote: string | null = null;
  if (figure && taskName === 'colorization' && run.checkpoint) {
    const specFile = path.join(runDir, PHOTO_SPEC_FILE);
    if (!fs.existsSync(specFile))
      photosNote = `no ${PHOTO_SPEC_FILE} in the run folder (\`selfsup pretrain --task colorization\` writes it to name the held-out photo crops)`;
    else {
      try {
        photos = await loadPhotoData(JSON.parse(fs.readFileSync(specFile, 'utf8')) as PhotoDataSpec);
      } catch (e) {
        photosNote = `the held-out photo crops could not be rebuilt from ${PHOTO_SPEC_FILE} (${(e as Error).message})`;
      }
    }
  }
  // The run's task, loaded once for the map and the pretext figure.
  let loaded: ReturnType<typeof loadRunTask> | Error | undefined;
  const runTask = () => {
    if (loaded === undefined) {
      try {
        loaded = loadRunTask(runDir);
      } catch (e) {
        loaded = e as Error;
      }
    }
    if (loaded instanceof Error) throw loaded;
    return loaded;
  };

  const title = (what: string) => `${name}: ${what}`;
  if (lossNote === null) {
    log('plot: loss');
    write(REPORT_FILES.loss, renderLossPlot(metrics!, title('training loss and learning rate')));
    if (metrics!.skipped) log(`${METRICS_FILE}: skipped ${metrics!.skipped} unreadable lines`);
  }
  plots.push({ file: REPORT_FILES.loss, title: 'Training loss', note: lossNote,
    caption: metrics && metrics.skipped ? `${metrics.skipped} unreadable lines of ${METRICS_FILE} were skipped.` : undefined });

  if (accuracyNote === null) {
    log('plot: accuracy');
    write(REPORT_FILES.accuracy, renderAccuracyPlot(evaluation!.rows, title('test accuracy against number of labels')));
  }
  plots.push({ file: REPORT_FILES.accuracy, title: 'Accuracy against number of labels', note: accuracyNote });

  let embedding: ReportResult['embedding'] = null, embeddingNote: string | null = run.checkpointNote ?? clipsNote, caption: string | undefined;
  // What the map shows: encoder features of test images or clips; for next-token runs the
  // mean-pooled features of the embedded fortunes' held-out documents, coloured by source file.
  const mapSource = (): { features: Float32Array; dim: number; labels: Int32Array | null; indices: Int32Array; names: readonly string[]; items: string; description: string } | null => {
    const { task: t } = runTask();
    if (t instanceof NextToken) {
      const docs = fortunesSampleDocuments({ seed });
      const held = Array.from(docs.heldOut.keys()).filter((i) => docs.heldOut[i]);
      const pick = Array.from(samplePoints(held.length, points, seed), (k) => held[k]);
      const dim = t.model.spec.channels;
      return { features: documentFeatures(t.model, pick.map((i) => docs.bytes[i]), SOURCE_PROBE_DEFAULTS.window), dim,
        labels: Int32Array.from(pick, (i) => docs.labels[i]), indices: Int32Array.from(pick), names: docs.names, items: 'held-out documents',
        description: 'the embedded fortunes sample' };
    }
    if (!mapData) return null;
    const indices = samplePoints(mapData.test.length, points, seed);
    const items = mapData.test.shape.length === 4 ? 'test clips' : 'test images';
    log(`features: ${indices.length} ${items}`);
    const f = extractFeatures(t.encoder, mapData.test, { indices });
    return { ...f, indices, names: classNames(mapData.test), items, description: mapData.description };
  };
  if (mapData || taskName === 'next-token') {
    try {
      const { task: { name: task }, epochs } = runTask();
      const f = mapSource()!;
      const n = f.features.length / f.dim;
      log(`UMAP: ${n} points, ${f.dim} dims`);
      const t0 = performance.now();
      const coords = embed2d(f.features, f.dim, { seed, epochs: umapEpochs });
      const what = `${n} ${f.items} (${f.description})`;
      log(`UMAP: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      write(REPORT_FILES.embedding, renderEmbeddingPlot(coords, f.labels, f.names, title(`test embeddings (${task}, epoch ${epochs})`),
        `UMAP of ${f.dim}-dim encoder features, ${n} ${f.items}, seed ${seed}`));
      caption = `UMAP (${EMBED_DEFAULTS.nNeighbors} neighbours, min_dist ${EMBED_DEFAULTS.minDist}, ${umapEpochs} epochs, seed ${seed}) of the ` +
        `L2-normalised ${f.dim}-dim features of the checkpoint's encoder (${task}, epoch ${epochs}) for ${what}; colour = ${taskName === 'next-token' ? 'source file' : 'class'}.`;
      embedding = { indices: f.indices, coords, labels: f.labels };
    } catch (e) {
      // The plots already written stand; this one is explained instead.
      embeddingNote = `the encoder could not be mapped on ${mapData?.description ?? 'the embedded fortunes'} (${(e as Error).message}; --data picks the images)`;
    }
  }
  plots.push({ file: REPORT_FILES.embedding, title: 'Test embeddings', note: embedding ? null : embeddingNote, caption });

  if (figure) {
    let note: string | null = run.checkpointNote, figureCaption: string | undefined;
    const images = taskName === 'colorization' ? photos : taskName === 'temporal' ? clips : data;
    if (run.checkpoint && !images) note = taskName === 'colorization' ? photosNote : clipsNote;
    else if (images) {
      try {
        const { task, epochs, metadata } = runTask();
        const [C] = images.test.shape, inC = (task.encoder as { spec?: { inChannels?: number } }).spec?.inChannels;
        if (task.name !== 'colorization' && inC !== undefined && inC !== C)
          throw new Error(`its encoder reads ${inC}-channel images but these have ${C} channel${C > 1 ? 's' : ''}`);
        log(`plot: ${task.name}`);
        const f = renderPretextFigure(task, images.test, { title: title(`${figure.title[0].toLowerCase()}${figure.title.slice(1)} (epoch ${epochs})`),
          seed: trainerSeed(metadata), data: images.description });
        write(figure.file, f.png);
        figureCaption = f.caption;
        note = null;
      } catch (e) {
        note = `the ${String(taskName)} figure could not be drawn on ${images.description} (${(e as Error).message}` +
          `${taskName === 'colorization' ? '' : '; --data picks the images'})`;
      }
    }
    plots.push({ file: figure.file, title: figure.title, note, caption: figureCaption });
  }

  const skipped = plots.filter((p) => p.note !== null).map((p) => ({ file: p.file, why: p.note! }));
  for (const s of skipped) fs.rmSync(path.join(outDir, s.file), { force: true });
  const warning = chartWarning();
  const summary = buildSummary({ run, metrics, evaluation, evalNote, plots, warnings: warning ? [warning] : [],
    generated: `selfsup ${version()} on ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC` });
  write(REPORT_FILES.summary, Buffer.from(summary));
  return { dir: outDir, written, skipped, embedding };
}
