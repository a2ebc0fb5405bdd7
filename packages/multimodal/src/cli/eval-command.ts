/** `contrastive-multimodal eval`: a finished run scored again — retrieval on a caption folder, zero-shot on labelled images. */
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, initBackend } from '@contrastive/core';
import type { CliIo, FlagSpec } from '@contrastive/core/cli';
import {
  COMMON_FLAG_HELP,
  COMMON_FLAGS,
  formatHelp,
  intFlag,
  numFlag,
  oneOfFlag,
  readRunConfig,
  requiredFlag,
  startCommand,
  stringFlag,
  UsageError,
} from '@contrastive/core/cli';
import { BUNDLED_FASHION_MNIST, FASHION_MNIST_CLASSES, loadIdxDataset } from '@contrastive/vision/node';
import { retrievalRecall, zeroShotPredict } from '../eval/retrieval.js';
import { openCaptionFolder } from '../node/index.js';
import { asDataFlagError } from './data-flag-error.js';
import { embedImageItems } from './embed-images.js';
import { TOOL } from './help.js';
import { captionGallery, imageCaptions } from './pairs.js';
import { loadTrainedClip, type TrainedClip } from './trained-run.js';

const SPEC = {
  checkpoint: { type: 'string' },
  data: { type: 'string' },
  'test-fraction': { type: 'string' },
  'zero-shot': { type: 'string' },
  'zero-shot-limit': { type: 'string' },
  prompt: { type: 'string' },
  backend: COMMON_FLAGS.backend,
  json: COMMON_FLAGS.json,
  'no-progress': COMMON_FLAGS['no-progress'],
  help: COMMON_FLAGS.help,
} as const satisfies FlagSpec;

export const EVAL_SUMMARY = "score a finished run again: retrieval on a caption folder's test split, zero-shot classification";

export const EVAL_HELP = formatHelp({
  tool: TOOL,
  command: 'eval',
  summary: EVAL_SUMMARY,
  usage: ['eval --checkpoint DIR [--data DIR] [--zero-shot DIR|bundled]'],
  flags: [
    { name: 'checkpoint', arg: 'DIR', help: 'a finished run folder of train (its model/)' },
    { name: 'data', arg: 'DIR', help: 'an image–caption folder: recall@1/5/10 on its test split', default: "the run's --data" },
    { name: 'test-fraction', arg: 'F', help: 'held-out share when captions.jsonl has no split', default: "the run's" },
    {
      name: 'zero-shot',
      arg: 'DIR|bundled',
      help: 'Fashion-MNIST IDX folder: zero-shot accuracy on its test split, classes by prompt (images resized, gray → RGB)',
    },
    { name: 'zero-shot-limit', arg: 'N', help: 'the first N test images', default: 'all' },
    { name: 'prompt', arg: 'TEMPLATE', help: 'prompt with {} for the class name', default: "'a photo of a {}'" },
    ...COMMON_FLAG_HELP.filter((f) => ['backend', 'json', 'no-progress', 'help'].includes(f.name)),
  ],
  details: `Zero-shot (CLIP §3.1.2): each image is given the class whose prompt is closest in the joint space; chance is
1 / classes (0.10 on Fashion-MNIST). The Fashion-MNIST class names are lower-cased, 'T-shirt/top' read as 't-shirt'.`,
  examples: [
    `${TOOL} eval --checkpoint runs/lit --json`,
    `${TOOL} eval --checkpoint runs/lit --zero-shot /usr/share/datasets/fashion-mnist --prompt "a drawing of a {}"`,
  ],
});

/** Fashion-MNIST's class names as words for prompts. */
export const FMNIST_PROMPT_NAMES = FASHION_MNIST_CLASSES.map((c) => (c === 'T-shirt/top' ? 't-shirt' : c.toLowerCase()));

