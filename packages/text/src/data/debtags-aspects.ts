/**
 * Debian package descriptions labelled with debtags facets as gold **aspects** (for aspect detection, SSA / SSCL),
 * browser-safe: which packages become examples, which are skipped and why, and a seeded split stratified by aspect.
 * The domain is software packages, not reviews.
 */
import { createRng } from '@contrastive/core';
import { tagFacet } from './debtags-control.js';

/** One package as read from the APT indexes: its tags and its long description as plain text (`null` if unknown). */
export interface DebtagsPackage {
  package: string;
  tags: readonly string[];
  text: string | null;
}

/** A single-label example: a package's long description and its one tag of the chosen facet(s). */
export interface AspectExample {
  text: string;
  aspect: string;
  package: string;
}

/** A package with two or more tags of the chosen facet(s): kept apart, never in train / test. */
export interface MultiAspectExample {
  text: string;
  aspects: string[];
  package: string;
}

/** Why a package is not a single-label example. */
export type DebtagsSkipReason = 'no-facet-tag' | 'todo-only' | 'no-long-description' | 'duplicate-text' | 'multi-label' | 'rare-aspect';

/** Options of {@link debtagsAspects}. */
export interface DebtagsAspectsOptions {
  /** Facets whose tags are the labels (`['use']`). With several, a package needs exactly one tag over all of them. Default `['use']`. */
  facets?: readonly string[];
  /** Aspects with fewer single-label packages are dropped (their packages skipped as `rare-aspect`). Default 50, at least 2. */
  minPerAspect?: number;
  /** Held-out examples in total, spread over the aspects in proportion to their sizes (each at least 1). Default 20 % of the examples (at least one per aspect, when that leaves one per aspect for training). */
  evalSize?: number;
  /** Seed of the split and of the file order. Default 0. */
  seed?: number;
}

/** Per-aspect counts. */
export interface AspectCount {
  aspect: string;
  total: number;
  train: number;
  test: number;
}

/** {@link debtagsAspects}'s result. */
export interface DebtagsAspects {
  train: AspectExample[];
  test: AspectExample[];
  /** Packages with ≥ 2 tags of the facets, restricted to the kept aspects (those left with none are dropped). */
  multiLabel: MultiAspectExample[];
  /** Kept aspects, largest first. */
  aspects: AspectCount[];
  /** Packages skipped by reason (`multi-label` counts all multi-tag packages, including those in `multiLabel`). */
  skipped: Record<DebtagsSkipReason, number>;
  /** Aspects dropped as rare → their single-label package counts. */
  rareAspects: Record<string, number>;
  /** The number of held-out examples asked for. */
  evalSize: number;
}

/**
 * Builds the single-label aspect dataset. Packages are taken in name order; a `facet::TODO` tag (debtags'
 * "not reviewed yet") is not an aspect; a package whose long description repeats an earlier package's (e.g. `-data`
 * and `-common` siblings) is skipped, so no text is on both sides of the split. Throws a `RangeError` when
 * `minPerAspect` or `evalSize` cannot be honoured.
 */
export function debtagsAspects(packages: readonly DebtagsPackage[], options: DebtagsAspectsOptions = {}): DebtagsAspects {
  const { facets = ['use'], minPerAspect = 50, seed = 0 } = options;
  if (facets.length === 0) throw new RangeError('debtagsAspects: facets is empty');
  if (!Number.isInteger(minPerAspect) || minPerAspect < 2) {
    throw new RangeError(`debtagsAspects: minPerAspect must be an integer >= 2 (one per side), got ${minPerAspect}`);
  }
  const facetSet = new Set(facets);
  const skipped: Record<DebtagsSkipReason, number> = {
    'no-facet-tag': 0,
    'todo-only': 0,
    'no-long-description': 0,
    'duplicate-text': 0,
    'multi-label': 0,
    'rare-aspect': 0,
  };
  const seen = new Set<string>();
  const singles: AspectExample[] = [];
  const multis: MultiAspectExample[] = [];
  const sorted = [...packages].sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  for (const p of sorted) {
    const inFacet = p.tags.filter((t) => facetSet.has(tagFacet(t) ?? ''));
    const aspects = [...new Set(inFacet.filter((t) => !t.endsWith('::TODO')))].sort();
    if (aspects.length === 0) {
      skipped[inFacet.length > 0 ? 'todo-only' : 'no-facet-tag']++;
      continue;
    }
    if (p.text === null || p.text === '') {
      skipped['no-long-description']++;
      continue;
    }
    if (seen.has(p.text)) {
      skipped['duplicate-text']++;
      continue;
    }
    seen.add(p.text);
    if (aspects.length > 1) {
      skipped['multi-label']++;
      multis.push({ text: p.text, aspects, package: p.package });
    } else singles.push({ text: p.text, aspect: aspects[0]!, package: p.package });
  }

  const byAspect = new Map<string, AspectExample[]>();
  for (const e of singles) {
    const list = byAspect.get(e.aspect) ?? [];
    list.push(e);
    byAspect.set(e.aspect, list);
  }
  const rareAspects: Record<string, number> = {};
  for (const [a, list] of [...byAspect].sort()) {
    if (list.length < minPerAspect) {
      rareAspects[a] = list.length;
      skipped['rare-aspect'] += list.length;
      byAspect.delete(a);
    }
  }
  const kept = [...byAspect.keys()].sort();
  if (kept.length === 0) {
    throw new RangeError(`debtagsAspects: no aspect of facet(s) ${facets.join(', ')} has ${minPerAspect} or more packages`);
  }
  const total = kept.reduce((s, a) => s + byAspect.get(a)!.length, 0);
  const evalSize = options.evalSize ?? Math.min(total - kept.length, Math.max(kept.length, Math.round(total * 0.2)));
  if (!Number.isInteger(evalSize) || evalSize < kept.length || evalSize > total - kept.length) {
    throw new RangeError(
      `debtagsAspects: evalSize must be an integer between ${kept.length} and ${total - kept.length} ` +
        `(at least one example per aspect on each side), got ${evalSize}`,
    );
  }
  const quota = stratifiedQuota(
    kept.map((a) => byAspect.get(a)!.length),
    evalSize,
  );
  const rng = createRng(seed);
  const train: AspectExample[] = [];
  const test: AspectExample[] = [];
  const aspects: AspectCount[] = [];
  kept.forEach((a, i) => {
    const list = rng.shuffle([...byAspect.get(a)!]);
    test.push(...list.slice(0, quota[i]));
    train.push(...list.slice(quota[i]));
    aspects.push({ aspect: a, total: list.length, train: list.length - quota[i]!, test: quota[i]! });
  });
  aspects.sort((x, y) => y.total - x.total || (x.aspect < y.aspect ? -1 : 1));
  const keptSet = new Set(kept);
  const multiLabel = multis.map((m) => ({ ...m, aspects: m.aspects.filter((a) => keptSet.has(a)) })).filter((m) => m.aspects.length > 0);
  return { train: rng.shuffle(train), test: rng.shuffle(test), multiLabel, aspects, skipped, rareAspects, evalSize };
}

