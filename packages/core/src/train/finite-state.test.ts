import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { NonFiniteStateError } from '../errors.js';
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
