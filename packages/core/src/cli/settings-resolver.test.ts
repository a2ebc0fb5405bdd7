import { describe, expect, it } from 'vitest';
import { settingsResolver } from './settings-resolver.js';

describe('settingsResolver', () => {
  it('takes the given flag, else the fallback, and collects the settings (new run)', () => {
    const r = settingsResolver('runs/x', undefined);
    expect(r.take('epochs', 3, 10)).toBe(3);
    expect(r.take('seed', undefined, 0)).toBe(0);
    expect(r.take('limit', undefined)).toBeUndefined();
    expect(r.settings).toEqual({ epochs: 3, seed: 0 });
  });

  it('resuming: the recorded value wins, a different given one is refused unless it may change', () => {
    const r = settingsResolver('runs/x', { epochs: 3, seed: 1, lr: 0.5 });
    expect(r.take('seed', undefined, 0)).toBe(1);
    expect(r.take('lr', 0.5, 0.1)).toBe(0.5);
    expect(() => r.take('seed', 2, 0)).toThrow(/--seed 1, not --seed 2/);
    expect(r.take('epochs', 6, 10, true)).toBe(6);
    expect(r.take('width', undefined, 0.25)).toBe(0.25); // not recorded (an older run): the fallback
    expect(r.settings).toMatchObject({ seed: 1, lr: 0.5, epochs: 6, width: 0.25 });
  });
});
