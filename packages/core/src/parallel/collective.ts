/**
 * Synchronous collectives over one `SharedArrayBuffer` for N ranks (threads) of one process: a barrier,
 * an all-reduce (sum) and an all-gather of float32 arrays. Every rank blocks in `Atomics.wait`, so a
 * collective can run inside a synchronous `tf.tidy` step (a worker thread; Node's main thread may block
 * too, a browser's may not).
 *
 * Determinism: every rank sums the N contributions itself in rank order 0…N−1, so all ranks get
 * bit-identical results and data-parallel replicas stay bit-identical.
 *
 * Failure: a rank that fails calls {@link Collective.abort} (its message is kept in the buffer); every
 * rank waiting in (or entering) a collective then throws a {@link DataParallelError} naming it. A rank
 * that never arrives makes the others throw after `timeoutMs`.
 */

const GEN = 0; // barrier generation
const COUNT = 1; // ranks arrived at the current barrier
const ABORT = 2; // 0, or 1 + the rank that aborted
const ERR_LEN = 3; // bytes of the abort message
const CTL_INTS = 8;
const ERR_BYTES = 4096;

/** A rank of a data-parallel group failed (or stopped answering); `rank` is the failing one when known. */
export class DataParallelError extends Error {
  readonly rank: number | undefined;
  constructor(message: string, rank?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataParallelError';
    this.rank = rank;
  }
}

