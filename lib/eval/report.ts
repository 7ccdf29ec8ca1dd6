// What each protocol did, printed beside its numbers: an accuracy without its protocol settings
// (solver, wd grid, k, τ, epochs, label budget) cannot be compared with anyone else's. The summaries
// are built by the same functions that label each result's `settings`, from the same defaults the
// protocols use, so the table cannot drift from the code.
import { checkOneOf, checkOptions, invalidParameter, outOfRange } from '../validate.js';
import { EXTRACT_DEFAULTS } from './features.js';
import { describeFineTune, FINE_TUNE_DEFAULTS } from './finetune.js';
import { describeKnn, KNN_DEFAULTS } from './knn.js';
import { describeLinearProbe, LINEAR_PROBE_DEFAULTS } from './linear-probe.js';

export type ProtocolName = 'linearProbe' | 'knn' | 'fineTuneLastLayer' | 'fineTuneEndToEnd' | 'fewLabels' | 'baselines';

export interface ProtocolDescription {
  title: string;
  summary: string;
  settings: Record<string, string | number | boolean | readonly number[]>;
}

export const FEW_LABEL_FRACTIONS = [0.01, 0.1, 1] as const;

export function protocolSettings(): Record<ProtocolName, ProtocolDescription> {
  const lp = LINEAR_PROBE_DEFAULTS, ft = FINE_TUNE_DEFAULTS;
  const ftSettings = { epochs: ft.epochs, lr: ft.lr, batchSize: ft.batchSize, momentum: ft.momentum, weightDecay: ft.weightDecay,
    schedule: 'cosine to 0', optimizer: 'SGD', augmentation: 'none', seed: ft.seed };
  return {
    linearProbe: {
      title: 'linear probe',
      summary: describeLinearProbe({ ...lp }),
      settings: { solver: 'L-BFGS, strong-Wolfe line search', history: lp.history, maxIter: lp.maxIter, gtol: lp.gtol, ftol: lp.ftol,
        standardize: 'mean/std of training features', wdGrid: lp.wdGrid, valFraction: lp.valFraction,
        selection: 'held-out accuracy, then held-out loss, then larger wd; refit on all training features', seed: lp.seed,
        featureBatchSize: EXTRACT_DEFAULTS.batchSize },
    },
    knn: {
      title: 'kNN',
      summary: describeKnn(KNN_DEFAULTS),
      settings: { similarity: 'cosine (L2-normalized features)', k: KNN_DEFAULTS.k, temperature: KNN_DEFAULTS.temperature,
        weights: 'exp(sim / temperature)' },
    },
    fineTuneLastLayer: {
      title: 'fine-tune (last layer)',
      summary: describeFineTune({ ...ft, mode: 'last-layer' }),
      settings: { ...ftSettings, encoder: 'frozen, eval mode, features computed once' },
    },
    fineTuneEndToEnd: {
      title: 'fine-tune (end to end)',
      summary: describeFineTune({ ...ft, mode: 'end-to-end' }),
      settings: { ...ftSettings, encoder: 'trained (train mode), evaluated in eval mode; caller\'s encoder left unchanged' },
    },
    fewLabels: {
      title: 'few labels',
      summary: `stratified subsets of the training labels: ${FEW_LABEL_FRACTIONS.map(pct).join(', ')} (round(f·count) per class, ≥1, seeded, nested)`,
      settings: { fractions: FEW_LABEL_FRACTIONS, perClass: 'round(fraction × count), at least 1', seed: 0, nested: true },
    },
    baselines: {
      title: 'baselines',
      summary: 'raw pixels (flattened, /255) and a randomly initialised encoder, through the same protocols',
      settings: { rawPixels: 'flattened pixels / 255', randomInit: 'the same architecture, freshly built with the same seed' },
    },
  };
}

export interface ResultRow {
  model: string;              // "raw pixels", "random init", "SimCLR 50 ep", …
  protocol: ProtocolName | string;
  accuracy: number;           // in [0, 1]
  labels?: number | string;   // label fraction (0.1 → "10%") or text; default "100%"
  settings?: string;          // default: the protocol's summary
}

function pct(f: number): string {
  return `${+(f * 100).toPrecision(3)}%`;
}

export function formatResultsTable(rows: readonly ResultRow[], opts?: { format?: 'markdown' | 'plain'; digits?: number }): string {
  const o = checkOptions<{ format: 'markdown' | 'plain'; digits: number }>('options', opts, ['format', 'digits']);
  const format = checkOneOf('format', o.format ?? 'markdown', ['markdown', 'plain'] as const);
  const digits = o.digits ?? 1;
  if (!Number.isInteger(digits) || digits < 0 || digits > 6) throw outOfRange('digits', 'integer in [0, 6]', digits);
  if (!Array.isArray(rows)) throw invalidParameter('rows', 'array of result rows', rows);
  const known = protocolSettings() as Record<string, ProtocolDescription>;
  const body = rows.map((r, i) => {
    if (r === null || typeof r !== 'object') throw invalidParameter(`rows[${i}]`, 'result row {model, protocol, accuracy}', r);
    checkOptions(`rows[${i}]`, r, ['model', 'protocol', 'accuracy', 'labels', 'settings']);
    if (typeof r.model !== 'string') throw invalidParameter(`rows[${i}].model`, 'string', r.model);
    if (typeof r.protocol !== 'string') throw invalidParameter(`rows[${i}].protocol`, 'string', r.protocol);
    if (typeof r.accuracy !== 'number' || !(r.accuracy >= 0 && r.accuracy <= 1)) throw outOfRange(`rows[${i}].accuracy`, 'number in [0, 1]', r.accuracy);
    const labels = r.labels === undefined ? '100%' : typeof r.labels === 'number' ? pct(r.labels) : String(r.labels);
    const desc = Object.hasOwn(known, r.protocol) ? known[r.protocol] : undefined;
    return [r.model, desc?.title ?? r.protocol, labels, `${(r.accuracy * 100).toFixed(digits)}%`, r.settings ?? desc?.summary ?? ''];
  });
  const head = ['model', 'protocol', 'labels', 'accuracy', 'settings'];
  if (format === 'markdown') {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    return [head, ['---', '---', '---:', '---:', '---'], ...body].map((r, k) => `| ${(k === 1 ? r : r.map(esc)).join(' | ')} |`).join('\n');
  }
  const all = [head, ...body];
  const width = head.map((_, j) => Math.max(...all.map((r) => [...r[j]].length)));
  const line = (r: string[]) => r.map((c, j) => (j === 2 || j === 3 ? c.padStart(width[j]) : j === 4 ? c : c.padEnd(width[j]))).join('  ').trimEnd();
  return [line(head), width.map((w, j) => '-'.repeat(j === 4 ? Math.max(8, Math.min(w, 40)) : w)).join('  '), ...body.map(line)].join('\n');
}
