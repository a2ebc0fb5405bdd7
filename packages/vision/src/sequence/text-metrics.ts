/**
 * Recognition metrics over code points (an astral character counts as one): the character error rate and
 * the word accuracy that text-recognition papers (SeqCLR's tables among them) report.
 */

/** Levenshtein distance (insertions, deletions and substitutions cost 1) between two strings' code points. */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let prev = new Int32Array(y.length + 1);
  let cur = new Int32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const sub = prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[y.length]!;
}

function checkPairs(fn: string, predicted: readonly string[], truth: readonly string[]): void {
  if (predicted.length !== truth.length)
    throw new RangeError(`${fn}: predicted and truth must have the same length, got ${predicted.length} and ${truth.length}`);
  if (truth.length === 0) throw new RangeError(`${fn}: needs at least one pair, got none`);
}

/**
 * Character error rate: Σ Levenshtein(predicted, truth) / Σ |truth| (a corpus-level rate, so long words
 * weigh more; it can exceed 1). Throws when the truths hold no character at all (the rate is undefined).
 */
export function characterErrorRate(predicted: readonly string[], truth: readonly string[]): number {
  checkPairs('characterErrorRate', predicted, truth);
  let edits = 0;
  let chars = 0;
  for (let i = 0; i < truth.length; i++) {
    edits += levenshtein(predicted[i]!, truth[i]!);
    chars += Array.from(truth[i]!).length;
  }
  if (chars === 0) throw new RangeError('characterErrorRate: the truth texts are all empty (the rate is undefined)');
  return edits / chars;
}

/** Word accuracy: the fraction of items whose prediction equals the truth exactly. */
export function wordAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  checkPairs('wordAccuracy', predicted, truth);
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) hits++;
  return hits / truth.length;
}
