import * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '../io/dataset.js';
import { buildEncoder, type EncoderName } from '../encoders/registry.js';
import { byolViews, mocoV1Views, mocoV2Views, mocoV3Views, simclrViews, type ViewPair } from '../augment/presets.js';
import { createMethod, type MethodName } from '../methods/registry.js';
import type { VisionMethod } from '../methods/common.js';
import { SimCLR } from '../methods/simclr.js';
import { simclrProjector } from '../heads/presets.js';

/** Everything needed to rebuild a run's method (saved as `run.json`). */
export interface RunConfig {
  method: MethodName;
  encoder: EncoderName;
  imageSize: number;
  channels: 1 | 3;
  widthMultiplier: number;
  seed: number;
  lr: number;
  batchSize: number;
  epochs: number;
  temperature?: number;
  /** InstDisc objective (runs written before this option existed used NCE). */
  objective?: 'nce' | 'softmax';
  /** SimCLR projection head (absent = `'mlp'`). */
  projector?: SimclrHead;
  datasetSize: number;
  /** `--data` as an absolute path (`resolveDataPath`; so `eval` can tell the run's own data from other data). */
  data: string;
  /** `--limit`: only the first N images of `data` (absent = all); `--resume` and `eval` reuse it. */
  limit?: number;
  evalData: string | null;
  /** `--eval-split`: the stratified share of `data` held out for scoring (absent = none). */
  evalSplit?: number;
}

/** SimCLR heads of the CLI: `mlp` D → D → 64 with BN (SimCLR v1 layout), `linear` D → 64 (with bias). */
export const SIMCLR_HEADS = ['mlp', 'linear'] as const;
export type SimclrHead = (typeof SIMCLR_HEADS)[number];

/** CLI temperatures: SimCLR at 0.2 (the anchor's best small-batch value, see docs/results-vision.md); others their paper's. */
export const CLI_TEMPERATURE: Partial<Record<MethodName, number>> = { simclr: 0.2 };

/**
 * The CLI's views for small images: each paper's preset, with the crop's minimum area raised to 0.2
 * (at 28–32 px an 8% crop keeps a few pixels) and blur only from 64 px up (SimCLR's CIFAR recipe drops it).
 */
export function cliViews(method: MethodName, imageSize: number): ViewPair {
  const base = { scale: [0.2, 1] as [number, number], blur: imageSize >= 64 };
  switch (method) {
    case 'simclr':
      return simclrViews({ ...base, strength: 0.5 });
    case 'moco-v1':
    case 'instdisc':
      return mocoV1Views(base);
    case 'moco-v2':
    case 'simsiam':
      return mocoV2Views(base);
    case 'moco-v3':
      return mocoV3Views(base);
    case 'byol':
      return byolViews(base);
  }
}

/** Builds the encoder and the method of a run. */
export function buildRun(cfg: RunConfig): VisionMethod {
  const encoder = buildEncoder({
    name: cfg.encoder,
    inputShape: [cfg.imageSize, cfg.imageSize, cfg.channels],
    seed: cfg.seed,
    widthMultiplier: cfg.widthMultiplier,
    freezePatchEmbed: cfg.method === 'moco-v3',
  });
  const views = cliViews(cfg.method, cfg.imageSize);
  const temperature = cfg.temperature ?? CLI_TEMPERATURE[cfg.method];
  const common = { encoder, views, learningRate: cfg.lr, seed: cfg.seed };
  if (cfg.method === 'simclr') {
    // The two anchor recipes: 'mlp' D → D → 64 with BN (SimCLR v1 layout, narrower output), 'linear' D → 64.
    const d = encoder.outputs[0]!.shape[1] as number;
    const projector = cfg.projector === 'linear' ? [{ units: 64, bias: true }] : simclrProjector({ hidden: d, out: 64 });
    return new SimCLR({ ...common, temperature, projector });
  }
  // A run.json without `objective` (written before the flag existed) gets InstDisc's own default, NCE.
  return createMethod(cfg.method, { ...common, temperature, datasetSize: cfg.datasetSize, objective: cfg.objective });
}

/** A dataset whose images are resized to `size` on read (IDX data at another resolution). */
export function resized(ds: ImageDataset, size: number): ImageDataset {
  if (ds.height === size && ds.width === size) return ds;
  return {
    ...ds,
    height: size,
    width: size,
    read: async (indices) => {
      const x = await ds.read(indices);
      const y = tf.tidy(() => tf.image.resizeBilinear(x, [size, size]) as tf.Tensor4D);
      x.dispose();
      return y;
    },
  };
}
