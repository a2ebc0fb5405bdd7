/** `contrastive-losses continual`'s flags and `--help`, through core's toolkit. */
import type { FlagHelp, FlagSpec } from '@contrastive/core/cli';
import { COMMON_FLAGS, formatHelp } from '@contrastive/core/cli';
import { DEFAULT_DOMAINS, DOMAIN_DESCRIPTIONS, DOMAIN_NAMES } from '../data/domains.js';
import { TOOL } from './help.js';

/** `grcl` projects the update; `finetune` applies it as it is (plain contrastive fine-tuning, the baseline). */
export const CONTINUAL_METHODS = ['grcl', 'finetune'] as const;
export type ContinualMethodName = (typeof CONTINUAL_METHODS)[number];

export const CONTINUAL_FLAGS: readonly FlagHelp[] = [
  { name: 'method', arg: 'NAME', help: `${CONTINUAL_METHODS.join('|')} (with --resume: read from the run's run.json)` },
  {
    name: 'data',
    arg: 'DIR|bundled',
    help: "MNIST-style IDX folder with labels (e.g. /usr/share/datasets/fashion-mnist) or 'bundled' (vision's 3,000 + 1,000-image Fashion-MNIST subset)",
    default: 'bundled',
  },
  {
    name: 'domains',
    arg: 'LIST',
    help: `comma-separated sequence: the first is the labelled source, the rest unlabelled targets trained in turn (${DOMAIN_NAMES.join(', ')})`,
    default: DEFAULT_DOMAINS.join(','),
  },
  {
    name: 'memory-size',
    arg: 'N',
    help: 'samples of each finished target domain kept as its episodic memory (pseudo-labelled)',
    default: '64',
  },
  { name: 'source-weight', arg: 'L', help: 'λ of the source cross-entropy in the update ∇L_con + λ∇L_ce^src', default: '1' },
  { name: 'temperature', arg: 'T', help: 'τ of the InfoNCE loss', default: '0.2' },
  { name: 'momentum', arg: 'M', help: 'key-encoder momentum m', default: '0.99' },
  {
    name: 'queue-size',
    arg: 'K',
    help: 'MoCo queue size',
    default: 'the images per domain rounded down to 256, at most 4096',
  },
  { name: 'test-limit', arg: 'N', help: 'score on the first N test images (each domain scores the same images, shifted)', default: 'all' },
];

export const CONTINUAL_SPEC: FlagSpec = {
  ...COMMON_FLAGS,
  ...Object.fromEntries(CONTINUAL_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};

export const CONTINUAL_HELP = formatHelp({
  tool: TOOL,
  command: 'continual',
  summary: 'continual domain adaptation: GRCL vs plain contrastive fine-tuning over a sequence of shifted image domains',
  usage: ['continual --method grcl|finetune [--data DIR|bundled] [--domains LIST] [options]', 'continual --resume --out DIR'],
  flags: CONTINUAL_FLAGS,
  includeCommon: true,
  commonDefaults: {
    epochs: '2 per target domain (a resumed run keeps its own)',
    'batch-size': '64 (target images per step; as many labelled source images)',
    lr: '0.03 (SGD, momentum 0.9, as MoCo)',
    'checkpoint-every': '0 (epoch ends only)',
    limit: 'all train images (split between the domains)',
  },
  details: `The train split (first --limit images) is shuffled by --seed and cut into one equal slice per domain, so
no image appears in two domains; slice d is moved to domain d. The first domain keeps its labels (the source);
the targets are used without labels. The test split is moved to every domain. Domains:
${DOMAIN_NAMES.map((d) => `  ${d.padEnd(8)} ${DOMAIN_DESCRIPTIONS[d]}`).join('\n')}

Both methods train vision's small CNN with a linear classifier and a momentum key encoder, one target domain
after another for --epochs each; every step combines InfoNCE on two views (random resized crop + flip) of a
target batch with the cross-entropy of a labelled source batch: g = ∇L_con + λ∇L_ce^src.
  grcl      Gradient-regularized contrastive learning (Tang et al. 2021): g is projected (GEM's QP) so it
            increases neither the source loss nor the loss on any finished domain's memory (--memory-size
            images kept with the classifier's pseudo-labels when the domain ends)
  finetune  the same update without the projection — the forgetting baseline, run by the same code
After each target domain the classifier is scored on every domain's test images. The summary reports the
final accuracy per domain and its mean (metrics.accuracy), forgetting per domain (best accuracy before the
last domain − final, Chaudhry et al. 2018) and its mean (metrics.forgetting), and the whole matrix
(metrics["after:<target>:<domain>"]; notes).

The run folder (--out): run.json, checkpoint/ (weights, optimizer, queue, memories, the accuracy matrix),
model/ (the trained backbone: loadTrainedEncoder from @contrastive/vision/node reads the run folder), losses.csv,
loss-curve.png, summary.json.`,
  examples: [
    `${TOOL} continual --method grcl --data bundled --epochs 2 --json`,
    `${TOOL} continual --method finetune --data /usr/share/datasets/fashion-mnist --limit 8000 --out runs/finetune`,
    `${TOOL} continual --resume --out runs/finetune`,
  ],
});
