import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteStateError } from '@contrastive/core';
import { faultCase, faultTitle, runIsolated, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { readCorpus, readRetrievalPairs, readStsPairs, readTriplets } from '../data/corpus.js';
import { parseStsPairs } from '../data/parse-corpus.js';
import { BERT_ARTIFACTS_FORMAT, loadBertEncoder } from '../encoders/bert.js';
import { BERT_CONFIG_BOUNDS, fromHfConfig } from '../encoders/bert-config.js';
import { loadBertCheckpoint } from '../encoders/hf-checkpoint.js';
import { readSafetensors, SAFETENSORS_MAX_HEADER_BYTES } from '../encoders/safetensors.js';
import { loadSentenceEncoder, saveSentenceEncoder } from '../encoders/sentence-encoder-files.js';
import type { TextEmbedder } from '../encoders/sentence-encoder.js';
import { ModelFileError, NonFiniteEmbeddingError, SafetensorsError, TextDataError } from '../errors.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import { evaluateRetrieval, evaluateSts } from '../eval/evaluate.js';
import { OnnxSentenceEncoder } from '../frozen/onnx-encoder.js';
import { denseRanks, metricsFromRanks } from '../eval/retrieval.js';
import { FAULT_CASES } from './cases.js';
import { hashTree, modelFolder, safetensorsBytes, TINY_BERT } from './fixtures.js';

const title = (id: string): string => faultTitle(faultCase(FAULT_CASES, id));
const FILE = 'weights/model.safetensors';
const tmp = useTempDir('text-parser-faults-');
let folders = 0;
/** A new empty folder under this file's temporary root (removed after the last test). */
function fresh(prefix: string): string {
  const dir = tmp(`${prefix}-${folders++}`);
  mkdirSync(dir);
  return dir;
}

/** Expects `fn` to throw a SafetensorsError naming FILE (and `tensor`), with a message matching `message`. */
function expectSafetensorsError(fn: () => unknown, message: RegExp, tensor?: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'a SafetensorsError').toBeInstanceOf(SafetensorsError);
  const e = error as SafetensorsError;
  expect(e.code).toBe('ESAFETENSORS');
  expect(e.file).toBe(FILE);
  expect(e.message).toContain(FILE);
  expect(e.message).toMatch(message);
  if (tensor !== undefined) {
    expect(e.tensor).toBe(tensor);
    expect(e.message).toContain(`'${tensor}'`);
  }
}

/** Two F32 tensors, a [2] and b [1], 12 data bytes: a valid file to mutate. */
const valid = () => ({
  a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
  b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
});
const read = (header: unknown, data: number | Uint8Array = 12, options = {}) =>
  readSafetensors(safetensorsBytes(header, data, options), FILE);

