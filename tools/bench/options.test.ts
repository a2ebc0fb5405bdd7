import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './options.js';

describe('parseBenchArgs', () => {
  it('defaults: one run, 0.5 load per core, no wait, no workers', () => {
    expect(parseBenchArgs([])).toEqual({ json: false, compare: false, profile: false, list: false, repeats: 1, maxLoadPerCore: 0.5 });
  });
  it('--compare defaults to 3 interleaved rounds; --repeats 1 keeps the single run', () => {
    expect(parseBenchArgs(['--compare']).repeats).toBe(3);
    expect(parseBenchArgs(['--compare', '--repeats', '1']).repeats).toBe(1);
    expect(parseBenchArgs(['--repeats', '4']).repeats).toBe(4);
  });
  it('reads every value flag', () => {
    const o = parseBenchArgs([
      '--workload',
      'ntxent-512x128,gin-graphs',
      '--backend',
      'cpu',
      '--steps',
      '3',
      '--batch',
      '32',
      '--max-load',
      '0.75',
      '--wait-idle',
      '120',
      '--workers',
      '2',
      '--json',
    ]);
    expect(o).toMatchObject({
      workloads: ['ntxent-512x128', 'gin-graphs'],
      backend: 'cpu',
      steps: 3,
      batch: 32,
      maxLoadPerCore: 0.75,
      waitIdleS: 120,
      workers: 2,
      json: true,
    });
  });
  it('accepts --flag=value', () => {
    expect(parseBenchArgs(['--workers=4']).workers).toBe(4);
  });
  it('rejects an unknown flag and lists the valid ones', () => {
    expect(() => parseBenchArgs(['--repeat', '5'])).toThrow(/unknown argument '--repeat'; valid flags: .*--repeats.*--workers/);
    expect(() => parseBenchArgs(['stray'])).toThrow(/unknown argument 'stray'/);
  });
  it('rejects values of the wrong kind, naming flag and value', () => {
    expect(() => parseBenchArgs(['--repeats', '0'])).toThrow("--repeats: expected a positive integer, got '0'");
    expect(() => parseBenchArgs(['--workers', '1.5'])).toThrow("--workers: expected a positive integer, got '1.5'");
    expect(() => parseBenchArgs(['--steps', 'ten'])).toThrow(/--steps/);
    expect(() => parseBenchArgs(['--max-load', '0'])).toThrow("--max-load: expected a positive number, got '0'");
    expect(() => parseBenchArgs(['--wait-idle', '-1'])).toThrow(/--wait-idle/);
    expect(parseBenchArgs(['--wait-idle', '0']).waitIdleS).toBe(0);
  });
  it('rejects a value flag without its value', () => {
    expect(() => parseBenchArgs(['--steps'])).toThrow(/--steps/);
  });
});
