/**
 * The trained encoder as the files a Node run folder holds, so `loadTrainedEncoder(dir)` from
 * @contrastive/vision/node reads the unzipped download: `run.json` (core's run record; its config names
 * imageSize, channels, encoder and method) and `model/model.json` + `model/weights.bin` (the tfjs layers
 * format core's fileSystemHandler writes).
 */
import * as tf from '@tensorflow/tfjs';
import type { ZipEntry } from './zip.js';

export interface ExportInfo {
  method: string;
  /** Encoder architecture name, e.g. `small-cnn`. */
  encoder: string;
  imageSize: number;
  channels: 1 | 3;
  /** Anything else worth recording (steps, batch size, backend, seed, data source). */
  details: Record<string, string | number | boolean | null>;
}

/** The files of a run folder holding `model`. */
export async function encoderFiles(model: tf.LayersModel, info: ExportInfo): Promise<ZipEntry[]> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  if (artifacts === undefined || artifacts.modelTopology instanceof ArrayBuffer)
    throw new Error('export: the encoder did not save a JSON topology');
  const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  const run = {
    tool: 'contrastive-playground',
    domain: 'vision',
    method: info.method,
    createdAt: new Date().toISOString(),
    config: { ...info.details, method: info.method, encoder: info.encoder, imageSize: info.imageSize, channels: info.channels },
  };
  const enc = new TextEncoder();
  return [
    { name: 'run.json', data: enc.encode(`${JSON.stringify(run, null, 2)}\n`) },
    { name: 'model/model.json', data: enc.encode(JSON.stringify(modelJson)) },
    { name: 'model/weights.bin', data: new Uint8Array(weights) },
  ];
}
