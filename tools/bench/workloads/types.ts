import type { WorkloadInfo } from './catalog.js';

/** A named benchmark workload (metadata from catalog.ts). Each runs in its own child process. */
export interface Workload extends WorkloadInfo {
  /**
   * Build the workload. Resolves to `{ step, perStep, dispose }`, or to a string explaining why it cannot
   * run here (e.g. a package that does not exist yet).
   */
  setup(): Promise<WorkloadInstance | string>;
}

export interface WorkloadInstance {
  /** One timed unit of work; must finish all compute before returning (reads the loss). */
  step(): Promise<void> | void;
  /** Views or ops done by one `step()`. */
  perStep: number;
  /** Default number of timed steps (median is reported) and untimed warm-up steps. */
  steps: number;
  warmup: number;
  /** Workers the step trained with, for workloads that honour `--workers` / BENCH_WORKERS; unset otherwise. */
  workers?: number;
  dispose(): void;
}

export interface WorkloadResult {
  workload: string;
  backend: string;
  viewsPerSecond?: number;
  opsPerSecond?: number;
  peakRssMB: number;
  medianStepMs?: number;
  timedSteps?: number;
  /** Workers used (only from workloads that honour `--workers`). */
  workers?: number;
  unavailable?: string;
  profile?: { kernel: string; ms: number; share: number }[];
}
