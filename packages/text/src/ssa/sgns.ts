import { createRng } from '@contrastive/core';
import { PAD_ID, type WordVocabulary } from './words.js';

/** Options of {@link trainSkipGram}; defaults are the official code's gensim call (`word2vec.py`) where it has one. */
export interface SkipGramOptions {
  /** Vector size d. Default 128 (`--emb_size`). */
  dim?: number;
  /** Maximum context distance; each centre word draws its own window in 1..window (word2vec's reduced window). Default 5 (`--window`). */
  window?: number;
  /** Negative samples per (centre, context) pair, drawn from unigram^0.75. Default 5 (gensim). */
  negative?: number;
  /** Passes over the corpus. Default 5 (gensim 3.8's `iter`). */
  epochs?: number;
  /** Starting learning rate, decayed linearly to `minLearningRate` over the whole run. Default 0.025 (gensim). */
  learningRate?: number;
  /** Final learning rate. Default 1e-4 (gensim). */
  minLearningRate?: number;
  /** Down-sampling threshold of frequent words (word2vec's `sample`; 0 = off). Default 1e-3 (gensim). */
  sample?: number;
  /** Seed of the initial vectors, the windows, the down-sampling and the negatives. Default 0. */
  seed?: number;
  /** Called after each epoch with (epoch, epochs). */
  onEpoch?: (epoch: number, epochs: number) => void;
}

/**
 * Skip-gram with negative sampling (Mikolov et al. 2013), in typed arrays: for every centre word w and every
 * context word c within its window, one logistic step on (w, c) as positive and `negative` unigram^0.75 draws as
 * negatives, updating the input vector of w and the output vectors of c and the negatives (word2vec.c / gensim's
 * `sg=1` update, with the exact sigmoid instead of the 6-clipped lookup table).
 *
 * The official code ran gensim 3.8 `Word2Vec(sentences, size=128, window=5, min_count=10)`, whose default is
 * **CBOW** (`sg=0`); skip-gram is what this package implements (the issue asks for "skip-gram-style"), and either
 * gives the frozen vectors that SSA and the k-means aspect initialisation read.
 *
 * Memory: the corpus as one Int32Array of ids plus two V×d Float32Arrays. Row {@link PAD_ID} stays all zeros.
 *
 * @param sentences token-id lists (from `WordVocabulary.encode`; ids ≥ 1).
 * @returns the input vectors, V×d row-major.
 */
export function trainSkipGram(
  sentences: readonly (readonly number[])[],
  vocab: WordVocabulary,
  options: SkipGramOptions = {},
): Float32Array {
  const {
    dim = 128,
    window = 5,
    negative = 5,
    epochs = 5,
    learningRate = 0.025,
    minLearningRate = 1e-4,
    sample = 1e-3,
    seed = 0,
    onEpoch,
  } = options;
  for (const [name, v, min] of [
    ['dim', dim, 1],
    ['window', window, 1],
    ['negative', negative, 1],
    ['epochs', epochs, 1],
  ] as const)
    if (!(Number.isInteger(v) && v >= min)) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  if (!(learningRate > 0 && minLearningRate >= 0 && minLearningRate <= learningRate))
    throw new RangeError(`need 0 <= minLearningRate <= learningRate and learningRate > 0, got ${minLearningRate} and ${learningRate}`);
  if (!(sample >= 0)) throw new RangeError(`sample must be >= 0, got ${sample}`);
  const V = vocab.size;
  const rng = createRng(seed);

  // The corpus, flattened, and the counts it implies (the vocabulary's counts may come from another corpus).
  let total = 0;
  for (const s of sentences) total += s.length;
  const corpus = new Int32Array(total);
  const starts = new Int32Array(sentences.length + 1);
  const counts = new Float64Array(V);
  let o = 0;
  sentences.forEach((s, i) => {
    starts[i] = o;
    for (const id of s) {
      if (!(Number.isInteger(id) && id > PAD_ID && id < V)) throw new RangeError(`sentence ${i} holds id ${id}, outside 1..${V - 1}`);
      corpus[o++] = id;
      counts[id]! += 1;
    }
  });
  starts[sentences.length] = o;
  if (total === 0) throw new RangeError('trainSkipGram needs at least one in-vocabulary token');

  // Negative sampling distribution ∝ count^0.75 (cumulative, searched by bisection).
  const cumulative = new Float64Array(V);
  let acc = 0;
  for (let w = 0; w < V; w++) {
    acc += w === PAD_ID ? 0 : counts[w]! ** 0.75;
    cumulative[w] = acc;
  }
  const drawNegative = (): number => {
    const u = rng.uniform() * acc;
    let lo = 0;
    let hi = V - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  // word2vec's keep probability (√(f/(s·T)) + 1)·(s·T)/f.
  const keep = new Float64Array(V).fill(1);
  if (sample > 0)
    for (let w = 1; w < V; w++) {
      const th = sample * total;
      if (counts[w]! > 0) keep[w] = Math.min(1, (Math.sqrt(counts[w]! / th) + 1) * (th / counts[w]!));
    }

  const input = new Float32Array(V * dim);
  for (let i = dim; i < input.length; i++) input[i] = (rng.uniform() - 0.5) / dim;
  const output = new Float32Array(V * dim);
  const grad = new Float32Array(dim);
  const kept = new Int32Array(Math.max(1, ...sentences.map((s) => s.length)));
  const steps = epochs * total;
  let done = 0;

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let s = 0; s < sentences.length; s++) {
      let n = 0;
      for (let i = starts[s]!; i < starts[s + 1]!; i++) {
        const w = corpus[i]!;
        if (keep[w]! >= 1 || rng.uniform() < keep[w]!) kept[n++] = w;
      }
      for (let i = 0; i < n; i++) {
        const alpha = Math.max(minLearningRate, learningRate - (learningRate - minLearningRate) * (done / steps));
        done++;
        const w = kept[i]!;
        const b = 1 + rng.int(window);
        for (let j = Math.max(0, i - b); j <= Math.min(n - 1, i + b); j++) {
          if (j === i) continue;
          // word2vec.c trains the context word's input vector against the centre word's output side (same pairs).
          const c = kept[j]!;
          grad.fill(0);
          for (let k = 0; k <= negative; k++) {
            const target = k === 0 ? w : drawNegative();
            if (k > 0 && target === w) continue;
            const label = k === 0 ? 1 : 0;
            const ci = c * dim;
            const ti = target * dim;
            let dot = 0;
            for (let x = 0; x < dim; x++) dot += input[ci + x]! * output[ti + x]!;
            const g = (label - 1 / (1 + Math.exp(-dot))) * alpha;
            for (let x = 0; x < dim; x++) {
              grad[x]! += g * output[ti + x]!;
              output[ti + x]! += g * input[ci + x]!;
            }
          }
          const ci = c * dim;
          for (let x = 0; x < dim; x++) input[ci + x]! += grad[x]!;
        }
      }
    }
    onEpoch?.(epoch + 1, epochs);
  }
  input.fill(0, PAD_ID * dim, PAD_ID * dim + dim);
  return input;
}
