import type { BertConfig } from '../encoders/bert-config.js';
import type { StoreEmbeddingOptions } from './embed-store.js';
import type { TokenStore } from './token-store.js';

/** Messages between `WorkerInferencer` (main thread) and `ance-worker` (the worker thread). */
export type ToWorker =
  | { type: 'setup'; id: number; backend: string; passages: TokenStore; queries: TokenStore; embedding: StoreEmbeddingOptions }
  | { type: 'embed'; id: number; config: BertConfig; weights: Record<string, Float32Array> };

export type FromWorker =
  | { type: 'ready'; id: number; backend: string }
  | { type: 'embedded'; id: number; passages: Float32Array; queries: Float32Array; dim: number }
  | { type: 'error'; id: number; message: string; stack?: string };
