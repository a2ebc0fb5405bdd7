import * as tf from '@tensorflow/tfjs';
import { cloneModel, createRng, trainableVariables } from '@contrastive/core';
import { InitSeeds } from '../encoders/init.js';
import { Charset } from './charset.js';
import { ctcLoss, ctcMinFrames } from './ctc.js';
import { ctcGreedyDecode } from './ctc-decode.js';
import { characterErrorRate, wordAccuracy } from './text-metrics.js';

/**
 * SeqCLR's evaluations of a sequence encoder (Aberdam et al., CVPR 2021, §5): a CTC text decoder trained on
 * top of it, scored by word accuracy and character error rate on a test set with greedy (best-path) decoding.
 *
 * - `'frozen'` — decoder evaluation: the encoder is frozen; its frames are computed once in inference mode
 *   (batch-norm on running statistics), batched, and only the decoder head is trained on them.
 * - `'fine-tune'` — semi-supervised fine-tuning: a copy of the encoder and the decoder are trained together
 *   (batch-norm in training mode) on a `labelFraction` subset of the labelled set; the caller's encoder is
 *   left unchanged (the copy is disposed at the end), so one pre-trained encoder serves every fraction.
 *
 * The decoder is the text-recognition benchmark's CTC prediction layer (clovaai/deep-text-recognition-benchmark,
 * on which the SeqCLR reimplementations build): a per-frame linear layer F → C (`'linear'`), or a small BiLSTM
 * then that layer (`'bilstm'`) for encoders without context. [unverified: the paper's exact decoder head and
 * its 50k-iteration schedule; we train `epochs` passes with Adam and report the last epoch's model.]
 * The labelled subset is a **uniformly random** sample without replacement (seeded), not stratified: words
 * are an open vocabulary, so there are no classes to stratify by (IAM's 5 % / 10 % subsets are random too
 * [unverified]). Training uses `zeroInfinity` (as the reimplementation's `nn.CTCLoss(zero_infinity=True)`),
 * so a word with more characters (plus repeats) than the encoder has frames contributes nothing; their count
 * is reported as `infeasible`.
 *
 * Each training step reads the decoder logits to the CPU once (the CTC loss runs in JavaScript, see
 * {@link ctcLoss}).
 */

/** A frame-sequence encoder is a tf.LayersModel mapping images [N,H,W,C] → frames [N,T,F]. */
export interface RecognitionSet {
  images: tf.Tensor4D;
  texts: string[];
}

export type DecoderKind = 'linear' | 'bilstm';
export type DecoderEvalMode = 'frozen' | 'fine-tune';

const MODES: readonly DecoderEvalMode[] = ['frozen', 'fine-tune'];
const DECODERS: readonly DecoderKind[] = ['linear', 'bilstm'];

/** Options of {@link decoderEvaluation}. */
export interface DecoderEvalOptions {
  /** Alphabet of the labels (every training text must be encodable; test texts are compared as strings). */
  charset: Charset;
  /** `'frozen'` (decoder evaluation) or `'fine-tune'` (encoder + decoder, semi-supervised). */
  mode: DecoderEvalMode;
  /** Fraction of the training set whose labels are used, in (0, 1]. Default 1; the paper's semi-supervised rows use 0.05 and 0.1. */
  labelFraction?: number;
  /** Passes over the labelled subset. Default 20. */
  epochs?: number;
  /** Training batch size. Default 32. */
  batchSize?: number;
  /** Adam learning rate (decoder, and encoder when fine-tuning). Default 1e-3. */
  learningRate?: number;
  /** Seed of the labelled subset, the batch order and the decoder's initial weights. */
  seed: number;
  /** Decoder head. Default `'linear'`. */
  decoder?: DecoderKind;
  /** Units per direction of the `'bilstm'` decoder. Default 64. */
  hiddenUnits?: number;
  /**
   * Frozen mode: standardise each frame feature with the labelled frames' mean and standard deviation before
   * the decoder (train and test alike), as core's `linearProbe` does by default. Default true. Ignored when
   * fine-tuning (the encoder adapts its own scale).
   */
  standardize?: boolean;
  /** Images per encoder pass when computing frames or test predictions (bounds memory). Default 128. */
  inferenceBatchSize?: number;
  /** Progress lines (one per epoch). Default: none. */
  log?: (line: string) => void;
}

