import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { run } from './main.js';

// `contrastive-graph train --workers N`: graph-level methods train data-parallel; node methods stay in one thread.
const tmp = useTempDir('contrastive-graph-dp-');
function capture(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}
const tiny = ['--limit', '16', '--epochs', '1', '--batch-size', '8', '--hidden', '8', '--layers', '1', '--backend', 'cpu'];

describe('contrastive-graph train --workers', () => {
  it('trains GraphCL with 2 workers: exit 0, the split logged, workers in the summary, --workers not recorded', async () => {
    const c = capture();
    const out = tmp('graphcl-w2');
    const code = await run(['train', '--method', 'graphcl', ...tiny, '--workers', '2', '--no-progress', '--json', '--out', out], c.io);
    expect(code, c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out[0]!);
    expect(s).toMatchObject({ method: 'graphcl', steps: 2 });
    expect(s.workers).toBe(2);
    expect(Number.isFinite(s.finalLoss)).toBe(true);
    expect(c.err.join('\n')).toMatch(/data-parallel: 2 workers \(each step's 8 graphs split 4 \+ 4\)$/m);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
    // --workers does not shape the run: run.json does not record it.
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config).not.toHaveProperty('workers');
  });

  it('--workers 0 is a usage error; a node method refuses --workers 2 before touching --out', async () => {
    const h = capture();
    expect(await run(['train', '--help'], h.io)).toBe(0);
    expect(h.out.join('\n')).toMatch(/--workers N\|auto/);
    const c = capture();
    expect(await run(['train', '--method', 'graphcl', '--workers', '0', '--out', tmp('w0')], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--workers must be an integer >= 1 or 'auto', got '0'/);
    const n = capture();
    const out = tmp('cg3-w2');
    expect(await run(['train', '--method', 'cg3', '--workers', '2', '--out', out], n.io)).toBe(2);
    expect(n.err.join('\n')).toMatch(/--workers 2: contrastive-graph train --method cg3 trains in one thread only/);
    expect(existsSync(join(out, 'run.json'))).toBe(false);
  });
});
