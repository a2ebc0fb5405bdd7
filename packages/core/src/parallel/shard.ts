import * as tf from '@tensorflow/tfjs';
import { type DataParallelContext, dataParallelContext, shardBounds } from './context.js';

/**
 * Computes rows `[0, n)` of a batch-shaped result `compute(start, count)` (rows `start … start+count−1`),
 * split across the data-parallel replicas of the current step: each rank computes its contiguous shard and
 * the shards are gathered, so every rank gets all `n` rows, **with the gradient flowing back to each
 * rank's own shard** (lightly / solo-learn's `GatherLayer`). Outside a data-parallel step (or when `n` is
 * smaller than the number of ranks) it is `compute(0, n)`.
 *
 * Wrap the expensive part of a step — the encoder forward over a batch of views — in it; everything after
 * it (the loss over the whole batch, queues, memory banks, momentum updates) then runs on the full batch,
 * identically on every replica, so the loss and the gradients equal the single-process ones. Layers that
 * mix rows (batch norm) see only the rank's shard unless the group synchronises batch norm. Calls may nest
 * in sequence: a loss may split its own rows (core's `ntXent` and `infoNCE` do) over rows gathered before.
 *
 * Gradient convention: the optimizer averages the gradients of the ranks; a gathered row's gradient is the
 * sum over ranks of that row's gradient on each (so a part computed identically on every rank counts once).
 *
 * `compute` must be a pure function of its rows (its random draws included), so that rows computed on
 * different ranks are those a single process computes.
 */
export function parallelRows<T extends tf.Tensor>(n: number, compute: (start: number, count: number) => T): T {
  const ctx = dataParallelContext();
  if (ctx === undefined || ctx.size === 1 || n < ctx.size) return compute(0, n);
  const { start, count } = shardBounds(n, ctx.size)[ctx.rank]!;
  return gatherShards(compute(start, count), ctx);
}

/** True when {@link parallelRows} over `n` rows would split them across workers (inside a data-parallel step). */
export function splitsRows(n: number): boolean {
  const ctx = dataParallelContext();
  return ctx !== undefined && ctx.size > 1 && n >= ctx.size;
}

/**
 * `concat(compute(0), …, compute(parts − 1))` along axis 0, with the parts split across the data-parallel
 * replicas (rank r computes a contiguous range of parts) and gathered with their gradients, like
 * {@link parallelRows}. Use it when the parts are the unit of batch statistics (MoCo's per-GPU BN groups):
 * with `parts` a multiple of the number of ranks, a data-parallel run computes exactly what one process
 * computing every part computes. Outside a data-parallel step (or with fewer parts than ranks) every part is
 * computed here.
 */
export function parallelParts<T extends tf.Tensor>(parts: number, compute: (part: number) => T): T {
  const ctx = dataParallelContext();
  const concat = (from: number, count: number): T =>
    tf.tidy(() => {
      const ts = Array.from({ length: count }, (_, i) => compute(from + i));
      return (ts.length === 1 ? ts[0]! : tf.concat(ts, 0)) as T;
    });
  if (ctx === undefined || ctx.size === 1 || parts < ctx.size) return concat(0, parts);
  const { start, count } = shardBounds(parts, ctx.size)[ctx.rank]!;
  return gatherShards(concat(start, count), ctx);
}

/** All ranks' `local` rows concatenated in rank order; the gradient of rank r's rows flows to its `local`. */
function gatherShards<T extends tf.Tensor>(local: T, ctx: DataParallelContext): T {
  if (local.dtype !== 'float32') throw new TypeError(`parallelRows: the computed rows must be float32, got ${local.dtype}`);
  const rowShape = local.shape.slice(1);
  const headers = ctx.collective.exchange([local.shape[0]!, rowShape.length, ...pad(rowShape, 6)]);
  for (const h of headers) {
    const shape = h.slice(2, 2 + h[1]!);
    if (h[1] !== rowShape.length || shape.some((d, i) => d !== rowShape[i])) {
      throw new RangeError(`parallelRows: ranks computed rows of different shapes ([${shape.join(', ')}] vs [${rowShape.join(', ')}])`);
    }
  }
  const rows = headers.map((h) => h[0]!);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const offset = rows.slice(0, ctx.rank).reduce((a, b) => a + b, 0);
  const total = rows.reduce((a, b) => a + b, 0);
  const gather = tf.customGrad(((x: tf.Tensor) => {
    const all = ctx.collective.allGather(
      x.dataSync() as Float32Array,
      rows.map((r) => r * rowSize),
    );
    return {
      value: tf.tensor(all, [total, ...rowShape], 'float32'),
      // Each rank's loss may depend on every gathered row differently (a loss split by rows itself), so the
      // gradient of this rank's rows is the sum over ranks of their gradients (the optimizer then averages).
      gradFunc: (dy: tf.Tensor) => {
        const summed = ctx.collective.allReduceSum(dy.dataSync() as Float32Array);
        const own = summed.subarray(offset * rowSize, (offset + x.shape[0]!) * rowSize);
        return tf.tensor(own, x.shape, 'float32');
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return gather(local) as T;
}

function pad(values: number[], length: number): number[] {
  return [...values, ...Array(Math.max(0, length - values.length)).fill(0)].slice(0, length);
}

/**
 * Σ over the ranks of `x` (same shape on every rank), differentiable: the gradient of each rank's `x` is the
 * sum over ranks of the incoming gradients (synchronised batch norm's statistics). Identity outside a
 * data-parallel step.
 */
export function allReduceSum<T extends tf.Tensor>(x: T): T {
  const ctx = dataParallelContext();
  if (ctx === undefined || ctx.size === 1) return x;
  const op = tf.customGrad(((t: tf.Tensor) => {
    return {
      value: tf.tensor(ctx.collective.allReduceSum(t.dataSync() as Float32Array), t.shape, 'float32'),
      gradFunc: (dy: tf.Tensor) => tf.tensor(ctx.collective.allReduceSum(dy.dataSync() as Float32Array), dy.shape, 'float32'),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as T;
}
