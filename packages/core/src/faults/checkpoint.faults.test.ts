import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { faultCase, faultTitle, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { CheckpointCorruptError, NonFiniteStateError } from '../errors.js';
import { CHECKPOINT_FILE, hasCheckpointFile, isCheckpointDir, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { FileSystemError } from '../io/fs-errors.js';
import { writeFileAtomic } from '../io/fs-utils.js';
import { train } from '../node/train.js';
import { FAULT_CASES } from './cases.js';
import { errnoError, SmallState, snapshot } from './helpers.js';
import { unexpected } from './helpers.js';

useCpuLeakCheck();
const tmp = useTempDir('core-ckpt-faults-');
const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));

interface Entry {
  name: string;
  shape: number[];
  dtype: string;
  offset: number;
  byteLength: number;
}
interface ManifestJson {
  version: number;
  weightsFile: string;
  byteLength: number;
  sha256?: string;
  variables: Entry[];
  optimizers: Record<string, { weights: Entry[] }>;
  meta: Record<string, unknown>;
}

async function saved(name: string): Promise<{ dir: string; state: SmallState; manifest: ManifestJson }> {
  const dir = tmp(name);
  const state = new SmallState(1);
  state.train();
  await saveCheckpoint(dir, state, { epoch: 1 });
  return { dir, state, manifest: await readManifest(dir) };
}
const readManifest = async (dir: string): Promise<ManifestJson> =>
  JSON.parse(await fs.readFile(path.join(dir, CHECKPOINT_FILE), 'utf8')) as ManifestJson;
const writeManifest = (dir: string, m: unknown): Promise<void> => fs.writeFile(path.join(dir, CHECKPOINT_FILE), JSON.stringify(m));

/** Loads `dir` into a fresh state; returns the error, and checks the state was left untouched. */
async function loadError(dir: string): Promise<Error> {
  const fresh = new SmallState(9);
  const before = await fresh.w.array();
  try {
    await loadCheckpoint(dir, fresh);
    throw new Error('expected loadCheckpoint to fail');
  } catch (err) {
    expect(await fresh.w.array()).toEqual(before);
    return err as Error;
  } finally {
    fresh.dispose();
  }
}

