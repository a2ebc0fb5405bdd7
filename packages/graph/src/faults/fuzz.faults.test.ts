/**
 * Property-based fuzzing of the graph package's parsers, each in a child process (`runIsolated`: capped V8
 * heap, a timeout, and the peak resident memory — typed arrays and RDKit's wasm memory included — asserted
 * below a stated bound). The child exits 0 when every input gave a clean result or a typed error naming
 * the file, else 1 with fast-check's counterexample on stderr.
 */
import { fileURLToPath } from 'node:url';
import { faultCase, faultTitle, runIsolated } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { FAULT_CASES } from './cases.js';

const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const child = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

describe('graph parsers under fast-check', () => {
  for (const [id, script, args, timeoutMs, maxRssMb] of [
    ['graph/fuzz-edge-list', 'fuzz-edge-list.child.ts', ['edges'], 30_000, 400],
    ['graph/fuzz-labels', 'fuzz-edge-list.child.ts', ['labels'], 30_000, 400],
    ['graph/fuzz-smiles-table', 'fuzz-smiles.child.ts', [], 60_000, 600],
  ] as const) {
    it(row(id), async () => {
      const r = await runIsolated(child(script), { args: [...args], timeoutMs, maxOldSpaceMb: 256 });
      expect(r.timedOut, 'hang').toBe(false);
      expect(r.exitCode, r.stderr.slice(0, 4000)).toBe(0);
      expect(r.stdout).toMatch(/^ok: /);
      expect(r.peakRssMb).not.toBeNull();
      expect(r.peakRssMb!).toBeLessThan(maxRssMb);
      console.log(`${id}: ${r.stdout.trim()} (peak RSS ${r.peakRssMb!.toFixed(0)} MB)`);
    });
  }
});
