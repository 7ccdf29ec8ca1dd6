// `selfsup report RUN`: the flags as the CLI gives them (strings), checked with the flag's name in
// the message, then writeReport; the paths written go to stdout, progress and skipped plots to stderr.
import { checkInt } from '../validate.js';
import { REPORT_DEFAULTS, writeReport } from './report.js';

export interface ReportFlags {
  data?: string;
  limit?: string;
  points: string;
  seed: string;
}

export async function reportCommand(run: string, f: ReportFlags): Promise<void> {
  const t0 = performance.now();
  const r = await writeReport(run, {
    data: f.data,
    limit: f.limit === undefined ? undefined : checkInt('--limit', Number(f.limit), 3),
    points: checkInt('--points', Number(f.points ?? REPORT_DEFAULTS.points), 3),
    seed: checkInt('--seed', Number(f.seed ?? REPORT_DEFAULTS.seed), 0),
    log: (s) => console.error(`report: ${s}`),
  });
  for (const s of r.skipped) console.error(`report: skipped ${s.file}: ${s.why}`);
  console.error(`report: ${r.written.length} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const w of r.written) console.log(w);
}
