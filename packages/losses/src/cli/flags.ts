/** `contrastive-losses train`'s flags: core's common ones plus the data, long-tail and method flags. */
import type { FlagHelp, FlagSpec } from '@contrastive/core/cli';
import { COMMON_FLAGS } from '@contrastive/core/cli';

/** Methods `train` offers: PaCo and its three baselines, trained by the same code, and JCL (scored by kNN / linear probe). */
export const METHODS = ['paco', 'ce', 'logit-adjust', 'supcon', 'jcl'] as const;
export type MethodName = (typeof METHODS)[number];

/** `train`'s own flags (all strings; read with core's typed readers). */
export const OWN_FLAGS: readonly FlagHelp[] = [
  { name: 'method', arg: 'NAME', help: `${METHODS.join('|')} (with --resume: read from the run's run.json)` },
  {
    name: 'data',
    arg: 'DIR|bundled',
    help: "MNIST-style IDX folder (train-* and t10k-* images and labels, e.g. /usr/share/datasets/fashion-mnist) or 'bundled' (vision's 3,000 + 1,000-image Fashion-MNIST subset)",
    default: 'bundled',
  },
  {
    name: 'long-tail-ratio',
    arg: 'R',
    help: 'make the train split long-tailed: class c keeps round(n_max·R^(−c/(C−1))) images (n_max = smallest class), drawn by --seed; R >= 1',
    default: 'none (the train split as it is)',
  },
  { name: 'test-limit', arg: 'N', help: 'score on the first N test images only', default: 'all' },
  { name: 'temperature', arg: 'T', help: 'τ of the PaCo / SupCon / JCL loss', default: 'paco 0.05, supcon 0.1, jcl 0.2' },
  { name: 'alpha', arg: 'A', help: "paco: α, the sample-positive weight (the paper's CIFAR-LT value)", default: '0.01' },
  {
    name: 'queue-size',
    arg: 'K',
    help: 'paco, jcl: MoCo queue size',
    default: "paco 1024; jcl the train images rounded down to 256, at most 4096 (vision's moco-v2-small)",
  },
  { name: 'key-views', arg: 'M', help: 'jcl: key views per image (M)', default: '4' },
  { name: 'lambda', arg: 'L', help: 'jcl: λ, warmed up linearly over the epochs', default: '2' },
  { name: 'knn-k', arg: 'K', help: 'jcl: neighbours of the kNN classifier', default: 'min(200, smallest training class, n - 1)' },
];

/** The spec `startCommand` parses. */
export const TRAIN_SPEC: FlagSpec = {
  ...COMMON_FLAGS,
  ...Object.fromEntries(OWN_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};
