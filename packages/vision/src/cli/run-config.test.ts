import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { buildRun, type RunConfig } from './build.js';
import { SimCLR } from '../methods/simclr.js';

useCpuLeakCheck();

const cfg: RunConfig = {
  method: 'simclr', encoder: 'small-cnn', imageSize: 28, channels: 1, widthMultiplier: 0.25, seed: 0, lr: 1e-3, batchSize: 8,
  epochs: 1, datasetSize: 64, data: 'x', evalData: null,
};

/** Units and BN of each Dense block of a projector (BN layers follow their Dense). */
const layout = (m: SimCLR) => m.projector.layers.map((l) => `${l.getClassName()}${l.getClassName() === 'Dense' ? `:${(l.getConfig() as { units: number }).units}` : ''}`);

describe('buildRun', () => {
  it("builds SimCLR's two CLI heads: mlp D→D→64 with BN (also for run.json files without `projector`), linear D→64", () => {
    const mlp = buildRun(cfg) as SimCLR;
    const d = mlp.encoder.outputs[0]!.shape[1] as number;
    expect(layout(mlp).filter((n) => n.startsWith('Dense'))).toEqual([`Dense:${d}`, 'Dense:64']);
    expect(layout(mlp).some((n) => n === 'BatchNormalization')).toBe(true);
    const linear = buildRun({ ...cfg, projector: 'linear' }) as SimCLR;
    expect(layout(linear)).toEqual(['Dense:64']);
    expect((linear.projector.layers[0]!.getConfig() as { useBias: boolean }).useBias).toBe(true);
    mlp.dispose();
    linear.dispose();
  });
});
