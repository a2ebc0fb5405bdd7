/**
 * InvCLR's penalty R (unclamped) of trained encoders, measured on the bundled test images: the quantity the
 * penalty trains down, for a SimCLR and an InvCLR run side by side. Per batch of 250 test images: crop + flip
 * (invclr-small's geometric views), a colour draw α (strength 0.5), Rademacher v, K = 100 α′; R with the
 * encoder in inference mode (BN moving statistics). Mean over the 4 batches and 3 seeds.
 *   node --import tsx scripts/invclr-penalty-of.ts RUN_DIR [RUN_DIR ...]
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend } from '@contrastive/core';
import { applyDifferentiableColor, drawTensors, sampleColorDraw, sampleColorParams } from '../src/augment/differentiable-color.js';
import { invclrViews } from '../src/augment/invclr-views.js';
import { imageBatches } from '../src/io/index.js';
import { invclrPenalty, rademacher } from '../src/methods/invclr-penalty.js';
import { registerSecondOrderGradients } from '../src/methods/second-order.js';
import { BUNDLED_FASHION_MNIST, loadIdxDataset, loadTrainedEncoder } from '../src/node/index.js';

await initBackend({ log: false });
registerSecondOrderGradients();
const test = await loadIdxDataset(BUNDLED_FASHION_MNIST, { split: 'test' });
const [view] = invclrViews({ scale: [0.2, 1] });
for (const dir of process.argv.slice(2)) {
  const { encoder } = await loadTrainedEncoder(dir);
  const values: number[] = [];
  for (const seed of [1, 2, 3]) {
    const rng = createRng(seed);
    for await (const { images } of imageBatches(test, { batchSize: 250 })) {
      const r = tf.tidy(() => {
        const x = view.geometric(images, rng);
        const d = sampleColorDraw(x.shape[0], 1, rng, view.color);
        const t = drawTensors(d);
        const v = rademacher(x.shape[0], encoder.model.outputs[0]!.shape[1] as number, rng.uniform);
        const alphaPrime = tf.tensor3d(sampleColorParams(100, x.shape[0], 1, rng, 0.5), [100, x.shape[0], 2]);
        const out = invclrPenalty(
          (a) => encoder.model.apply(applyDifferentiableColor(x, a, t.apply, t.gray), { training: false }) as tf.Tensor2D,
          t.alpha,
          v,
          alphaPrime,
          { upperLimit: Number.POSITIVE_INFINITY },
        );
        out.representation.dispose();
        return out.penalty.dataSync()[0]!;
      });
      values.push(r);
      images.dispose();
    }
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  console.log(JSON.stringify({ run: dir, penaltyR: mean, sd, batches: values.length }));
  encoder.dispose();
}
