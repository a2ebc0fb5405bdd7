import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { assignWeights, readGraphEncoder } from './encoder-io.js';
import { GCNEncoder } from './gcn-encoder.js';
import { GINEncoder, type GINEncoderOptions } from './gin-encoder.js';

/**
 * Loads a graph encoder written by `GINEncoder.save` / `GCNEncoder.save` (Node: `fileSystemHandler(dir)`
 * from `@contrastive/core/node`; browser: an `indexeddb://` URL). The caller owns the result.
 *
 * @example
 * await method.encoder.save(fileSystemHandler('runs/graphcl/model'));
 * const encoder = await loadGraphEncoder(fileSystemHandler('runs/graphcl/model')); // a GINEncoder
 */
export async function loadGraphEncoder(source: tf.io.IOHandler | string): Promise<GINEncoder | GCNEncoder> {
  const { topology, weights } = await readGraphEncoder(source);
  // The initialisation is overwritten by the saved weights; the seed only has to be valid.
  const rng = createRng(0);
  let encoder: GINEncoder | GCNEncoder;
  try {
    if (topology.class === 'GINEncoder') {
      encoder = new GINEncoder(topology.config as unknown as GINEncoderOptions, rng);
    } else {
      const config = topology.config as { dims?: number[]; dropout?: number; name?: string };
      if (!Array.isArray(config.dims)) throw new Error('the saved GCNEncoder config has no dims');
      encoder = new GCNEncoder(config.dims, rng, config.dropout ?? 0, config.name ?? 'gcn');
    }
  } catch (err) {
    tf.dispose(Object.values(weights));
    throw err;
  }
  try {
    assignWeights(encoder.stateTensors(), weights, `loadGraphEncoder (${topology.class})`);
  } catch (err) {
    encoder.dispose();
    throw err;
  }
  return encoder;
}