/** What {@link decoderEvaluation} measured. */
export interface DecoderEvalResult {
  /** Exact-match accuracy of the greedy transcriptions of the test set. */
  wordAccuracy: number;
  /** Σ edit distance / Σ truth length over the test set. */
  characterErrorRate: number;
  /** Labelled training images used. */
  trainedOn: number;
  /** Test images scored. */
  testSize: number;
  /** Wall time of the whole evaluation, seconds. */
  seconds: number;
  mode: DecoderEvalMode;
  decoder: DecoderKind;
  /** Whether the frozen frames were standardised. */
  standardized: boolean;
  labelFraction: number;
  epochs: number;
  /** Optimizer steps taken. */
  steps: number;
  /** Frames per image T of the encoder. */
  frames: number;
  /** Labelled images whose text needs more than T frames (zero loss, never learnable). */
  infeasible: number;
  /** Mean CTC loss (PyTorch's 'mean' reduction) of each epoch. */
  lossCurve: number[];
  /** The first few test items: truth and prediction. */
  examples: { truth: string; predicted: string }[];
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`decoderEvaluation: ${name} must be an integer >= 1, got ${String(v)}`);
  return v;
}

function checkSet(set: RecognitionSet, name: string): void {
  if (!set || !(set.images instanceof tf.Tensor) || set.images.rank !== 4)
    throw new RangeError(`decoderEvaluation: ${name}.images must be a [N, H, W, C] tensor`);
  if (!Array.isArray(set.texts) || set.texts.length !== set.images.shape[0])
    throw new RangeError(
      `decoderEvaluation: ${name}.texts must hold one text per image (${set.images.shape[0]}), got ${set.texts?.length}`,
    );
  if (set.texts.length === 0) throw new RangeError(`decoderEvaluation: ${name} is empty`);
}

function resolve(opts: DecoderEvalOptions) {
  if (!(opts.charset instanceof Charset))
    throw new TypeError('decoderEvaluation: charset must be a Charset (Charset.fromTexts(trainTexts))');
  const {
    mode,
    labelFraction = 1,
    epochs = 20,
    batchSize = 32,
    learningRate = 1e-3,
    seed,
    decoder = 'linear',
    hiddenUnits = 64,
    inferenceBatchSize = 128,
    standardize = true,
  } = opts;
  if (!MODES.includes(mode)) throw new RangeError(`decoderEvaluation: mode must be one of ${MODES.join(', ')}, got ${String(mode)}`);
  if (!DECODERS.includes(decoder))
    throw new RangeError(`decoderEvaluation: decoder must be one of ${DECODERS.join(', ')}, got ${String(decoder)}`);
  if (!(labelFraction > 0 && labelFraction <= 1))
    throw new RangeError(`decoderEvaluation: labelFraction must be in (0, 1], got ${String(labelFraction)}`);
  if (!(learningRate > 0 && Number.isFinite(learningRate)))
    throw new RangeError(`decoderEvaluation: learningRate must be a finite number > 0, got ${String(learningRate)}`);
  if (!Number.isFinite(seed)) throw new RangeError(`decoderEvaluation: seed must be a finite number, got ${String(seed)}`);
  return {
    mode,
    labelFraction,
    epochs: positiveInt(epochs, 'epochs'),
    batchSize: positiveInt(batchSize, 'batchSize'),
    learningRate,
    seed,
    decoder,
    hiddenUnits: positiveInt(hiddenUnits, 'hiddenUnits'),
    inferenceBatchSize: positiveInt(inferenceBatchSize, 'inferenceBatchSize'),
    standardize: standardize !== false,
  };
}

/**
 * Encoder frames `[N, T, F]` in inference mode, `batch` images per pass; of `images[indices]` when
 * `indices` is given (gathered per batch, so no copy of the selected images is made).
 */
