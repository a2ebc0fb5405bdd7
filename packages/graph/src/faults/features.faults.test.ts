/**
 * Fault cases of node features from files and arrays (issue 23): non-finite values, missing nodes, ragged
 * rows, memory bounds (in a child process, peak RSS asserted) and a fast-check run over every format.
 * The CLI's `--features FILE` calls `loadNodeFeatures(path, graph.nodeIds, { format })`, tested here directly.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { faultCase, faultTitle, runIsolated, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { csrToDense } from '../data/csr.js';
import { parseEdgeList } from '../data/edge-list.js';
import { GraphDataError } from '../data/errors.js';
import { loadNodeFeatures } from '../data/features/load.js';
import { withNodeFeatures } from '../data/features/with-node-features.js';
import { FAULT_CASES } from './cases.js';

const tmp = useTempDir('graph-faults-features-');
const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const child = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

useCpuLeakCheck();

/** An edge list whose ids are names: nodes 10, 20, 30000 and 4000000000. */
const graph = () => parseEdgeList('10 20\n20 30000\n30000 4000000000\n', 'g.edges');

/** Writes `text` to a temporary file and returns how loading it against `graph()` fails. */
async function loadError(name: string, text: string, format?: 'mtx'): Promise<GraphDataError> {
  const path = tmp(name);
  writeFileSync(path, text);
  try {
    await loadNodeFeatures(path, graph().nodeIds, format ? { format } : {});
  } catch (e) {
    expect(e).toBeInstanceOf(GraphDataError);
    expect((e as GraphDataError).file).toBe(path);
    return e as GraphDataError;
  }
  throw new Error(`${name} loaded`);
}

describe('node features: fail loudly on a bad file', () => {
  it(row('graph/features-nan'), async () => {
    const dense = (v: string) => `node a b c\n10 1 2 3\n20 4 5 ${v}\n30000 7 8 9\n4000000000 0 0 0\n`;
    for (const v of ['NaN', '-inf', '1e39']) {
      const e = await loadError(`nan-${v}.txt`, dense(v));
      expect(e).toMatchObject({ code: 'EBADROW', line: 3 });
      expect(e.message.startsWith(`${e.file}:3: column 4: '${v}' `), e.message).toBe(true);
      expect(e.message).toMatch(/is not finite; features must be finite numbers|overflows float32/);
    }
    const sparse = await loadError('nan.sparse', '10 0:1\n20 2:NaN\n');
    expect(sparse.message).toBe(`${sparse.file}:2: column 2: 'NaN' is not finite; features must be finite numbers`);
    const mtx = await loadError('nan.mtx', '%%MatrixMarket matrix coordinate real general\n30001 3 2\n11 1 1\n21 3 nan\n');
    expect(mtx).toMatchObject({ code: 'EBADROW', line: 4 });
    // The API: a tensor with a NaN names the node and its file id.
    const t = tf.tensor2d([0, 0, Number.NaN, 0, 0, 0, 0, 0], [4, 2]);
    expect(() => withNodeFeatures(graph(), t)).toThrow('features: node 1 (id 20), feature 0 is NaN; features must be finite');
    t.dispose();
  });

  it(row('graph/features-missing-node'), async () => {
    const e = await loadError('missing.txt', '10 1 2\n4000000000 3 4\n');
    expect(e).toMatchObject({ code: 'ERANGE' });
    expect(e.message).toBe(
      `${e.file}: 2 of the graph's 4 nodes have no line (ids 20, 30000); a dense features file needs one line per node (the sparse form 'node index:value …' may leave all-zero rows out)`,
    );
    // The sparse form leaves them out on purpose: all-zero rows, counted.
    const path = tmp('missing.sparse');
    writeFileSync(path, '10 0:1 1:2\n4000000000 0:3 1:4\n');
    const f = await loadNodeFeatures(path, graph().nodeIds);
    expect(f.kind === 'sparse' && [f.missingRows, Array.from(csrToDense(f.matrix))]).toEqual([2, [1, 2, 0, 0, 0, 0, 3, 4]]);
  });

  it(row('graph/features-wrong-width'), async () => {
    const e = await loadError('ragged.txt', '10 1 2 3\n# a comment\n20 4 5\n30000 7 8 9\n4000000000 0 0 0\n');
    expect(e).toMatchObject({ code: 'EBADROW', line: 3 });
    expect(e.message).toBe(`${e.file}:3: node 20 has 2 values, but line 1 has 3: every row needs the same number`);
  });

  it(row('graph/features-memory-bounds'), async () => {
    const r = await runIsolated(child('features-bounds.child.ts'), { args: [tmp()], timeoutMs: 60_000, maxOldSpaceMb: 256 });
    expect(r.timedOut, 'hang').toBe(false);
    expect(r.exitCode, r.stderr.slice(0, 4000)).toBe(0);
    const [dense, line] = r.stdout.trim().split('\n');
    expect(dense).toMatch(
      /wide\.txt:1: dense features of 1,000,000 nodes × 600 features would take 2\.4 GB of float32, over the 2\.0 GB bound; write mostly-zero features in the sparse form/,
    );
    expect(line).toMatch(/nul\.txt:1: a line over 100,000,000 characters; is this a features file with one line per node\?/);
    expect(r.peakRssMb).not.toBeNull();
    expect(r.peakRssMb!).toBeLessThan(400);
    console.log(`graph/features-memory-bounds: peak RSS ${r.peakRssMb!.toFixed(0)} MB`);
  });

  it(row('graph/fuzz-node-features'), async () => {
    const r = await runIsolated(child('fuzz-features.child.ts'), { timeoutMs: 30_000, maxOldSpaceMb: 256 });
    expect(r.timedOut, 'hang').toBe(false);
    expect(r.exitCode, r.stderr.slice(0, 4000)).toBe(0);
    expect(r.stdout).toMatch(/^ok: /);
    expect(r.peakRssMb).not.toBeNull();
    expect(r.peakRssMb!).toBeLessThan(400);
    console.log(`graph/fuzz-node-features: ${r.stdout.trim()} (peak RSS ${r.peakRssMb!.toFixed(0)} MB)`);
  });
});