describe('safetensors: every malformed header is a SafetensorsError naming the file and the tensor (item 9)', () => {
  it('reads the valid base file', () => {
    expect([...read(valid()).tensors.keys()]).toEqual(['a', 'b']);
  });

  it(title('text/safetensors-negative-offsets'), () => {
    expectSafetensorsError(
      () => read({ a: { dtype: 'F32', shape: [16], data_offsets: [-1000, -936] } }, 64),
      /data_offsets must be \[begin, end\] of non-negative integers, got \[-1000,-936\]/,
      'a',
    );
    // The same through the model loader: the file is named with its path.
    const dir = fresh('neg-offsets');
    const bytes = readFileSync(path.join(TINY_BERT, 'model.safetensors'));
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: number[] }>;
    const name = Object.keys(header).find((k) => k !== '__metadata__')!;
    header[name]!.data_offsets = header[name]!.data_offsets.map((o) => o - 100_000);
    modelFolder(dir, { safetensors: safetensorsBytes(header, bytes.subarray(8 + n)) });
    expect(() => loadBertCheckpoint(dir)).toThrow(SafetensorsError);
    expect(() => loadBertCheckpoint(dir)).toThrow(
      new RegExp(`${path.join(dir, 'model.safetensors')}: tensor '${name.replace(/\./g, '\\.')}'`),
    );
  });

  it(title('text/safetensors-missing-offsets'), () => {
    const h = valid() as Record<string, Record<string, unknown>>;
    delete h.b!.data_offsets;
    expectSafetensorsError(() => read(h), /data_offsets must be \[begin, end\].*got undefined/, 'b');
    expectSafetensorsError(() => read({ ...valid(), b: { ...valid().b, data_offsets: [8] } }), /data_offsets/, 'b');
    expectSafetensorsError(() => read({ ...valid(), b: { ...valid().b, data_offsets: [8, '12'] } }), /data_offsets/, 'b');
  });

  it(title('text/safetensors-shape-not-array'), () => {
    for (const shape of ['16', [2.5], [-1], null, { 0: 2 }]) {
      expectSafetensorsError(
        () => read({ ...valid(), a: { ...valid().a, shape } }),
        /shape must be an array of non-negative integers/,
        'a',
      );
    }
    // A shape whose product does not match the byte range (including a huge one that cannot overflow the count).
    expectSafetensorsError(() => read({ ...valid(), a: { ...valid().a, shape: [3] } }), /do not match shape \[3\] of F32/, 'a');
    expectSafetensorsError(() => read({ ...valid(), a: { ...valid().a, shape: [2 ** 52, 2 ** 52] } }), /do not match shape/, 'a');
  });

  it(title('text/safetensors-null-header'), () => {
    expectSafetensorsError(() => read(null), /header must be a JSON object.*got null/);
    expectSafetensorsError(() => read([1, 2]), /header must be a JSON object/);
    expectSafetensorsError(() => read(undefined, 0, { rawHeader: new TextEncoder().encode('{"a": ') }), /not valid UTF-8 JSON/);
    expectSafetensorsError(() => read(undefined, 0, { rawHeader: Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d) }), /not valid UTF-8 JSON/);
    expectSafetensorsError(() => read({ ...valid(), b: null }), /entry must be an object/, 'b');
    expectSafetensorsError(() => read({ ...valid(), __metadata__: { format: 3 } }), /__metadata__ must be an object of strings/);
    expectSafetensorsError(() => readSafetensors(new Uint8Array(5), FILE), /file too short \(5 bytes\)/);
  });

  it(title('text/safetensors-offsets-past-end'), () => {
    expectSafetensorsError(
      () => read(valid(), 10),
      /data_offsets \[8, 12\] run past the end of the file \(its data section is 10 bytes\)/,
      'b',
    );
    expectSafetensorsError(
      () => read({ ...valid(), b: { ...valid().b, data_offsets: [8, 2 ** 53 - 1] } }),
      /run past the end of the file/,
      'b',
    );
  });

  it(title('text/safetensors-overlap'), () => {
    expectSafetensorsError(
      () => read({ a: valid().a, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8),
      /data_offsets \[4, 8\] overlap tensor 'a' \[0, 8\]/,
      'b',
    );
    expectSafetensorsError(
      () => read({ a: valid().a, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, 16),
      /leave a gap of 4 bytes/,
      'b',
    );
    expectSafetensorsError(() => read(valid(), 20), /the tensors cover 12 bytes but the data section holds 20/);
  });

  it(title('text/safetensors-out-of-order'), () => {
    expectSafetensorsError(() => read({ ...valid(), b: { ...valid().b, data_offsets: [12, 8] } }), /\[12, 8\] are out of order/, 'b');
    // Header order need not follow offset order (real files list tensors by name): that is fine.
    expect([...read({ b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] }, a: valid().a }).tensors.keys()]).toEqual(['b', 'a']);
  });

  it(title('text/safetensors-unknown-dtype'), () => {
    for (const dtype of ['U8', 'F8_E4M3', 7, undefined]) {
      expectSafetensorsError(
        () => read({ ...valid(), a: { ...valid().a, dtype } }),
        /unsupported dtype .* \(expected one of F32, F16, BF16, F64, I64, I32\)/,
        'a',
      );
    }
  });

  it(title('text/safetensors-header-too-long'), () => {
    expectSafetensorsError(() => read(valid(), 12, { headerLength: 10_000n }), /header length 10000 is larger than the file/);
    expectSafetensorsError(
      () => read(valid(), 12, { headerLength: 2n ** 64n - 1n }),
      new RegExp(`header length 18446744073709551615 exceeds the bound of ${SAFETENSORS_MAX_HEADER_BYTES} bytes`),
    );
  });
});

