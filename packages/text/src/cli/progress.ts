import cliProgress from 'cli-progress';

/** A stderr progress bar for encoding/evaluation (training uses core's bar). Silent when stderr is not a TTY. */
export function progressBar(label: string, total: number): { update(done: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% ETA {eta_formatted}`, stream: process.stderr, clearOnComplete: true },
    cliProgress.Presets.legacy,
  );
  bar.start(total, 0);
  return { update: (d) => bar.update(d), stop: () => bar.stop() };
}
