import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { saveCheckpoint } from '../../io/checkpoint.js';
import type { StepOutput } from '../../method/method.js';
import { Collective, createCollectiveBuffer, DataParallelError } from '../../parallel/collective.js';
import { packBatch } from '../../parallel/batch-transfer.js';
import { type DataParallelContext, withDataParallel } from '../../parallel/context.js';
import { stateFingerprint, syncOptimizerGradients } from '../../parallel/grad-sync.js';
import type { DataParallelRunner } from '../../parallel/runner.js';
import { installSyncBatchNorm } from '../../parallel/sync-batch-norm.js';
import type { Checkpointable } from '../../types.js';
import type { ReplicaSpec } from './replica.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-entry.js';

export interface WorkerGroupOptions {
  /** Replicas in all, this thread included (≥ 2). */
  workers: number;
  /** How each worker builds its replica. */
  replica: ReplicaSpec;
  /** Batch-norm statistics over the whole batch instead of each worker's shard. Default `false`. */
  syncBatchNorm?: boolean;
  /** Backend of the workers. Default: this thread's (`tf.getBackend()`). */
  backend?: string;
  /** How long a rank waits for the others inside a step before failing (ms). Default 300,000. */
  timeoutMs?: number;
  /** float32 values per rank per exchange round (the shared buffer holds `workers ×` this). Default 2²⁰. */
  slotFloats?: number;
}

/** Default number of workers: the machine's cores as Node sees them (`os.availableParallelism()`). */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * A data-parallel group over `worker_threads`: this thread is rank 0 (it owns the method `train` checkpoints
 * and evaluates), workers 1…N−1 each hold a replica built from `replica`, with their own tfjs backend
 * instance (own wasm heap). Create with {@link WorkerGroup.start}; `close()` stops the workers.
 */
export class WorkerGroup implements DataParallelRunner {
  readonly size: number;
  private readonly workers: Worker[];
  private readonly ctx: DataParallelContext;
  private state: Checkpointable | undefined;
  private closed = false;
  private readonly exited: Promise<unknown>[];

  private constructor(workers: Worker[], ctx: DataParallelContext) {
    this.workers = workers;
    this.ctx = ctx;
    this.size = ctx.size;
    this.exited = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    // A worker that dies between steps fails the group's next step at once (inside a step its own handler aborts).
    workers.forEach((w, i) => {
      w.on('error', (e) => ctx.collective.abort(`worker crashed: ${e.message}`, i + 1));
      w.on('exit', (code) => {
        if (!this.closed) ctx.collective.abort(`worker exited (code ${code})`, i + 1);
      });
    });
  }

