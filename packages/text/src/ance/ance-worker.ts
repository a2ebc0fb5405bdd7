// The worker thread of ANCE's async refresh (Node `worker_threads`, started by `WorkerInferencer`): its own tfjs,
// a BERT of the trainer's architecture, and the tokenised corpus sent once; each request brings a weight snapshot
// and gets the corpus and query embeddings back. Node-only; reached only from '@contrastive/text/node'.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '@contrastive/core';
import { BertEncoder } from '../encoders/bert.js';
import { embedTokenStore } from './embed-store.js';
import type { StoreEmbeddingOptions } from './embed-store.js';
import type { TokenStore } from './token-store.js';
import { applyWeightSnapshot } from './weight-snapshot.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

if (parentPort === null) throw new Error('ance-worker must run in a worker thread (WorkerInferencer starts it)');
const port = parentPort;

let setup: { passages: TokenStore; queries: TokenStore; embedding: StoreEmbeddingOptions } | null = null;
let encoder: BertEncoder | null = null;
let encoderConfig = '';

async function handle(msg: ToWorker): Promise<FromWorker> {
  if (msg.type === 'setup') {
    const backend = await initBackend({ backend: msg.backend as BackendName, log: false });
    setup = { passages: msg.passages, queries: msg.queries, embedding: msg.embedding };
    return { type: 'ready', id: msg.id, backend };
  }
  if (setup === null) throw new Error('embed before setup');
  const key = JSON.stringify(msg.config);
  if (encoder === null || key !== encoderConfig) {
    encoder?.dispose();
    encoder = new BertEncoder(msg.config, { name: 'ance-inferencer' });
    encoderConfig = key;
  }
  applyWeightSnapshot(encoder, { config: msg.config, weights: msg.weights });
  const passages = await embedTokenStore(encoder, setup.passages, setup.embedding);
  const queries = await embedTokenStore(encoder, setup.queries, setup.embedding);
  return { type: 'embedded', id: msg.id, passages, queries, dim: encoder.config.hiddenSize };
}

port.on('message', (msg: ToWorker) => {
  handle(msg).then(
    (reply) => {
      const transfer = reply.type === 'embedded' ? [reply.passages.buffer as ArrayBuffer, reply.queries.buffer as ArrayBuffer] : [];
      port.postMessage(reply, transfer);
    },
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({
        type: 'error',
        id: msg.id,
        message: err.message,
        ...(err.stack ? { stack: err.stack } : {}),
      } satisfies FromWorker);
    },
  );
});

// Keep tf referenced so bundlers do not drop the backend registration side effects.
void tf.getBackend;
