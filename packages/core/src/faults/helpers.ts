/** Shared helpers of core's fault tests (not a test file itself). */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Checkpointable } from '../types.js';

/** Every file of `dir` (not recursive) with the SHA-256 of its bytes: equal snapshots = byte-identical folder. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await fs.readdir(dir)).sort()) {
    const file = path.join(dir, name);
    if ((await fs.stat(file)).isFile())
      out[name] = createHash('sha256')
        .update(await fs.readFile(file))
        .digest('hex');
  }
  return out;
}

/** A small checkpointable state: w [3, 4] float, count int32, flag bool, and an Adam optimizer with slots. */
export class SmallState implements Checkpointable {
  readonly w: tf.Variable;
  readonly count: tf.Variable;
  readonly flag: tf.Variable;
  readonly opt = tf.train.adam(0.1);
  constructor(seed = 1) {
    this.w = tf.tidy(() => tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', seed)));
    this.count = tf.tidy(() => tf.variable(tf.scalar(3, 'int32'), false));
    this.flag = tf.tidy(() => tf.variable(tf.tensor1d([true, false], 'bool'), false));
  }
  /** One Adam step, so the optimizer holds slots. */
  train(): void {
    tf.tidy(() => {
      this.opt.minimize(() => tf.sum(tf.square(this.w)) as tf.Scalar, false, [this.w]);
    });
  }
  stateTensors(): Record<string, tf.Variable> {
    return { w: this.w, count: this.count, flag: this.flag };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.opt };
  }
  dispose(): void {
    tf.dispose([this.w, this.count, this.flag]);
    this.opt.dispose();
  }
}

/** An errno error as Node throws it. */
export function errnoError(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  const words: Record<string, string> = { ENOSPC: 'no space left on device', EROFS: 'read-only file system' };
  return Object.assign(new Error(`${code}: ${words[code] ?? 'error'}, ${syscall} '${file}'`), { code, syscall, path: file, errno: -1 });
}

/**
 * Mounts a tmpfs of `sizeKb` KiB on `dir` (created), read-only with `readOnly`. True when it worked (root on
 * Linux). Tests that need a real file-system fault use it and, when it is impossible, fail on CI and otherwise
 * run the same code path with an injected error. `CONTRASTIVE_FAULTS_NO_MOUNT=1` forces that injected path.
 */
export function tryMountTmpfs(dir: string, sizeKb: number, readOnly = false): boolean {
  if (process.env.CONTRASTIVE_FAULTS_NO_MOUNT === '1') return false;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k${readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Remounts `dir` read-only (or read-write). */
export function remount(dir: string, readOnly: boolean): void {
  execFileSync('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, dir], { stdio: 'ignore' });
}

/** Unmounts `dir` if it is mounted (ignores errors). */
export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
}

/** When a real mount is impossible: fine off CI (the injected error covers the path), a failure on CI. */
export function requireMountOnCi(what: string): void {
  if (process.env.CI) throw new Error(`${what}: cannot mount a tmpfs here (needs root on Linux), and CI must run the real fault`);
}

/** A 2 MiB weight matrix with an Adam optimizer that has taken one step (6 MiB checkpoints): slow enough to kill mid-save. */
export class BigState implements Checkpointable {
  readonly w: tf.Variable;
  readonly opt = tf.train.adam(0.01);
  constructor(seed = 1) {
    this.w = tf.tidy(() => tf.variable(tf.randomNormal([512, 1024], 0, 1, 'float32', seed)));
    tf.tidy(() => {
      this.opt.minimize(() => tf.mean(tf.square(this.w)) as tf.Scalar, false, [this.w]);
    });
  }
  stateTensors(): Record<string, tf.Variable> {
    return { w: this.w };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.opt };
  }
  dispose(): void {
    this.w.dispose();
    this.opt.dispose();
  }
}

/** For `promise.then(unexpected, (e) => e as Error)`: a promise that should have failed did not. */
export function unexpected(): never {
  throw new Error('expected the call to fail, it succeeded');
}
