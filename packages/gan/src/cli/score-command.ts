/** `contrastive-gan score`: fid-fmnist, kid-fmnist and is-fmnist of any set of images against Fashion-MNIST test. */
import { BACKENDS, initBackend } from '@contrastive/core';
import type { CliIo } from '@contrastive/core/cli';
import { intFlag, oneOfFlag, requiredFlag, startCommand, stringFlag, UsageError } from '@contrastive/core/cli';
import { limitDataset } from '@contrastive/vision';
import { loadMetricClassifier, METRIC_IMAGE_SIZE, scoreImages } from '../node/index.js';
import { openIdxFlag, openImagesFlag } from './data.js';
import { SCORE_HELP, SCORE_SPEC, TOOL } from './help.js';

export async function scoreCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SCORE_SPEC, SCORE_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const imagesPath = requiredFlag(v, 'images', 'a folder of images or an MNIST-style IDX folder / file');
  const split = oneOfFlag(v, 'split', ['train', 'test'] as const, 'train');
  const limit = intFlag(v, 'limit', 2);
  const reference = stringFlag(v, 'reference') ?? 'bundled';
  const referenceLimit = intFlag(v, 'reference-limit', 2);
  const backendFlag = oneOfFlag(v, 'backend', BACKENDS);
  const images = limitDataset(
    await openImagesFlag('images', imagesPath, {
      split,
      imageSize: METRIC_IMAGE_SIZE,
      channels: 1,
      ...(limit === undefined ? {} : { limit }),
    }),
    limit,
  );
  if (images.size < 2) throw new UsageError(`--images ${imagesPath}: ${images.size} image(s); the scores need at least 2`);
  const ref = await openIdxFlag('reference', reference, 'test', referenceLimit);
  if (ref.size < 2) throw new UsageError(`--reference ${reference}: ${ref.size} test image(s); the scores need at least 2`);
  const backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log: ctx.log });
  const classifier = await loadMetricClassifier();
  try {
    ctx.log(`scoring ${images.size} images of ${imagesPath} against ${ref.size} test images of ${reference}`);
    const s = await scoreImages(images, ref, { classifier });
    const values = [s.fidFmnist, s.kidFmnist.mean, s.kidFmnist.std, s.isFmnist.mean, s.isFmnist.std];
    if (!values.every(Number.isFinite)) {
      io.err(`${TOOL}: the scores are not finite (check the images for NaN/Inf values)`);
      return 1;
    }
    const result = {
      images: imagesPath,
      n: s.n,
      reference,
      nReference: s.nReference,
      fidFmnist: s.fidFmnist,
      kidFmnist: s.kidFmnist,
      isFmnist: s.isFmnist,
      backend,
      seconds: Math.round((performance.now() - ctx.started) / 100) / 10,
      note: 'fid-fmnist / kid-fmnist / is-fmnist: FID / KID / IS formulas in the features of the Fashion-MNIST classifier of @contrastive/gan, not Inception; compare only with the same metric at the same image counts',
    };
    if (ctx.json) io.out(JSON.stringify(result));
    else
      io.out(
        [
          `${TOOL} score: ${s.n} images of ${imagesPath} vs ${s.nReference} Fashion-MNIST test images (${reference})`,
          `  fid-fmnist  ${s.fidFmnist.toFixed(3)}   (lower is better)`,
          `  kid-fmnist  ${s.kidFmnist.mean.toFixed(4)} ± ${s.kidFmnist.std.toFixed(4)}   (lower is better)`,
          `  is-fmnist   ${s.isFmnist.mean.toFixed(3)} ± ${s.isFmnist.std.toFixed(3)}   (higher is better, 1 … 10)`,
          `  ${result.note}`,
        ].join('\n'),
      );
    return 0;
  } finally {
    classifier.dispose();
  }
}