describe('config.json: sizes are checked against the weights file before anything is allocated (item 4)', () => {
  it(title('text/config-vocab-1e7'), async () => {
    const dir = fresh('vocab-1e7');
    const huge = modelFolder(path.join(dir, 'huge'), {
      config: (c) => Object.assign(c, { vocab_size: 1e7, hidden_size: 128, num_attention_heads: 2 }),
    });
    expect(() => loadBertCheckpoint(huge)).toThrow(ModelFileError);
    expect(() => loadBertCheckpoint(huge)).toThrow(
      new RegExp(`${path.join(huge, 'config.json')}: 'vocab_size' must be at most ${BERT_CONFIG_BOUNDS.vocabSize}.*got 10000000`),
    );
    // Within the bounds, but not what the file holds (the old loader allocated 4 GB for this one): the weight and both shapes.
    const big = modelFolder(path.join(dir, 'big'), {
      config: (c) => Object.assign(c, { vocab_size: 1_000_000, hidden_size: 1024, num_attention_heads: 16, intermediate_size: 4096 }),
    });
    expect(() => loadBertCheckpoint(big)).toThrow(
      /model\.safetensors: weight 'embeddings\.word_embeddings\.weight' has shape \[40, 16\] \(F32\) but .*config\.json implies \[1000000, 1024\]/,
    );
    // The tfjs-artifacts loader checks its weight specs against the config first too.
    const specs = [{ name: 'embeddings.word_embeddings.weight', shape: [40, 16], dtype: 'float32' as const }];
    const artifacts = {
      modelTopology: { format: BERT_ARTIFACTS_FORMAT, config: { ...JSON.parse(readFileSync(path.join(big, 'config.json'), 'utf8')) } },
      weightSpecs: specs,
      weightData: new ArrayBuffer(40 * 16 * 4),
    };
    await expect(loadBertEncoder({ load: async () => artifacts })).rejects.toThrow(
      /loadBertEncoder: weight 'embeddings\.word_embeddings\.weight' has shape \[40,16\] but the config implies \[1000000,1024\]/,
    );
    // Both in a child with a capped heap: refused with a small peak RSS (the old code needed 4-5 GB).
    const script = fileURLToPath(new URL('./load-model.child.ts', import.meta.url));
    for (const folder of [huge, big]) {
      const r = await runIsolated(script, { args: [folder], maxOldSpaceMb: 256, timeoutMs: 60_000 });
      expect(r.stderr).toMatch(/ModelFileError/);
      expect(r.exitCode).toBe(0);
      expect(r.timedOut).toBe(false);
      expect(r.peakRssMb!).toBeLessThan(400);
    }
  });

  it(title('text/tokenizer-folder-name'), async () => {
    const parent = fresh('tok-name');
    const plain = await loadTokenizer(modelFolder(path.join(parent, 'plain')));
    for (const name of ['my model', 'a+b', '100%']) {
      const dir = modelFolder(path.join(parent, name));
      // The tokenizer files are read directly: the folder's name does not matter, the ids are the plain folder's.
      const tok = await loadTokenizer(dir);
      expect(tok.vocabSize).toBe(40);
      expect(tok.encode('the cat sat')).toEqual(plain.encode('the cat sat'));
      const encoder = await loadSentenceEncoder(dir);
      expect(encoder.tokenizer.vocabSize).toBe(40);
      encoder.dispose();
      // The ONNX graph still loads through transformers.js, which reads the name as a URL path: named, with the fix.
      const onnx = path.join(parent, `onnx ${name}`);
      cpSync(fileURLToPath(new URL('../__fixtures__/tiny-bert-onnx/', import.meta.url)), onnx, { recursive: true });
      const e = await OnnxSentenceEncoder.load(onnx).catch((x: unknown) => x);
      expect((e as Error).message).toContain(`could not load the ONNX model 'onnx ${name}'`);
      expect((e as Error).message).toContain(`rename 'onnx ${name}' or copy the folder`);
    }
  });

  it(title('text/config-bounds'), () => {
    const base = JSON.parse(readFileSync(path.join(TINY_BERT, 'config.json'), 'utf8')) as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp, string][] = [
      [{ hidden_size: 1e6 }, /'hidden_size' must be at most 8192/, 'hidden_size'],
      [{ num_hidden_layers: 1e4 }, /'num_hidden_layers' must be at most 256/, 'num_hidden_layers'],
      [{ intermediate_size: 1e9 }, /'intermediate_size' must be at most 65536/, 'intermediate_size'],
      [{ layer_norm_eps: Number.NaN }, /'layer_norm_eps' must be a finite number > 0/, 'layer_norm_eps'],
      [{ vocab_size: '40' }, /'vocab_size' must be a number, got "40"/, 'vocab_size'],
      [{ pad_token_id: 40 }, /'pad_token_id' must be an integer in \[0, vocabSize 40\)/, 'pad_token_id'],
    ];
    for (const [patch, message, field] of cases) {
      let error: unknown;
      try {
        fromHfConfig({ ...base, ...patch }, 'my/config.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as ModelFileError).message).toMatch(/^my\/config\.json: /);
      expect((error as ModelFileError).message).toMatch(message);
      expect((error as ModelFileError).field).toBe(field);
    }
    expect(() => fromHfConfig(null as unknown as Record<string, unknown>, 'my/config.json')).toThrow(
      /my\/config\.json: must be a JSON object/,
    );
    // A config.json that is not JSON, through the loader.
    const dir = modelFolder(fresh('cfg-json'));
    writeFileSync(path.join(dir, 'config.json'), '{"vocab_size": ');
    expect(() => loadBertCheckpoint(dir)).toThrow(new RegExp(`${path.join(dir, 'config.json')}: not valid JSON`));
  });
});

describe('a non-finite model is never scored, saved or loaded (item 1)', () => {
  useCpuLeakCheck();

  it(title('text/dense-rank-nan'), async () => {
    const nan = Float32Array.of(Number.NaN, Number.NaN);
    const docs = [Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(0.7, 0.7)];
    // A NaN query: every gold score is NaN, so each gold ranks last (the old `sc >= gs` ranked it first).
    const nanRanks = await denseRanks([nan, nan], docs, Int32Array.of(0, 1));
    expect(Array.from(nanRanks)).toEqual([3, 3]);
    expect(metricsFromRanks(nanRanks, 3)).toMatchObject({ recallAt1: 0, mrrAt10: 1 / 3 });
    // A NaN gold document ranks last; a NaN other document never outranks a finite gold.
    const mixed = await denseRanks(
      [Float32Array.of(1, 0), Float32Array.of(1, 0)],
      [Float32Array.of(1, 0), nan, Float32Array.of(0, 1)],
      Int32Array.of(1, 0),
    );
    expect(Array.from(mixed)).toEqual([3, 1]);
  });

  it(title('text/eval-nonfinite-embedding'), async () => {
    const broken = (bad: number): TextEmbedder => ({
      encode: async (texts) => texts.map((_t, i) => (i === 1 ? Float32Array.of(bad, 1) : Float32Array.of(1, i))),
    });
    const pairs = [
      { query: 'q0', document: 'd0' },
      { query: 'q1', document: 'd1' },
    ];
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(evaluateRetrieval(broken(bad), pairs)).rejects.toThrow(NonFiniteEmbeddingError);
      await expect(evaluateRetrieval(broken(bad), pairs)).rejects.toThrow(/the embedding of document 1 .*is not finite/);
      await expect(
        evaluateSts(broken(bad), [
          { sentence1: 'a', sentence2: 'b', score: 1 },
          { sentence1: 'c', sentence2: 'd', score: 2 },
        ]),
      ).rejects.toThrow(/the embedding of sentence1 of pair 1 .*is not finite/);
    }
    const e = await evaluateRetrieval(broken(Number.NaN), pairs).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ENONFINITE', index: 1 });
  });

  it(title('text/save-nonfinite-model'), async () => {
    const dir = fresh('save-nan');
    const folder = modelFolder(path.join(dir, 'model'));
    const encoder = await loadSentenceEncoder(folder);
    const before = hashTree(folder);
    const w = encoder.bert.weight('encoder.layer.1.output.dense.bias');
    const poisoned = tf.fill(w.shape, Number.NaN);
    w.assign(poisoned);
    poisoned.dispose();
    await expect(saveSentenceEncoder(encoder, folder)).rejects.toThrow(NonFiniteStateError);
    await expect(saveSentenceEncoder(encoder, folder)).rejects.toThrow(/'encoder\.layer\.1\.output\.dense\.bias' \(16 NaN of 16\)/);
    expect(hashTree(folder)).toEqual(before);
    encoder.dispose();
  });

  it(title('text/nan-weights-model'), async () => {
    const dir = modelFolder(fresh('nan-weights'), {
      mutate: (t) => t.get('encoder.layer.0.attention.self.query.weight')!.data.fill(Number.NaN, 0, 5),
    });
    await expect(loadSentenceEncoder(dir)).rejects.toThrow(SafetensorsError);
    await expect(loadSentenceEncoder(dir)).rejects.toThrow(
      new RegExp(
        `${path.join(dir, 'model.safetensors')}: tensor 'encoder\\.layer\\.0\\.attention\\.self\\.query\\.weight': holds 5 NaN and 0 Infinity values`,
      ),
    );
  });
});

describe('data files: typed errors naming the file (items 9, 10)', () => {
  it(title('text/sts-constant-gold'), () => {
    let error: unknown;
    try {
      parseStsPairs('a\tb\t3\nc\td\t3\ne\tf\t3\n', 'sts/dev.tsv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TextDataError);
    expect((error as TextDataError).message).toMatch(/^sts\/dev\.tsv: every gold score is 3: Spearman's correlation is undefined/);
    expect(parseStsPairs('a\tb\t3\nc\td\t3.5\n', 'x.tsv')).toHaveLength(2);
  });

  it(title('text/data-file-unreadable'), () => {
    const dir = fresh('unreadable');
    mkdirSync(path.join(dir, 'folder.jsonl'));
    for (const read of [readCorpus, readTriplets, readRetrievalPairs, readStsPairs]) {
      expect(() => read(path.join(dir, 'missing.txt'))).toThrow(TextDataError);
      expect(() => read(path.join(dir, 'missing.txt'))).toThrow(/missing\.txt: file not found/);
      expect(() => read(path.join(dir, 'folder.jsonl'))).toThrow(/folder\.jsonl: cannot be read \(EISDIR\)/);
    }
  });
});
