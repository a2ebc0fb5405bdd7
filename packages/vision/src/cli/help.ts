import { COMMON_FLAG_HELP, EVAL_FLAG_HELP, formatHelp, type FlagHelp } from '@contrastive/core/cli';
import { ENCODERS } from '../encoders/registry.js';
import { METHODS } from '../methods/registry.js';
import { SIMCLR_HEADS } from '../recipes.js';
import { TOOL } from './tool.js';
import { EVAL_PASSES_HELP, INVCLR_FLAG_HELP } from './invclr-flags.js';

/** The tool's one-line summary and the text after its command list (`contrastive-vision --help`). */
export const SUMMARY =
  'self-supervised image representations (SimCLR, MoCo v1–v3, BYOL, SimSiam, InstDisc, InvCLR) on TensorFlow.js, scored with a kNN classifier and a linear probe';

export const DATA_HELP = `Commands:
  ${TOOL} train --method NAME --data PATH [options]
  ${TOOL} eval  --checkpoint DIR --data PATH [--eval-data PATH] [options]
  ${TOOL} embed --checkpoint DIR --data PATH [--out FILE.csv] [options]

Quick start (bundled 3,000-image Fashion-MNIST subset, a few minutes on 2 cores):
  ${TOOL} train --method simclr --data bundled --json

Data (--data, --eval-data):
  - a folder with the four MNIST-style IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
    t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]), e.g. /usr/share/datasets/fashion-mnist;
    --data reads its train-* files, --eval-data its t10k-* files; if --eval-data is omitted the same
    folder's t10k-* files are used;
  - 'bundled': the Fashion-MNIST subset shipped with this package (3,000 train + 1,000 test);
  - an image folder: one sub-folder per class (labels = folder names; images at any depth below it,
    links followed, as torchvision's ImageFolder) or images directly inside (unlabeled).
    PNG, JPEG, WebP, GIF, TIFF, AVIF; decoded and resized with sharp, streamed in batches.
  Labels never reach the contrastive loss: they are only the kNN memory and the linear probe's
  training set (from --data), scored on --eval-data.`;

export const MAIN_EXAMPLES = [
  `${TOOL} train --method simclr --data bundled --epochs 3 --batch-size 64 --out runs/demo --json`,
  `${TOOL} eval --checkpoint runs/demo --data bundled`,
  `${TOOL} embed --checkpoint runs/demo --data ./my-images --out my-embeddings.csv`,
];

const DATA_FLAG: FlagHelp = {
  name: 'data',
  arg: 'PATH',
  help: "training images: IDX folder, 'bundled', or image folder (see contrastive-vision --help)",
};
const PROBE_EPOCHS: FlagHelp = {
  name: 'probe-epochs',
  arg: 'N',
  help: 'epochs of the linear probe (logistic regression, Adam, cosine LR)',
  default: '100',
};
/** Core's help of the shared output flags, for the commands that read a run (eval, embed) instead of training one. */
const OUTPUT_FLAG_HELP = COMMON_FLAG_HELP.filter((f) => ['backend', 'json', 'no-progress', 'help'].includes(f.name));
const EVAL_LIMIT: FlagHelp = { name: 'eval-limit', arg: 'N', help: 'score on only the first N evaluation images' };

const SCORES = `Scores: weighted kNN (τ = 0.1, cosine; k from --knn-k, else min(200, smallest training class, n − 1):
k = 200 on Fashion-MNIST and the bundled subset) and a logistic-regression probe on the encoder output, for
the trained encoder and for the same encoder before training (baselines.randomInit, the baseline to beat).
Also alignment and uniformity (Wang & Isola 2020) of two augmented views of the first 2,048 eval images on the
L2-normalised encoder output: alignment near 0 with uniformity near 0 means collapse.`;

/** The flags of `train --method seqclr` (seqclr-run.ts); --width, --temperature and --projector mean the SeqCLR ones there. */
const SEQCLR_FLAGS: FlagHelp[] = [
  {
    name: 'instance-mapping',
    arg: 'NAME',
    help: 'seqclr: all | frame | window (all-to-instance is SimCLR on frame means)',
    default: 'window',
  },
  { name: 'windows', arg: 'N', help: "seqclr: T′, the windows of window-to-instance (the paper's 5)", default: '5' },
  { name: 'context', arg: 'NAME', help: 'seqclr: conv | bilstm | none, the context net after map-to-sequence', default: 'conv' },
  { name: 'decoder', arg: 'NAME', help: 'seqclr: linear | bilstm, the CTC decoder head of the evaluation', default: 'linear' },
  { name: 'decoder-epochs', arg: 'N', help: 'seqclr: epochs of each CTC decoder evaluation / fine-tuning', default: '10' },
  { name: 'label-fractions', arg: 'LIST', help: 'seqclr: label fractions of the fine-tuning runs', default: '0.05,0.1' },
];

