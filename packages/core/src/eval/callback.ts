/**
 * The part of the training-loop callback contract the monitors implement: `train({ callbacks })` calls
 * `onEpochEnd(epoch, logs)` after each epoch (epoch counted from 0) and awaits it. `logs` is typed as a
 * plain object so any loop's log record fits; monitors add their metric to it when it is writable.
 */
export interface EpochEndCallback {
  onEpochEnd(epoch: number, logs?: object): Promise<void>;
}

/** Puts `value` under `key` in the loop's log record when that record is a writable object. */
export function addToLogs(logs: object | undefined, key: string, value: number): void {
  if (logs && typeof logs === 'object' && Object.isExtensible(logs)) {
    try {
      (logs as Record<string, unknown>)[key] = value;
    } catch {
      // A frozen or proxied log record is the loop's business; the monitor keeps its own history.
    }
  }
}

/** True when a monitor with period `every` should run after 0-based `epoch`. */
export function isDue(epoch: number, every: number): boolean {
  return (epoch + 1) % every === 0;
}
