import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIsolated } from './isolated.js';

let dir = '';
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'isolated-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, body);
  return file;
}

describe('runIsolated', () => {
  it('reports exit code, output and a peak RSS that grows with what the child allocates', async () => {
    const small = await runIsolated(await script('small.ts', "console.log('ok' as string);"));
    expect(small).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'ok\n' });
    const big = await runIsolated(await script('big.ts', 'const a = new Float64Array(40e6); a.fill(1); console.log(a[5]);'));
    expect(big.exitCode).toBe(0);
    expect(small.peakRssMb).toBeGreaterThan(10);
    // 320 MB of typed array (outside the V8 heap, so only RSS sees it).
    expect(big.peakRssMb! - small.peakRssMb!).toBeGreaterThan(250);
  });

  it('kills a hanging child after the timeout', async () => {
    const r = await runIsolated(await script('hang.ts', 'setInterval(() => {}, 1000);'), { timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(null);
  });

  it('caps the V8 heap: a child that keeps JS objects beyond it dies', async () => {
    const r = await runIsolated(await script('heap.ts', 'const keep: number[][] = []; for (;;) keep.push(new Array(1e6).fill(0.5));'), {
      maxOldSpaceMb: 64,
      timeoutMs: 30_000,
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.timedOut).toBe(false);
  });
});
