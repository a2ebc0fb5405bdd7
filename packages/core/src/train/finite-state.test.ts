import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { NonFiniteStateError } from '../errors.js';
import { loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { FileSystemError, errnoInWords } from '../io/fs-errors.js';
import { assertFiniteState, countNonFinite, nonFiniteVariables } from './finite-state.js';

useCpuLeakCheck();

describe('nonFiniteVariables / assertFiniteState', () => {
  it('lists non-finite float variables and optimizer slots with counts, ignores int32, frees what it reads', async () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, Number.NaN, 2, 3])));
    const n = tf.tidy(() => tf.variable(tf.scalar(3, 'int32'), false));
    const opt = tf.train.adam(0.1);
    tf.tidy(() => {
      opt.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]); // the slots of w's NaN entry are NaN
    });
    tf.tidy(() => w.assign(tf.tensor1d([1, Number.NaN, Number.POSITIVE_INFINITY, Number.NaN])));
    const state = { stateTensors: () => ({ w, n }), optimizers: () => ({ main: opt }) };
    const found = await nonFiniteVariables(state);
    expect(found[0]).toEqual({ name: 'w', owner: 'variable', nan: 2, inf: 1, size: 4 });
    expect(found.slice(1).every((v) => v.owner === "optimizer 'main'")).toBe(true);
    await expect(assertFiniteState(state, 'the trained encoder')).rejects.toThrow(
      /^the trained encoder is not finite: 'w' \(2 NaN, 1 Inf of 4\), optimizer 'main' slot '.*'.*try a learning rate ten times smaller/,
    );
    await expect(assertFiniteState(state)).rejects.toBeInstanceOf(NonFiniteStateError);

    tf.tidy(() => w.assign(tf.ones([4])));
    opt.dispose();
    const clean = { stateTensors: () => ({ w, n }), optimizers: () => ({}) };
    expect(await nonFiniteVariables(clean)).toEqual([]);
    await assertFiniteState(clean);
    tf.dispose([w, n]);
  });

  it('a non-trainable scalar holding NaN is a "not set yet" sentinel: saved and loaded; nothing else is', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sentinel-'));
    const make = (values: number[], trainable: boolean) =>
      tf.tidy(() => tf.variable(values.length === 1 ? tf.scalar(values[0]!) : tf.tensor1d(values), trainable));
    const unset = make([Number.NaN], false);
    const w = make([1, 2], true);
    const state = { stateTensors: () => ({ unset, w }), optimizers: () => ({}) };
    expect(await nonFiniteVariables(state)).toEqual([]);
    await saveCheckpoint(dir, state);
    const target = make([5], false);
    await loadCheckpoint(dir, { stateTensors: () => ({ unset: target, w }), optimizers: () => ({}) });
    expect(Number.isNaN((await target.data())[0])).toBe(true);
    for (const [values, trainable] of [
      [[Number.NaN], true],
      [[Number.POSITIVE_INFINITY], false],
      [[Number.NaN, 1], false],
    ] as const) {
      const bad = make([...values], trainable);
      const s = { stateTensors: () => ({ bad }), optimizers: () => ({}) };
      expect(await nonFiniteVariables(s)).toHaveLength(1);
      await expect(saveCheckpoint(dir, s)).rejects.toBeInstanceOf(NonFiniteStateError);
      bad.dispose();
    }
    tf.dispose([unset, w, target]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('countNonFinite counts NaN and both infinities', () => {
    expect(countNonFinite([0, Number.NaN, -Infinity, Infinity, 1e38])).toEqual({ nan: 1, inf: 2 });
  });
});

describe('FileSystemError', () => {
  it('names the file and the errno in words, and keeps code, syscall and the cause', () => {
    const cause = Object.assign(new Error("EROFS: read-only file system, open '/x/.run.json.tmp-1-00000000'"), {
      code: 'EROFS',
      syscall: 'open',
    });
    const err = new FileSystemError('write', '/x/run.json', cause);
    expect(err.message).toBe("cannot write '/x/run.json': read-only file system (EROFS)");
    expect(err).toMatchObject({ code: 'EROFS', syscall: 'open', path: '/x/run.json', cause });
    expect(errnoInWords('ENOSPC')).toBe('no space left on device (ENOSPC)');
    expect(errnoInWords('EWEIRD')).toBe('EWEIRD');
  });
});
