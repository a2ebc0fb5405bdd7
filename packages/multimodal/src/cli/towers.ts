/**
 * The towers of `contrastive-multimodal train`: vision's small CNN for images; for text, text's BERT-tiny with a
 * WordPiece vocabulary built from the train captions (`clip`) or USE-lite's cached vectors (`lit`). The CLI may
 * depend on vision and text; the package root never does (towers are injected).
 */
import * as tf from '@tensorflow/tfjs';
import type { Encoder, Rng } from '@contrastive/core';
import {
  BertEncoder,
  batchTensors,
  bertConfig,
  disposeInputs,
  pool,
  buildWordPieceVocab,
  SentenceEncoder,
  type TextTokenizer,
  type TokenBatch,
  tokenizerFromJson,
  USE_LITE_DIM,
  wordPieceTokenizerConfig,
  wordPieceTokenizerJson,
} from '@contrastive/text';
import { loadUseLite, saveSentenceEncoder } from '@contrastive/text/node';
import { createEncoder } from '@contrastive/vision';
import { precomputedTower } from '../towers/precomputed.js';

/** Width of the small CNN's output (its last block). */
export const IMAGE_FEATURE_DIM = 128;

/** The image tower: vision's small CNN (3 conv blocks, 32 → 64 → 128, global average pool) at `imageSize` px. */
export function imageTower(imageSize: number, channels: 1 | 3, seed: number): Encoder<tf.Tensor4D> {
  return createEncoder({ name: 'small-cnn', inputShape: [imageSize, imageSize, channels], seed }) as Encoder<tf.Tensor4D>;
}

/**
 * What a text side's tower is, as plain data: what a data-parallel worker rebuilds it from (its weights are then
 * copied from the main thread), with {@link textTowerFromSpec}.
 */
export type TextTowerSpec = { kind: 'bert-tiny'; vocabSize: number; maxLength: number; seed: number } | { kind: 'use-lite' };

/** The tower a {@link TextTowerSpec} describes (untrained: BERT-tiny at its seeded initialisation). */
export function textTowerFromSpec(spec: TextTowerSpec): BertTower | Encoder<tf.Tensor2D> {
  if (spec.kind === 'use-lite') return precomputedTower('use-lite (locked)', USE_LITE_DIM);
  return bertTower(
    new BertEncoder(bertConfig('tiny', spec.vocabSize, { maxPositions: Math.max(spec.maxLength, 2) }), {
      seed: spec.seed,
      pooling: 'mean',
      name: 'bert-tiny',
    }),
  );
}

/** A BERT as a text tower whose rows a data-parallel step can split (see {@link bertTower}). */
export interface BertTower extends Encoder<TokenBatch> {
  readonly bert: BertEncoder;
}

/**
 * `bert` as a tower: `apply` is `BertEncoder.apply` (pooled vectors, dropout masks from `rng`), and on a
 * data-parallel shard (`rows`, passed by `Clip`) every dropout mask is the whole batch's mask of those rows
 * (`BertForwardOptions.rows`), so the shards gathered are the one-thread forward. Owns `bert`.
 */
export function bertTower(bert: BertEncoder): BertTower {
  return {
    name: bert.name,
    bert,
    apply: ((batch: TokenBatch, training: boolean, options: { rng?: Rng; rows?: { start: number; total: number } } = {}) => {
      const t = batchTensors(batch);
      try {
        const { rng, rows } = options;
        const forward = { training, ...(rng === undefined ? {} : { rng }), ...(rows === undefined ? {} : { rows }) };
        return tf.tidy(() => pool(bert, bert.forward(t, forward), t.attentionMask, bert.pooling));
      } finally {
        disposeInputs(t);
      }
    }) as Encoder<TokenBatch>['apply'],
    get trainableWeights() {
      return bert.trainableWeights;
    },
    stateTensors: () => bert.stateTensors(),
    save: (target) => bert.save(target),
    dispose: () => bert.dispose(),
  };
}

/** A text side: the tower, its output width, how a step's captions become its input, and how it is saved. */
export interface TextSide<XT> {
  tower: Encoder<XT>;
  /** The tower as plain data (see {@link textTowerFromSpec}). */
  spec: TextTowerSpec;
  dim: number;
  /** The tower's input for these captions (the caller disposes tensors in it). */
  input(captions: readonly string[]): XT;
  /** Frees an input. */
  release(x: XT): void;
  /** Writes what the text side needs to embed new text into `dir` (or nothing, returning a note). */
  save(dir: string): Promise<string>;
  /** Frees caches (not the tower: the method owns it). */
  dispose(): void;
}

/** `clip`'s text side: BERT-tiny (mean pooling) on a WordPiece vocabulary of the train captions, trained from scratch. */
export async function scratchTextSide(
  trainCaptions: readonly string[],
  opts: { vocabSize: number; maxLength: number; seed: number },
): Promise<TextSide<TokenBatch>> {
  const vocab = buildWordPieceVocab(trainCaptions, { vocabSize: opts.vocabSize, minFrequency: 1 });
  const tokenizer: TextTokenizer = await tokenizerFromJson(wordPieceTokenizerJson(vocab), wordPieceTokenizerConfig());
  const spec: TextTowerSpec = { kind: 'bert-tiny', vocabSize: tokenizer.vocabSize, maxLength: opts.maxLength, seed: opts.seed };
  const tower = textTowerFromSpec(spec) as BertTower;
  const bert = tower.bert;
  return {
    tower,
    spec,
    dim: bert.config.hiddenSize,
    input: (captions) => tokenizer.encodeBatch(captions, { maxLength: opts.maxLength, warn: () => undefined }),
    release: () => undefined,
    save: async (dir) => {
      await saveSentenceEncoder(new SentenceEncoder(bert, tokenizer, { pooling: 'mean', maxLength: opts.maxLength }), dir);
      return `text-tower/: the BERT-tiny sentence encoder and its tokenizer (@contrastive/text loadSentenceEncoder reads it)`;
    },
    dispose: () => undefined,
  };
}

/**
 * `lit`'s text side: USE-lite's vectors of every caption (train and test) computed once on the active backend; the
 * tower is the identity on them, so only the projection trains.
 */
export async function lockedUseLiteSide(
  captions: readonly string[],
  opts: { dir?: string; log?: (line: string) => void },
): Promise<TextSide<tf.Tensor2D>> {
  const use = await loadUseLite(opts.dir);
  const distinct = [...new Set(captions)];
  const started = performance.now();
  let vectors: tf.Tensor2D;
  try {
    vectors = await use.embed(distinct);
  } finally {
    use.dispose();
  }
  opts.log?.(`use-lite: ${distinct.length} distinct captions embedded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const row = new Map(distinct.map((c, i) => [c, i]));
  return {
    tower: textTowerFromSpec({ kind: 'use-lite' }) as Encoder<tf.Tensor2D>,
    spec: { kind: 'use-lite' },
    dim: USE_LITE_DIM,
    input: (cs) =>
      tf.gather(
        vectors,
        Int32Array.from(cs, (c) => {
          const i = row.get(c);
          if (i === undefined) throw new Error(`lit: caption '${c}' was not embedded up front`);
          return i;
        }),
      ) as tf.Tensor2D,
    release: (x) => x.dispose(),
    save: async () => 'the text tower is USE-lite itself (locked): embed text with loadUseLite() from @contrastive/text/node',
    dispose: () => vectors.dispose(),
  };
}
