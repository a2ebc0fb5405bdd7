import * as tf from '@tensorflow/tfjs';

/** The classes {@link saveGraphEncoder} writes and `loadGraphEncoder` reads back. */
export type GraphEncoderClass = 'GINEncoder' | 'GCNEncoder';

/** `modelTopology` of a saved graph encoder: which class and the config that rebuilds it. */
export interface GraphEncoderTopology<C = Record<string, unknown>> {
  format: 'contrastive-graph-encoder';
  class: GraphEncoderClass;
  config: C;
}

/** What {@link readGraphEncoder} returns: the topology and the weights by their state names. */
export interface SavedGraphEncoder {
  topology: GraphEncoderTopology;
  weights: tf.NamedTensorMap;
}

/** An `IOHandler` for `target` (a handler, or a URL such as `indexeddb://enc` / `downloads://enc`). */
function saveHandler(target: tf.io.IOHandler | string): tf.io.IOHandler {
  if (typeof target !== 'string') return target;
  const [handler] = tf.io.getSaveHandlers(target);
  if (!handler) throw new Error(`no tfjs save handler for '${target}' (in Node pass fileSystemHandler(dir) from '@contrastive/core/node')`);
  return handler;
}

function loadHandler(source: tf.io.IOHandler | string): tf.io.IOHandler {
  if (typeof source !== 'string') return source;
  const [handler] = tf.io.getLoadHandlers(source);
  if (!handler) throw new Error(`no tfjs load handler for '${source}' (in Node pass fileSystemHandler(dir) from '@contrastive/core/node')`);
  return handler;
}

/**
 * Saves a graph encoder as tfjs model artifacts (`model.json` topology = {@link GraphEncoderTopology},
 * weights by state name), through any tfjs `IOHandler`: `fileSystemHandler(dir)` in Node, `indexeddb://…`
 * or `downloads://…` in a browser. Graph layers are not tfjs-layers objects, so the topology is ours and
 * only `loadGraphEncoder` reads it back.
 */
export async function saveGraphEncoder(
  cls: GraphEncoderClass,
  config: Record<string, unknown>,
  variables: Record<string, tf.Variable>,
  target: tf.io.IOHandler | string,
): Promise<tf.io.SaveResult> {
  const handler = saveHandler(target);
  if (typeof handler.save !== 'function') throw new Error('the IOHandler given to save a graph encoder cannot save');
  const { data, specs } = await tf.io.encodeWeights(variables);
  const topology: GraphEncoderTopology = { format: 'contrastive-graph-encoder', class: cls, config };
  return handler.save({
    modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: data,
    format: 'contrastive-graph-encoder',
    generatedBy: '@contrastive/graph',
  });
}

/** Reads what {@link saveGraphEncoder} wrote; refuses other model files (a tfjs-layers model, a graph model). */
export async function readGraphEncoder(source: tf.io.IOHandler | string): Promise<SavedGraphEncoder> {
  const handler = loadHandler(source);
  if (typeof handler.load !== 'function') throw new Error('the IOHandler given to load a graph encoder cannot load');
  const artifacts = await handler.load();
  const topology = artifacts.modelTopology as Partial<GraphEncoderTopology> | undefined;
  if (topology?.format !== 'contrastive-graph-encoder' || (topology.class !== 'GINEncoder' && topology.class !== 'GCNEncoder')) {
    throw new Error(`not a graph encoder saved by @contrastive/graph (model topology format '${String(topology?.format)}')`);
  }
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new Error('the saved graph encoder has no weights');
  return { topology: topology as GraphEncoderTopology, weights: tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs) };
}

/** Assigns `weights` to `variables` by name (every variable must be present with its shape), then frees `weights`. */
export function assignWeights(variables: Record<string, tf.Variable>, weights: tf.NamedTensorMap, what: string): void {
  try {
    for (const [name, v] of Object.entries(variables)) {
      const w = weights[name];
      if (!w) throw new Error(`${what}: the saved weights have no '${name}'`);
      if (w.shape.join(',') !== v.shape.join(','))
        throw new Error(`${what}: '${name}' has shape [${w.shape.join(', ')}], expected [${v.shape.join(', ')}]`);
      v.assign(w);
    }
  } finally {
    tf.dispose(Object.values(weights));
  }
}
