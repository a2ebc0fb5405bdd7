import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkspace, type EntryResult, formatPackage } from './bundle-check.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), 'browser-bundles.ts');

/** Writes `files` (path → text) under `root`. */
function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const pkg = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name,
    version: '0.0.0',
    type: 'module',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    ...extra,
  });

/** A core with a browser-safe root and a Node-only `./node` subpath, as in the real repository. */
const core = {
  'packages/core/package.json': pkg('@fx/core', {
    exports: { '.': { default: './dist/index.js' }, './node': { default: './dist/node/index.js' } },
  }),
  'packages/core/src/index.ts': 'export const add = (a: number, b: number): number => a + b;\n',
  'packages/core/src/node/index.ts':
    "import { readFileSync } from 'node:fs';\nexport const read = (p: string): string => readFileSync(p, 'utf8');\n",
};

const clean = {
  'packages/clean/package.json': pkg('@fx/clean'),
  'packages/clean/src/index.ts': "import { add } from '@fx/core';\nexport const twice = (x: number): number => add(x, x);\n",
};

let root: string;
let dirtyRoot: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bundle-check-clean-'));
  write(root, { ...core, ...clean });
  dirtyRoot = mkdtempSync(join(tmpdir(), 'bundle-check-dirty-'));
  write(dirtyRoot, {
    ...core,
    ...clean,
    // A builtin and a Node-only package two files below the root.
    'packages/dirty/package.json': pkg('@fx/dirty'),
    'packages/dirty/src/index.ts': "export * from './io.js';\n",
    'packages/dirty/src/io.ts':
      "// reads a file\nimport { readFileSync } from 'node:fs';\nimport { PNG } from 'pngjs';\nexport const load = (p: string) => PNG.sync.read(readFileSync(p));\n",
    // Reaches a builtin only through another workspace package's Node-only subpath.
    'packages/via-core/package.json': pkg('@fx/via-core'),
    'packages/via-core/src/index.ts': "export { read } from '@fx/core/node';\n",
    // Private packages are not published, so not checked.
    'packages/private/package.json': JSON.stringify({ name: '@fx/private', private: true }),
    'packages/private/src/index.ts': "import 'node:fs';\n",
  });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(dirtyRoot, { recursive: true, force: true });
});

const byName = (results: EntryResult[][], name: string) => results.find((r) => r[0]!.pkg === name)!;

describe('browser-bundle check', () => {
  it('passes clean roots and bundles an exported ./node subpath for Node', async () => {
    const results = await checkWorkspace(join(root, 'packages'), root);
    expect(results.map((r) => r[0]!.pkg)).toEqual(['@fx/clean', '@fx/core']);
    expect(results.flat().every((r) => r.findings.length === 0)).toBe(true);
    const coreRuns = byName(results, '@fx/core');
    expect(coreRuns.map((r) => [r.subpath, r.platform])).toEqual([
      ['.', 'browser'],
      ['./node', 'node'],
    ]);
    // The domain package's bundle includes core's source (resolved without a build).
    expect(byName(results, '@fx/clean')[0]!.modules).toBe(2);
    expect(formatPackage(byName(results, '@fx/clean'))).toEqual([expect.stringMatching(/^OK {3}@fx\/clean: root \(browser\) 2 modules/)]);
  });

  it('reports a node: builtin and a Node-only package with the importing file, line and chain', async () => {
    const results = await checkWorkspace(join(dirtyRoot, 'packages'), dirtyRoot);
    expect(results.map((r) => r[0]!.pkg)).not.toContain('@fx/private');
    const dirty = byName(results, '@fx/dirty')[0]!;
    expect(dirty.findings).toEqual([
      {
        kind: 'builtin',
        what: 'node:fs',
        file: 'packages/dirty/src/io.ts',
        line: 2,
        chain: ['packages/dirty/src/index.ts', 'packages/dirty/src/io.ts'],
      },
      {
        kind: 'node-only',
        what: 'pngjs',
        file: 'packages/dirty/src/io.ts',
        line: 3,
        importKind: 'import-statement',
        chain: ['packages/dirty/src/index.ts', 'packages/dirty/src/io.ts'],
      },
    ]);
    const report = formatPackage(byName(results, '@fx/dirty')).join('\n');
    expect(report).toContain('FAIL @fx/dirty: root (browser)');
    expect(report).toContain("'node:fs' imported by packages/dirty/src/io.ts:2");
    expect(report).toContain("'pngjs' (Node-only package) imported by packages/dirty/src/io.ts:3");

    const viaCore = byName(results, '@fx/via-core')[0]!;
    expect(viaCore.findings.map((f) => [f.what, f.file, f.chain])).toEqual([
      ['node:fs', 'packages/core/src/node/index.ts', ['packages/via-core/src/index.ts', 'packages/core/src/node/index.ts']],
    ]);
    // The clean packages beside them still pass.
    expect(byName(results, '@fx/clean')[0]!.findings).toEqual([]);
  });

  it('the command exits 1 on a dirty workspace and 0 on a clean one', () => {
    const run = (dir: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', cli, '--packages', join(dir, 'packages')], { encoding: 'utf8' });
    const bad = run(dirtyRoot);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL @fx\/dirty/m);
    expect(bad.stdout).toMatch(/^OK {3}@fx\/clean/m);
    expect(bad.stdout).toContain('2 of 4 packages fail (@fx/dirty, @fx/via-core)');
    const good = run(root);
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('all 2 packages pass');
  });
});
