import { createRng } from '@contrastive/core';
import { Bm25Index } from '../eval/bm25.js';
import type { ManPageText } from './manpages-parse.js';
import type { RetrievalPair, Triplet } from './parse-corpus.js';

/** One parsed manual page and where it came from. */
export interface ManPageRecord {
  /** The page's file (for provenance and messages). */
  file: string;
  /** The page's name: its file name without the section and compression suffixes (`ls`, `CA.pl`, `Carp`). */
  name: string;
  /** Its section suffix as in the file name (`1`, `3pm`, `1ssl`). */
  section: string;
  /** The Debian package that installed the file (`'unknown'` when no dpkg list names it). */
  package: string;
  /** NAME and DESCRIPTION as plain text. */
  page: ManPageText;
}

/** Options of {@link manpagesRetrievalTask}. */
export interface ManpagesTaskOptions {
  /** Held-out page groups, one (summary → description) pair each. Default 1000. */
  evalSize?: number;
  /** Seed of the held-out split and of random negatives. Default 0. */
  seed?: number;
  /**
   * Documents are the DESCRIPTION's first `maxWords` whitespace-separated words. Default 200: long enough for the
   * paragraph that says what the page is about (a median description is ~90 words), short enough that one `ls`
   * option table does not dominate, and within a 256-token encoder's reach.
   */
  maxWords?: number;
  /** Pages whose whole DESCRIPTION has fewer words are skipped (`'short-description'`). Default 10. */
  minWords?: number;
  /** Summaries with fewer words are boilerplate (`'obsolete'`, `'get'`) and skipped. Default 2. */
  minSummaryWords?: number;
  /**
   * A summary shared by more than this many pages with different descriptions says nothing about any of them
   * (`'API function'` on 60 libtasn1 pages, `'list operations'` across gcloud services): those pages are skipped
   * (`'ambiguous-summary'`). Default 10.
   */
  maxSummaryShare?: number;
  /**
   * How a triplet's negative is chosen: `'bm25'` (default) — the description of the training page whose summary is
   * most similar to this summary by BM25 (a hard negative: `gzip` for `bzip2`), falling back to a random one when
   * BM25 finds no other page; `'random'` — the description of a random other training page.
   */
  negatives?: 'bm25' | 'random';
}

/** Why pages were left out of {@link manpagesRetrievalTask}'s output, with counts. */
export interface ManpagesTaskSkips {
  /** DESCRIPTION shorter than `minWords`. */
  'short-description': number;
  /** Summary shorter than `minSummaryWords` or help2man's "manual page for …". */
  'boilerplate-summary': number;
  /** Summary shared by more than `maxSummaryShare` distinct descriptions. */
  'ambiguous-summary': number;
  /** Same group as a kept page and the same summary or description (an alias, a section twin, a release track). */
  duplicate: number;
  /** Training text identical to a held-out query or document (dropped from the training files). */
  'held-out-text': number;
}

/** {@link manpagesRetrievalTask}'s result. */
export interface ManpagesTask {
  /** Held-out pairs `{query: summary, document: description}`, one per held-out group. */
  pairs: RetrievalPair[];
  /** The held-out pages behind `pairs` (same order). */
  heldOut: ManPageRecord[];
  /** Supervised training pairs of the training groups. */
  trainPairs: RetrievalPair[];
  /** The training pages behind `trainPairs` (same order). */
  train: ManPageRecord[];
  /** Training passages: the summaries and descriptions of `trainPairs`, deduplicated, shuffled. */
  corpus: string[];
  /** `{text: summary, positive: its description, negative: another training page's description}`. */
  triplets: Triplet[];
  /** How many triplet negatives BM25 chose and how many were random. */
  negatives: { bm25: number; random: number };
  /** Pages left out, by reason. */
  skipped: ManpagesTaskSkips;
  /** Page groups formed (before the split), and the largest one's size. */
  groups: { count: number; largest: number };
}

/** A leading all-capitals tag in parentheses: `(ALPHA)`, `(BETA)`, `(DEPRECATED)`. */
const RELEASE_TAG = /^\s*\([A-Z]+\)\s*/;

