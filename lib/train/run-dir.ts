// The run folder: checkpoint.safetensors, metrics.jsonl and config.json. It is created on the
// first write, and a fresh run that fails before its first checkpoint removes what it wrote (and
// the folders it created), so a failed start never leaves an empty or checkpoint-less run folder.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/safetensors.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const METRICS_FILE = 'metrics.jsonl';
export const CONFIG_FILE = 'config.json';

export class RunDir {
  readonly checkpoint: string;
  readonly metrics: string;
  readonly config: string;
  private createdRoot: string | null = null; // the outermost folder this run created
  private wrote = new Set<string>();
  private hasCheckpoint = false;

  constructor(readonly dir: string, private readonly configJson: () => unknown) {
    this.dir = path.resolve(dir);
    this.checkpoint = path.join(this.dir, CHECKPOINT_FILE);
    this.metrics = path.join(this.dir, METRICS_FILE);
    this.config = path.join(this.dir, CONFIG_FILE);
  }

  // A fresh run must not mix its files with another run's.
  assertFresh(): void {
    if (fs.existsSync(this.dir) && !fs.statSync(this.dir).isDirectory())
      throw new Error(`train.fit: runDir ${this.dir} exists and is not a folder`);
    const taken = [this.checkpoint, this.metrics, this.config].filter((f) => fs.existsSync(f));
    if (taken.length)
      throw new Error(`train.fit: runDir ${this.dir} already holds ${taken.map((f) => path.basename(f)).join(', ')} of another run; ` +
        'pass resume: true to continue it, or choose another runDir');
  }

  // A resumed run continues its checkpoint; it never needs cleaning up.
  markResumed(): void {
    this.hasCheckpoint = true;
  }

  private ensure(): void {
    if (!fs.existsSync(this.dir)) this.createdRoot = fs.mkdirSync(this.dir, { recursive: true }) ?? null;
    if (!fs.existsSync(this.config)) {
      writeFileAtomic(this.config, Buffer.from(JSON.stringify(this.configJson(), null, 2) + '\n'));
      this.wrote.add(this.config);
    }
  }

  appendMetrics(line: Record<string, unknown>): void {
    this.ensure();
    fs.appendFileSync(this.metrics, JSON.stringify(line) + '\n');
    this.wrote.add(this.metrics);
  }

  // Atomic: a temp file in the same folder, fsync, rename over the previous checkpoint.
  writeCheckpoint(bytes: Uint8Array): void {
    this.ensure();
    writeFileAtomic(this.checkpoint, bytes);
    this.hasCheckpoint = true;
  }

  // After a crash between a metrics line and the checkpoint that follows it, the file holds lines
  // for steps the resumed run will take again: keep only lines for steps before `step`.
  truncateMetrics(step: number): void {
    if (!fs.existsSync(this.metrics)) return;
    const lines = fs.readFileSync(this.metrics, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const keep = lines.filter((l) => {
      try {
        const s = (JSON.parse(l) as { step?: unknown }).step;
        return typeof s === 'number' && s < step;
      } catch {
        return false; // a line torn by a crash
      }
    });
    if (keep.length !== lines.length) writeFileAtomic(this.metrics, Buffer.from(keep.map((l) => l + '\n').join('')));
  }

  // A fresh run that failed before its first checkpoint: remove its files and the folders it made.
  abandon(): void {
    if (this.hasCheckpoint) return;
    for (const f of this.wrote) fs.rmSync(f, { force: true });
    this.wrote.clear();
    if (!this.createdRoot) return;
    const root = path.resolve(this.createdRoot);
    for (let d = this.dir; d.length >= root.length; d = path.dirname(d)) {
      try {
        fs.rmdirSync(d); // only when empty
      } catch {
        return;
      }
      if (d === root) return;
    }
  }
}
