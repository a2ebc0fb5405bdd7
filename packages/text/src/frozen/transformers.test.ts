// @huggingface/transformers is an optional peer dependency (issue 19): only the frozen ONNX encoder imports it, lazily,
// and its absence is an OptionalDependencyError naming the package and the install command. The absence is simulated
// with an importer that rejects the way Node does when a package is not installed.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { loadSentenceEncoder } from '../encoders/sentence-encoder-files.js';
import { OptionalDependencyError } from '../errors.js';
import { modelFolder } from '../faults/fixtures.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import { loadEncoder } from './load-encoder.js';
import { OnnxSentenceEncoder } from './onnx-encoder.js';
import { importTransformers, setTransformersImporter } from './transformers.js';

const src = fileURLToPath(new URL('../', import.meta.url));
const onnxDir = path.join(src, '__fixtures__', 'tiny-bert-onnx');
const tmp = useTempDir('text-no-transformers-');

/** What Node's ESM loader throws for `import('@huggingface/transformers')` when the package is not installed. */
const notInstalled = (name = '@huggingface/transformers') =>
  Object.assign(
    new Error(`Cannot find package '${name}' imported from /project/node_modules/@contrastive/text/dist/frozen/transformers.js`),
    {
      code: 'ERR_MODULE_NOT_FOUND',
    },
  );

describe('@huggingface/transformers is optional', () => {
  useCpuLeakCheck();
  afterEach(() => setTransformersImporter());

  it('OnnxSentenceEncoder.load and loadEncoder name the package and the install command when it is absent', async () => {
    setTransformersImporter(() => Promise.reject(notInstalled()));
    const e = await OnnxSentenceEncoder.load(onnxDir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OptionalDependencyError);
    const err = e as OptionalDependencyError;
    expect([err.code, err.dependency, err.install]).toEqual([
      'EOPTIONALDEP',
      '@huggingface/transformers',
      'npm install @huggingface/transformers',
    ]);
    expect(err.message).toBe(
      'OnnxSentenceEncoder (frozen ONNX models) needs the optional peer dependency @huggingface/transformers, which is not installed. ' +
        'Install it next to @contrastive/text: npm install @huggingface/transformers',
    );
    expect((err.cause as Error).message).toMatch(/Cannot find package/);
    await expect(loadEncoder(onnxDir)).rejects.toThrow(OptionalDependencyError);
  });

  it('everything else works without it: tokenizers, the trainable encoder, saving and loading', async () => {
    setTransformersImporter(() => Promise.reject(notInstalled()));
    const tok = await loadTokenizer(onnxDir);
    expect(tok.encode('the cat')[0]).toBe(tok.clsId);
    const dir = modelFolder(tmp('model'));
    const loaded = await loadEncoder(dir);
    expect(loaded.runtime).toBe('tfjs');
    const [v] = await loaded.encoder.encode(['the cat']);
    expect(v).toHaveLength(16);
    loaded.encoder.dispose();
    (await loadSentenceEncoder(dir)).dispose();
  });

  it('the CLI prints the install command and exits 1', async () => {
    setTransformersImporter(() => Promise.reject(notInstalled()));
    const input = tmp('texts.txt');
    writeFileSync(input, 'the cat\n');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['encode', '--checkpoint', onnxDir, '--input', input], { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('needs the optional peer dependency @huggingface/transformers');
    expect(err.join('\n')).toContain('npm install @huggingface/transformers');
  });

  it('an installed transformers.js that fails to import (a missing dependency of its own) is not reported as absent', async () => {
    setTransformersImporter(() => Promise.reject(notInstalled('onnxruntime-node')));
    const e = await importTransformers('OnnxSentenceEncoder').catch((x: unknown) => x);
    expect(e).not.toBeInstanceOf(OptionalDependencyError);
    expect((e as Error).message).toMatch(
      /^OnnxSentenceEncoder: importing @huggingface\/transformers failed: Cannot find package 'onnxruntime-node'/,
    );
    setTransformersImporter();
    const real = await importTransformers('test');
    expect(typeof real.AutoModel.from_pretrained).toBe('function');
  });

  it('no module but src/frozen/transformers.ts imports it (statically or dynamically)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (
          e.name.endsWith('.ts') &&
          !e.name.endsWith('.test.ts') &&
          path.relative(src, p) !== path.join('frozen', 'transformers.ts')
        ) {
          if (/(from|import\()\s*['"]@huggingface\/transformers['"]/.test(readFileSync(p, 'utf8'))) offenders.push(path.relative(src, p));
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
