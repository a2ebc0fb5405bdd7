import { smallDataQueueSize } from '@contrastive/vision';
import { describe, expect, it } from 'vitest';
import { findLossesRecipe, RECIPES, smallQueueSize } from './recipes.js';

describe('losses recipes', () => {
  it('names are unique, each has a paper and a small recipe per method, and lookups fail listing the names', () => {
    const names = RECIPES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of ['jcl', 'paco', 'grcl']) {
      expect(RECIPES.some((r) => r.method === m && r.name.endsWith('-small'))).toBe(true);
      expect(RECIPES.some((r) => r.method === m && !r.name.endsWith('-small'))).toBe(true);
    }
    expect(() => findLossesRecipe('jcl-large')).toThrow(/unknown losses recipe 'jcl-large'; valid: 'jcl-paper'/);
  });

  it("jcl-small matches vision's moco-v2-small where it is MoCo v2 (queue rule, τ, optimizer, batch)", () => {
    const o = findLossesRecipe('jcl-small').options;
    for (const n of [1, 100, 255, 256, 3000, 15000, 60000]) expect(o.queueSize!(n)).toBe(smallDataQueueSize(n));
    expect(smallQueueSize(60000)).toBe(4096);
    expect(o).toMatchObject({ temperature: 0.2, optimizer: 'adam', learningRate: 1e-3, cosineLr: true, bnGroups: 2, batchSize: 256 });
  });

  it("the paper recipes carry the official scripts' values (spec §10–§12)", () => {
    expect(findLossesRecipe('jcl-paper').options).toMatchObject({ keyViews: 4, lambda: 2, temperature: 0.2, learningRate: 0.03 });
    expect(findLossesRecipe('jcl-paper').options.queueSize!(10)).toBe(65536);
    expect(findLossesRecipe('paco-cifar-lt').options).toMatchObject({ alpha: 0.01, temperature: 0.05, projectionDim: 32 });
    expect(findLossesRecipe('paco-imagenet-lt').options).toMatchObject({ alpha: 0.05, temperature: 0.2, projectionDim: 128 });
    expect(findLossesRecipe('paco-imagenet-lt').options.queueSize!(10)).toBe(8192);
  });
});
