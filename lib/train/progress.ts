// What fit() shows while it runs: on a terminal, a cli-progress bar per epoch (kept as one line
// once the epoch ends) with loss, lr, images/s and the time left for the whole run; elsewhere (a
// log file, CI) one plain line per epoch; with progress: false, nothing.
import cliProgress from 'cli-progress';
import type { BatchEndLogs, EpochEndLogs } from './callbacks.js';

export interface RunSummary {
  task: string;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  schedule: string;
  startEpoch: number;
  startBatch: number;
  startStep: number;
}

export interface Reporter {
  begin(run: RunSummary): void;
  epochBegin(epoch: number, batch: number): void;
  batch(epoch: number, batch: number, logs: BatchEndLogs, secondsLeft: number): void;
  epochEnd(epoch: number, logs: EpochEndLogs, imagesPerSec: number, secondsLeft: number): void;
  notice(message: string): void;          // mid-run (Ctrl-C seen)
  end(message: string | null): void;      // the run is over: close the bar, then the last word
  close(): void; // idempotent; restores the terminal (also after an error)
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const fmtLoss = (v: number) => v.toFixed(4);
const fmtLr = (v: number) => v.toPrecision(3);
const fmtRate = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '?');

function startLine(r: RunSummary): string {
  const from = r.startStep > 0 ? `, resuming at epoch ${r.startEpoch + 1} batch ${r.startBatch} (step ${r.startStep})` : '';
  return `train: task "${r.task}", ${r.epochs} epochs × ${r.stepsPerEpoch} steps of ${r.batchSize}, ` +
    `${r.optimizer} lr ${fmtLr(r.lr)} ${r.schedule}${from}`;
}

export const silentReporter: Reporter = {
  begin() {}, epochBegin() {}, batch() {}, epochEnd() {}, notice() {}, end() {}, close() {},
};

// One line per epoch, for streams that are not terminals.
export function plainReporter(stream: NodeJS.WritableStream): Reporter {
  let epochs = 0;
  return {
    begin(r) {
      epochs = r.epochs;
      stream.write(startLine(r) + '\n');
    },
    epochBegin() {},
    batch() {},
    epochEnd(epoch, logs, ips, left) {
      stream.write(`epoch ${epoch + 1}/${epochs}  loss ${fmtLoss(logs.loss)}  lr ${fmtLr(logs.lr)}  ${fmtRate(ips)} img/s  ` +
        `${logs.seconds.toFixed(1)}s  left ${formatDuration(left)}\n`);
    },
    notice(message) {
      stream.write(`train: ${message}\n`);
    },
    end(message) {
      if (message) stream.write(`train: ${message}\n`);
    },
    close() {},
  };
}

// A bar per epoch on a terminal. cli-progress redraws at most `fps` times a second from a timer,
// which runs because fit() yields to the event loop between steps. A finished bar stays as the
// epoch's line; a message mid-epoch closes the bar, prints, and opens a new one where it was.
export function barReporter(stream: NodeJS.WritableStream): Reporter {
  let bar: cliProgress.SingleBar | null = null;
  let run: RunSummary | null = null;
  let epoch = 0, value = 0, stepTime = NaN; // seconds per image, smoothed
  let payload: Record<string, string> = {};
  const open = () => {
    bar = new cliProgress.SingleBar({
      stream, format: `epoch ${epoch + 1}/${run!.epochs} [{bar}] {value}/{total} | loss {loss} | lr {lr} | {ips} img/s | left {left}`,
      barsize: 24, fps: 5, hideCursor: true, gracefulExit: false, etaBuffer: 50,
    });
    bar.start(run!.stepsPerEpoch, value, payload);
  };
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    begin(r) {
      run = r;
      stream.write(startLine(r) + '\n');
    },
    epochBegin(e, batch) {
      stop();
      [epoch, value, payload] = [e, batch, { loss: '-', lr: '-', ips: '-', left: '?' }];
      open();
    },
    batch(_epoch, batch, logs, left) {
      // Per-step rates jitter; show the rate of an exponential average of step times instead.
      const t = 1 / logs.imagesPerSec;
      stepTime = batch === 0 || !Number.isFinite(stepTime) ? t : 0.9 * stepTime + 0.1 * t;
      value = batch + 1;
      payload = { loss: fmtLoss(logs.loss), lr: fmtLr(logs.lr), ips: fmtRate(1 / stepTime), left: formatDuration(left) };
      bar?.update(value, payload);
    },
    epochEnd(_epoch, logs, ips, left) {
      bar?.update({ loss: `${fmtLoss(logs.loss)} (mean)`, ips: fmtRate(ips), left: `${formatDuration(left)} (${logs.seconds.toFixed(1)}s this epoch)` });
      stop();
    },
    notice(message) {
      const wasOpen = bar !== null;
      stop();
      stream.write(`train: ${message}\n`);
      if (wasOpen) open();
    },
    end(message) {
      stop();
      if (message) stream.write(`train: ${message}\n`);
    },
    close: stop,
  };
}

export function createReporter(progress: boolean, stream: NodeJS.WriteStream = process.stderr): Reporter {
  if (!progress) return silentReporter;
  return stream.isTTY ? barReporter(stream) : plainReporter(stream);
}
