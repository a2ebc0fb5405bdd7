/** What a progress line shows. */
export interface ProgressState {
  /** Shown instead of `epoch e/E` (e.g. `'embedding'` for work that is not a training epoch). */
  label?: string;
  epoch: number; // 0-based
  epochs: number;
  step: number; // steps done in this epoch
  stepsPerEpoch?: number; // undefined while unknown (first epoch of an iterator without stepsPerEpoch)
  /** Omitted from the line when undefined. */
  loss?: number;
  stepsPerSecond: number;
  /** What `step` counts, for the rate (default `'steps'`, e.g. `'images'`). */
  unit?: string;
  etaSeconds?: number;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One progress line: `epoch 2/10 [#####.....] 45/100 12.3 steps/s loss 1.2345 ETA 0:05`. */
export function formatProgress(p: ProgressState, width = 20): string {
  const parts = [p.label ?? `epoch ${p.epoch + 1}/${p.epochs}`];
  if (p.stepsPerEpoch !== undefined && p.stepsPerEpoch > 0) {
    const filled = Math.min(width, Math.round((width * p.step) / p.stepsPerEpoch));
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.stepsPerEpoch}`);
  } else {
    parts.push(`step ${p.step}`);
  }
  parts.push(`${p.stepsPerSecond.toFixed(p.stepsPerSecond >= 10 ? 1 : 2)} ${p.unit ?? 'steps'}/s`);
  if (p.loss !== undefined) parts.push(`loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss)}`);
  parts.push(`ETA ${p.etaSeconds === undefined ? '--:--' : formatDuration(p.etaSeconds)}`);
  return parts.join('  ');
}

/** Where the bar writes (default `process.stderr`). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A single-line terminal progress bar redrawn in place with `\r` on a TTY. Elsewhere (a log file, CI) it
 * never writes carriage returns: it prints the same line as plain text at most once per
 * `plainIntervalMs` (default one minute, the first one after that long), so short runs stay silent and
 * an hour-long epoch still shows how far it is. TTY redraws are throttled to `minIntervalMs` (100 ms).
 */
export class ProgressBar {
  private lastDraw: number;
  private drawn = false;
  private readonly active: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly minIntervalMs = 100,
    private readonly plainIntervalMs = 60_000,
  ) {
    this.active = stream.isTTY === true;
    this.lastDraw = this.active ? 0 : Date.now();
  }

  /** Redraws the line (throttled unless `force`; `force` does not bypass the plain-text interval). */
  update(state: ProgressState, force = false): void {
    const now = Date.now();
    if (!this.active) {
      if (now - this.lastDraw < this.plainIntervalMs) return;
      this.lastDraw = now;
      this.stream.write(`${formatProgress(state)}\n`);
      return;
    }
    if (!force && now - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = now;
    let line = formatProgress(state);
    const cols = this.stream.columns;
    if (cols !== undefined && cols > 10 && line.length >= cols) line = line.slice(0, cols - 1);
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Ends the current line (keeps the last state visible). */
  newline(): void {
    if (!this.active || !this.drawn) return;
    this.stream.write('\n');
    this.drawn = false;
  }
}