async function zeroShot(
  model: TrainedClip,
  path: string,
  limit: number | undefined,
  template: string,
): Promise<{ accuracy: number; images: number; topPredicted: string }> {
  const ds = await loadIdxDataset(path, { split: 'test', ...(limit === undefined ? {} : { limit }) }).catch((e: Error) => {
    throw new UsageError(`--zero-shot ${path}: ${e.message}`);
  });
  if (!ds.labels) throw new UsageError(`--zero-shot ${path}: the test split has no labels file`);
  const prompts = await model.embedTexts(FMNIST_PROMPT_NAMES.map((c) => template.replace('{}', c)));
  // Resized to the run's size, gray → RGB when the run took colour.
  const zi = await embedImageItems(ds, (x) => {
    const fitted = tf.tidy(() => {
      const y = tf.image.resizeBilinear(x, [model.imageSize, model.imageSize], false, true);
      return model.channels === 3 && y.shape[3] === 1 ? tf.tile(y, [1, 1, 1, 3]) : y;
    });
    try {
      return model.embedImages(fitted);
    } finally {
      fitted.dispose();
    }
  });
  try {
    const pred = zeroShotPredict(zi, prompts);
    const labels = ds.labels;
    const counts = new Array<number>(FMNIST_PROMPT_NAMES.length).fill(0);
    let right = 0;
    pred.forEach((p, i) => {
      counts[p]!++;
      if (p === labels[i]) right++;
    });
    // The classes most predicted and their shares: a collapsed model (one class for every image) shows here.
    const topPredicted = counts
      .map((c, k) => [k, c] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, c]) => `${FMNIST_PROMPT_NAMES[k]} ${(c / pred.length).toFixed(2)}`)
      .join(', ');
    return { accuracy: right / pred.length, images: ds.size, topPredicted };
  } finally {
    tf.dispose([zi, prompts]);
  }
}

export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, EVAL_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const dir = requiredFlag(v, 'checkpoint', 'a run folder written by train --out');
  const record = await readRunConfig<Record<string, unknown>>(dir, 'checkpoint', { tool: TOOL });
  const data = stringFlag(v, 'data') ?? (typeof record.config.data === 'string' ? record.config.data : undefined);
  const testFraction = numFlag(v, 'test-fraction', { min: 0 }) ?? Number(record.config['test-fraction'] ?? 0.2);
  const zeroShotPath = stringFlag(v, 'zero-shot');
  const zeroShotLimit = intFlag(v, 'zero-shot-limit', 1);
  const template = stringFlag(v, 'prompt') ?? 'a photo of a {}';
  if (!template.includes('{}')) throw new UsageError(`--prompt '${template}' has no {} for the class name`);
  const backendFlag = oneOfFlag(v, 'backend', BACKENDS);
  const backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log: ctx.log });
  const model = await loadTrainedClip(dir, 'checkpoint');
  const started = performance.now();
  try {
    const metrics: Record<string, number | string> = {};
    if (data !== undefined) {
      const seed = Number(record.config.seed ?? 0);
      const ds = await openCaptionFolder(data, {
        split: 'test',
        imageSize: model.imageSize,
        channels: model.channels,
        testFraction,
        seed,
        // Every test image decoded up front (into the cache the scoring reads): one that does not decode is a usage
        // error naming the file and its line, not a crash of the scoring.
        verify: true,
      }).catch((e: Error) => {
        throw new UsageError(`--data ${data}: ${e.message}`);
      });
      const groups = imageCaptions(ds);
      // Recall over a single image is 1 whatever the model (train refuses such a split too).
      if (groups.items.length < 2)
        throw new UsageError(
          `--data ${data}: the test split has ${groups.items.length} image(s); retrieval needs 2 (set --test-fraction or add a split)`,
        );
      const { texts, matches } = captionGallery(groups);
      const zi = await embedImageItems(ds, (x) => model.embedImages(x), groups.items).catch(asDataFlagError('data', data));
      const zt = await model.embedTexts(texts);
      const r = retrievalRecall(zi, zt, matches);
      tf.dispose([zi, zt]);
      Object.assign(metrics, {
        imageToTextR1: r.imageToText[1]!,
        imageToTextR5: r.imageToText[5]!,
        imageToTextR10: r.imageToText[10]!,
        textToImageR1: r.textToImage[1]!,
        textToImageR5: r.textToImage[5]!,
        textToImageR10: r.textToImage[10]!,
        testImages: groups.items.length,
        testCaptions: texts.length,
      });
    }
    if (zeroShotPath !== undefined) {
      const z = await zeroShot(model, zeroShotPath === 'bundled' ? BUNDLED_FASHION_MNIST : zeroShotPath, zeroShotLimit, template);
      Object.assign(metrics, {
        zeroShotAccuracy: z.accuracy,
        zeroShotImages: z.images,
        zeroShotChance: 1 / FMNIST_PROMPT_NAMES.length,
        zeroShotTopPredicted: z.topPredicted,
        prompt: template,
      });
    }
    if (Object.keys(metrics).length === 0)
      throw new UsageError('nothing to score: the run records no --data; pass --data DIR or --zero-shot DIR');
    const out = { method: model.method, checkpoint: dir, backend, seconds: Math.round((performance.now() - started) / 100) / 10, metrics };
    if (ctx.json) io.out(JSON.stringify(out));
    else
      for (const [k, val] of Object.entries(metrics))
        io.out(`${k.padEnd(18)} ${typeof val === 'number' ? Math.round(val * 1e4) / 1e4 : val}`);
    return 0;
  } finally {
    model.dispose();
  }
}