export function encodeFrames(encoder: tf.LayersModel, images: tf.Tensor4D, batch = 128, indices?: Int32Array): tf.Tensor3D {
  const total = indices ? indices.length : images.shape[0];
  return tf.tidy(() => {
    const parts: tf.Tensor3D[] = [];
    for (let s = 0; s < total; s += batch) {
      const n = Math.min(batch, total - s);
      const x = indices ? tf.gather(images, tf.tensor1d(indices.subarray(s, s + n), 'int32')) : images.slice([s, 0, 0, 0], [n, -1, -1, -1]);
      const f = encoder.apply(x, { training: false }) as tf.Tensor;
      if (f.rank !== 3)
        throw new RangeError(`decoderEvaluation: the encoder must output frames [N, T, F], got shape [${f.shape.join(', ')}]`);
      parts.push(f as tf.Tensor3D);
    }
    return parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor3D);
  });
}

/** `[1, T, F]`: the encoder's output shape for one image. */
function frameShape(encoder: tf.LayersModel, images: tf.Tensor4D): [number, number, number] {
  const f = encodeFrames(encoder, images, 1, Int32Array.of(0));
  const shape = f.shape;
  f.dispose();
  return shape;
}

/** The CTC decoder head over frames `[T, F]` → logits `[T, C]`. */
export function ctcDecoderHead(
  kind: DecoderKind,
  frames: number,
  features: number,
  classes: number,
  seed: number,
  hiddenUnits = 64,
): tf.Sequential {
  const init = new InitSeeds(seed);
  const model = tf.sequential({ name: `ctc_decoder_${kind}` });
  if (kind === 'bilstm') {
    const lstm = tf.layers.lstm({
      units: hiddenUnits,
      returnSequences: true,
      kernelInitializer: init.glorot(),
      recurrentInitializer: tf.initializers.orthogonal({ seed: init.next() }),
      name: 'ctc_dec_lstm',
    });
    model.add(
      tf.layers.bidirectional({ layer: lstm as tf.RNN, mergeMode: 'concat', inputShape: [frames, features], name: 'ctc_dec_bilstm' }),
    );
    model.add(tf.layers.dense({ units: classes, kernelInitializer: init.glorot(), name: 'ctc_dec_linear' }));
  } else {
    model.add(
      tf.layers.dense({ units: classes, kernelInitializer: init.glorot(), inputShape: [frames, features], name: 'ctc_dec_linear' }),
    );
  }
  return model;
}

/**
 * Trains a CTC decoder on `encoder` with `train`'s labels (frozen or fine-tuned, see the module comment) and
 * scores greedy transcriptions of `test`. The caller keeps ownership of every tensor it passed; nothing
 * else stays allocated afterwards.
 */
