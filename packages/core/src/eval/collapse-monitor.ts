import * as tf from '@tensorflow/tfjs';
import { assertInt, assertPositive } from '../validate.js';
import { addToLogs, isDue, type EpochEndCallback } from './callback.js';
import { collapseStd, collapseThreshold } from './collapse.js';
import type { EmbeddingInput } from './inputs.js';

export interface CollapseMonitorOptions {
  /** Check after every `every`-th epoch (0-based epochs every−1, 2·every−1, …). Default 1. */
  every?: number;
  /** Embeds a fixed batch of inputs with the current encoder; returned tensors are disposed by the monitor. */
  embed: () => EmbeddingInput | Promise<EmbeddingInput>;
  /**
   * Warn when {@link collapseStd} falls below this. Default `0.25/√d`: a quarter of the ≈ 1/√d of
   * embeddings spread over the sphere, low enough that healthy training does not trip it and high
   * enough to fire while the std is still falling towards 0 (SimSiam without stop-gradient reaches
   * ~0 within a few epochs).
   */
  threshold?: number;
  /** Called with a message when collapse begins (once per drop below the threshold). Default `console.warn`. */
  warn?: (message: string) => void;
  /** Per-check report; `false` (default) for silence. */
  log?: ((message: string) => void) | false;
}

export interface CollapseRecord {
  epoch: number;
  /** Mean per-dimension std of the L2-normalised embeddings. */
  std: number;
  /** `std·√d`: ≈ 1 healthy, → 0 collapsed. */
  normalizedStd: number;
  collapsed: boolean;
}

export interface CollapseMonitor extends EpochEndCallback {
  readonly history: CollapseRecord[];
  /** True when the latest check was below the threshold. */
  readonly collapsed: boolean;
  /** Runs a check now. */
  check(epoch: number): Promise<CollapseRecord>;
}

/**
 * Collapse monitor (SimSiam, Chen & He 2021 §4.1; lightly's `std_of_l2_normalized`): every `every`
 * epochs it measures the per-dimension std of L2-normalised embeddings of a fixed batch and warns when
 * it drops below `threshold` — the signal that an encoder without negatives (BYOL, SimSiam) has begun
 * mapping everything to one point. Adds `collapseStd` to the epoch's logs.
 */
export function collapseMonitor(opts: CollapseMonitorOptions): CollapseMonitor {
  const every = opts.every ?? 1;
  assertInt(every, 'every', 1);
  if (opts.threshold !== undefined) assertPositive(opts.threshold, 'threshold');
  if (typeof opts.embed !== 'function') throw new TypeError('collapseMonitor: embed must be a function returning embeddings [N, D]');
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const log = opts.log ?? false;
  const history: CollapseRecord[] = [];
  let collapsed = false;
  const check = async (epoch: number): Promise<CollapseRecord> => {
    const emb = await opts.embed();
    let std: number;
    let d: number;
    try {
      d = emb instanceof tf.Tensor ? (emb.shape[1] ?? 0) : (emb[0]?.length ?? 0);
      std = collapseStd(emb);
    } finally {
      if (emb instanceof tf.Tensor) emb.dispose();
    }
    const threshold = opts.threshold ?? collapseThreshold(d);
    const isCollapsed = std < threshold;
    const record: CollapseRecord = { epoch, std, normalizedStd: std * Math.sqrt(d), collapsed: isCollapsed };
    history.push(record);
    if (isCollapsed && !collapsed) {
      warn(
        `epoch ${epoch}: representation collapse — std of L2-normalised embeddings is ${std.toExponential(2)} ` +
          `(threshold ${threshold.toExponential(2)}, healthy ≈ 1/√${d} = ${(1 / Math.sqrt(d)).toFixed(3)})`,
      );
    }
    collapsed = isCollapsed;
    if (log) log(`epoch ${epoch}: collapse std ${std.toFixed(4)} (·√d = ${record.normalizedStd.toFixed(3)})`);
    return record;
  };
  return {
    history,
    get collapsed() {
      return collapsed;
    },
    check,
    async onEpochEnd(epoch: number, logs?: object): Promise<void> {
      if (!isDue(epoch, every)) return;
      addToLogs(logs, 'collapseStd', (await check(epoch)).std);
    },
  };
}
