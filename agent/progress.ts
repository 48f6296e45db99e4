const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

type Out = { isTTY?: boolean; columns?: number; write(s: string): boolean };

/**
 * Download progress on stderr (stdout stays a clean summary). On a terminal one line is redrawn
 * at most 10 times a second; in a log file or a pipe a plain line is written every few seconds,
 * since carriage returns there only make noise.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    /** Bytes already on disk from an earlier run: counted in the percentage, not in the speed. */
    private readonly resumedFrom: number,
    private readonly out: Out = process.stderr,
    private readonly plainEveryMs = 2000,
  ) {
    const resume = resumedFrom > 0 ? `, resuming at ${formatBytes(resumedFrom)}` : '';
    this.out.write(`downloading ${label} (${formatBytes(total)}${resume})\n`);
  }

  update(done: number): void {
    const now = Date.now();
    if (now - this.lastDraw < (this.out.isTTY ? 100 : this.plainEveryMs)) return;
    this.lastDraw = now;
    this.draw(done);
  }

  /** Ends the line; `ok` false leaves the last figures standing so the failure has context. */
  finish(done: number, ok: boolean): void {
    this.draw(done);
    if (this.out.isTTY) this.out.write('\n');
    if (ok)
      this.out.write(
        `downloaded ${this.label}: ${formatBytes(done - this.resumedFrom)} in ${formatDuration((Date.now() - this.started) / 1000)}\n`,
      );
  }

  private line(done: number): string {
    const pct = this.total > 0 ? Math.min(100, (done / this.total) * 100) : 100;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    const speed = (done - this.resumedFrom) / seconds;
    const eta = speed > 0 ? formatDuration((this.total - done) / speed) : '?';
    const figures = `${pct.toFixed(1).padStart(5)}% ${formatBytes(done)} / ${formatBytes(this.total)}  ${formatBytes(speed)}/s  eta ${eta}`;
    if (!this.out.isTTY) return `  ${this.label}: ${figures}`;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    const full = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${figures}`;
    return full.slice(0, Math.max(20, (this.out.columns ?? 100) - 1));
  }

  private draw(done: number): void {
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${this.line(done)}`);
    else this.out.write(`${this.line(done)}\n`);
  }
}