export async function decoderEvaluation(
  encoder: tf.LayersModel,
  train: RecognitionSet,
  test: RecognitionSet,
  opts: DecoderEvalOptions,
): Promise<DecoderEvalResult> {
  const started = performance.now();
  const o = resolve(opts);
  checkSet(train, 'train');
  checkSet(test, 'test');
  const { charset } = opts;
  const log = opts.log ?? (() => {});
  const rng = createRng(o.seed);
  const n = train.texts.length;
  const k = Math.max(1, Math.ceil(o.labelFraction * n));
  const subset = Int32Array.from(rng.permutation(n).subarray(0, k)).sort();
  const targets = Array.from(subset, (i) => {
    try {
      return charset.encode(train.texts[i]!);
    } catch (e) {
      throw new RangeError(`decoderEvaluation: train.texts[${i}]: ${(e as Error).message}`);
    }
  });

  const fineTune = o.mode === 'fine-tune';
  // Everything allocated from here on is freed in `finally`, also when a step throws.
  let enc: tf.LayersModel | null = null;
  let frozenFrames: tf.Tensor3D | null = null;
  let scaler: { mean: tf.Tensor1D; std: tf.Tensor1D } | null = null;
  let head: tf.Sequential | null = null;
  let optimizer: tf.Optimizer | null = null;
  let sum: tf.Scalar | null = null;
  try {
    enc = fineTune ? cloneModel(encoder) : encoder;
    const encoderNow = enc;
    // Frozen: the frames once, in inference mode. Fine-tune: frames of the batch's images at every step.
    if (!fineTune) {
      frozenFrames = encodeFrames(enc, train.images, o.inferenceBatchSize, subset);
      if (o.standardize) {
        const raw = frozenFrames;
        // Statistics over every labelled frame; a constant feature is only centred (as sklearn's StandardScaler).
        scaler = tf.tidy(() => {
          const { mean, variance } = tf.moments(raw, [0, 1]);
          const sd = tf.sqrt(variance);
          return { mean: mean as tf.Tensor1D, std: tf.where(tf.greater(sd, 1e-12), sd, tf.onesLike(sd)) as tf.Tensor1D };
        });
        const sc = scaler;
        frozenFrames = tf.tidy(() => tf.div(tf.sub(raw, sc.mean), sc.std) as tf.Tensor3D);
        raw.dispose();
      }
    }
    const testScaler = scaler;
    const [, frames, features] = frozenFrames ? frozenFrames.shape : frameShape(encoderNow, train.images);
    const infeasible = targets.filter((t) => ctcMinFrames(t) > frames).length;
    head = ctcDecoderHead(o.decoder, frames, features, charset.size, rng.seed(), o.hiddenUnits);
    const decoderHead = head;
    const opt = tf.train.adam(o.learningRate);
    optimizer = opt;
    const vars = fineTune ? trainableVariables(enc, head) : trainableVariables(head);
    const source = frozenFrames;
    const lossCurve: number[] = [];
    let steps = 0;
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = rng.permutation(k);
      sum = tf.scalar(0);
      let batches = 0;
      for (let s = 0; s < k; s += o.batchSize) {
        const idx = order.subarray(s, Math.min(k, s + o.batchSize));
        const batchTargets = Array.from(idx, (i) => targets[i]!);
        const loss = opt.minimize(
          () => {
            // idx indexes the subset: rows of the frozen frames, or subset[idx] of the training images
            const f = source
              ? tf.gather(source, tf.tensor1d(idx, 'int32'))
              : (encoderNow.apply(
                  tf.gather(
                    train.images,
                    tf.tensor1d(
                      Array.from(idx, (i) => subset[i]!),
                      'int32',
                    ),
                  ),
                  { training: true },
                ) as tf.Tensor3D);
            const logits = decoderHead.apply(f, { training: true }) as tf.Tensor3D;
            return ctcLoss(logits, batchTargets, { zeroInfinity: true }) as tf.Scalar;
          },
          true,
          vars,
        )!;
        const next: tf.Scalar = tf.add(sum, loss);
        tf.dispose([sum, loss]);
        sum = next;
        batches++;
        steps++;
      }
      const mean = (await sum.data())[0]! / batches;
      sum.dispose();
      sum = null;
      if (!Number.isFinite(mean))
        throw new Error(`decoderEvaluation: the CTC loss became ${mean} in epoch ${epoch + 1} (learning rate ${o.learningRate} too high?)`);
      lossCurve.push(mean);
      log(`decoder-eval ${o.mode} ${o.decoder}: epoch ${epoch + 1}/${o.epochs} loss ${mean.toFixed(4)}`);
    }

    const predicted: string[] = [];
    const m = test.texts.length;
    for (let s = 0; s < m; s += o.inferenceBatchSize) {
      const len = Math.min(o.inferenceBatchSize, m - s);
      const logits = tf.tidy(() => {
        const raw = encodeFrames(encoderNow, test.images.slice([s, 0, 0, 0], [len, -1, -1, -1]), len);
        const f = testScaler ? tf.div(tf.sub(raw, testScaler.mean), testScaler.std) : raw;
        return decoderHead.apply(f, { training: false }) as tf.Tensor3D;
      });
      for (const ids of ctcGreedyDecode(logits)) predicted.push(charset.decode(ids));
      logits.dispose();
    }
    return {
      wordAccuracy: wordAccuracy(predicted, test.texts),
      characterErrorRate: characterErrorRate(predicted, test.texts),
      trainedOn: k,
      testSize: m,
      seconds: (performance.now() - started) / 1000,
      mode: o.mode,
      decoder: o.decoder,
      standardized: testScaler !== null,
      labelFraction: o.labelFraction,
      epochs: o.epochs,
      steps,
      frames,
      infeasible,
      lossCurve,
      examples: predicted.slice(0, 5).map((p, i) => ({ truth: test.texts[i]!, predicted: p })),
    };
  } finally {
    sum?.dispose();
    frozenFrames?.dispose();
    if (scaler) tf.dispose([scaler.mean, scaler.std]);
    optimizer?.dispose();
    head?.dispose();
    if (fineTune) enc?.dispose();
  }
}
