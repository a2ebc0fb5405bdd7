/** Options of {@link trainBpe}. */
export interface BpeTrainOptions {
  /** Pieces wanted besides `reserved` (characters + merges). */
  budget: number;
  /** A pair must occur at least this often (counting word frequencies) to be merged. */
  minFrequency: number;
  /** A character must occur at least this often to get its own piece (rarer ones become UNK). */
  minCharFrequency: number;
}

/** What {@link trainBpe} learned: the kept characters (most frequent first) and the merges in rank order. */
export interface BpeModel {
  chars: string[];
  merges: [string, string][];
}

/** A max-heap of `[count, pairKey]` ordered by count, then by smaller key (deterministic ties). Lazy deletion. */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];
  get size(): number {
    return this.counts.length;
  }
  private above(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }
  private swap(i: number, j: number): void {
    const c = this.counts[i]!;
    const k = this.keys[i]!;
    this.counts[i] = this.counts[j]!;
    this.keys[i] = this.keys[j]!;
    this.counts[j] = c;
    this.keys[j] = k;
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0]!, this.keys[0]!];
    const lastC = this.counts.pop()!;
    const lastK = this.keys.pop()!;
    if (this.counts.length > 0) {
      this.counts[0] = lastC;
      this.keys[0] = lastK;
      let i = 0;
      const n = this.counts.length;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < n && this.above(l, m)) m = l;
        if (r < n && this.above(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

const SHIFT = 2 ** 21; // symbol ids < 2M; a pair key a·SHIFT+b stays a safe integer

/**
 * Byte-pair-encoding training (Sennrich et al., 2016) over character strings, with an incremental pair index: pair
 * counts and the words each pair occurs in are kept up to date as merges apply, and the best pair comes from a
 * lazily updated max-heap — so a merge costs the words it touches, not the corpus. Deterministic: ties break by
 * the pair's symbol ids (characters by frequency, then string order; merges by creation order).
 *
 * @param words segment → occurrence count (segments from {@link metaspaceSegments}).
 */
export function trainBpe(words: ReadonlyMap<string, number>, options: BpeTrainOptions): BpeModel {
  const { budget, minFrequency, minCharFrequency } = options;
  const charCount = new Map<string, number>();
  for (const [w, c] of words) for (const ch of w) charCount.set(ch, (charCount.get(ch) ?? 0) + c);
  const chars = [...charCount]
    .filter(([, c]) => c >= minCharFrequency)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, budget)
    .map(([ch]) => ch);
  const symbols: string[] = [...chars];
  const charId = new Map(chars.map((ch, i) => [ch, i]));
  const merges: [string, string][] = [];
  // Words as symbol arrays; -1 marks an unknown character (never merged).
  const seqs: number[][] = [];
  const freqs: number[] = [];
  for (const [w, c] of words) {
    seqs.push([...w].map((ch) => charId.get(ch) ?? -1));
    freqs.push(c);
  }
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: 1 | -1, touched: Set<number>): void => {
    const s = seqs[wi]!;
    const f = freqs[wi]! * sign;
    for (let i = 0; i + 1 < s.length; i++) {
      const a = s[i]!;
      const b = s[i + 1]!;
      if (a < 0 || b < 0) continue;
      const key = a * SHIFT + b;
      pairCount.set(key, (pairCount.get(key) ?? 0) + f);
      touched.add(key);
      if (sign > 0) {
        const set = pairWords.get(key);
        if (set) set.add(wi);
        else pairWords.set(key, new Set([wi]));
      }
    }
  };
  const heap = new PairHeap();
  const init = new Set<number>();
  for (let wi = 0; wi < seqs.length; wi++) addPairs(wi, 1, init);
  for (const key of init) heap.push(pairCount.get(key)!, key);
  while (symbols.length < budget && heap.size > 0) {
    const [count, key] = heap.pop();
    if (pairCount.get(key) !== count) continue; // stale entry
    if (count < minFrequency) break;
    const a = Math.floor(key / SHIFT);
    const b = key - a * SHIFT;
    const id = symbols.length;
    symbols.push(symbols[a]! + symbols[b]!);
    merges.push([symbols[a]!, symbols[b]!]);
    const touched = new Set<number>();
    for (const wi of pairWords.get(key) ?? []) {
      const s = seqs[wi]!;
      let has = false;
      for (let i = 0; i + 1 < s.length; i++)
        if (s[i] === a && s[i + 1] === b) {
          has = true;
          break;
        }
      if (!has) continue;
      addPairs(wi, -1, touched);
      const next: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          next.push(id);
          i++;
        } else next.push(s[i]!);
      }
      seqs[wi] = next;
      addPairs(wi, 1, touched);
    }
    pairCount.delete(key);
    pairWords.delete(key);
    for (const k of touched) {
      const c = pairCount.get(k);
      if (c === undefined) continue;
      if (c <= 0) {
        pairCount.delete(k);
        pairWords.delete(k);
      } else heap.push(c, k);
    }
  }
  return { chars, merges };
}
