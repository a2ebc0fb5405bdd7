import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { methodOrResumed, refuseFlagsOfOtherMethods } from './method-flag.js';

const tmp = useTempDir('core-method-flag-');

describe('methodOrResumed', () => {
  it('takes --method, else the resumed run.json method, else refuses listing the methods', async () => {
    expect(await methodOrResumed({ method: 'b' }, ['a', 'b'], 'tool-x')).toBe('b');
    await expect(methodOrResumed({ method: 'c' }, ['a', 'b'], 'tool-x')).rejects.toThrow(/--method/);
    const dir = join(tmp(), 'run');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'run.json'),
      JSON.stringify({ tool: 'tool-x', version: '0.0.0', domain: 'd', method: 'a', createdAt: '2026-12-05T00:00:00.000Z', config: {} }),
    );
    expect(await methodOrResumed({ resume: true, out: dir }, ['a', 'b'], 'tool-x')).toBe('a');
    await expect(methodOrResumed({ out: dir }, ['a', 'b'], 'tool-x')).rejects.toThrow(/--method is required \(a\|b\)/);
  });
});

describe('refuseFlagsOfOtherMethods', () => {
  it('refuses a flag given to a method it does not apply to, naming both', () => {
    const applies = { alpha: ['paco'], 'key-views': ['jcl', 'paco'] };
    expect(() => refuseFlagsOfOtherMethods({ alpha: '0.1' }, applies, 'paco')).not.toThrow();
    expect(() => refuseFlagsOfOtherMethods({}, applies, 'ce')).not.toThrow();
    expect(() => refuseFlagsOfOtherMethods({ 'key-views': '2' }, applies, 'ce')).toThrow(/--key-views applies to jcl, paco only, not ce/);
  });
});
