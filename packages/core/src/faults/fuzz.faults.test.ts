import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultCase, faultTitle, runIsolated } from '@contrastive/test-utils';
import { FAULT_CASES } from './cases.js';

const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const here = path.dirname(fileURLToPath(import.meta.url));
// A fixed seed by default (reproducible CI); FUZZ_SEED=<n> explores others.
const seed = Number(process.env.FUZZ_SEED ?? 18);

let dir = '';
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'core-fuzz-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('fuzzed parsers (child process: capped heap, timeout, peak RSS)', () => {
  // Bound 400 MiB: Node + tfjs (cpu) peak at ~180 MiB here; the checkpoint is ~200 bytes, so more would mean an
  // allocation sized from the manifest instead of from the file (a 300 MiB sparse manifest is among the inputs).
  it(row('core/checkpoint-fuzz'), async () => {
    const r = await runIsolated(path.join(here, 'fuzz-checkpoint.child.ts'), {
      args: [dir, '400', String(seed)],
      maxOldSpaceMb: 512,
      timeoutMs: 60_000,
    });
    expect(r.stderr.replace(/^.*TensorFlow.js in Node.js.*$|^=+$/gm, '').trim(), 'counterexample').toBe('');
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    expect(r.stdout).toContain('runs 400');
    expect(r.peakRssMb).toBeLessThan(400);
  });

  // Bound 200 MiB: the child peaks at ~90 MiB; a 20 MB sparse run.json is among the inputs (refused by its size).
  it(row('core/run-config-fuzz'), async () => {
    const r = await runIsolated(path.join(here, 'fuzz-run-config.child.ts'), {
      args: [dir, '1000', String(seed)],
      maxOldSpaceMb: 256,
      timeoutMs: 60_000,
    });
    expect(r.stderr.trim(), 'counterexample').toBe('');
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    expect(r.stdout).toContain('runs 1000');
    expect(r.peakRssMb).toBeLessThan(200);
  });
});
