/** `contrastive-gan train`'s flags and `--help`, through core's toolkit. */
import type { FlagHelp, FlagSpec } from '@contrastive/core/cli';
import { COMMON_FLAGS, formatHelp } from '@contrastive/core/cli';

export const TOOL = 'contrastive-gan';

/** `gan`: SNDCGAN with the plain loss; `gan-diffaug`: the same with ContraD's (differentiable) augmentation on D's inputs; `contrad`: ContraD. */
export const METHODS = ['contrad', 'gan', 'gan-diffaug'] as const;
export type MethodName = (typeof METHODS)[number];
export const ARCHS = ['sndcgan', 'dcgan'] as const;
export const LOSSES = ['non-saturating', 'hinge'] as const;

export const OWN_FLAGS: readonly FlagHelp[] = [
  { name: 'method', arg: 'NAME', help: `${METHODS.join('|')} (with --resume: read from the run's run.json)` },
  {
    name: 'data',
    arg: 'DIR|bundled',
    help: "MNIST-style IDX folder (train-* images; t10k-* images are the metric's reference) or 'bundled' (vision's 3,000 + 1,000-image Fashion-MNIST subset)",
    default: 'bundled',
  },
  { name: 'arch', arg: 'NAME', help: `${ARCHS.join('|')}: the generator / discriminator pair`, default: 'sndcgan' },
  { name: 'width', arg: 'W', help: "width multiplier of both networks (1 = ContraD's 64 channels)", default: '0.25' },
  { name: 'loss', arg: 'NAME', help: `gan, gan-diffaug: ${LOSSES.join('|')}`, default: 'non-saturating' },
  { name: 'r1', arg: 'GAMMA', help: 'gan, gan-diffaug: R1 penalty weight γ (0 = off)', default: '0' },
  { name: 'lambda-con', arg: 'L', help: 'contrad: λ_con, the weight of the fake-class contrastive loss', default: '1' },
  { name: 'temperature', arg: 'T', help: 'contrad: τ of both contrastive losses', default: '0.1' },
  {
    name: 'eval-images',
    arg: 'N',
    help: 'generated images scored (fid-fmnist, kid-fmnist, is-fmnist) against the test split',
    default: '2000',
  },
  { name: 'eval-every', arg: 'E', help: 'score every E epochs (and after the last)', default: '1' },
  { name: 'test-limit', arg: 'N', help: 'use the first N test images as the reference', default: 'all' },
];

export const TRAIN_SPEC: FlagSpec = {
  ...COMMON_FLAGS,
  ...Object.fromEntries(OWN_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};

export const TRAIN_HELP = formatHelp({
  tool: TOOL,
  command: 'train',
  summary: 'train ContraD or a GAN baseline on images; score samples with fid-fmnist, kid-fmnist and is-fmnist as it trains',
  usage: ['train --method contrad|gan|gan-diffaug [--data DIR|bundled] [options]', 'train --resume --out DIR'],
  flags: OWN_FLAGS,
  includeCommon: true,
  commonDefaults: {
    epochs: '10; with --resume a larger value continues the run',
    'batch-size': '64',
    lr: '0.0002 (Adam, β 0.5 / 0.999, for G and D)',
    'checkpoint-every': '0 (epoch ends only)',
    limit: 'all train images',
  },
  details: `Every method trains the same generator and discriminator (--arch, --width; 28 or 32 px from the data) with the
same optimizers, batches and seed; z is uniform in [−1, 1]:
  gan          the non-saturating (or hinge) GAN, optionally with R1
  gan-diffaug  the same with ContraD's augmentation (crop, flip, colour jitter, grayscale; differentiable) on
               every image D sees, real and fake — the augmentation-only baseline
  contrad      ContraD (Jeong & Shin 2021): D learns by contrast (NT-Xent of two real views + the fake-class
               contrastive loss), its GAN head on stop-gradient features; G through the full D
Scores (lower is better for fid/kid, higher for is) use a small Fashion-MNIST classifier shipped with the
package, not ImageNet Inception: they are not comparable with published FID / KID / IS.

The run folder (--out): run.json, checkpoint/ (G, D, heads, both optimizers, spectral-norm vectors, the score
history), model/ (the generator), samples/epoch-NNN.png (the same 64 latents each epoch), interpolation.png,
score-curve.png, losses.csv, loss-curve.png, summary.json.`,
  examples: [
    `${TOOL} train --method contrad --data bundled --epochs 5 --json`,
    `${TOOL} train --method gan --data /usr/share/datasets/fashion-mnist --epochs 10 --out runs/gan`,
    `${TOOL} train --resume --out runs/gan --epochs 20`,
  ],
});
