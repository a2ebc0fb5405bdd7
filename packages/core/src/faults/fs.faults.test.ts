import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { faultCase, faultTitle, runIsolated, useCpuLeakCheck } from '@contrastive/test-utils';
import { prepareRunFolder, writeRunConfig } from '../cli/run-folder.js';
import { writeSummary } from '../cli/summary.js';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { FileSystemError } from '../io/fs-errors.js';
import type { Checkpointable } from '../types.js';
import { FAULT_CASES } from './cases.js';
import { BigState, errnoError, remount, requireMountOnCi, SmallState, snapshot, tryMountTmpfs, unmount } from './helpers.js';
import { unexpected } from './helpers.js';

useCpuLeakCheck();
const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const here = path.dirname(fileURLToPath(import.meta.url));

let root = '';
const mounts: string[] = [];
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'core-fs-faults-'));
});
afterAll(async () => {
  for (const m of mounts) unmount(m);
  await fs.rm(root, { recursive: true, force: true });
});

/** A folder on a fresh tmpfs of `sizeKb` KiB, or a plain folder (`mounted: false`) when mounting is impossible. */
async function tmpfs(name: string, sizeKb: number): Promise<{ dir: string; mounted: boolean }> {
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  const mounted = tryMountTmpfs(dir, sizeKb);
  if (mounted) mounts.push(dir);
  else requireMountOnCi(name);
  return { dir, mounted };
}

const files = async (dir: string): Promise<string[]> => (await fs.readdir(dir)).sort();
const reEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A float state of `n` values, no optimizer. */
function floats(n: number): { state: Checkpointable; dispose: () => void } {
  const w = tf.tidy(() => tf.variable(tf.fill([n], 0.5)));
  return { state: { stateTensors: () => ({ w }), optimizers: () => ({}) }, dispose: () => w.dispose() };
}

