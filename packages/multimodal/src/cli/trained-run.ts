/**
 * A `contrastive-multimodal train` run read back from its model/ folder: the image tower, the projections and the
 * text side (BERT-tiny sentence encoder for `clip`, USE-lite for `lit`), as two embedding functions into the joint
 * space. What eval and search use.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { RunSettings } from '@contrastive/core/cli';
import { readRunConfig, runPaths, UsageError } from '@contrastive/core/cli';
import { fileSystemHandler } from '@contrastive/core/node';
import { loadSentenceEncoder, loadUseLite } from '@contrastive/text/node';
import { METHODS, type MethodName, TOOL } from './help.js';

/** Joint-space embeddings of a trained run. `dispose()` frees its models. */
export interface TrainedClip {
  method: MethodName;
  imageSize: number;
  channels: 1 | 3;
  /** Unit rows `[N, embedDim]` of images `[N, S, S, C]` in [0, 1] (inference mode). */
  embedImages(images: tf.Tensor4D): tf.Tensor2D;
  /** Unit rows `[N, embedDim]` of texts. */
  embedTexts(texts: readonly string[]): Promise<tf.Tensor2D>;
  dispose(): void;
}

interface Projections {
  method: string;
  embedDim: number;
  logScale: number;
  imageProjection: { shape: [number, number]; values: number[] };
  textProjection: { shape: [number, number]; values: number[] };
}

const unit = (x: tf.Tensor2D): tf.Tensor2D => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;

/** Loads the run in `dir` (its model/, written when training finished), naming `--flag` in errors. */
export async function loadTrainedClip(dir: string, flag: string): Promise<TrainedClip> {
  const record = await readRunConfig<RunSettings>(dir, flag, { tool: TOOL });
  const method = record.method as MethodName;
  if (!METHODS.includes(method))
    throw new UsageError(`--${flag} ${dir}: run.json names method '${record.method}', not one of ${METHODS.join(', ')}`);
  const model = runPaths(dir).model;
  if (!(await stat(join(model, 'projections.json')).catch(() => null)))
    throw new UsageError(`--${flag} ${dir}: no model/projections.json — the run has not finished (train writes model/ at its end)`);
  const p = JSON.parse(await readFile(join(model, 'projections.json'), 'utf8')) as Projections;
  const imageSize = Number(record.config['image-size'] ?? 64);
  const channels = Number(record.config.channels ?? 3) as 1 | 3;
  const imageTower = await tf.loadLayersModel(fileSystemHandler(join(model, 'image-tower')));
  const wi = tf.tensor2d(p.imageProjection.values, p.imageProjection.shape);
  const wt = tf.tensor2d(p.textProjection.values, p.textProjection.shape);
  let embedRaw: (texts: readonly string[]) => Promise<tf.Tensor2D>;
  let releaseText: () => void;
  if (method !== 'lit') {
    const enc = await loadSentenceEncoder(join(model, 'text-tower'));
    embedRaw = async (texts) => {
      const rows = await enc.encode(texts, { normalize: false, warn: () => undefined });
      return tf.tensor2d(
        rows.flatMap((r) => Array.from(r)),
        [rows.length, rows[0]?.length ?? wt.shape[0]],
      );
    };
    releaseText = () => enc.bert.dispose();
  } else {
    const use = await loadUseLite(typeof record.config['use-lite'] === 'string' ? record.config['use-lite'] : undefined);
    embedRaw = (texts) => use.embed(texts);
    releaseText = () => use.dispose();
  }
  return {
    method,
    imageSize,
    channels,
    embedImages: (images) => tf.tidy(() => unit(tf.matMul(imageTower.apply(images, { training: false }) as tf.Tensor2D, wi))),
    embedTexts: async (texts) => {
      const raw = await embedRaw(texts);
      try {
        return tf.tidy(() => unit(tf.matMul(raw, wt)));
      } finally {
        raw.dispose();
      }
    },
    dispose: () => {
      imageTower.dispose();
      tf.dispose([wi, wt]);
      releaseText();
    },
  };
}
