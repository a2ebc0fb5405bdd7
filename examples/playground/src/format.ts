/** Text of the progress line: steps per second and the time left. */

export function formatRate(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '– steps/s';
  return `${stepsPerSecond >= 10 ? stepsPerSecond.toFixed(0) : stepsPerSecond.toFixed(2)} steps/s`;
}

/** `45 s`, `3 min 05 s`, `1 h 02 min`; `–` when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export const formatPercent = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`);

/**
 * The kNN line: the latest accuracy and step, and the accuracy before training beside it, since a randomly
 * initialised CNN already clusters simple images well and training does not always beat it.
 */
export function formatKnn(history: readonly { step: number; accuracy: number | null }[]): string {
  const last = history.at(-1);
  if (!last) return '–';
  const text = `${formatPercent(last.accuracy)} at step ${last.step}`;
  const first = history[0]!;
  return first.step === 0 && last.step > 0 && first.accuracy !== null ? `${text} (${formatPercent(first.accuracy)} before training)` : text;
}