/** Lowercase letters and digits only: the key two texts are "the same" under. */
function textKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The key of a description for duplicate detection: its text key with the page's own names removed and a leading
 * parenthesised tag dropped, so `(ALPHA) gcloud alpha foo bar …` and `gcloud foo bar …` (one command in two release
 * tracks), or `gzip …`/`gunzip …`, compare equal.
 */
function descriptionKey(r: ManPageRecord, description: string): string {
  let d = ` ${textKey(description.replace(RELEASE_TAG, ''))} `;
  const names = r.page.names
    .split(/,\s*/)
    .map(textKey)
    .filter((n) => n.length > 0)
    .sort((a, b) => b.length - a.length);
  for (const n of names) d = d.split(` ${n} `).join(' ');
  return d.replace(/\s+/g, ' ').trim();
}

/** Union–find over page indices. */
class Groups {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[i] !== r) {
      const next = this.parent[i]!;
      this.parent[i] = r;
      i = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Preferred page of a group: the lowest section, then the shortest name (`gcloud foo` before `gcloud alpha foo`), then by name. */
function pageOrder(a: ManPageRecord, b: ManPageRecord): number {
  return (
    a.section.localeCompare(b.section, 'en') ||
    a.name.length - b.name.length ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
  );
}

/**
 * A retrieval task from manual pages (query = the NAME line's summary, document = the DESCRIPTION's first
 * `maxWords` words), split so that nothing held out is seen in training:
 *
 * 1. A leading release-track tag (`(ALPHA)`, `(BETA)`) is removed from descriptions. Pages with a short description or a boilerplate/ambiguous summary are dropped (counted in `skipped`).
 * 2. Pages are **grouped** (union–find) when they share a page name (`printf(1)` and `printf(3)`), a summary
 *    (`ls`, `dir`, `vdir`: "list directory contents"; a gcloud command's GA/beta/alpha tracks) or a description key
 *    (text without the page's own names). A group goes entirely to one side of the split, so a near-duplicate of a
 *    held-out page is never trained on.
 * 3. Groups are shuffled with `seed`; the first `evalSize` give one held-out pair each (the group's preferred page:
 *    lowest section, shortest name), so held-out queries and documents are all distinct. Every other group gives
 *    one training pair per distinct summary and description within it (aliases and release tracks would otherwise
 *    be in-batch false negatives).
 * 4. Training texts identical to a held-out query or document are dropped (a final guard; grouping already
 *    separates them).
 *
 * Deterministic: the same records (in any order) and options give the same task.
 */
export function manpagesRetrievalTask(records: readonly ManPageRecord[], options: ManpagesTaskOptions = {}): ManpagesTask {
  const {
    evalSize = 1000,
    seed = 0,
    maxWords = 200,
    minWords = 10,
    minSummaryWords = 2,
    maxSummaryShare = 10,
    negatives = 'bm25',
  } = options;
  for (const [k, v, min] of [
    ['evalSize', evalSize, 1],
    ['maxWords', maxWords, 1],
    ['minWords', minWords, 0],
    ['minSummaryWords', minSummaryWords, 0],
    ['maxSummaryShare', maxSummaryShare, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`manpagesRetrievalTask: ${k} must be an integer >= ${min}, got ${v}`);
  }
  if (negatives !== 'bm25' && negatives !== 'random')
    throw new RangeError(`manpagesRetrievalTask: negatives must be 'bm25' or 'random', got ${String(negatives)}`);
  const skipped: ManpagesTaskSkips = {
    'short-description': 0,
    'boilerplate-summary': 0,
    'ambiguous-summary': 0,
    duplicate: 0,
    'held-out-text': 0,
  };

  // Sorted first, so that the result does not depend on the order the files were listed in.
  const sorted = [...records].sort(pageOrder);
  type Item = { r: ManPageRecord; summary: string; document: string; sKey: string; dKey: string };
  let items: Item[] = [];
  for (const r of sorted) {
    const summary = r.page.summary.replace(/\s+/g, ' ').trim();
    const sKey = textKey(summary);
    if (sKey.split(' ').filter(Boolean).length < minSummaryWords || /^manual page for\b/.test(sKey)) {
      skipped['boilerplate-summary']++;
      continue;
    }
    // A leading release-track tag (gcloud's "(ALPHA)", "(BETA)") marks the page, not its subject.
    const words = r.page.description
      .replace(RELEASE_TAG, '')
      .split(/\s+/)
      .filter((w) => w.length > 0);
    if (words.length < minWords) {
      skipped['short-description']++;
      continue;
    }
    const document = words.slice(0, maxWords).join(' ');
    items.push({ r, summary, document, sKey, dKey: descriptionKey(r, document) });
  }
  const share = new Map<string, Set<string>>();
  for (const it of items) {
    const s = share.get(it.sKey) ?? new Set<string>();
    share.set(it.sKey, s);
    s.add(it.dKey);
  }
  items = items.filter((it) => {
    const ok = share.get(it.sKey)!.size <= maxSummaryShare;
    if (!ok) skipped['ambiguous-summary']++;
    return ok;
  });

  const uf = new Groups(items.length);
  const firstBy = new Map<string, number>();
  items.forEach((it, i) => {
    for (const key of [`n\u0000${it.r.name}`, `s\u0000${it.sKey}`, `d\u0000${it.dKey}`]) {
      const j = firstBy.get(key);
      if (j === undefined) firstBy.set(key, i);
      else uf.union(i, j);
    }
  });
  const byRoot = new Map<number, Item[]>();
  items.forEach((it, i) => {
    const root = uf.find(i);
    const g = byRoot.get(root) ?? [];
    byRoot.set(root, g);
    g.push(it); // items are in pageOrder, so g[0] is the group's preferred page
  });
  const groups = [...byRoot.values()];
  const largest = groups.reduce((m, g) => Math.max(m, g.length), 0);
  if (groups.length < evalSize + 3) {
    throw new RangeError(
      `manpagesRetrievalTask: ${groups.length} page groups are too few for evalSize ${evalSize} plus a training set; lower --eval-size`,
    );
  }
  const rng = createRng(seed);
  rng.shuffle(groups);

  const pairs: RetrievalPair[] = [];
  const heldOut: ManPageRecord[] = [];
  for (const g of groups.slice(0, evalSize)) {
    const it = g[0]!;
    pairs.push({ query: it.summary, document: it.document });
    heldOut.push(it.r);
    skipped.duplicate += g.length - 1;
  }
  const heldText = new Set(pairs.flatMap((p) => [p.query, p.document]));

  const trainPairs: RetrievalPair[] = [];
  const train: ManPageRecord[] = [];
  const trainGroup: number[] = [];
  groups.slice(evalSize).forEach((g, gi) => {
    const seenS = new Set<string>();
    const seenD = new Set<string>();
    for (const it of g) {
      if (seenS.has(it.sKey) || seenD.has(it.dKey)) {
        skipped.duplicate++;
        continue;
      }
      seenS.add(it.sKey);
      seenD.add(it.dKey);
      if (heldText.has(it.summary) || heldText.has(it.document)) {
        skipped['held-out-text']++;
        continue;
      }
      trainPairs.push({ query: it.summary, document: it.document });
      train.push(it.r);
      trainGroup.push(gi);
    }
  });

  const corpusSet = new Set<string>();
  for (const p of trainPairs) {
    corpusSet.add(p.query);
    corpusSet.add(p.document);
  }
  const corpus = rng.shuffle([...corpusSet]);

  const triplets: Triplet[] = [];
  const counts = { bm25: 0, random: 0 };
  const bm25 = negatives === 'bm25' && trainPairs.length >= 3 ? new Bm25Index(trainPairs.map((p) => p.query)) : null;
  trainPairs.forEach((p, i) => {
    let neg: number | undefined;
    if (bm25) {
      for (const [j] of bm25.search(p.query, 10)) {
        if (trainGroup[j] !== trainGroup[i] && trainPairs[j]!.document !== p.document) {
          neg = j;
          break;
        }
      }
      if (neg !== undefined) counts.bm25++;
    }
    if (neg === undefined) {
      if (trainPairs.length < 2) return;
      for (let tries = 0; tries < 20 && neg === undefined; tries++) {
        const j = rng.int(trainPairs.length);
        if (trainGroup[j] !== trainGroup[i] && trainPairs[j]!.document !== p.document) neg = j;
      }
      if (neg === undefined) return;
      counts.random++;
    }
    triplets.push({ text: p.query, positive: p.document, negative: trainPairs[neg]!.document });
  });

  return { pairs, heldOut, trainPairs, train, corpus, triplets, negatives: counts, skipped, groups: { count: groups.length, largest } };
}
