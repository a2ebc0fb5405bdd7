import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { insideDir, listDir, prepareOutputDir, readJsonIfExists, writeFileAtomic } from './fs-utils.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Options of {@link fileSystemHandler}. */
export interface FileSystemHandlerOptions {
  /**
   * Save even into a non-empty directory that does not already hold a `model.json`. Default `false`,
   * so a user's folder is never overwritten by mistake.
   */
  overwrite?: boolean;
}

/**
 * A TensorFlow.js `io.IOHandler` that saves and loads a model as `dir/model.json` + `dir/weights.bin`
 * (the standard tfjs layers format, readable by `tf.loadLayersModel` everywhere) with Node's `fs`, so
 * saving works in Node without `@tensorflow/tfjs-node` and its `file://` handler. Files are written
 * atomically (temporary file + rename).
 *
 * @example
 * await model.save(fileSystemHandler('out/encoder'));
 * const again = await tf.loadLayersModel(fileSystemHandler('out/encoder'));
 */
export function fileSystemHandler(dir: string, options: FileSystemHandlerOptions = {}): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`dir must be a non-empty path, got ${String(dir)}`);
  const overwrite = options.overwrite ?? false;
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fileSystemHandler saves JSON model topologies only (got a binary GraphDef)');
      }
      await prepareOutputDir(dir, 'model', (entries) => entries.includes(MODEL_FILE), overwrite);
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const manifest: tf.io.WeightsManifestConfig = [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }];
      const modelJSON: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: manifest,
      };
      // Optional fields are copied only when present, as tfjs's own handlers do.
      if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
      if (artifacts.initializerSignature != null) modelJSON.initializerSignature = artifacts.initializerSignature;
      if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
      await writeFileAtomic(path.join(dir, WEIGHTS_FILE), new Uint8Array(weights));
      await writeFileAtomic(path.join(dir, MODEL_FILE), JSON.stringify(modelJSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      if ((await listDir(dir, 'model directory')) === null) throw new Error(`model directory '${dir}' does not exist`);
      const file = path.join(dir, MODEL_FILE);
      const modelJSON = (await readJsonIfExists(file)) as tf.io.ModelJSON | null;
      if (modelJSON === null) throw new Error(`no model in '${dir}': ${MODEL_FILE} is missing`);
      if (typeof modelJSON !== 'object' || modelJSON.modelTopology == null) {
        throw new Error(`'${file}' has no modelTopology: not a TensorFlow.js model.json`);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (groups) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of groups) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const full = insideDir(dir, p, 'weights');
            let data: Buffer;
            try {
              data = await fs.readFile(full);
            } catch (err) {
              throw new Error(`model '${dir}' is incomplete: cannot read weights file '${p}' (${(err as Error).message})`);
            }
            buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}
