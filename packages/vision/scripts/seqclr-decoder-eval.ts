/**
 * Re-scores the encoders of a `train --method seqclr` run (docs/results-vision.md, "SeqCLR on word images") with
 * other decoder-evaluation settings than the run's own, without pre-training again: the trained encoder in
 * RUN/model, or with --random-init the same encoder at its initial weights (run.json's seed). Same data, same
 * seeded training subset (--limit) and test set as the run.
 *   node --import tsx scripts/seqclr-decoder-eval.ts RUN [--random-init] [--mode frozen|fine-tune]
 *        [--fraction F] [--decoder linear|bilstm] [--epochs N] [--lr X]
 * Prints one JSON line: the settings, wordAccuracy, characterErrorRate, seconds, the loss curve and examples.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { fileSystemHandler } from '@contrastive/core/node';
import { subsetIndices, type SeqclrRunConfig } from '../src/cli/seqclr-run.js';
import { Charset } from '../src/sequence/charset.js';
import { decoderEvaluation, type DecoderKind } from '../src/sequence/decoder-eval.js';
import { sequenceEncoder } from '../src/sequence/sequence-encoder.js';
import { readWordImages } from '../src/words/read-word-images.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'random-init': { type: 'boolean' },
    mode: { type: 'string', default: 'frozen' },
    fraction: { type: 'string', default: '1' },
    decoder: { type: 'string', default: 'linear' },
    epochs: { type: 'string', default: '10' },
    lr: { type: 'string', default: '0.001' },
  },
});
const dir = positionals[0];
if (!dir)
  throw new Error(
    'usage: seqclr-decoder-eval.ts RUN [--random-init] [--mode frozen|fine-tune] [--fraction F] [--decoder linear|bilstm] [--epochs N] [--lr X]',
  );
const cfg = (JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as { config: SeqclrRunConfig }).config;
await initBackend({ backend: 'wasm', log: false });
const trainAll = await readWordImages(cfg.data, 'train');
const testAll = await readWordImages(cfg.data, 'test');
const pick = (set: { images: tf.Tensor4D; texts: string[] }, idx: Int32Array) => ({
  images: tf.tidy(() => tf.gather(set.images, tf.tensor1d(idx, 'int32')) as tf.Tensor4D),
  texts: Array.from(idx, (i) => set.texts[i]!),
});
const train = pick(trainAll, subsetIndices(trainAll.texts.length, cfg.limit, cfg.seed));
const test = pick(testAll, subsetIndices(testAll.texts.length, cfg.evalLimit, cfg.seed + 1));
tf.dispose([trainAll.images, testAll.images]);
const encoder = values['random-init']
  ? sequenceEncoder({ inputShape: [cfg.imageHeight, 1], width: cfg.imageWidth, widths: cfg.widths, context: cfg.context, seed: cfg.seed })
  : await tf.loadLayersModel(fileSystemHandler(join(dir, 'model')));
const r = await decoderEvaluation(encoder, train, test, {
  charset: new Charset([...trainAll.charset]),
  mode: values.mode as 'frozen' | 'fine-tune',
  labelFraction: Number(values.fraction),
  decoder: values.decoder as DecoderKind,
  epochs: Number(values.epochs),
  learningRate: Number(values.lr),
  seed: cfg.seed,
});
console.log(
  JSON.stringify({
    run: dir,
    encoder: values['random-init'] ? 'random init' : `seqclr ${cfg.mapping}`,
    mode: r.mode,
    labelFraction: r.labelFraction,
    decoder: r.decoder,
    epochs: r.epochs,
    lr: Number(values.lr),
    trainedOn: r.trainedOn,
    testSize: r.testSize,
    wordAccuracy: r.wordAccuracy,
    characterErrorRate: r.characterErrorRate,
    seconds: Math.round(r.seconds),
    lossCurve: r.lossCurve.map((v) => Math.round(v * 1000) / 1000),
    examples: r.examples,
  }),
);
