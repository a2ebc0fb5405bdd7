import * as tf from '@tensorflow/tfjs';
import { padIds } from './batch.js';
import type { Seq2SeqModel } from './seq2seq-model.js';

/** Options of {@link greedyDecode}. */
export interface GreedyOptions {
  /** Most generated tokens per source, EOS included. Default (and cap) the model's `maxLength`. */
  maxLength?: number;
}

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions extends GreedyOptions {
  /** Beams kept per source. Default 4. */
  beamSize?: number;
  /**
   * α of the length penalty: a hypothesis scores `logP / len^α` (GNMT-style as in HF `generate`), with `len` the
   * generated tokens including the EOS. Default 1.0 (HF's default); 0 ranks by raw log-probability.
   */
  lengthPenalty?: number;
}

function resolveMax(model: Seq2SeqModel, maxLength: number | undefined): number {
  const m = maxLength ?? model.config.maxLength;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`maxLength must be a positive integer, got ${String(m)}`);
  return Math.min(m, model.config.maxLength);
}

/** Log-softmax of the next token after each prefix row (`[BOS, …]`), given H_enc rows aligned with them. `[K, V]`. */
function nextLogProbs(model: Seq2SeqModel, hEnc: tf.Tensor3D, srcMask: tf.Tensor2D, prefixes: number[][]): Float32Array {
  const { ids, mask } = padIds(prefixes, model.config.padId);
  try {
    const out = tf.tidy(() => {
      const h = model.decode(hEnc, srcMask, ids, mask, false);
      const [k, t, d] = h.shape;
      return tf.logSoftmax(model.logits(h.slice([0, t - 1, 0], [k, 1, d])).reshape([k, model.config.vocabSize]), -1);
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  } finally {
    tf.dispose([ids, mask]);
  }
}

/**
 * Greedy decoding, batched over the sources `[B, S]`: at each step the decoder is **recomputed over the whole
 * prefix** (no KV cache; sequences here are short) and the argmax token appended; a row stops at EOS.
 * Returns one id array per source, without BOS and EOS.
 */
export function greedyDecode(model: Seq2SeqModel, srcIds: tf.Tensor2D, srcMask: tf.Tensor2D, options: GreedyOptions = {}): number[][] {
  const max = resolveMax(model, options.maxLength);
  const { bosId, eosId, padId, vocabSize } = model.config;
  const b = srcIds.shape[0];
  const hEnc = model.encode(srcIds, srcMask, false);
  try {
    const out: number[][] = Array.from({ length: b }, () => []);
    const prefixes: number[][] = Array.from({ length: b }, () => [bosId]);
    const done = new Array<boolean>(b).fill(false);
    for (let step = 0; step < max && done.includes(false); step++) {
      const lp = nextLogProbs(model, hEnc, srcMask, prefixes);
      for (let i = 0; i < b; i++) {
        if (done[i]) {
          prefixes[i]!.push(padId); // keeps the rows rectangular; finished rows are ignored
          continue;
        }
        let best = 0;
        for (let v = 1; v < vocabSize; v++) if (lp[i * vocabSize + v]! > lp[i * vocabSize + best]!) best = v;
        prefixes[i]!.push(best);
        if (best === eosId) done[i] = true;
        else out[i]!.push(best);
      }
    }
    return out;
  } finally {
    hEnc.dispose();
  }
}

interface Hyp {
  tokens: number[];
  logp: number;
}

/**
 * Beam search, one source at a time (the beams of a source run as one decoder batch, recomputed over the prefix
 * at each step — no KV cache). Each step expands every live beam, takes the best `2·beamSize` continuations; one
 * ending in EOS within the first `beamSize` ranks becomes a finished hypothesis, the others refill the beams (as
 * HF's `BeamSearchScorer`). A source stops once `beamSize` hypotheses are finished (HF `early_stopping=True`, so
 * `beamSize` 1 is exactly greedy) or at `maxLength`, when the live beams join the pool. Returns the hypothesis
 * with the best `logP / len^α`, without BOS and EOS.
 */
export function beamSearch(model: Seq2SeqModel, srcIds: tf.Tensor2D, srcMask: tf.Tensor2D, options: BeamSearchOptions = {}): number[][] {
  const max = resolveMax(model, options.maxLength);
  const { beamSize = 4, lengthPenalty = 1.0 } = options;
  if (!Number.isInteger(beamSize) || beamSize < 1) throw new RangeError(`beamSize must be a positive integer, got ${String(beamSize)}`);
  if (!Number.isFinite(lengthPenalty)) throw new RangeError(`lengthPenalty must be finite, got ${lengthPenalty}`);
  const { bosId, eosId, vocabSize } = model.config;
  const score = (h: Hyp, len: number): number => h.logp / Math.max(1, len) ** lengthPenalty;
  const hEncAll = model.encode(srcIds, srcMask, false);
  try {
    const results: number[][] = [];
    const [b, s, d] = hEncAll.shape;
    for (let i = 0; i < b; i++) {
      const hEnc = tf.slice(hEncAll, [i, 0, 0], [1, s, d]) as tf.Tensor3D;
      const mask = tf.slice(srcMask, [i, 0], [1, s]) as tf.Tensor2D;
      try {
        let alive: Hyp[] = [{ tokens: [], logp: 0 }];
        const finished: { hyp: Hyp; score: number }[] = [];
        for (let step = 0; step < max && alive.length > 0 && finished.length < beamSize; step++) {
          const k = alive.length;
          const [hk, mk] = tf.tidy(() => [tf.tile(hEnc, [k, 1, 1]) as tf.Tensor3D, tf.tile(mask, [k, 1]) as tf.Tensor2D]);
          const lp = nextLogProbs(
            model,
            hk,
            mk,
            alive.map((h) => [bosId, ...h.tokens]),
          );
          tf.dispose([hk, mk]);
          const cands: { beam: number; token: number; logp: number }[] = [];
          for (let j = 0; j < k; j++)
            for (let v = 0; v < vocabSize; v++) cands.push({ beam: j, token: v, logp: alive[j]!.logp + lp[j * vocabSize + v]! });
          cands.sort((x, y) => y.logp - x.logp);
          const next: Hyp[] = [];
          for (let r = 0; r < Math.min(cands.length, 2 * beamSize) && next.length < beamSize; r++) {
            const c = cands[r]!;
            const tokens = alive[c.beam]!.tokens;
            if (c.token === eosId) {
              if (r < beamSize) finished.push({ hyp: { tokens, logp: c.logp }, score: score({ tokens, logp: c.logp }, tokens.length + 1) });
            } else next.push({ tokens: [...tokens, c.token], logp: c.logp });
          }
          alive = next;
        }
        if (finished.length < beamSize) for (const h of alive) finished.push({ hyp: h, score: score(h, h.tokens.length) });
        finished.sort((x, y) => y.score - x.score);
        results.push(finished[0]?.hyp.tokens ?? []);
      } finally {
        tf.dispose([hEnc, mask]);
      }
    }
    return results;
  } finally {
    hEncAll.dispose();
  }
}

/**
 * Teacher-forced log-probability (nats) of each `targets[i]` given source row i, EOS appended, divided by
 * `(len+1)^α` (the beam search's score of that hypothesis). One number per source.
 */
export function sequenceScores(
  model: Seq2SeqModel,
  srcIds: tf.Tensor2D,
  srcMask: tf.Tensor2D,
  targets: readonly (readonly number[])[],
  options: { lengthPenalty?: number } = {},
): number[] {
  const { lengthPenalty = 1.0 } = options;
  const { eosId, padId, bosId, vocabSize } = model.config;
  const rows = targets.map((t) => [...t, eosId]);
  const { ids, mask } = padIds(rows, padId);
  const inputs = padIds(
    rows.map((r) => [bosId, ...r.slice(0, -1)]),
    padId,
  );
  try {
    const lp = tf.tidy(() => {
      const hEnc = model.encode(srcIds, srcMask, false);
      const h = model.decode(hEnc, srcMask, inputs.ids, inputs.mask, false);
      return tf.logSoftmax(model.logits(h), -1);
    });
    const data = lp.dataSync();
    const t = ids.shape[1];
    lp.dispose();
    return rows.map((r, i) => {
      let sum = 0;
      r.forEach((tok, j) => {
        sum += data[(i * t + j) * vocabSize + tok]!;
      });
      return sum / r.length ** lengthPenalty;
    });
  } finally {
    tf.dispose([ids, mask, inputs.ids, inputs.mask]);
  }
}