  /** Starts `workers − 1` threads and waits until each has built its replica. */
  static async start(options: WorkerGroupOptions): Promise<WorkerGroup> {
    const { workers: size, replica, syncBatchNorm = false, timeoutMs = 300_000 } = options;
    if (!Number.isInteger(size) || size < 2) throw new RangeError(`WorkerGroup: workers must be an integer >= 2, got ${String(size)}`);
    if (replica === undefined || typeof replica.module !== 'string') {
      throw new TypeError('data-parallel training needs replica: { module, export, args } (how each worker builds the method)');
    }
    installSyncBatchNorm();
    const buffer = createCollectiveBuffer(size, options.slotFloats);
    const backend = options.backend ?? tf.getBackend();
    const ts = import.meta.url.endsWith('.ts');
    const entry = new URL(ts ? './worker-entry.ts' : './worker-entry.js', import.meta.url);
    // Sources (core's tests) or a TypeScript replica module: the worker registers tsx before importing.
    const bootstrap = ts || /\.[cm]?ts$/.test(replica.module) ? tsBootstrap(entry) : undefined;
    const threads: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let rank = 1; rank < size; rank++) {
      const init: WorkerInit = { buffer, rank, size, backend, replica, syncBatchNorm, timeoutMs };
      const w = bootstrap ? new Worker(bootstrap, { eval: true, workerData: init }) : new Worker(entry, { workerData: init });
      threads.push(w);
      ready.push(waitFor(w, rank, 'ready'));
    }
    const group = new WorkerGroup(threads, { rank: 0, size, collective: new Collective(buffer, 0, size, { timeoutMs }), syncBatchNorm });
    try {
      await Promise.all(ready);
    } catch (err) {
      await group.close();
      throw err;
    }
    return group;
  }

  async sync(state: Checkpointable): Promise<void> {
    this.state = state;
    for (const o of Object.values(state.optimizers())) syncOptimizerGradients(o);
    const dir = await mkdtemp(join(tmpdir(), 'contrastive-replica-state-'));
    try {
      await saveCheckpoint(dir, state, {});
      const loaded = this.workers.map((w, i) => waitFor(w, i + 1, 'loaded'));
      this.post({ type: 'load', dir });
      await Promise.all(loaded);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  step(
    batch: unknown,
    info: { epoch: number; step: number; globalStep: number; totalSteps: number | undefined },
    rngSeed: number,
    run: () => StepOutput,
  ): StepOutput {
    if (this.closed) throw new DataParallelError('the data-parallel group is closed');
    const failed = this.ctx.collective.failure();
    if (failed !== undefined) throw new DataParallelError(`data-parallel rank ${failed.rank} failed: ${failed.message}`, failed.rank);
    if (this.state !== undefined) for (const o of Object.values(this.state.optimizers())) syncOptimizerGradients(o);
    const { epoch, step, globalStep, totalSteps } = info;
    this.post({ type: 'step', batch: packBatch(batch), info: { epoch, step, globalStep, totalSteps }, rngSeed });
    try {
      return withDataParallel(this.ctx, run);
    } catch (err) {
      if (!(err instanceof DataParallelError)) this.ctx.collective.abort(`rank 0: ${(err as Error).message}`);
      throw err;
    }
  }

  async verify(state: Checkpointable): Promise<void> {
    this.post({ type: 'verify' });
    const all = this.ctx.collective.exchange(stateFingerprint(state.stateTensors()));
    // Object.is: NaN weights (a diverged run) are equal on every replica, and the checkpoint save after this
    // reports them as divergence; === would call every rank, rank 0 included, different.
    const differ = all.map((f, r) => (f.every((v, i) => Object.is(v, all[0]![i])) ? -1 : r)).filter((r) => r >= 0);
    if (differ.length > 0) {
      throw new DataParallelError(
        `data-parallel replicas diverged: the trainable weights of rank(s) ${differ.join(', ')} differ from rank 0's. ` +
          'Every update must go through the optimizers of optimizers() and every random draw of a step through info.rng',
      );
    }
  }

  /** Stops the workers (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.post({ type: 'close' });
    const timer = setTimeout(() => {
      for (const w of this.workers) void w.terminate();
    }, 5000);
    await Promise.all(this.exited);
    clearTimeout(timer);
  }

  private post(msg: ToWorker): void {
    for (const w of this.workers) w.postMessage(msg);
  }
}

/**
 * Worker code that registers tsx, then imports the TypeScript entry: how the group runs from sources
 * (this package's tests); the published build starts the compiled `worker-entry.js` directly.
 */
function tsBootstrap(entry: URL): string {
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
}

/** Resolves when worker `rank` posts `type`; rejects on its error message or exit. */
function waitFor(w: Worker, rank: number, type: FromWorker['type']): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromWorker) => {
      if (m.type === type) done(resolve);
      else if (m.type === 'error') done(() => reject(new DataParallelError(`data-parallel worker ${rank}: ${m.message}`, rank)));
    };
    const onError = (e: Error) =>
      done(() => reject(new DataParallelError(`data-parallel worker ${rank} crashed: ${e.message}`, rank, { cause: e })));
    const onExit = (code: number) => done(() => reject(new DataParallelError(`data-parallel worker ${rank} exited (code ${code})`, rank)));
    function done(f: () => void) {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      f();
    }
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
}
