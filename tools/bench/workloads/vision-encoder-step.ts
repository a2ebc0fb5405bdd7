import * as tf from '@tensorflow/tfjs';
import { simclrStep } from './simclr-step.js';
import type { WorkloadInstance } from './types.js';
import { benchWorkers, parallelInstance } from './parallel-step.js';

type EncoderBuilder = (o: { inputShape: [number, number, number]; widthMultiplier?: number }) => tf.LayersModel;

/** What {@link visionEncoderStep} builds. */
export interface VisionEncoderStepOptions {
  /** The @contrastive/vision builder, by export name. */
  builder: 'smallCnnEncoder' | 'resnet18Encoder';
  /** `[H, W, C]` of the images. */
  inputShape: [number, number, number];
  widthMultiplier?: number;
  /** Images per view. */
  batch: number;
  /**
   * Trainable parameters the PyTorch twin (`twin`, in tools/bench/torch/) asserts for itself: if the encoder's
   * count differs, setup refuses to run rather than compare two different networks.
   */
  params?: { expected: number; twin: string };
}

/**
 * A SimCLR step (`simclrStep`: 2 fixed random views, NT-Xent τ 0.5, Adam 1e-3; 5 timed steps, 1 warm-up) on a
 * @contrastive/vision encoder, or the reason it cannot run (the package missing, or a twin out of date).
 */
export async function visionEncoderStep(o: VisionEncoderStepOptions): Promise<WorkloadInstance | string> {
  const workers = benchWorkers();
  let build: EncoderBuilder;
  try {
    build = (await import('@contrastive/vision'))[o.builder] as EncoderBuilder;
  } catch (e) {
    return `needs @contrastive/vision (${o.builder}): ${(e as Error).message.split('\n')[0]}`;
  }
  const model = build(
    o.widthMultiplier === undefined ? { inputShape: o.inputShape } : { inputShape: o.inputShape, widthMultiplier: o.widthMultiplier },
  );
  if (o.params) {
    const n = model.trainableWeights.reduce((s, w) => s + tf.util.sizeFromShape(w.shape as number[]), 0);
    if (n !== o.params.expected) {
      model.dispose();
      return `${o.builder} has ${n} trainable params, the twin torch/${o.params.twin} ${o.params.expected}: update the twin`;
    }
  }
  if (workers > 1) {
    model.dispose();
    return parallelInstance(
      {
        kind: 'simclr',
        encoder: o.builder,
        inputShape: o.inputShape,
        batch: o.batch,
        ...(o.widthMultiplier === undefined ? {} : { widthMultiplier: o.widthMultiplier }),
      },
      workers,
      { perStep: o.batch * 2, steps: 5, warmup: 1 },
    );
  }
  const views: [tf.Tensor, tf.Tensor] = [
    tf.randomUniform([o.batch, ...o.inputShape], 0, 1, 'float32', 1),
    tf.randomUniform([o.batch, ...o.inputShape], 0, 1, 'float32', 2),
  ];
  return simclrStep(model, views, 5, 1);
}
