// loadTokenizer's hub download (allowRemoteModels), with fetch stubbed: no network here, and none by default.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenizerFileError } from '../errors.js';
import { loadTokenizer } from './load-tokenizer.js';

const dir = fileURLToPath(new URL('../__fixtures__/tiny-bert-onnx/', import.meta.url));
const file = (f: string): string => readFileSync(path.join(dir, f), 'utf8');

describe('loadTokenizer from the hub', () => {
  useCpuLeakCheck();
  afterEach(() => vi.unstubAllGlobals());

  it('is local-only by default: an id that is not a folder fails naming it, with no request', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const e = await loadTokenizer('org/some-bert').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TokenizerFileError);
    expect((e as Error).message).toMatch(/no tokenizer folder 'org\/some-bert' in .* and allowRemoteModels is false/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('with allowRemoteModels downloads tokenizer.json and tokenizer_config.json (a missing config is {})', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const name = url.split('/').pop()!;
      if (url.includes('no-config') && name === 'tokenizer_config.json') return new Response('not found', { status: 404 });
      return new Response(file(name), { status: 200 });
    });
    const local = await loadTokenizer(dir);
    const remote = await loadTokenizer('org/tiny bert', { allowRemoteModels: true });
    expect(urls).toEqual([
      'https://huggingface.co/org/tiny%20bert/resolve/main/tokenizer.json',
      'https://huggingface.co/org/tiny%20bert/resolve/main/tokenizer_config.json',
    ]);
    expect(remote.encode('the cat sat')).toEqual(local.encode('the cat sat'));
    expect((await loadTokenizer('org/no-config', { allowRemoteModels: true })).sepId).toBe(local.sepId);
  });

  it('an HTTP error or a network failure is a TokenizerFileError naming the URL', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 401, statusText: 'Unauthorized' }));
    await expect(loadTokenizer('org/private', { allowRemoteModels: true })).rejects.toThrow(
      'https://huggingface.co/org/private/resolve/main/tokenizer.json: could not be downloaded (HTTP 401 Unauthorized)',
    );
    vi.stubGlobal('fetch', async () => {
      throw new Error('getaddrinfo ENOTFOUND huggingface.co');
    });
    await expect(loadTokenizer('org/x', { allowRemoteModels: true })).rejects.toThrow(/could not be downloaded \(getaddrinfo ENOTFOUND/);
  });
});
