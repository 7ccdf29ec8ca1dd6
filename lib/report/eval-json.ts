// <run>/eval.json, as `selfsup pretrain` and `selfsup eval` write it: {data, rows: ResultRow[]}.
// Unlike a missing file (a skipped plot), a file that is there but malformed is an error: plotting
// half of a damaged table would show numbers that were never measured.
import fs from 'node:fs';
import { formatResultsTable, type ResultRow } from '../eval/report.js';

export interface EvalFile {
  data: string | null;  // which images the numbers were measured on
  rows: ResultRow[];
}

export function readEvalJson(file: string): EvalFile {
  let v: { data?: unknown; rows?: unknown };
  try {
    v = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== 'object' || !Array.isArray(v.rows))
    throw new Error(`${file}: expected {"rows": [{model, protocol, accuracy, labels}, ...]}`);
  const rows = v.rows as ResultRow[];
  try {
    formatResultsTable(rows); // the table's own checks: model, protocol, accuracy in [0, 1], no stray keys
    rows.forEach((r) => labelFraction(r.labels));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return { data: typeof v.data === 'string' ? v.data : null, rows };
}

// A row's label budget as a fraction: "10%" → 0.1, 0.1 → 0.1, absent → 1 (formatResultsTable's default).
export function labelFraction(labels: ResultRow['labels']): number {
  if (labels === undefined) return 1;
  if (typeof labels === 'number') {
    if (labels > 0 && labels <= 1) return labels;
  } else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(String(labels));
    const f = m ? Number(m[1]) / 100 : NaN;
    if (f > 0 && f <= 1) return f;
  }
  throw new RangeError(`Expected labels like "10%" or a fraction in (0, 1] but received ${JSON.stringify(labels)}`);
}
