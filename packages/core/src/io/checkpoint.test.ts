import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Checkpointable } from '../types.js';
import { CHECKPOINT_FILE, isCheckpointDir, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';

useCpuLeakCheck();
const tmp = useTempDir('ckpt-test-');

/** A tiny trainable state: w [3, 2], b [2], a step counter (int32) and an Adam optimizer. */
class Tiny implements Checkpointable {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly count: tf.Variable;
  readonly opt: tf.Optimizer;
  constructor(
    seed: number,
    readonly extra = false,
  ) {
    this.w = tf.tidy(() => tf.variable(tf.randomNormal([3, 2], 0, 1, 'float32', seed)));
    this.b = tf.tidy(() => tf.variable(tf.zeros([2])));
    this.count = tf.tidy(() => tf.variable(tf.scalar(0, 'int32'), false));
    this.opt = tf.train.adam(0.05);
  }
  stateTensors(): Record<string, tf.Variable> {
    return { 'enc/w': this.w, 'enc/b': this.b, count: this.count };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { main: this.opt };
  }
  step(x: tf.Tensor2D): number {
    const loss = tf.tidy(() => {
      this.count.assign(tf.add(this.count, tf.scalar(1, 'int32')));
      return this.opt.minimize(() => tf.mean(tf.square(tf.add(tf.matMul(x, this.w), this.b))), true, [this.w, this.b])!;
    });
    const v = loss.dataSync()[0]!; // test helper only: not a training-loop hot path
    loss.dispose();
    return v;
  }
  dispose(): void {
    tf.dispose([this.w, this.b, this.count]);
    this.opt.dispose();
  }
}

const arr = async (v: tf.Tensor): Promise<unknown> => v.array();

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips variables, int32 state and Adam slots so training continues identically', async () => {
    const dir = tmp('roundtrip');
    const x = tf.tensor2d([
      [1, 2, 3],
      [0.5, -1, 2],
    ]);
    const a = new Tiny(1);
    a.step(x);
    a.step(x);
    await saveCheckpoint(dir, a, { epoch: 2, losses: [1.5, 1.25] });
    expect(await isCheckpointDir(dir)).toBe(true);

    const b = new Tiny(99); // different init, fresh optimizer without slots
    const meta = await loadCheckpoint(dir, b);
    expect(meta).toEqual({ epoch: 2, losses: [1.5, 1.25] });
    for (const name of ['enc/w', 'enc/b', 'count']) {
      expect(await arr(b.stateTensors()[name]!)).toEqual(await arr(a.stateTensors()[name]!));
    }
    expect(await arr(b.count)).toBe(2);
    // Same next steps: only true if Adam's iteration count and moments were restored.
    const la = [a.step(x), a.step(x)];
    const lb = [b.step(x), b.step(x)];
    expect(lb).toEqual(la);
    expect(await arr(b.w)).toEqual(await arr(a.w));

    // A third state that had already trained (so it holds slots) also restores exactly, without leaks.
    const c = new Tiny(5);
    c.step(x);
    await loadCheckpoint(dir, c);
    expect([c.step(x), c.step(x)]).toEqual(la);
    [a, b, c].forEach((s) => s.dispose());
    x.dispose();
  });

  it('writes atomically: one manifest, one weights file, no temporaries, old weights removed', async () => {
    const dir = tmp('atomic');
    const s = new Tiny(2);
    await saveCheckpoint(dir, s, { epoch: 1 });
    const first = await fs.readdir(dir);
    await saveCheckpoint(dir, s, { epoch: 2 });
    const files = (await fs.readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain(CHECKPOINT_FILE);
    expect(files.find((f) => f.startsWith('weights-'))).toBeDefined();
    expect(files.some((f) => f.includes('.tmp-'))).toBe(false);
    expect(files).not.toEqual(first.sort()); // a new weights file replaced the old one
    const manifest = JSON.parse(await fs.readFile(path.join(dir, CHECKPOINT_FILE), 'utf8')) as { meta: unknown };
    expect(manifest.meta).toEqual({ epoch: 2 });
    s.dispose();
  });

  it('never writes into a non-empty folder that is not a checkpoint unless overwrite: true', async () => {
    const dir = tmp('user');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'notes.txt'), 'mine');
    const s = new Tiny(3);
    await expect(saveCheckpoint(dir, s)).rejects.toThrow(/refusing to write a checkpoint into .*notes\.txt.*overwrite: true/);
    expect(await fs.readdir(dir)).toEqual(['notes.txt']);
    await saveCheckpoint(dir, s, {}, { overwrite: true });
    expect(await fs.readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine'); // still untouched
    expect(await isCheckpointDir(dir)).toBe(true);
    const file = tmp('a-file');
    await fs.writeFile(file, 'x');
    await expect(saveCheckpoint(file, s)).rejects.toThrow(/not a directory/);
    s.dispose();
  });

  it('gives clear errors and leaves the state untouched on a bad checkpoint', async () => {
    const s = new Tiny(4);
    await expect(loadCheckpoint(tmp('nope'), s)).rejects.toThrow(/checkpoint directory '.*nope' does not exist/);
    const empty = tmp('empty');
    await fs.mkdir(empty);
    await expect(loadCheckpoint(empty, s)).rejects.toThrow(/checkpoint.json is missing/);

    // Saved from a state with a differently shaped w and without 'count'.
    const dir = tmp('mismatch');
    const other: Checkpointable = {
      stateTensors: () => ({ 'enc/w': wBig, 'enc/b': s.b }),
      optimizers: () => ({}),
    };
    const wBig = tf.tidy(() => tf.variable(tf.zeros([4, 2])));
    await saveCheckpoint(dir, other);
    const wBefore = await arr(s.w);
    const onlyW: Checkpointable = { stateTensors: () => ({ 'enc/w': s.w }), optimizers: () => ({}) };
    await expect(loadCheckpoint(dir, onlyW)).rejects.toThrow("variable 'enc/w': checkpoint has shape [4, 2], the state has shape [3, 2]");
    const withCount: Checkpointable = { stateTensors: () => ({ 'enc/b': s.b, count: s.count }), optimizers: () => ({}) };
    await expect(loadCheckpoint(dir, withCount)).rejects.toThrow(/has no variable 'count' \(it has 2: enc\/w, enc\/b\)/);
    const onlyB: Checkpointable = { stateTensors: () => ({ 'enc/b': s.b }), optimizers: () => ({}) };
    await expect(loadCheckpoint(dir, onlyB)).rejects.toThrow(/holds state this model lacks \(enc\/w\)/);
    await loadCheckpoint(dir, onlyB, { strict: false });
    const withOpt: Checkpointable = { stateTensors: () => ({ 'enc/b': s.b }), optimizers: () => ({ main: s.opt }) };
    await expect(loadCheckpoint(dir, withOpt, { strict: false })).rejects.toThrow(/no optimizer 'main'/);
    expect(await arr(s.w)).toEqual(wBefore);

    // A truncated weights file is detected.
    const manifest = JSON.parse(await fs.readFile(path.join(dir, CHECKPOINT_FILE), 'utf8')) as { weightsFile: string };
    await fs.writeFile(path.join(dir, manifest.weightsFile), Buffer.alloc(3));
    await expect(loadCheckpoint(dir, onlyB)).rejects.toThrow(/has 3 bytes, the manifest says/);
    wBig.dispose();
    s.dispose();
  });
});
