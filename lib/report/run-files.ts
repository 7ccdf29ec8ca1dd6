// What a report reads from a run folder besides the plots' own inputs: that the folder is a run at
// all, its config.json (what fit() was asked to do) and the checkpoint's metadata (where the run
// got to). A missing or unreadable piece becomes a note in summary.md instead of an error, so a
// stopped or half-copied run still gets the plots that its files allow.
import fs from 'node:fs';
import path from 'node:path';
import { loadSafetensors } from '../io/safetensors.js';
import { CHECKPOINT_FILE, CONFIG_FILE, METRICS_FILE } from '../train/run-dir.js';

export const EVAL_FILE = 'eval.json';
export const REPORT_DIR = 'report';

export interface RunFiles {
  dir: string;                                  // as given (messages name what the user typed)
  config: Record<string, unknown> | null;       // config.json
  configNote: string | null;                    // why config is null
  checkpoint: Record<string, string> | null;    // the checkpoint's safetensors __metadata__
  checkpointNote: string | null;                // why checkpoint is null
}

// A folder is a run when fit() wrote at least one of its files there; anything else is refused
// with the reason, before a report/ folder is created inside something that is not a run.
export function openRun(dir: string): RunFiles {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`Expected a run folder path for run but received ${JSON.stringify(dir)}`);
  if (!fs.existsSync(dir)) throw new Error(`${dir}: no such run folder`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir}: not a folder (expected a selfsup run folder)`);
  const has = (f: string) => fs.existsSync(path.join(dir, f));
  if (![CHECKPOINT_FILE, CONFIG_FILE, METRICS_FILE].some(has))
    throw new Error(`${dir}: not a selfsup run folder (no ${CHECKPOINT_FILE}, ${CONFIG_FILE} or ${METRICS_FILE})`);

  let config: Record<string, unknown> | null = null, configNote: string | null = null;
  if (!has(CONFIG_FILE)) configNote = `no ${CONFIG_FILE} in the run folder`;
  else {
    try {
      const v: unknown = JSON.parse(fs.readFileSync(path.join(dir, CONFIG_FILE), 'utf8'));
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
      config = v as Record<string, unknown>;
    } catch (e) {
      configNote = `${CONFIG_FILE} is unreadable (${(e as Error).message})`;
    }
  }

  let checkpoint: Record<string, string> | null = null, checkpointNote: string | null = null;
  if (!has(CHECKPOINT_FILE)) checkpointNote = `no ${CHECKPOINT_FILE} in the run folder (the run never finished an epoch)`;
  else {
    try {
      checkpoint = loadSafetensors(path.join(dir, CHECKPOINT_FILE)).metadata;
    } catch (e) {
      checkpointNote = `${CHECKPOINT_FILE} is unreadable (${(e as Error).message})`;
    }
  }
  return { dir, config, configNote, checkpoint, checkpointNote };
}
