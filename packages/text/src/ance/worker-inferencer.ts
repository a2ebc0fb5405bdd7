import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { AnnInferencer, CorpusEmbeddings, InferencerSetup } from './inferencer.js';
import type { WeightSnapshot } from './weight-snapshot.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** Options of {@link WorkerInferencer}. */
export interface WorkerInferencerOptions {
  /**
   * tfjs backend of the worker: `cpu` or `wasm`. Default: the calling thread's backend when it is one of these
   * (same backend → the same vectors as a sync refresh), else `wasm`.
   */
  backend?: 'cpu' | 'wasm';
  /** The worker script. Default: `ance-worker.js` beside this file (run from TypeScript sources through tsx). */
  workerUrl?: URL;
}

/**
 * How to start the worker: the compiled `ance-worker.js` beside this module, else (a source checkout, tests) its
 * TypeScript source through tsx's ESM loader registered inside the worker (`tsx/esm/api` `register()`; Node 20
 * ignores `--import` in a Worker's execArgv).
 */
function defaultWorker(): { script: string | URL; eval: boolean } {
  const js = new URL('./ance-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { script: js, eval: false };
  const ts = new URL('./ance-worker.ts', import.meta.url);
  let api: string;
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
    api = pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
  } catch {
    throw new Error(
      `WorkerInferencer: ${fileURLToPath(js)} is missing (build the package) and tsx is not installed to run ${fileURLToPath(ts)}`,
    );
  }
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(ts.href)}); })`;
  return { script: code, eval: true };
}

/**
 * ANCE's Inferencer in a Node `worker_threads` Worker: the corpus and queries are sent once (a copy of the token
 * stores), then each {@link embed} transfers a weight snapshot and receives the embeddings, while the training
 * thread keeps stepping. The worker loads its own tfjs (`cpu` or `wasm`) and a BERT of the snapshot's config.
 * On a 2-core machine it takes the second core; training and encoding then share the machine.
 *
 * Requests are served one at a time (the refresher never has two in flight). A worker error rejects the pending
 * request with the worker's message; an exit rejects every pending request. `close()` terminates the thread.
 */
export class WorkerInferencer implements AnnInferencer {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private sentSetup: InferencerSetup | null = null;
  private closed = false;
  /** The backend the worker initialised (set after the first request). */
  backend: string | undefined;

  constructor(private readonly options: WorkerInferencerOptions = {}) {
    const { backend } = options;
    if (backend !== undefined && backend !== 'cpu' && backend !== 'wasm')
      throw new RangeError(`backend must be 'cpu' or 'wasm', got '${String(backend)}'`);
  }

  async embed(setup: InferencerSetup, snapshot: WeightSnapshot): Promise<CorpusEmbeddings> {
    if (this.closed) throw new Error('WorkerInferencer: embed() after close()');
    if (this.sentSetup !== setup) {
      const ready = await this.request({ type: 'setup', id: 0, backend: this.workerBackend(), ...setup });
      if (ready.type === 'ready') this.backend = ready.backend;
      this.sentSetup = setup;
    }
    const transfer = Object.values(snapshot.weights).map((w) => w.buffer as ArrayBuffer);
    const reply = await this.request({ type: 'embed', id: 0, config: snapshot.config, weights: snapshot.weights }, transfer);
    if (reply.type !== 'embedded') throw new Error(`WorkerInferencer: unexpected reply '${reply.type}'`);
    return { passages: reply.passages, queries: reply.queries, dim: reply.dim };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }

  private workerBackend(): 'cpu' | 'wasm' {
    if (this.options.backend !== undefined) return this.options.backend;
    const current = tf.getBackend();
    return current === 'cpu' ? 'cpu' : 'wasm';
  }

  private start(): Worker {
    if (this.worker !== null) return this.worker;
    const how = this.options.workerUrl ? { script: this.options.workerUrl, eval: false } : defaultWorker();
    const w = new Worker(how.script, { eval: how.eval });
    w.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.type === 'error') {
        const e = new Error(`ANCE inferencer worker: ${m.message}`);
        if (m.stack) e.stack = m.stack;
        p.reject(e);
      } else p.resolve(m);
    });
    const failAll = (e: Error): void => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.worker = null;
      this.sentSetup = null;
    };
    w.on('error', (e) => failAll(e instanceof Error ? e : new Error(String(e))));
    w.on('exit', (code) => failAll(new Error(`ANCE inferencer worker exited (code ${code})`)));
    // A worker between requests must not keep the process alive.
    w.unref();
    this.worker = w;
    return w;
  }

  private request(msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    const w = this.start();
    const id = this.nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ ...msg, id }, transfer);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }
}
