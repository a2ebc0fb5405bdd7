import { getLearningRate } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { buildRun, legacyRunRecord, recordPredictorSettings, type RunConfig } from './run-config.js';
import type { BYOL } from '../methods/byol.js';
import { smallRecipe } from '../recipes.js';
import type { SimCLR } from '../methods/simclr.js';
import type { InstDisc } from '../methods/instdisc.js';

useCpuLeakCheck();

/** A run.json as `contrastive-vision train` wrote it before core's run record: the config at the top level, `lr`. */
const legacy = {
  method: 'simclr',
  encoder: 'small-cnn',
  imageSize: 28,
  channels: 1,
  widthMultiplier: 0.25,
  seed: 0,
  lr: 1e-3,
  batchSize: 8,
  epochs: 1,
  datasetSize: 64,
  data: 'x',
  evalData: null,
};
const configOf = (raw: Record<string, unknown>): RunConfig => legacyRunRecord(raw, '2026-01-01T00:00:00.000Z')!.config;

/** Units and BN of each Dense block of a projector (BN layers follow their Dense). */
const layout = (m: SimCLR) =>
  m.projector.layers.map(
    (l) => `${l.getClassName()}${l.getClassName() === 'Dense' ? `:${(l.getConfig() as { units: number }).units}` : ''}`,
  );

describe('buildRun', () => {
  it("builds SimCLR's two CLI heads: mlp D→D→64 with BN (also for run.json files without `projector`), linear D→64", () => {
    const mlp = buildRun(configOf(legacy)) as SimCLR;
    const d = mlp.encoder.outputs[0]!.shape[1] as number;
    expect(layout(mlp).filter((n) => n.startsWith('Dense'))).toEqual([`Dense:${d}`, 'Dense:64']);
    expect(layout(mlp).some((n) => n === 'BatchNormalization')).toBe(true);
    const linear = buildRun(configOf({ ...legacy, projector: 'linear' })) as SimCLR;
    expect(layout(linear)).toEqual(['Dense:64']);
    expect((linear.projector.layers[0]!.getConfig() as { useBias: boolean }).useBias).toBe(true);
    mlp.dispose();
    linear.dispose();
  });

  it('reads a pre-toolkit run.json as a run record: lr → learningRate, the small recipe, SimCLR τ 0.2, InstDisc NCE when unrecorded', () => {
    const record = legacyRunRecord(legacy, '2026-01-01T00:00:00.000Z');
    expect(record).toMatchObject({ tool: 'contrastive-vision', domain: 'vision', method: 'simclr', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(record!.config).toMatchObject({
      recipe: 'simclr-small',
      learningRate: 1e-3,
      temperature: 0.2,
      projector: 'mlp',
      datasetSize: 64,
    });
    expect(record!.config).not.toHaveProperty('lr');
    const inst = configOf({ ...legacy, method: 'instdisc' });
    expect(inst).toMatchObject({ recipe: 'instdisc-small', objective: 'nce', temperature: 0.07 });
    const m = buildRun(inst) as InstDisc;
    expect(m.objective).toBe('nce');
    m.dispose();
    expect(configOf({ ...legacy, method: 'byol' })).not.toHaveProperty('temperature');
    // Core's run records and other JSON are not legacy run.json files.
    expect(legacyRunRecord({ tool: 'contrastive-vision', config: {} }, 'x')).toBeNull();
    expect(legacyRunRecord({ method: 'simclr' }, 'x')).toBeNull();
    expect(legacyRunRecord([1, 2], 'x')).toBeNull();
  });

  it("resumes a byol / simsiam run recorded before the small-data settings with the earlier optimizers; new runs record the recipe's", () => {
    const toolkit = (method: 'byol' | 'simsiam', extra: Partial<RunConfig> = {}): RunConfig => ({
      ...configOf({ ...legacy, method }),
      ...extra,
    });
    // Recorded before issue 26: no momentumHorizon / predictorLrScale → BYOL with one optimizer and no τ cap, SimSiam's
    // predictor at the base LR (the optimizers its checkpoint holds); a new run records the recipe's and rebuilds with it.
    const lrs = (m: ReturnType<typeof buildRun>) => Object.values(m.optimizers()).map((o) => getLearningRate(o));
    const old = { byol: buildRun(toolkit('byol')), simsiam: buildRun(toolkit('simsiam')) };
    const recorded = {
      byol: recordPredictorSettings('byol', smallRecipe('byol').options),
      simsiam: recordPredictorSettings('simsiam', smallRecipe('simsiam').options),
    };
    const now = { byol: buildRun(toolkit('byol', recorded.byol)), simsiam: buildRun(toolkit('simsiam', recorded.simsiam)) };
    try {
      expect(recorded).toEqual({ byol: { momentumHorizon: 10, predictorLrScale: 10 }, simsiam: { predictorLrScale: 10 } });
      expect(lrs(old.byol)).toEqual([1e-3]);
      expect((old.byol as BYOL).momentumHorizon).toBe(0);
      expect(lrs(old.simsiam)).toEqual([1e-3, 1e-3]);
      expect(lrs(now.byol).sort()).toEqual([1e-3, 1e-2]);
      expect((now.byol as BYOL).momentumHorizon).toBe(10);
      expect(lrs(now.simsiam).sort()).toEqual([1e-3, 1e-2]);
    } finally {
      for (const m of [...Object.values(old), ...Object.values(now)]) m.dispose();
    }
    expect(recordPredictorSettings('simclr', smallRecipe('simclr').options)).toEqual({});
  });
});