describe('file-system faults (items 8, 10)', () => {
  it(row('core/kill-during-save'), async () => {
    const dir = path.join(root, 'killed');
    const state = new BigState(2);
    for (const fraction of [0.5, 0.75, 0.95]) {
      const r = await runIsolated(path.join(here, 'save-loop.child.ts'), { args: [dir, String(fraction)], timeoutMs: 60_000 });
      expect(r.signal, r.stderr).toBe('SIGKILL');
      expect(r.timedOut).toBe(false);
      const last = Number(/saved (\d+) in [\d.]+ ms\n$/.exec(r.stdout)?.[1]);
      expect(last).toBeGreaterThanOrEqual(2);
      // The folder loads the last committed checkpoint (the kill may land just after a commit, before its print).
      const meta = await loadCheckpoint<{ n: number }>(dir, state);
      expect([last, last + 1]).toContain(meta.n);
      // The next save removes whatever the kill left behind.
      await saveCheckpoint(dir, state, { n: 0 });
      const left = await files(dir);
      expect(left).toHaveLength(2);
      expect(left).toContain(CHECKPOINT_FILE);
      expect(left.some((f) => f.includes('.tmp-'))).toBe(false);
    }
    state.dispose();
  });

  it(row('core/enospc-tmpfs'), async () => {
    const { dir, mounted } = await tmpfs('full', 2048);
    const ck = path.join(dir, 'checkpoint');
    const small = new SmallState(1);
    await saveCheckpoint(ck, small, { epoch: 1 });
    await writeRunConfig(dir, { tool: 't', domain: 'd', method: 'm', createdAt: 'now', config: {} });
    const before = await snapshot(ck);
    const runBefore = await fs.readFile(path.join(dir, 'run.json'), 'utf8');
    const big = floats(128 * 1024); // 512 KiB of weights
    const filler = path.join(dir, 'filler');
    let restore = (): void => undefined;
    if (mounted) {
      const { bavail, bsize } = await fs.statfs(dir);
      await fs.writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024))); // leave 64 KiB
    } else {
      const open = fs.open.bind(fs);
      const spy = vi.spyOn(fs, 'open').mockImplementation(async (...args: Parameters<typeof fs.open>) => {
        const h = await open(...args);
        vi.spyOn(h, 'writeFile').mockImplementation(async (data) => {
          if ((data as Uint8Array | string).length > 64 * 1024) throw errnoError('ENOSPC', 'write', String(args[0]));
        });
        return h;
      });
      restore = () => spy.mockRestore();
    }
    try {
      const err = await saveCheckpoint(ck, big.state, { epoch: 2 }).then(unexpected, (e: unknown) => e as Error);
      expect(err).toBeInstanceOf(FileSystemError);
      expect((err as FileSystemError).code).toBe('ENOSPC');
      expect(err.message).toMatch(
        new RegExp(`^cannot write '${reEscape(ck)}/weights-[0-9a-z]+-[0-9a-f]+\\.bin': no space left on device \\(ENOSPC\\)$`),
      );
      expect(await snapshot(ck)).toEqual(before); // byte-identical, no temporary left
      const runErr = await writeRunConfig(dir, {
        tool: 't',
        domain: 'd',
        method: 'm',
        createdAt: 'now',
        config: { x: 'y'.repeat(200_000) },
      }).then(unexpected, (e: unknown) => e as Error);
      expect(runErr.message).toBe(`cannot write '${path.join(dir, 'run.json')}': no space left on device (ENOSPC)`);
      expect(await fs.readFile(path.join(dir, 'run.json'), 'utf8')).toBe(runBefore);
      expect((await files(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
      const fresh = new SmallState(7);
      expect(await loadCheckpoint(ck, fresh)).toEqual({ epoch: 1 });
      fresh.dispose();
    } finally {
      restore();
    }
    // With space again, saving works and leaves one weights file.
    await fs.rm(filler, { force: true });
    await saveCheckpoint(ck, big.state, { epoch: 2 });
    expect((await files(ck)).filter((f) => f.startsWith('weights-'))).toHaveLength(1);
    big.dispose();
    small.dispose();
  });

  it(row('core/readonly-folder'), async () => {
    const { dir, mounted } = await tmpfs('readonly', 1024);
    const run = path.join(dir, 'run');
    const ck = path.join(run, 'checkpoint');
    const state = new SmallState(1);
    await saveCheckpoint(ck, state, { epoch: 1 });
    await writeRunConfig(run, { tool: 't', domain: 'd', method: 'm', createdAt: 'now', config: {} });
    const before = await snapshot(ck);
    const spies: { mockRestore(): void }[] = [];
    if (mounted) remount(dir, true);
    else {
      // Node's recursive mkdir reports EROFS on a missing parent as ENOENT: emulate that, and EROFS elsewhere.
      const mkdir = vi.spyOn(fs, 'mkdir').mockImplementation(async (p, opts) => {
        const recursive = typeof opts === 'object' && opts?.recursive === true;
        throw errnoError(recursive ? 'ENOENT' : 'EROFS', 'mkdir', String(p));
      });
      const open = vi.spyOn(fs, 'open').mockImplementation(async (p) => {
        throw errnoError('EROFS', 'open', String(p));
      });
      spies.push(mkdir, open);
    }
    try {
      const nested = path.join(dir, 'new', 'run');
      const err = await prepareRunFolder(nested, { tool: 't', resume: false, overwrite: false }).then(
        unexpected,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(FileSystemError);
      expect(err.message).toBe(`cannot create the folder '${nested}': read-only file system (EROFS)`);
      expect((err as FileSystemError).code).toBe('EROFS');
      const runErr = await writeRunConfig(run, { tool: 't', domain: 'd', method: 'm', createdAt: 'now', config: {} }).then(
        unexpected,
        (e: unknown) => e as Error,
      );
      expect(runErr.message).toBe(`cannot write '${path.join(run, 'run.json')}': read-only file system (EROFS)`);
      const sumErr = await writeSummary(run, {
        method: 'm',
        domain: 'd',
        seed: 0,
        epochs: 1,
        steps: 1,
        seconds: 1,
        trainSeconds: 1,
        backend: 'cpu',
        out: run,
        finalLoss: 1,
        metrics: {},
        baselines: {},
      }).then(unexpected, (e: unknown) => e as Error);
      expect(sumErr.message).toBe(`cannot write '${path.join(run, 'summary.json')}': read-only file system (EROFS)`);
      const ckErr = await saveCheckpoint(ck, state, { epoch: 2 }).then(unexpected, (e: unknown) => e as Error);
      expect(ckErr.message).toMatch(new RegExp(`^cannot write '${reEscape(ck)}/weights-.*\\.bin': read-only file system \\(EROFS\\)$`));
      expect((ckErr as FileSystemError).code).toBe('EROFS');
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(await snapshot(ck)).toEqual(before);
    const fresh = new SmallState(3);
    expect(await loadCheckpoint(ck, fresh)).toEqual({ epoch: 1 });
    fresh.dispose();
    state.dispose();
  });
});
