import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { outputState, writeFolderAtomic } from './folder-swap.js';

const tmp = useTempDir('folder-swap-test-');

describe('outputState / writeFolderAtomic', () => {
  it('tells absent, empty, non-empty and file apart', () => {
    const d = path.join(tmp(), 'out');
    expect(outputState(d)).toBe('absent');
    mkdirSync(d);
    expect(outputState(d)).toBe('empty');
    writeFileSync(path.join(d, 'x'), '1');
    expect(outputState(d)).toBe('non-empty');
    expect(outputState(path.join(d, 'x'))).toBe('not-a-folder');
  });

  it('writes a new folder, replaces an old one whole, and leaves the old one and no temporary when fill throws', () => {
    const parent = tmp();
    const d = path.join(parent, 'a', 'out');
    expect(writeFolderAtomic(d, (t) => writeFileSync(path.join(t, 'v1'), 'one'))).toBe(path.resolve(d));
    expect(readdirSync(d)).toEqual(['v1']);
    writeFolderAtomic(d, (t) => writeFileSync(path.join(t, 'v2'), 'two'));
    expect(readdirSync(d)).toEqual(['v2']);
    expect(() =>
      writeFolderAtomic(d, (t) => {
        writeFileSync(path.join(t, 'v3'), 'three');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(readdirSync(d)).toEqual(['v2']);
    expect(readFileSync(path.join(d, 'v2'), 'utf8')).toBe('two');
    expect(readdirSync(path.join(parent, 'a'))).toEqual(['out']);
  });
});
