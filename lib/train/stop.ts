// Stop requests: the caller's AbortSignal and Ctrl-C. fit() polls `requested` between steps, so a
// request is honoured after the current step, with a checkpoint. The SIGINT handler exists only
// while fit() runs (dispose() removes it); a second Ctrl-C removes it at once and re-raises the
// signal, so a stuck step can still be killed the usual way.
export class StopWatch {
  private interrupted = false;
  private readonly onSigint = () => {
    if (this.interrupted) {
      this.dispose();
      process.kill(process.pid, 'SIGINT');
      return;
    }
    this.interrupted = true;
    this.notice?.('stopping after this step and saving a checkpoint (Ctrl-C again to quit at once)');
  };
  private installed = false;

  constructor(private readonly signal: AbortSignal | null, private readonly notice?: (msg: string) => void) {
    process.on('SIGINT', this.onSigint);
    this.installed = true;
  }

  get requested(): boolean {
    return this.interrupted || this.signal?.aborted === true;
  }

  get reason(): string {
    return this.interrupted ? 'Ctrl-C' : 'abort signal';
  }

  dispose(): void {
    if (!this.installed) return;
    process.removeListener('SIGINT', this.onSigint);
    this.installed = false;
  }
}
