/** `contrastive-gan train`'s flags and `--help`, through core's toolkit. */
import type { FlagHelp, FlagSpec } from '@contrastive/core/cli';
import { COMMON_FLAG_HELP, COMMON_FLAGS, EVAL_FLAG_HELP, formatHelp } from '@contrastive/core/cli';

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

/** `--checkpoint DIR`: the run folder probe and sample read (the flag name vision's and text's readers use). */
const CHECKPOINT_FLAG: FlagHelp = {
  name: 'checkpoint',
  arg: 'DIR',
  help: 'a run folder written by train --out (its latest checkpoint: a run still training can be read)',
};
const OUTPUT_FLAG_HELP = COMMON_FLAG_HELP.filter((f) => ['backend', 'json', 'no-progress', 'help'].includes(f.name));
const OVERWRITE_HELP = COMMON_FLAG_HELP.filter((f) => f.name === 'overwrite');
const BACKEND_JSON = {
  backend: COMMON_FLAGS.backend,
  json: COMMON_FLAGS.json,
  'no-progress': COMMON_FLAGS['no-progress'],
  help: COMMON_FLAGS.help,
} as const;

export const PROBE_FLAGS: readonly FlagHelp[] = [
  CHECKPOINT_FLAG,
  {
    name: 'data',
    arg: 'DIR|bundled',
    help: 'labelled MNIST-style IDX folder: the probe fits on its train split and is scored on its test split',
    default: "the run's --data",
  },
  { name: 'limit', arg: 'N', help: 'use the first N train images for the probe', default: 'all' },
  { name: 'test-limit', arg: 'N', help: 'score on the first N test images', default: 'all' },
  { name: 'probe-epochs', arg: 'N', help: 'passes of the linear probe (core linearProbe: Adam, cosine decay)', default: '100' },
  ...EVAL_FLAG_HELP,
];
export const PROBE_SPEC: FlagSpec = {
  ...BACKEND_JSON,
  ...Object.fromEntries(PROBE_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};
export const PROBE_HELP = formatHelp({
  tool: TOOL,
  command: 'probe',
  summary: "score a run's discriminator as a representation: linear probe and kNN on its features, beside baselines",
  usage: ['probe --checkpoint DIR [--data DIR|bundled] [options]'],
  flags: [...PROBE_FLAGS, ...OUTPUT_FLAG_HELP],
  includeCommon: false,
  details: `The discriminator's penultimate features (D's encoder: the flattened last conv map, as ContraD's
\`penultimate\`) of the train images fit a linear probe, scored on the test images; kNN accuracy the same way.
Printed beside two baselines on the same images and protocol: the same discriminator at its seeded
initialisation (what training added) and raw pixels. Writes probe.json into the run folder (atomically;
replaced by a later probe).`,
  examples: [`${TOOL} probe --checkpoint runs/contrad --data /usr/share/datasets/fashion-mnist --json`],
});

export const SAMPLE_FLAGS: readonly FlagHelp[] = [
  CHECKPOINT_FLAG,
  { name: 'count', arg: 'N', help: 'images to generate', default: '64' },
  {
    name: 'out',
    arg: 'DIR|FILE.png',
    help: 'a folder (one PNG per image, sample-00000.png …) or, ending in .png, one grid image',
  },
  { name: 'seed', arg: 'N', help: 'seed of the latents z (uniform in [−1, 1])', default: '0' },
  { name: 'columns', arg: 'N', help: 'grid columns (FILE.png only)', default: '⌈√count⌉' },
];
export const SAMPLE_SPEC: FlagSpec = {
  overwrite: COMMON_FLAGS.overwrite,
  ...BACKEND_JSON,
  ...Object.fromEntries(SAMPLE_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};
export const SAMPLE_HELP = formatHelp({
  tool: TOOL,
  command: 'sample',
  summary: "generate images with a run's generator",
  usage: ['sample --checkpoint DIR --out DIR|FILE.png [--count N] [--seed N]'],
  flags: [...SAMPLE_FLAGS, ...OVERWRITE_HELP, ...OUTPUT_FLAG_HELP],
  includeCommon: false,
  details: `Uses the generator of the run's model/ (a finished run), else of its latest checkpoint (a run still
training), in inference mode. --out is never written into when it exists (a non-empty folder, or a file) unless
--overwrite is given; PNGs are written atomically. The folder is what \`${TOOL} score --images\` reads.`,
  examples: [
    `${TOOL} sample --checkpoint runs/contrad --count 2000 --out runs/contrad-samples`,
    `${TOOL} sample --checkpoint runs/contrad --count 100 --out grid.png`,
  ],
});

export const SCORE_FLAGS: readonly FlagHelp[] = [
  {
    name: 'images',
    arg: 'PATH',
    help: 'the images to score: a folder of images (png, jpg, webp, …; mapped to 28×28 grayscale) or an MNIST-style IDX folder or file',
  },
  { name: 'split', arg: 'train|test', help: 'which split of an IDX folder --images is', default: 'train' },
  { name: 'limit', arg: 'N', help: 'score only the first N images', default: 'all' },
  {
    name: 'reference',
    arg: 'DIR|bundled',
    help: "Fashion-MNIST IDX folder whose test split is the reference ('bundled': 1,000 test images)",
    default: 'bundled',
  },
  { name: 'reference-limit', arg: 'N', help: 'use the first N reference images', default: 'all' },
];
export const SCORE_SPEC: FlagSpec = {
  ...BACKEND_JSON,
  ...Object.fromEntries(SCORE_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};
export const SCORE_HELP = formatHelp({
  tool: TOOL,
  command: 'score',
  summary: 'fid-fmnist, kid-fmnist and is-fmnist of any set of images against Fashion-MNIST test',
  usage: ['score --images PATH [--reference DIR|bundled] [--limit N]'],
  flags: [...SCORE_FLAGS, ...OUTPUT_FLAG_HELP],
  includeCommon: false,
  details: `The FID / KID / IS formulas in the features of the Fashion-MNIST classifier shipped with the package (test
accuracy in its assets/fmnist-classifier/metadata.json), not ImageNet Inception: comparable only with other
fid-fmnist / kid-fmnist / is-fmnist numbers taken with the same numbers of images (FID is biased upwards for small
sets). Lower is better for fid and kid, higher for is (1 … 10). The train command scores 2,000 samples against
the full test split (10,000 images with /usr/share/datasets/fashion-mnist); use the same counts to compare.
Images are read in batches: memory stays bounded by the 138 floats kept per image.`,
  examples: [
    `${TOOL} score --images runs/contrad-samples --reference /usr/share/datasets/fashion-mnist`,
    `${TOOL} score --images /usr/share/datasets/fashion-mnist --split train --limit 2000 --reference /usr/share/datasets/fashion-mnist --json`,
  ],
});