const SEQCLR_DETAILS = `SeqCLR (--method seqclr --data <folder from 'contrastive-vision data words'>): a sequence encoder (CNN → frames
every 4 px → context net; --width scales its 32-64-128 channels, default 0.5) pre-trained on the train split without
labels (--projector mlp | none | bilstm per frame, --temperature default 0.1; batch 64, 3 epochs by default), then
scored on the test split (unseen fonts and words) by word accuracy and character error rate: a CTC decoder on the
frozen encoder with all labels, and encoder + decoder fine-tuned on each --label-fractions share; the same for the
encoder at its random init (baselines.randomInit). --limit N / --eval-limit N use a seeded sample of N train / test
images. Checkpoints at epoch ends only unless --checkpoint-every is given; no --resume yet. Default --out:
runs/seqclr-<mapping>-<context>-seed<seed>.`;

export const TRAIN_HELP = formatHelp({
  tool: TOOL,
  command: 'train',
  summary: 'train an encoder without labels, then score it',
  usage: 'train --method NAME --data PATH [options]',
  flags: [
    {
      name: 'method',
      arg: 'NAME',
      help: `${METHODS.join(' | ')} (built from its '<method>-small' recipe; with --resume, taken from run.json) | seqclr (word images, see SeqCLR below)`,
    },
    DATA_FLAG,
    {
      name: 'eval-data',
      arg: 'PATH',
      help: "labeled images to score on (default: the t10k-* files of an IDX --data folder); its class sub-folders are matched to --data's by name",
    },
    {
      name: 'eval-split',
      arg: 'F',
      help: 'labeled image folder without a test set: hold out a stratified share F of --data (e.g. 0.2; seeded by --seed, never trained on) and score on it. Not with --eval-data',
    },
    { name: 'encoder', arg: 'NAME', help: ENCODERS.join(' | '), default: 'small-cnn' },
    { name: 'width', arg: 'N', help: "resnet18 width multiplier (1 = the paper's 64..512)", default: '0.25' },
    {
      name: 'image-size',
      arg: 'N',
      help: 'side in pixels images are resized to, 4 to 1024 (the small CNN halves it twice; a step at N needs about N² × batch × 800 bytes, checked against memory before training)',
      default: '28 for IDX data, 32 for folders',
    },
    { name: 'channels', arg: '1|3', help: 'image folders only: grayscale or RGB', default: '3' },
    {
      name: 'temperature',
      arg: 'X',
      help: 'loss temperature; byol and simsiam have none',
      default: 'simclr 0.2, moco-v1 0.07, moco-v2 0.2, moco-v3 0.2, instdisc 0.1, looc 0.2, invclr 0.2',
    },
    {
      name: 'objective',
      arg: 'NAME',
      help: "instdisc only: softmax (lemniscate's later softmax-CE variant) | nce (the CVPR 2018 paper's NCE with Z fixed on the first batch; diverges on small data, see docs/results-vision.md)",
      default: 'softmax',
    },
    {
      name: 'projector',
      arg: 'NAME',
      help: `simclr only: ${SIMCLR_HEADS.join(' | ')} (mlp: D→D→64 with BN, SimCLR v1's layout; linear: D→64)`,
      default: 'mlp',
    },
    {
      name: 'looc-augs',
      arg: 'LIST',
      help: "looc only: the atomic augmentations, comma-separated, one sensitive head each: color | rotation | blur (blur stands in for the paper's texture)",
      default: 'color,rotation,blur',
    },
    {
      name: 'readout',
      arg: 'NAME',
      help: 'looc only: what is scored — backbone (LooC: the shared encoder) | concat (LooC++: the n + 1 head spaces, L2-normalised and concatenated); the saved model is the backbone either way',
      default: 'backbone',
    },
    EVAL_LIMIT,
    { name: 'no-baseline', help: 'skip scoring the untrained encoder (the random-init baseline)' },
    {
      name: 'raw-baseline',
      help: 'also score the raw pixels (the same kNN and probe on the flattened images) as baselines.rawPixels (the full Fashion-MNIST took 1,670 s on 2 busy cores, the bundled subset 39 s)',
    },
    PROBE_EPOCHS,
    ...INVCLR_FLAG_HELP,
    ...EVAL_FLAG_HELP,
    ...SEQCLR_FLAGS,
  ],
  includeCommon: true,
  commonDefaults: {
    epochs: '10',
    'batch-size':
      '256 (byol, simsiam, instdisc: n/20 for n training images, rounded to a power of two in 32–256), at most half the training images',
    lr: '0.001 (Adam)',
    out: 'runs/<method>-<encoder>-seed<seed>',
    'checkpoint-every': '50',
    limit: 'all (at least 2)',
  },
  details:
    `${SCORES}\n\n` +
    'With --resume and --epochs, the run trains to that new total (recorded in run.json; the cosine schedules of moco-v2, ' +
    'moco-v3, byol and simsiam then span the new total from that point). Other flags given with --resume must match run.json.\n\n' +
    SEQCLR_DETAILS,
  examples: [
    `${TOOL} train --method simclr --data bundled --epochs 3 --batch-size 64 --out runs/demo --json`,
    `${TOOL} train --method moco-v2 --data /usr/share/datasets/fashion-mnist --epochs 10 --out runs/moco`,
    `${TOOL} train --method simclr --data ./my-images --eval-split 0.2 --batch-size 64 --epochs 50 --out runs/mine`,
  ],
});

