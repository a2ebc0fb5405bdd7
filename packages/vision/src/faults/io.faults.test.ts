import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteStateError } from '@contrastive/core';
import { faultCase, faultTitle, runIsolated, useCpuLeakCheck } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFiniteEmbeddings, assertFiniteModel } from '../cli/finite.js';
import { scoreEncoder } from '../cli/evaluate.js';
import type { ImageDataset } from '../io/dataset.js';
import { DataFormatError, DataTooLargeError } from '../io/errors.js';
import { encodeIdx, parseIdx, writeIdx } from '../io/idx.js';
import { loadIdxDataset } from '../io/idx-dataset.js';
import { FAULT_CASES } from './cases.js';
import { idxHeader } from './fixtures.js';

const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const child = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

let dir: string;
useCpuLeakCheck();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vision-io-faults-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('IDX parser: sizes from the header, checked before allocating', () => {
  it(row('vision/idx-gzip-bomb'), async () => {
    const r = await runIsolated(child('idx-bomb.child.ts'), { args: ['declared'], maxOldSpaceMb: 256, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { name: string; code: string; file: string; message: string; size: number };
    expect(out.size).toBeLessThan(5e6); // the bomb itself is 4.5 MB
    expect(out).toMatchObject({ name: 'DataTooLargeError', code: 'EDATATOOLARGE', file: 'bomb-declared.gz' });
    expect(out.message).toMatch(/declares dims \[6000000, 28, 28\] = 4\.7 GB of data, above the 2\.1 GB bound/);
    expect(r.peakRssMb).toBeLessThan(200);
  });

  it(row('vision/idx-gzip-expands-past-header'), async () => {
    const r = await runIsolated(child('idx-bomb.child.ts'), { args: ['expands'], maxOldSpaceMb: 256, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { name: string; message: string };
    expect(out.name).toBe('DataFormatError');
    expect(out.message).toBe(
      'bomb-expands.gz: gzip data expands to more than the 7856 bytes its IDX header declares (dims [10, 28, 28]); the file is not one IDX array',
    );
    expect(r.peakRssMb).toBeLessThan(200);
  });

  it(row('vision/idx-declared-vs-present'), async () => {
    // Raw: the header declares 2×3×4 = 24 bytes, 10 are there.
    const raw = new Uint8Array([...idxHeader([2, 3, 4]), ...new Uint8Array(10)]);
    expect(() => parseIdx(raw, 'short-idx3-ubyte')).toThrow('short-idx3-ubyte: truncated IDX data: dims [2, 3, 4] need 24 bytes, found 10');
    // Gzip: 1 GB declared in a 30-byte gzip (deflate expands at most 1032×): refused before inflating.
    const small = gzipSync(idxHeader([1000, 1000, 1000]));
    const err = (() => {
      try {
        parseIdx(small, 'small.gz');
      } catch (e) {
        return e as DataFormatError;
      }
    })();
    expect(err).toBeInstanceOf(DataFormatError);
    expect(err!.file).toBe('small.gz');
    expect(err!.message).toMatch(
      /^small\.gz: truncated IDX data: dims \[1000, 1000, 1000\] need 1\.0 GB but a gzip file of \d+ B holds at most/,
    );
    // A lower maxBytes is honoured, from the header.
    expect(() => parseIdx(encodeIdx([4, 4], new Uint8Array(16), true), 'bounded.gz', { maxBytes: 8 })).toThrow(DataTooLargeError);
    // Trailing bytes: not one IDX array.
    const trailing = new Uint8Array([...encodeIdx([2], Uint8Array.of(1, 2)), 9, 9]);
    expect(() => parseIdx(trailing, 'trailing')).toThrow('trailing: 2 bytes after the IDX data (dims [2] = 2 bytes)');
    expect(() => parseIdx(gzipSync(trailing), 'trailing.gz')).toThrow(/trailing\.gz: gzip data expands to more than the 10 bytes/);
  });

  it(row('vision/idx-many-images'), async () => {
    const n = 130_000;
    const folder = join(dir, 'many');
    await mkdir(folder);
    await writeIdx(join(folder, 'train-images-idx3-ubyte.gz'), [n, 4, 4], new Uint8Array(n * 16).fill(7));
    await writeIdx(
      join(folder, 'train-labels-idx1-ubyte.gz'),
      [n],
      Uint8Array.from({ length: n }, (_, i) => i % 10),
    );
    const ds = await loadIdxDataset(folder);
    expect([ds.size, ds.height, ds.width]).toEqual([n, 4, 4]);
    expect(ds.classNames).toHaveLength(10);
    const x = await ds.read(Int32Array.of(0, n - 1));
    expect(x.shape).toEqual([2, 4, 4, 1]);
    x.dispose();
  });

  it(row('vision/fuzz-idx'), async () => {
    const r = await runIsolated(child('fuzz-idx.child.ts'), { args: ['400'], maxOldSpaceMb: 256, timeoutMs: 60_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fuzz-idx: 400 inputs/);
    expect(r.peakRssMb).toBeLessThan(300);
  });
});

describe('image folders', () => {
  it(row('vision/image-huge-declared-png'), async () => {
    const r = await runIsolated(child('huge-png.child.ts'), { maxOldSpaceMb: 256, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout) as { name: string; message: string; expectedFile: string };
    expect(out.name).toBe('DataTooLargeError');
    expect(out.message).toBe(
      `image file ${out.expectedFile} declares 100000x100000 = 10000000000 pixels, above the 134217728-pixel bound (maxInputPixels, checked from its header before decoding)`,
    );
    expect(r.peakRssMb).toBeLessThan(300);
  });

  it(row('vision/fuzz-image-folder'), async () => {
    const r = await runIsolated(child('fuzz-image-folder.child.ts'), { args: ['60'], maxOldSpaceMb: 384, timeoutMs: 90_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fuzz-image-folder: 60 folders/);
    expect(r.peakRssMb).toBeLessThan(400);
  });
});

describe('non-finite encoders are never scored', () => {
  const encoder = () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const bn = tf.layers.batchNormalization({ name: 'bn' });
    const out = tf.layers.globalAveragePooling2d({}).apply(tf.layers.reLU().apply(bn.apply(input))) as tf.SymbolicTensor;
    return { model: tf.model({ inputs: input, outputs: out, name: 'enc' }), bn };
  };
  const dataset = (n: number): ImageDataset => ({
    size: n,
    height: 4,
    width: 4,
    channels: 1,
    labels: Int32Array.from({ length: n }, (_, i) => i % 2),
    classNames: ['a', 'b'],
    source: 'memory',
    read: async (idx) =>
      tf.tidy(() => tf.ones([idx.length, 4, 4, 1]).mul(tf.tensor(Array.from(idx), [idx.length, 1, 1, 1]).add(1)) as tf.Tensor4D),
  });

  it(row('vision/nonfinite-encoder'), async () => {
    const { model, bn } = encoder();
    await assertFiniteModel(model, 'the trained encoder'); // finite: passes
    const variance = bn.weights.find((w) => w.name.includes('moving_variance'))!;
    const inf = tf.fill(variance.shape as number[], Number.POSITIVE_INFINITY);
    variance.write(inf);
    inf.dispose();
    const err = await assertFiniteModel(model, 'the trained encoder').catch((e: unknown) => e as NonFiniteStateError);
    expect(err).toBeInstanceOf(NonFiniteStateError);
    expect(err!.code).toBe('ENONFINITE');
    expect(err!.message).toMatch(/^the trained encoder is not finite: 'encoder\/\d+_moving_variance' \(1 Inf of 1\)/);
    // Scoring refuses non-finite embeddings (Inf variance → 0 output here, so inject NaN at the source instead).
    const nanData: ImageDataset = { ...dataset(8), read: async (idx) => tf.fill([idx.length, 4, 4, 1], Number.NaN) as tf.Tensor4D };
    const lin = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] })] });
    await expect(scoreEncoder(lin, nanData, dataset(8), { probeEpochs: 1, knnK: 3 })).rejects.toThrow(
      /^the embeddings of memory is not finite: 'embeddings' \(128 NaN of 128\)/,
    );
    const e = tf.tensor2d([[1, Number.NaN]]);
    await expect(assertFiniteEmbeddings(e, 'x')).rejects.toThrow(NonFiniteStateError);
    e.dispose();
    lin.dispose();
    model.dispose();
  });
});
