import { findRecipe } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadBertCheckpoint } from '../encoders/hf-checkpoint.js';
import { findTextRecipe, RECIPES } from '../recipes.js';
import { ANCE } from './ance.js';
import { ConSERT } from './consert.js';
import { createMethod, METHODS, TEXT_METHOD_INPUTS, textMethods } from './registry.js';
import { SimCSE } from './simcse.js';
import { SupervisedSimCSE } from './simcse-supervised.js';

useCpuLeakCheck();
const fixtureDir = decodeURIComponent(new URL('../__fixtures__/tiny-bert', import.meta.url).pathname);

describe('createMethod / RECIPES', () => {
  it('builds each method by the name the CLI uses; pooling maps to train and test pooling', () => {
    expect(METHODS).toEqual(['simcse', 'simcse-sup', 'consert', 'ance']);
    expect(textMethods.names()).toEqual([...METHODS]);
    expect(Object.keys(TEXT_METHOD_INPUTS)).toEqual([...METHODS]);
    const simcse = createMethod('simcse', { encoder: loadBertCheckpoint(fixtureDir), pooling: 'mean', temperature: 0.1 });
    expect(simcse).toBeInstanceOf(SimCSE);
    expect([(simcse as SimCSE).trainPooling, simcse.testPooling, (simcse as SimCSE).temperature]).toEqual(['mean', 'mean', 0.1]);
    simcse.dispose();
    const sup = createMethod('simcse-sup', { encoder: loadBertCheckpoint(fixtureDir), hardNegativeWeight: 1 });
    expect(sup).toBeInstanceOf(SupervisedSimCSE);
    expect([sup.name, sup.testPooling, (sup as SupervisedSimCSE).hardNegativeWeight]).toEqual(['simcse-sup', 'cls-mlp', 1]);
    sup.dispose();
    const consert = createMethod('consert', {
      encoder: loadBertCheckpoint(fixtureDir),
      views: [{ type: 'noise', std: 0.2 }, { type: 'token-shuffle' }],
    });
    expect(consert).toBeInstanceOf(ConSERT);
    expect([(consert as ConSERT).pooling, consert.testPooling]).toEqual(['mean', 'last2avg']);
    expect((consert as ConSERT).views[0]).toEqual({ type: 'noise', std: 0.2 });
    consert.dispose();
    const ance = createMethod('ance', { encoder: loadBertCheckpoint(fixtureDir), similarity: 'cos', temperature: 0.05 });
    expect(ance).toBeInstanceOf(ANCE);
    expect([ance.testPooling, (ance as ANCE).similarity, (ance as ANCE).temperature]).toEqual(['mean', 'cos', 0.05]);
    ance.dispose();
    const spare = loadBertCheckpoint(fixtureDir);
    expect(() => createMethod('simclr', { encoder: spare })).toThrow(
      "unknown text method 'simclr'; valid: 'simcse', 'simcse-sup', 'consert', 'ance'",
    );
    spare.dispose();
  });

  it("has each paper's recipe and this project's tiny (from scratch) and finetune (--model) defaults for every method", () => {
    const names = RECIPES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of METHODS) for (const kind of ['paper', 'tiny', 'finetune']) expect(names).toContain(`${m}-${kind}`);
    expect(findRecipe(RECIPES, 'simcse-paper').options).toMatchObject({ learningRate: 3e-5, temperature: 0.05 });
    expect(findTextRecipe('simcse-sup-paper').training).toEqual({ epochs: 3, batchSize: 512, maxLength: 32 });
    expect(findTextRecipe('consert-paper')).toMatchObject({
      options: { learningRate: 5e-7, temperature: 0.1, dropout: false },
      training: { batchSize: 96, maxLength: 64 },
    });
    for (const m of METHODS) {
      expect(findTextRecipe(`${m}-tiny`)).toMatchObject({
        method: m,
        options: { learningRate: 5e-4 },
        training: { epochs: 1, batchSize: 64, maxLength: 32 },
        model: { preset: 'tiny', vocabSize: 8000, dropout: 0.1 },
      });
      expect(findTextRecipe(`${m}-finetune`)).toMatchObject({ method: m, options: { learningRate: 3e-5 } });
      expect(findTextRecipe(`${m}-finetune`).model).toBeUndefined();
    }
    expect(() => findTextRecipe('simcse-huge')).toThrow(/unknown text recipe 'simcse-huge'; valid: 'simcse-paper'/);
    // Every recipe builds its method.
    for (const r of RECIPES) {
      const method = createMethod(r.method, { encoder: loadBertCheckpoint(fixtureDir), ...r.options });
      expect(method.name).toBe(r.method);
      method.dispose();
    }
  });
});