/** `--checkpoint DIR` of the commands that read a run. */
const CHECKPOINT_FLAG: FlagHelp = {
  name: 'checkpoint',
  arg: 'DIR',
  help: "a run folder written by 'train' (its run.json and latest checkpoint/: a run still training works)",
};

export const EVAL_HELP = formatHelp({
  tool: TOOL,
  command: 'eval',
  summary: 'score a trained encoder and draw its embedding map',
  usage: 'eval --checkpoint DIR --data PATH [--eval-data PATH | --eval-split F] [options]',
  flags: [
    CHECKPOINT_FLAG,
    { name: 'data', arg: 'PATH', help: "labeled images for the kNN memory and the probe's training set" },
    { name: 'eval-data', arg: 'PATH', help: 'labeled images to score (default: the t10k-* files of an IDX --data folder)' },
    {
      name: 'eval-split',
      arg: 'F',
      help: 'or: score on the stratified share F of --data held out by train --eval-split F (the default for a run trained that way; same seed, same split)',
    },
    { name: 'map', arg: 'PATH', help: 'embedding-map PNG', default: 'DIR/embedding-map.png' },
    { name: 'map-method', arg: 'NAME', help: 'umap | pca', default: 'umap' },
    { name: 'limit', arg: 'N', help: "use only the first N images of --data (default: the run's own --limit on its own data)" },
    {
      name: 'readout',
      arg: 'NAME',
      help: 'looc runs only: backbone (LooC) | concat (LooC++, the head spaces concatenated)',
      default: "the run's own",
    },
    EVAL_LIMIT,
    PROBE_EPOCHS,
    EVAL_PASSES_HELP,
    ...EVAL_FLAG_HELP,
    ...OUTPUT_FLAG_HELP,
  ],
  details: SCORES,
  examples: [`${TOOL} eval --checkpoint runs/moco --data /usr/share/datasets/fashion-mnist --json`],
});

export const EMBED_HELP = formatHelp({
  tool: TOOL,
  command: 'embed',
  summary: "write the trained encoder's embeddings of a data set to a CSV file",
  usage: 'embed --checkpoint DIR --data PATH [options]',
  flags: [
    CHECKPOINT_FLAG,
    { name: 'data', arg: 'PATH', help: "images to embed: an image folder (labeled or not), an IDX folder or 'bundled'" },
    { name: 'split', arg: 'NAME', help: 'train | test: which files of an IDX folder', default: 'train' },
    { name: 'out', arg: 'FILE', help: 'the CSV; never replaced without --overwrite', default: 'DIR/embeddings.csv' },
    { name: 'overwrite', help: 'replace an existing --out' },
    { name: 'limit', arg: 'N', help: 'the first N images only' },
    { name: 'batch-size', arg: 'N', help: 'images per forward pass', default: '256' },
    ...OUTPUT_FLAG_HELP,
  ],
  details: `The CSV has a header row, then one row per image in the data set's order:
  filename,label,embedding_0,...,embedding_{D-1}
With --json, stdout carries one line: {"method","encoder","images","out","backend","seconds"}.
filename is the image's path relative to --data (IDX: its images file's name#index); label is the class folder's
name (IDX: the class name, e.g. 'Sneaker'), empty for unlabeled images; the embedding is the encoder's output (the
D-dimensional representation the kNN and the probe score, before any projection head).`,
  examples: [`${TOOL} embed --checkpoint runs/moco --data ./my-images --out my-embeddings.csv`],
});