/**
 * Held-out counts per stratum summing to `evalSize`: proportional shares, floors first, the remainder to the largest
 * fractions (ties to the earlier stratum), then moved so every stratum has at least one held-out and one training
 * example. Requires `sizes.length <= evalSize <= sum - sizes.length` and every size >= 2.
 */
export function stratifiedQuota(sizes: readonly number[], evalSize: number): number[] {
  const total = sizes.reduce((s, n) => s + n, 0);
  const exact = sizes.map((n) => (n * evalSize) / total);
  const q = exact.map(Math.floor);
  let left = evalSize - q.reduce((s, n) => s + n, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    q[i]!++;
    left--;
  }
  // Clamp into [1, n-1], taking from / giving to the strata with the most room so the sum stays evalSize.
  for (let i = 0; i < q.length; i++) {
    while (q[i]! < 1) {
      const j = argBest(q, (k) => (k !== i && q[k]! > 1 ? q[k]! : -1));
      q[j]!--;
      q[i]!++;
    }
    while (q[i]! > sizes[i]! - 1) {
      const j = argBest(q, (k) => (k !== i && q[k]! < sizes[k]! - 1 ? sizes[k]! - 1 - q[k]! : -1));
      q[j]!++;
      q[i]!--;
    }
  }
  return q;
}

function argBest(q: readonly number[], score: (k: number) => number): number {
  let best = -1;
  let bestScore = 0;
  for (let k = 0; k < q.length; k++) {
    const s = score(k);
    if (s > bestScore) {
      best = k;
      bestScore = s;
    }
  }
  if (best < 0) throw new RangeError('stratifiedQuota: evalSize cannot give every stratum one example per side');
  return best;
}

/** How a facet would do as the label set: packages with any of its tags, with exactly one, and its distinct tags. */
export interface FacetSize {
  facet: string;
  packages: number;
  singleLabel: number;
  /** Distinct tags (without `::TODO`) over single-label packages. */
  values: number;
  /** Of those, tags with at least `minPerAspect` single-label packages. */
  usableValues: number;
}

/**
 * Facet sizes over all tagged packages (texts not considered), largest first: the evidence for choosing a facet,
 * recorded in the manifest. `::TODO` tags are ignored, as in {@link debtagsAspects}.
 */
export function debtagsFacetSizes(packages: readonly DebtagsPackage[], minPerAspect = 50): FacetSize[] {
  const stats = new Map<string, { packages: number; single: Map<string, number> }>();
  for (const p of packages) {
    const per = new Map<string, Set<string>>();
    for (const t of p.tags) {
      const f = tagFacet(t);
      if (f === null || t.endsWith('::TODO')) continue;
      const s = per.get(f) ?? new Set<string>();
      s.add(t);
      per.set(f, s);
    }
    for (const [f, s] of per) {
      const st = stats.get(f) ?? { packages: 0, single: new Map<string, number>() };
      stats.set(f, st);
      st.packages++;
      if (s.size === 1) {
        const t = [...s][0]!;
        st.single.set(t, (st.single.get(t) ?? 0) + 1);
      }
    }
  }
  return [...stats]
    .map(([facet, st]) => ({
      facet,
      packages: st.packages,
      singleLabel: [...st.single.values()].reduce((a, b) => a + b, 0),
      values: st.single.size,
      usableValues: [...st.single.values()].filter((n) => n >= minPerAspect).length,
    }))
    .sort((a, b) => b.packages - a.packages || (a.facet < b.facet ? -1 : 1));
}
