/**
 * The messages between the page (main thread) and the training worker. Both sides check what they receive
 * with {@link checkToWorker} / {@link checkFromWorker}, so a malformed message is an error naming the field,
 * never a silent `undefined` deep in the training loop.
 */

/** Backends the worker can run on, best first; `auto` takes the first that loads and passes a gradient probe. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm'] as const;
export type BackendChoice = (typeof BACKEND_ORDER)[number];
export const METHODS = ['simclr', 'moco-v2'] as const;
export type PlaygroundMethod = (typeof METHODS)[number];

/** Images as bytes, row-major `[n, height, width, channels]`, with optional labels. */
export interface PixelData {
  pixels: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Class index per image, or null when the images have no labels. */
  labels: Int32Array | null;
  classNames: string[] | null;
}

export interface TrainConfig {
  method: PlaygroundMethod;
  backend: BackendChoice | 'auto';
  /** Optimisation steps in total. */
  steps: number;
  batchSize: number;
  /** Embedding map and kNN every this many steps (and before the first and after the last). */
  evalEvery: number;
  /** Training images (the first ones) the kNN classifier votes with; their embeddings are recomputed at each evaluation. */
  reference: number;
  seed: number;
  /** Where the tfjs wasm binaries are served (a URL ending in '/'). */
  wasmPath: string;
}

export type ToWorker =
  | { type: 'start'; config: TrainConfig; train: PixelData; heldOut: PixelData }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'export' };

export interface BackendAttempt {
  name: BackendChoice;
  /** Why it was skipped; absent for the backend taken. */
  error?: string;
}

export type FromWorker =
  | { type: 'backend'; name: BackendChoice; attempts: BackendAttempt[] }
  | {
      type: 'step';
      step: number;
      total: number;
      loss: number;
      /** Seconds spent in training steps so far (evaluations and pauses excluded). */
      trainSeconds: number;
      stepsPerSecond: number;
      etaSeconds: number;
    }
  | {
      type: 'eval';
      step: number;
      /** kNN accuracy of the held-out slice against the training reference slice, or null without labels. */
      knn: number | null;
      /** PCA coordinates of the held-out embeddings, `[x0, y0, x1, y1, …]`. */
      coords: Float32Array;
      /** Held-out embeddings, row-major `[n, dim]`, for the nearest-neighbour view. */
      embeddings: Float32Array;
      dim: number;
    }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'done'; reason: 'finished' | 'stopped'; steps: number; seconds: number }
  | { type: 'exported'; fileName: string; zip: Uint8Array }
  | { type: 'error'; message: string };

function fail(what: string, msg: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(msg)?.slice(0, 120) ?? String(msg);
  } catch {
    shown = String(msg);
  }
  throw new TypeError(`playground protocol: ${what} (got ${shown})`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

/** Checks a {@link PixelData}: sizes agree with the byte count and the labels. */
export function checkPixelData(d: unknown, name: string): PixelData {
  if (!isObject(d)) fail(`${name} must be an object`, d);
  const { pixels, n, height, width, channels, labels, classNames } = d;
  if (!(pixels instanceof Uint8Array)) fail(`${name}.pixels must be a Uint8Array`, typeof pixels);
  if (!isPosInt(n) || !isPosInt(height) || !isPosInt(width))
    fail(`${name}.n, .height and .width must be integers >= 1`, { n, height, width });
  if (channels !== 1 && channels !== 3) fail(`${name}.channels must be 1 or 3`, channels);
  if (pixels.length !== n * height * width * channels) {
    fail(`${name}.pixels holds ${pixels.length} bytes, not n·height·width·channels = ${n * height * width * channels}`, {
      n,
      height,
      width,
    });
  }
  if (labels !== null && !(labels instanceof Int32Array && labels.length === n))
    fail(`${name}.labels must be null or an Int32Array of n`, n);
  if (classNames !== null && !(Array.isArray(classNames) && classNames.every((c) => typeof c === 'string'))) {
    fail(`${name}.classNames must be null or an array of strings`, classNames);
  }
  return d as unknown as PixelData;
}

/** Checks a message sent to the worker. */
export function checkToWorker(msg: unknown): ToWorker {
  if (!isObject(msg) || typeof msg.type !== 'string') fail('a message needs a string type', msg);
  switch (msg.type) {
    case 'pause':
    case 'resume':
    case 'stop':
    case 'export':
      return msg as ToWorker;
    case 'start': {
      const c = msg.config;
      if (!isObject(c)) fail('start.config must be an object', c);
      if (!(METHODS as readonly unknown[]).includes(c.method)) fail(`start.config.method must be one of ${METHODS.join(', ')}`, c.method);
      if (c.backend !== 'auto' && !(BACKEND_ORDER as readonly unknown[]).includes(c.backend)) {
        fail(`start.config.backend must be auto or one of ${BACKEND_ORDER.join(', ')}`, c.backend);
      }
      for (const k of ['steps', 'batchSize', 'evalEvery', 'reference'] as const)
        if (!isPosInt(c[k])) fail(`start.config.${k} must be an integer >= 1`, c[k]);
      if (!Number.isFinite(c.seed)) fail('start.config.seed must be a finite number', c.seed);
      if (typeof c.wasmPath !== 'string' || !c.wasmPath.endsWith('/'))
        fail("start.config.wasmPath must be a URL ending in '/'", c.wasmPath);
      const train = checkPixelData(msg.train, 'start.train');
      const heldOut = checkPixelData(msg.heldOut, 'start.heldOut');
      if ((c.batchSize as number) < 2) fail('start.config.batchSize must be at least 2 (a contrastive batch needs negatives)', c.batchSize);
      if (train.n < (c.batchSize as number)) fail(`start.train has ${train.n} images, fewer than one batch of ${c.batchSize}`, train.n);
      if (train.height !== heldOut.height || train.width !== heldOut.width || train.channels !== heldOut.channels) {
        fail('start.train and start.heldOut must have the same image shape', [train.height, heldOut.height]);
      }
      return msg as ToWorker;
    }
    default:
      fail('unknown message type to the worker', msg.type);
  }
}

const FROM_TYPES = new Set(['backend', 'step', 'eval', 'paused', 'resumed', 'done', 'exported', 'error']);

/** Checks a message from the worker (its type and the fields the page reads as numbers). */
export function checkFromWorker(msg: unknown): FromWorker {
  if (!isObject(msg) || typeof msg.type !== 'string' || !FROM_TYPES.has(msg.type)) fail('unknown message from the worker', msg);
  if (msg.type === 'step') {
    for (const k of ['step', 'total', 'loss', 'trainSeconds', 'stepsPerSecond', 'etaSeconds'] as const) {
      if (typeof msg[k] !== 'number') fail(`step.${k} must be a number`, msg[k]);
    }
  }
  if (msg.type === 'eval') {
    const { coords, embeddings, dim } = msg;
    if (!(coords instanceof Float32Array) || !(embeddings instanceof Float32Array) || !isPosInt(dim)) {
      fail('eval needs Float32Array coords and embeddings and an integer dim', { dim });
    }
    if (embeddings.length % dim !== 0 || coords.length !== (2 * embeddings.length) / dim) {
      fail('eval.coords must hold two numbers per embedding row', { coords: coords.length, embeddings: embeddings.length, dim });
    }
  }
  if (msg.type === 'exported' && !(msg.zip instanceof Uint8Array)) fail('exported.zip must be a Uint8Array', typeof msg.zip);
  return msg as unknown as FromWorker;
}
