import { writeFileSync } from 'node:fs';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { forEachLine } from './line-stream.js';
import { loadNodeFeatures } from './load.js';
import { parseNodeFeatures } from './parse.js';

const tmp = useTempDir('graph-features-');

/** Rejection of a promise as the GraphDataError it should be. */
async function rejected(p: Promise<unknown>): Promise<{ code: string; file?: string; line?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    expect((e as Error).name).toBe('GraphDataError');
    return e as never;
  }
  throw new Error('expected a rejection');
}

describe('loadNodeFeatures (streamed)', () => {
  it('reads what parseNodeFeatures reads, across 1 MB chunk boundaries, with CRLF and a byte-order mark', async () => {
    // 3,000 named nodes × 60 features ≈ 1.6 MB: lines straddle the first chunk's end.
    const ids = Array.from({ length: 3000 }, (_, i) => 7 + 3 * i);
    const rows = ids.map((id, i) => `${id} ${Array.from({ length: 60 }, (_, j) => ((i * 61 + j) % 997) / 8).join(' ')}`);
    const text = `\ufeffnode ${Array.from({ length: 60 }, (_, j) => `f${j}`).join(' ')}\r\n${rows.reverse().join('\r\n')}`;
    const path = tmp('big.features');
    writeFileSync(path, text);
    const loaded = await loadNodeFeatures(path, ids);
    expect(loaded.kind).toBe('dense');
    expect(loaded).toEqual(parseNodeFeatures(text, path, ids));
    if (loaded.kind === 'dense') expect(Array.from(loaded.x.subarray(60, 63))).toEqual([61 / 8, 62 / 8, 63 / 8]);
  });

  it('detects and reads the sparse and Matrix Market forms', async () => {
    const sparse = tmp('x.sparse');
    writeFileSync(sparse, '# sparse features: 3 nodes, 6 features\n30000 5:1\n10 0:2 1:3\n');
    const mtx = tmp('x.mtx');
    writeFileSync(mtx, '%%MatrixMarket matrix coordinate real general\n30001 6 3\n30001 6 1\n11 1 2\n11 2 3\n');
    const a = await loadNodeFeatures(sparse, [10, 20, 30000]);
    const b = await loadNodeFeatures(mtx, [10, 20, 30000], { format: 'mtx' });
    expect(a).toEqual(b);
    expect(a).toMatchObject({ kind: 'sparse', missingRows: 1, matrix: { numRows: 3, numCols: 6 } });
  });

  it('names the file and line in errors; refuses a folder and a dense matrix over 2 GB before allocating', async () => {
    const bad = tmp('bad.features');
    writeFileSync(bad, '0 1 2\n1 3 NaN\n');
    expect(await rejected(loadNodeFeatures(bad, 2))).toMatchObject({ code: 'EBADROW', file: bad, line: 2 });
    expect((await rejected(loadNodeFeatures(tmp(), 2))).message).toMatch(/a folder, not a node features file/);
    const wide = tmp('wide.features');
    writeFileSync(wide, `0 ${'1 '.repeat(600)}\n`);
    const e = await rejected(loadNodeFeatures(wide, 1_000_000));
    expect(e).toMatchObject({ code: 'ETOOLARGE', file: wide, line: 1 });
    expect(e.message).toMatch(/1,000,000 nodes × 600 features would take 2\.4 GB of float32, over the 2\.0 GB bound; .*sparse form/);
    await expect(loadNodeFeatures(tmp('missing.features'), 2)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a line over the bound, naming it, without building it whole', async () => {
    const path = tmp('long.txt');
    writeFileSync(path, `short\n${'x'.repeat(5000)}\nend\n`);
    const seen: string[] = [];
    const e = await rejected(forEachLine(path, (t) => seen.push(t), 1000));
    expect(e).toMatchObject({ code: 'ETOOLARGE', line: 2 });
    expect(seen).toEqual(['short']);
    const lines: [string, number][] = [];
    writeFileSync(path, 'a\r\n\nb');
    await forEachLine(path, (t, n) => lines.push([t, n]));
    expect(lines).toEqual([
      ['a', 1],
      ['', 2],
      ['b', 3],
    ]);
  });
});