/** The shared buffer of a group of `size` ranks, each exchanging up to `slotFloats` float32 per round. */
export function createCollectiveBuffer(size: number, slotFloats = 1 << 20): SharedArrayBuffer {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be an integer >= 1, got ${String(size)}`);
  if (!Number.isInteger(slotFloats) || slotFloats < 16)
    throw new RangeError(`slotFloats must be an integer >= 16, got ${String(slotFloats)}`);
  return new SharedArrayBuffer(CTL_INTS * 4 + ERR_BYTES + size * slotFloats * 4);
}

export interface CollectiveOptions {
  /** Give up waiting for the other ranks after this long (ms). Default 300,000 (5 min). */
  timeoutMs?: number;
}

/** One rank's handle on a collective buffer. All ranks must call the same collectives in the same order. */
export class Collective {
  readonly rank: number;
  readonly size: number;
  readonly slotFloats: number;
  private readonly ctl: Int32Array;
  private readonly err: Uint8Array;
  private readonly data: Float32Array;
  private readonly timeoutMs: number;

  constructor(buffer: SharedArrayBuffer, rank: number, size: number, options: CollectiveOptions = {}) {
    if (!Number.isInteger(rank) || rank < 0 || rank >= size) throw new RangeError(`rank must be in [0, ${size}), got ${String(rank)}`);
    this.rank = rank;
    this.size = size;
    this.ctl = new Int32Array(buffer, 0, CTL_INTS);
    this.err = new Uint8Array(buffer, CTL_INTS * 4, ERR_BYTES);
    const floats = (buffer.byteLength - CTL_INTS * 4 - ERR_BYTES) / 4;
    this.slotFloats = Math.floor(floats / size);
    if (this.slotFloats < 16) throw new RangeError(`the collective buffer is too small for ${size} ranks`);
    this.data = new Float32Array(buffer, CTL_INTS * 4 + ERR_BYTES, this.slotFloats * size);
    this.timeoutMs = options.timeoutMs ?? 300_000;
  }

  /** Marks the group failed with `message` by rank `rank` (default this one; first failure wins) and wakes every waiting rank. */
  abort(message: string, rank = this.rank): void {
    if (Atomics.compareExchange(this.ctl, ABORT, 0, rank + 1) === 0) {
      const bytes = new TextEncoder().encode(message).subarray(0, ERR_BYTES);
      this.err.set(bytes);
      Atomics.store(this.ctl, ERR_LEN, bytes.length);
    }
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
  }

  /** The failure recorded by {@link abort}, or `undefined`. */
  failure(): { rank: number; message: string } | undefined {
    const who = Atomics.load(this.ctl, ABORT);
    if (who === 0) return undefined;
    const len = Atomics.load(this.ctl, ERR_LEN);
    return { rank: who - 1, message: new TextDecoder().decode(this.err.slice(0, len)) };
  }

  private check(): void {
    const f = this.failure();
    if (f !== undefined) throw new DataParallelError(`data-parallel rank ${f.rank} failed: ${f.message}`, f.rank);
  }

  /** Blocks until every rank has called `barrier()` the same number of times. */
  barrier(): void {
    this.check();
    const gen = Atomics.load(this.ctl, GEN);
    if (Atomics.add(this.ctl, COUNT, 1) === this.size - 1) {
      Atomics.store(this.ctl, COUNT, 0);
      Atomics.add(this.ctl, GEN, 1);
      Atomics.notify(this.ctl, GEN);
    } else {
      const start = Date.now();
      for (let spin = 0; spin < 2000 && Atomics.load(this.ctl, GEN) === gen; spin++);
      while (Atomics.load(this.ctl, GEN) === gen) {
        Atomics.wait(this.ctl, GEN, gen, 200);
        this.check();
        if (Date.now() - start > this.timeoutMs) {
          const msg = `rank ${this.rank} waited ${Math.round((Date.now() - start) / 1000)} s for the other ranks of the data-parallel group`;
          this.abort(msg);
          throw new DataParallelError(`${msg}: one of them stopped or is stuck`);
        }
      }
    }
    this.check();
  }

  /**
   * Σ over ranks of `x` (same length on every rank), in rank order: into `out` when given (its length must be
   * `x.length`; it may be `x` itself), else a new array.
   */
  allReduceSum(x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
    if (out.length !== x.length) throw new RangeError(`allReduceSum: out has ${out.length} values, x ${x.length}`);
    const c = this.slotFloats;
    const mine = this.rank * c;
    for (let off = 0; off < x.length; off += c) {
      const n = Math.min(c, x.length - off);
      this.data.set(x.subarray(off, off + n), mine);
      this.barrier();
      out.set(this.data.subarray(0, n), off);
      for (let r = 1; r < this.size; r++) {
        const base = r * c;
        for (let i = 0; i < n; i++) out[off + i]! += this.data[base + i]!;
      }
      this.barrier();
    }
    if (x.length === 0) this.barrier();
    return out;
  }

  /** The concatenation, in rank order, of every rank's `x` (lengths may differ: `lengths[r]` is rank r's). */
  allGather(x: Float32Array, lengths: readonly number[]): Float32Array {
    if (lengths.length !== this.size || lengths[this.rank] !== x.length) {
      throw new RangeError(`allGather: lengths must list every rank's length (rank ${this.rank} has ${x.length})`);
    }
    const offsets: number[] = [];
    let total = 0;
    for (const l of lengths) {
      offsets.push(total);
      total += l;
    }
    const out = new Float32Array(total);
    const c = this.slotFloats;
    const rounds = Math.max(1, Math.ceil(Math.max(...lengths) / c));
    for (let k = 0; k < rounds; k++) {
      const from = k * c;
      if (from < x.length) this.data.set(x.subarray(from, Math.min(x.length, from + c)), this.rank * c);
      this.barrier();
      for (let r = 0; r < this.size; r++) {
        const n = Math.max(0, Math.min(c, lengths[r]! - from));
        if (n > 0) out.set(this.data.subarray(r * c, r * c + n), offsets[r]! + from);
      }
      this.barrier();
    }
    return out;
  }

  /** Every rank's list of small numbers (same count on each rank): `[rank][i]`. */
  exchange(values: readonly number[]): number[][] {
    const all = this.allGather(Float32Array.from(values), Array(this.size).fill(values.length));
    return Array.from({ length: this.size }, (_, r) => Array.from(all.subarray(r * values.length, (r + 1) * values.length)));
  }
}
