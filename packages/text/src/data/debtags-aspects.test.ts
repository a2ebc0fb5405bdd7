import { describe, expect, it } from 'vitest';
import { type DebtagsPackage, debtagsAspects, debtagsFacetSizes, stratifiedQuota } from './debtags-aspects.js';

/** n packages of one `use::` tag, each with its own text. */
function many(tag: string, n: number, extra: string[] = []): DebtagsPackage[] {
  return Array.from({ length: n }, (_, i) => ({
    package: `${tag.slice(5)}-${String(i).padStart(3, '0')}`,
    tags: [tag, ...extra],
    text: `${tag} text ${i}`,
  }));
}

describe('debtagsAspects', () => {
  const pkgs: DebtagsPackage[] = [
    ...many('use::editing', 30, ['role::program']),
    ...many('use::gameplaying', 12),
    ...many('use::printing', 3),
    { package: 'both', tags: ['use::editing', 'use::gameplaying'], text: 'edit and play' },
    { package: 'both-rare', tags: ['use::printing', 'use::editing', 'use::TODO'], text: 'print and edit' },
    { package: 'only-rare', tags: ['use::printing', 'use::dialing'], text: 'print and dial' },
    { package: 'todo', tags: ['use::TODO'], text: 'to do' },
    { package: 'todo-and-one', tags: ['use::TODO', 'use::editing'], text: 'reviewed later' },
    { package: 'lib', tags: ['role::shared-lib'], text: 'a library' },
    { package: 'no-text', tags: ['use::editing'], text: null },
    { package: 'zz-copy', tags: ['use::gameplaying'], text: 'use::editing text 0' },
  ];

  it('keeps single-label packages of kept aspects and counts every skip by reason', () => {
    const d = debtagsAspects(pkgs, { minPerAspect: 5, seed: 1 });
    expect(d.aspects.map((a) => [a.aspect, a.total])).toEqual([
      ['use::editing', 31],
      ['use::gameplaying', 12],
    ]);
    expect(d.skipped).toEqual({
      'no-facet-tag': 1,
      'todo-only': 1,
      'no-long-description': 1,
      'duplicate-text': 1,
      'multi-label': 3,
      'rare-aspect': 3,
    });
    expect(d.rareAspects).toEqual({ 'use::printing': 3 });
    // multi-label rows keep only kept aspects; one with none left is dropped
    expect(d.multiLabel.map((m) => [m.package, m.aspects])).toEqual([
      ['both', ['use::editing', 'use::gameplaying']],
      ['both-rare', ['use::editing']],
    ]);
    expect(d.train.length + d.test.length).toBe(43);
    expect(d.train.concat(d.test).find((e) => e.package === 'todo-and-one')?.aspect).toBe('use::editing');
  });

  it('splits stratified by aspect, disjoint, with the requested held-out size, deterministically per seed', () => {
    const d = debtagsAspects(pkgs, { minPerAspect: 5, evalSize: 9, seed: 3 });
    expect(d.test).toHaveLength(9);
    expect(d.aspects.map((a) => [a.aspect, a.test])).toEqual([
      ['use::editing', 6],
      ['use::gameplaying', 3],
    ]);
    const testNames = new Set(d.test.map((e) => e.package));
    expect(d.train.some((e) => testNames.has(e.package))).toBe(false);
    const texts = d.train.concat(d.test).map((e) => e.text);
    expect(new Set(texts).size).toBe(texts.length);
    const again = debtagsAspects([...pkgs].reverse(), { minPerAspect: 5, evalSize: 9, seed: 3 });
    expect(again.test).toEqual(d.test);
    expect(again.train).toEqual(d.train);
    const other = debtagsAspects(pkgs, { minPerAspect: 5, evalSize: 9, seed: 4 });
    expect(other.test.map((e) => e.package).sort()).not.toEqual([...testNames].sort());
    // default: 20 % of the examples
    expect(debtagsAspects(pkgs, { minPerAspect: 5 }).test).toHaveLength(Math.round(43 * 0.2));
  });

  it('uses several facets as one label set and refuses impossible settings', () => {
    const mixed: DebtagsPackage[] = [
      ...many('use::editing', 4),
      ...Array.from({ length: 4 }, (_, i) => ({ package: `ww-${i}`, tags: ['works-with::text'], text: `works ${i}` })),
    ];
    const d = debtagsAspects(mixed, { facets: ['use', 'works-with'], minPerAspect: 2 });
    expect(d.aspects.map((a) => a.aspect).sort()).toEqual(['use::editing', 'works-with::text']);
    expect(() => debtagsAspects(mixed, { minPerAspect: 1 })).toThrow(/minPerAspect must be an integer >= 2/);
    expect(() => debtagsAspects(mixed, { minPerAspect: 5 })).toThrow(/no aspect of facet\(s\) use has 5 or more/);
    expect(() => debtagsAspects(mixed, { facets: ['use', 'works-with'], minPerAspect: 2, evalSize: 1 })).toThrow(
      /evalSize must be an integer between 2 and 6/,
    );
    expect(() => debtagsAspects(mixed, { facets: [] })).toThrow(/facets is empty/);
  });
});

describe('stratifiedQuota', () => {
  it('is proportional, sums to evalSize and leaves one example per side in every stratum', () => {
    expect(stratifiedQuota([50, 30, 20], 10)).toEqual([5, 3, 2]);
    expect(stratifiedQuota([100, 2, 2], 10)).toEqual([8, 1, 1]);
    expect(stratifiedQuota([2, 2, 100], 100)).toEqual([1, 1, 98]);
    for (const [sizes, e] of [
      [[7, 3, 2, 9], 6],
      [[3, 3, 3], 3],
      [[3, 3, 3], 6],
    ] as const) {
      const q = stratifiedQuota(sizes, e);
      expect(q.reduce((a, b) => a + b, 0)).toBe(e);
      q.forEach((n, i) => {
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(sizes[i]! - 1);
      });
    }
  });
});

describe('debtagsFacetSizes', () => {
  it('counts packages, single-label packages and usable values per facet, ignoring ::TODO', () => {
    const sizes = debtagsFacetSizes(
      [
        { package: 'a', tags: ['use::editing', 'role::program'], text: null },
        { package: 'b', tags: ['use::editing', 'use::viewing'], text: null },
        { package: 'c', tags: ['use::TODO', 'use::viewing'], text: null },
        { package: 'd', tags: ['use::editing'], text: null },
      ],
      2,
    );
    expect(sizes).toEqual([
      { facet: 'use', packages: 4, singleLabel: 3, values: 2, usableValues: 1 },
      { facet: 'role', packages: 1, singleLabel: 1, values: 1, usableValues: 0 },
    ]);
  });
});