describe('checkpoint integrity (item 6)', () => {
  it(row('core/checkpoint-negative-offset'), async () => {
    const { dir, state, manifest } = await saved('neg');
    manifest.variables[0]!.offset = -1000;
    await writeManifest(dir, manifest);
    const err = await loadError(dir);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect((err as CheckpointCorruptError).file).toBe(path.join(dir, CHECKPOINT_FILE));
    expect(err.message).toMatch(
      /corrupt checkpoint '.*checkpoint\.json': variables\[0\] 'w' has offset -1000; expected an integer in \[0, \d+\]/,
    );
    state.dispose();
  });

  it(row('core/checkpoint-offset-past-end'), async () => {
    const { dir, state, manifest } = await saved('past');
    const cases: [(m: ManifestJson) => void, RegExp][] = [
      [(m) => (m.variables[0]!.offset = m.byteLength - 4), /'w' has offset \d+; expected an integer in \[0, \d+\]/],
      [(m) => (m.variables[0]!.offset = 0.5), /'w' has offset 0\.5/],
      [(m) => (m.variables[0]!.byteLength = 4), /'w' has byteLength 4; shape \[3, 4\] of float32 needs 48/],
      [
        (m) => (m.variables[0]!.shape = [1e9, 1e9]),
        /'w' has shape \[1000000000, 1000000000\]: float32 data larger than the \d+-byte weights file/,
      ],
      [(m) => (m.variables[0]!.shape = [-3, 4]), /'w' has shape \[-3,4\]; expected an array of non-negative integers/],
      [(m) => (m.variables[0]!.dtype = 'float64'), /'w' has dtype "float64"; expected float32, int32 or bool/],
      [(m) => (m.variables[1]!.offset = m.variables[0]!.offset), /overlaps/],
      [(m) => (m.byteLength = 1e15), /has \d+ bytes, the manifest says 1000000000000000/],
      [(m) => (m.weightsFile = '../../etc/passwd'), /weightsFile "..\/..\/etc\/passwd" is not a weights-\*\.bin file name/],
      [(m) => (m.optimizers = [] as never), /optimizers is not an object/],
    ];
    for (const [mutate, message] of cases) {
      const m = structuredClone(manifest);
      mutate(m);
      await writeManifest(dir, m);
      const err = await loadError(dir);
      expect(err).toBeInstanceOf(CheckpointCorruptError);
      expect(err.message).toMatch(message);
      expect(err.message).toContain(dir);
    }
    await writeManifest(dir, manifest);
    const again = new SmallState(5);
    await loadCheckpoint(dir, again); // the intact manifest still loads
    expect(await again.w.array()).toEqual(await state.w.array());
    again.dispose();
    state.dispose();
  });

  it(row('core/checkpoint-random-weights'), async () => {
    const { dir, state, manifest } = await saved('random');
    const weights = path.join(dir, manifest.weightsFile);
    expect(manifest.version).toBe(2);
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    await fs.writeFile(weights, randomBytes(manifest.byteLength));
    const err = await loadError(dir);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect((err as CheckpointCorruptError).file).toBe(weights);
    expect(err.message).toMatch(/corrupt checkpoint '.*weights-.*\.bin': its SHA-256 is [0-9a-f]{64}, the manifest records/);
    // Truncated and extended files are refused by size before they are read.
    await fs.writeFile(weights, randomBytes(manifest.byteLength + 7));
    expect((await loadError(dir)).message).toMatch(/has \d+ bytes, the manifest says \d+ \(truncated or extended\)/);
    await fs.rm(weights);
    expect((await loadError(dir)).message).toMatch(/incomplete: cannot read weights-.*no such file or directory \(ENOENT\)/);
    state.dispose();
  });

  it(row('core/checkpoint-v1-manifest'), async () => {
    const { dir, state, manifest } = await saved('v1');
    const v1 = { ...manifest, version: 1 } as Partial<ManifestJson>;
    delete v1.sha256;
    await writeManifest(dir, v1);
    const fresh = new SmallState(3);
    expect(await loadCheckpoint(dir, fresh)).toEqual({ epoch: 1 }); // old manifests still load
    expect(await fresh.w.array()).toEqual(await state.w.array());
    fresh.dispose();
    // Without a checksum, NaN bytes are still caught (a checkpoint is never saved non-finite).
    const weights = path.join(dir, manifest.weightsFile);
    const bytes = await fs.readFile(weights);
    bytes.writeFloatLE(Number.NaN, manifest.variables[0]!.offset + 8);
    await fs.writeFile(weights, bytes);
    const err = await loadError(dir);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect(err.message).toMatch(/weights-.*\.bin': tensor 'w' holds 1 NaN and 0 Inf values of 12/);
    // A newer version is refused as such (not as corruption).
    await writeManifest(dir, { ...manifest, version: 3 });
    expect((await loadError(dir)).message).toMatch(/has format version 3; this build reads up to 2/);
    state.dispose();
  });
});

describe('non-finite state is never checkpointed (item 5)', () => {
  it(row('core/checkpoint-save-nonfinite'), async () => {
    const { dir, state } = await saved('nonfinite');
    const before = await snapshot(dir);
    tf.tidy(() =>
      state.w.assign(
        tf.tensor2d([
          [Number.NaN, 1, 2, 3],
          [4, Number.NaN, 6, 7],
          [8, 9, 10, Number.POSITIVE_INFINITY],
        ]),
      ),
    );
    const err = await saveCheckpoint(dir, state, { epoch: 2 }).then(unexpected, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(NonFiniteStateError);
    expect(err.message).toMatch(/the state to checkpoint in '.*' is not finite: 'w' \(2 NaN, 1 Inf of 12\)/);
    expect((err as NonFiniteStateError).variables).toEqual([{ name: 'w', owner: 'variable', nan: 2, inf: 1, size: 12 }]);
    expect(await snapshot(dir)).toEqual(before);

    // A finite variable with a non-finite optimizer slot is refused too, naming the slot.
    tf.tidy(() => state.w.assign(tf.ones([3, 4])));
    const slots = await state.opt.getWeights();
    const slot = slots.find((w) => w.tensor instanceof tf.Variable)!;
    tf.tidy(() => (slot.tensor as tf.Variable).assign(tf.fill(slot.tensor.shape, Number.NEGATIVE_INFINITY)));
    for (const w of slots) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
    const slotErr = await saveCheckpoint(dir, state).then(unexpected, (e: unknown) => e as Error);
    expect(slotErr).toBeInstanceOf(NonFiniteStateError);
    expect(slotErr.message).toContain(`optimizer 'adam' slot '${slot.name}' (12 Inf of 12)`);
    expect(await snapshot(dir)).toEqual(before);
    state.dispose();
  });
});

describe('corrupt manifest on resume (item 7)', () => {
  it(row('core/resume-corrupt-manifest'), async () => {
    const { dir, state } = await saved('resume');
    state.dispose();
    for (const text of ['{ corrupt', 'null', '{"format":"someone-else","version":1}', '']) {
      await fs.writeFile(path.join(dir, CHECKPOINT_FILE), text);
      const before = await snapshot(dir);
      expect(await hasCheckpointFile(dir)).toBe(true);
      const logs: string[] = [];
      const model = new SmallState(2);
      const err = await train({
        state: model,
        epochs: 1,
        progress: false,
        checkpointDir: dir,
        resume: true,
        log: (l) => logs.push(l),
        batches: () => [0],
        step: () => tf.scalar(1),
      }).then(unexpected, (e: unknown) => e as Error);
      model.dispose();
      expect(err).toBeInstanceOf(CheckpointCorruptError);
      expect((err as CheckpointCorruptError).file).toBe(path.join(dir, CHECKPOINT_FILE));
      expect(err.message).toMatch(
        /corrupt checkpoint '.*checkpoint\.json': .*; delete the checkpoint folder \(or pass --overwrite to the CLI\) to start again/,
      );
      expect(logs.join('\n')).not.toMatch(/starting from scratch/);
      expect(await snapshot(dir)).toEqual(before);
    }
    // isCheckpointDir: invalid JSON is an error; another program's valid JSON is simply not ours.
    await fs.writeFile(path.join(dir, CHECKPOINT_FILE), '{ corrupt');
    await expect(isCheckpointDir(dir)).rejects.toBeInstanceOf(CheckpointCorruptError);
    await fs.writeFile(path.join(dir, CHECKPOINT_FILE), '{"format":"someone-else"}');
    expect(await isCheckpointDir(dir)).toBe(false);
    // Saving over a corrupt manifest: refused without overwrite, replaced (orphans removed) with it.
    await fs.writeFile(path.join(dir, CHECKPOINT_FILE), '{ corrupt');
    const s = new SmallState(4);
    await expect(saveCheckpoint(dir, s)).rejects.toBeInstanceOf(CheckpointCorruptError);
    await saveCheckpoint(dir, s, {}, { overwrite: true });
    expect((await fs.readdir(dir)).filter((f) => f.startsWith('weights-'))).toHaveLength(1);
    expect(await isCheckpointDir(dir)).toBe(true);
    s.dispose();
  });
});

describe('temporary files and orphans (item 8)', () => {
  it(row('core/atomic-write-failure'), async () => {
    const dir = tmp('atomic');
    await fs.mkdir(dir);
    const file = path.join(dir, 'run.json');
    await fs.writeFile(file, 'old');
    const realOpen = fs.open.bind(fs);
    const failures: [string, (h: fs.FileHandle) => void][] = [
      ['ENOSPC', (h) => vi.spyOn(h, 'writeFile').mockRejectedValue(errnoError('ENOSPC', 'write', 'x'))],
      ['EIO', (h) => vi.spyOn(h, 'sync').mockRejectedValue(errnoError('EIO', 'fsync', 'x'))],
    ];
    for (const [code, inject] of failures) {
      const spy = vi.spyOn(fs, 'open').mockImplementation(async (...args: Parameters<typeof fs.open>) => {
        const h = await realOpen(...args);
        inject(h);
        return h;
      });
      const err = await writeFileAtomic(file, 'new').then(unexpected, (e: unknown) => e as Error);
      spy.mockRestore();
      expect(err).toBeInstanceOf(FileSystemError);
      expect((err as FileSystemError).code).toBe(code);
      expect(err.message).toMatch(new RegExp(`^cannot write '${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': .*\\(${code}\\)$`));
      expect(await fs.readdir(dir)).toEqual(['run.json']); // no temporary left
      expect(await fs.readFile(file, 'utf8')).toBe('old');
    }
    const rename = vi.spyOn(fs, 'rename').mockRejectedValue(errnoError('EROFS', 'rename', 'x'));
    const err = await writeFileAtomic(file, 'new').then(unexpected, (e: unknown) => e as Error);
    rename.mockRestore();
    expect(err.message).toBe(`cannot write '${file}': read-only file system (EROFS)`);
    expect(await fs.readdir(dir)).toEqual(['run.json']);
  });

  it(row('core/checkpoint-orphans'), async () => {
    const { dir, state, manifest } = await saved('orphans');
    // Leftovers of an interrupted save: an unreferenced weights file, temporaries of a dead process.
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: never running
    const orphans = [
      'weights-aaaa-111111.bin',
      `.weights-bbbb-222222.bin.tmp-${deadPid}-0123abcd`,
      `.checkpoint.json.tmp-${deadPid}-89abcdef`,
    ];
    // Kept: a user's file, a temporary of a live process (another writer), a file merely resembling ours.
    const kept = ['notes.txt', `.checkpoint.json.tmp-${process.ppid}-00000000`, 'weights-final.bin'];
    for (const f of [...orphans, ...kept]) await fs.writeFile(path.join(dir, f), 'x');
    await saveCheckpoint(dir, state, { epoch: 2 }, { overwrite: true });
    const after = (await fs.readdir(dir)).sort();
    const current = (await readManifest(dir)).weightsFile;
    expect(after).toEqual([...kept, CHECKPOINT_FILE, current].sort());
    expect(current).not.toBe(manifest.weightsFile);

    // A first save killed after its weights were renamed leaves a folder of only our weights: not refused.
    const first = tmp('first-orphan');
    await fs.mkdir(first);
    await fs.writeFile(path.join(first, 'weights-cccc-333333.bin'), 'x');
    await saveCheckpoint(first, state);
    expect((await fs.readdir(first)).filter((f) => f.startsWith('weights-'))).toEqual([(await readManifest(first)).weightsFile]);

    // A manifest write that fails drops the new weights file and keeps the previous checkpoint.
    const before = await snapshot(first);
    const realWrite = fs.open.bind(fs);
    const spy = vi.spyOn(fs, 'open').mockImplementation(async (...args: Parameters<typeof fs.open>) => {
      if (String(args[0]).includes(`.${CHECKPOINT_FILE}.tmp-`)) throw errnoError('ENOSPC', 'open', String(args[0]));
      return realWrite(...args);
    });
    const err = await saveCheckpoint(first, state, { epoch: 3 }).then(unexpected, (e: unknown) => e as Error);
    spy.mockRestore();
    expect(err.message).toMatch(/cannot write '.*checkpoint\.json': no space left on device \(ENOSPC\)/);
    expect(await snapshot(first)).toEqual(before);
    state.dispose();
  });
});
