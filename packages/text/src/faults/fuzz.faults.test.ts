import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultCase, faultTitle, runIsolated } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenizerFileError } from '../errors.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import { FAULT_CASES } from './cases.js';

const title = (id: string): string => faultTitle(faultCase(FAULT_CASES, id));
const child = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));
/** One seed per CI run would find new counterexamples but make failures unrepeatable: a fixed seed, overridable. */
const SEED = process.env.FUZZ_SEED ?? '18';

let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'text-fuzz-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Runs a fuzz child: it exits 0 only when every generated input gave a clean result or a typed error naming the
 * file. Each child runs with a 256 MB V8 heap and a 30 s timeout (a few seconds are needed); `maxRssMb` is the
 * stated bound on its peak resident memory (typed arrays and wasm included).
 */
async function fuzz(script: string, maxRssMb: number, args: string[] = []): Promise<void> {
  const r = await runIsolated(child(script), { args: [SEED, ...args], maxOldSpaceMb: 256, timeoutMs: 30_000 });
  expect(r.timedOut, `${script} timed out`).toBe(false);
  expect(r.exitCode, `${script} failed:\n${r.stderr.slice(-3000)}`).toBe(0);
  expect(r.stdout).toMatch(/\d+ runs/);
  expect(r.peakRssMb, `${script} peak RSS`).not.toBeNull();
  expect(r.peakRssMb!).toBeLessThan(maxRssMb);
}

describe('fuzzing the text parsers in a child process', () => {
  it(title('text/fuzz-safetensors'), async () => {
    await fuzz('fuzz-safetensors.child.ts', 300);
  });

  it(title('text/fuzz-bert-config'), async () => {
    await fuzz('fuzz-config.child.ts', 400);
  });

  it(title('text/fuzz-tokenizer-json'), async () => {
    const dir = path.join(scratch, 'tokenizers');
    mkdirSync(dir);
    await fuzz('fuzz-tokenizer.child.ts', 400, [dir]);
  });

  it(title('text/fuzz-data-readers'), async () => {
    await fuzz('fuzz-data.child.ts', 300);
  });
});

describe('tokenizer.json: what the fuzzer found', () => {
  it(`${title('text/fuzz-tokenizer-json')}: a token id of 1e9 (transformers.js would allocate an array that long)`, async () => {
    const dir = path.join(scratch, 'huge-id');
    mkdirSync(dir);
    const vocab = { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, hello: 945_917_834 };
    writeFileSync(
      path.join(dir, 'tokenizer.json'),
      JSON.stringify({ model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab } }),
    );
    const e = await loadTokenizer(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TokenizerFileError);
    expect((e as TokenizerFileError).message).toBe(
      `${path.join(dir, 'tokenizer.json')}: model.vocab["hello"] is 945917834, far above the 5 tokens the file holds (bound: ids < 1034, 2 × tokens + 1024)`,
    );
  });

  it(`${title('text/fuzz-tokenizer-json')}: a post-processor without its template loads but cannot encode`, async () => {
    const dir = path.join(scratch, 'no-template');
    mkdirSync(dir);
    const src = fileURLToPath(new URL('../__fixtures__/tiny-bert-onnx/', import.meta.url));
    const json = JSON.parse((await import('node:fs')).readFileSync(path.join(src, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ ...json, post_processor: { type: 'TemplateProcessing' } }));
    await expect(loadTokenizer(dir)).rejects.toThrow(TokenizerFileError);
    await expect(loadTokenizer(dir)).rejects.toThrow(new RegExp(`^${path.join(dir, 'tokenizer.json')}: could not load a tokenizer`));
    expect(readdirSync(dir)).toEqual(['tokenizer.json']);
  });
});
