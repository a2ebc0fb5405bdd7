/**
 * The worker thread of a data-parallel group (started by `WorkerGroup`): builds its replica of the method,
 * copies the main thread's state, then runs every step the main thread posts, on its shard of the batch,
 * meeting the other ranks in the shared collectives. Any failure aborts the group (the main thread's step
 * then throws a `DataParallelError` naming this rank and the message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend/init-backend.js';
import { loadCheckpoint } from '../../io/checkpoint.js';
import type { Method, StepOutput } from '../../method/method.js';
import { Collective } from '../../parallel/collective.js';
import { unpackBatch } from '../../parallel/batch-transfer.js';
import { type DataParallelContext, withDataParallel } from '../../parallel/context.js';
import { stateFingerprint, syncOptimizerGradients } from '../../parallel/grad-sync.js';
import { installSyncBatchNorm } from '../../parallel/sync-batch-norm.js';
import { createRng } from '../../random/rng.js';
import { disposeTensors } from '../../train/batch-iteration.js';
import { buildReplica, type ReplicaSpec } from './replica.js';

export interface WorkerInit {
  buffer: SharedArrayBuffer;
  rank: number;
  size: number;
  backend: string;
  replica: ReplicaSpec;
  syncBatchNorm: boolean;
  timeoutMs: number;
}

export type ToWorker =
  | { type: 'load'; dir: string }
  | {
      type: 'step';
      batch: unknown;
      info: { epoch: number; step: number; globalStep: number; totalSteps: number | undefined };
      rngSeed: number;
    }
  | { type: 'verify' }
  | { type: 'close' };

export type FromWorker = { type: 'ready' } | { type: 'loaded' } | { type: 'error'; message: string; stack?: string };

const init = workerData as WorkerInit;
const port = parentPort!;
const collective = new Collective(init.buffer, init.rank, init.size, { timeoutMs: init.timeoutMs });
const ctx: DataParallelContext = { rank: init.rank, size: init.size, collective, syncBatchNorm: init.syncBatchNorm };
let method: Method<unknown> | undefined;

function fail(err: unknown, during: string): void {
  const e = err instanceof Error ? err : new Error(String(err));
  collective.abort(`${during}: ${e.message}`);
  port.postMessage({ type: 'error', message: `${during}: ${e.message}`, stack: e.stack } satisfies FromWorker);
}

function syncOptimizers(m: Method<unknown>): void {
  for (const o of Object.values(m.optimizers())) syncOptimizerGradients(o);
}

async function start(): Promise<void> {
  // One XNNPACK thread per worker whatever CONTRASTIVE_WASM_THREADS says: the workers already use the cores.
  await initBackend({ backend: init.backend as 'wasm' | 'cpu' | 'tensorflow', log: false, wasmThreads: 1 });
  installSyncBatchNorm();
  method = await buildReplica(init.replica);
  syncOptimizers(method);
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'step') {
    if (method === undefined) return;
    const m = method;
    let batch: unknown;
    try {
      batch = unpackBatch(msg.batch);
      syncOptimizers(m);
      const info = { ...msg.info, rng: createRng(msg.rngSeed) };
      const out = tf.tidy(() => withDataParallel(ctx, () => m.step(batch, info) as tf.TensorContainer)) as StepOutput;
      disposeTensors(out);
    } catch (err) {
      fail(err, `step ${msg.info.step + 1} of epoch ${msg.info.epoch + 1}`);
    } finally {
      disposeTensors(batch);
    }
  } else if (msg.type === 'load') {
    loadCheckpoint(msg.dir, method!)
      .then(() => {
        syncOptimizers(method!);
        port.postMessage({ type: 'loaded' } satisfies FromWorker);
      })
      .catch((err) => fail(err, 'copying the main thread state'));
  } else if (msg.type === 'verify') {
    try {
      collective.exchange(stateFingerprint(method!.stateTensors()));
    } catch (err) {
      fail(err, 'comparing replicas');
    }
  } else if (msg.type === 'close') {
    method?.dispose();
    port.close();
  }
});

start().catch((err) => fail(err, 'building the replica'));
