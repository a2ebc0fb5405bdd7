import type { MethodBaseOptions, VisionMethod } from './common.js';
import { BYOL } from './byol.js';
import { InstDisc } from './instdisc.js';
import { MoCoV1, MoCoV2 } from './moco.js';
import { MoCoV3 } from './moco-v3.js';
import { SimCLR } from './simclr.js';
import { SimSiam } from './simsiam.js';

/** Method names the CLI and {@link createMethod} accept. */
export const METHODS = ['simclr', 'moco-v1', 'moco-v2', 'moco-v3', 'byol', 'simsiam', 'instdisc'] as const;
export type MethodName = (typeof METHODS)[number];

/** Options of {@link createMethod}: the common ones plus what some methods need. */
export interface CreateMethodOptions extends MethodBaseOptions {
  /** Training-set size (InstDisc's memory bank; caps the MoCo queue). */
  datasetSize?: number;
  /** Temperature override (each method's default otherwise). */
  temperature?: number;
  /** InstDisc objective, `'nce'` (paper, the class default) or `'softmax'`. */
  objective?: 'nce' | 'softmax';
}

/** Builds a method by name with its paper defaults; unknown names throw with the valid list. */
export function createMethod(name: MethodName, opts: CreateMethodOptions): VisionMethod {
  const { datasetSize, temperature, objective, ...base } = opts;
  const t = temperature === undefined ? {} : { temperature };
  switch (name) {
    case 'simclr':
      return new SimCLR({ ...base, ...t });
    case 'moco-v1':
    case 'moco-v2': {
      // K ≤ n: a queue longer than the dataset would hold stale copies of the same images as negatives.
      const queueSize = datasetSize ? Math.min(4096, Math.max(1, datasetSize - (datasetSize % 256 || 0))) : 4096;
      return name === 'moco-v1' ? new MoCoV1({ ...base, ...t, queueSize }) : new MoCoV2({ ...base, ...t, queueSize });
    }
    case 'moco-v3':
      return new MoCoV3({ ...base, ...t });
    case 'byol':
      return new BYOL(base);
    case 'simsiam':
      return new SimSiam(base);
    case 'instdisc':
      if (!datasetSize) throw new RangeError('instdisc needs datasetSize (the number of training images, one memory-bank row each)');
      // k = 1024 rather than the paper's 4096: per-query negatives are [N, k, D], and at N = 256,
      // k = 4096 (D = 128) the wasm backend ran out of its 32-bit heap ("memory access out of bounds").
      return new InstDisc({ ...base, ...t, datasetSize, negatives: Math.min(1024, datasetSize - 1), ...(objective ? { objective } : {}) });
    default:
      throw new RangeError(`method must be one of ${METHODS.map((m) => `'${m}'`).join(', ')}, got '${String(name)}'`);
  }
}
