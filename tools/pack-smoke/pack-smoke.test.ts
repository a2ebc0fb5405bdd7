import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetFrom, compareBudget, formatBytes, parseBudgets } from './budgets.js';
import { corpusLines } from './cli-cases.js';
import { errorExcerpt, npmErrorExcerpt, tail } from './exec.js';
import { engineFloor, licenceNames, packageNotes, sourceMapReport, testFiles } from './package-notes.js';
import { extractSmokeBlocks, referencedPaths } from './readme-blocks.js';
import { dirSize, packageNameFromPath, packageWeights } from './size.js';
import { checkSummaryShape, parseOneJsonObject } from './summary-shape.js';
import { isLibraryError, libraryOf, parseTscOutput } from './tsc-output.js';
import { installClosure } from './workspace.js';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('README block extraction', () => {
  const readme = [
    '# pkg', // 1
    '', // 2
    '```sh', // 3
    'npm install pkg', // 4
    '```', // 5
    '', // 6
    '```ts smoke', // 7
    "import { a } from 'pkg';", // 8
    'console.log(a);', // 9
    '```', // 10
    '', // 11
    '```ts', // 12
    'untagged();', // 13
    '```', // 14
    '', // 15
    '````js smoke', // 16
    '```', // 17: a shorter fence inside a longer one is content
    '````', // 18
    '~~~typescript {smoke} no-run', // 19
    'declare const x: number;', // 20
    '~~~', // 21
    '```sh smoke', // 22
    'echo hi', // 23
    '```', // 24
    '  ```mjs,smoke', // 25: indented fence, comma-separated info
    '  run();', // 26
    '  ```', // 27
    'Inline ```ts smoke``` is not a fence.', // 28
  ].join('\n');

  it('finds the blocks whose info string has the word smoke, with their first code line', () => {
    const blocks = extractSmokeBlocks(readme);
    expect(blocks.map((b) => [b.lang, b.line, b.run, b.tagged])).toEqual([
      ['ts', 8, true, true],
      ['js', 17, true, true],
      ['ts', 20, false, true],
      ['sh', 23, true, true],
      ['js', 26, true, true],
    ]);
    expect(blocks[0]!.code).toBe("import { a } from 'pkg';\nconsole.log(a);\n");
    expect(blocks[1]!.code).toBe('```\n');
    expect(blocks[4]!.code).toBe('run();\n');
    expect(blocks[2]!.words).toEqual(['typescript', 'smoke', 'no-run']);
  });

  it('ignores blocks where smoke is only part of a word, and returns untagged ts/js blocks on request', () => {
    expect(extractSmokeBlocks('```ts smoker\nx\n```\n```ts nosmoke\ny\n```\n')).toEqual([]);
    const all = extractSmokeBlocks(readme, { untagged: true });
    expect(all.filter((b) => !b.tagged).map((b) => [b.lang, b.line])).toEqual([['ts', 13]]);
  });

  it('runs an unclosed block to the end of the text', () => {
    expect(extractSmokeBlocks('```js smoke\na();\nb();').map((b) => b.code)).toEqual(['a();\nb();\n']);
  });

  it('lists the file-like string literals a block uses, not its module specifiers or URLs', () => {
    const code = [
      "import { train } from '@contrastive/core/node';",
      "const { x } = await import('@contrastive/text/node');",
      "const corpus = readCorpus('corpus.txt');",
      "await build('./tok', { pooling: 'mean', dtype: 'float32' });",
      'const p = "node_modules/@contrastive/vision/data/x.idx";',
      "fetch('https://example.org/model.json'); save('runs/simcse/checkpoint'); note('a sentence.txt here');",
      "const y = tf.scalar(0.5); const t = 'tf.float32';",
    ].join('\n');
    expect(referencedPaths(code)).toEqual(['corpus.txt', './tok', 'node_modules/@contrastive/vision/data/x.idx', 'runs/simcse/checkpoint']);
  });
});

describe('summary shape', () => {
  const good = {
    method: 'simclr',
    domain: 'vision',
    seed: 0,
    epochs: 1,
    steps: 8,
    seconds: 12.3,
    trainSeconds: 9.1,
    backend: 'wasm',
    out: 'cli-runs/x',
    finalLoss: 4.1,
    metrics: { knnAccuracy: 0.5, knnKSource: 'default', spearman: null },
    baselines: { randomInit: { knnAccuracy: 0.4, other: null } },
    notes: ['short run'],
  };

  it('accepts core’s RunSummary of the expected run', () => {
    expect(checkSummaryShape(good, { method: 'simclr', domain: 'vision' })).toEqual([]);
    const { notes: _, ...noNotes } = good;
    expect(checkSummaryShape(noNotes, { method: 'simclr', domain: 'vision' })).toEqual([]);
  });

  it('names every missing or mistyped field', () => {
    const bad = { ...good, domain: 'text', steps: 0, metrics: { a: [1] }, baselines: { b: 3 }, notes: 'x', finalLoss: null } as Record<
      string,
      unknown
    >;
    delete bad['backend'];
    const problems = checkSummaryShape(bad, { method: 'simclr', domain: 'vision' });
    expect(problems).toEqual([
      '"domain" is "text", expected "vision"',
      '"steps" is 0, expected a number > 0 (something trained)',
      'missing "backend"',
      '"metrics" is {"a":[1]}, expected an object of numbers, strings or null',
      '"baselines" is {"b":3}, expected an object of { score: number | null } objects',
      '"notes" is "x", expected an array of strings',
      '"finalLoss" is null: nothing trained or the loss was not finite',
    ]);
  });

  it('parses stdout as exactly one JSON object', () => {
    expect(parseOneJsonObject('  {"a":1}\n')).toEqual({ value: { a: 1 } });
    expect(parseOneJsonObject('')).toEqual({ error: 'stdout is empty' });
    expect('error' in parseOneJsonObject('{"a":1}\n{"b":2}\n')).toBe(true);
    expect((parseOneJsonObject('{"a":1}\n{"b":2}') as { error: string }).error).toMatch(/^stdout is not one JSON value \(2 lines;/);
    expect('error' in parseOneJsonObject('backend: wasm\n{"a":1}')).toBe(true);
    expect(parseOneJsonObject('[1]')).toEqual({ error: 'stdout is JSON but not an object: [1]' });
  });
});

describe('budgets', () => {
  const budget = { maxInstalledBytes: 100e6, maxPackages: 50, basis: 'test' };

  it('passes within the budget and names each exceeded limit', () => {
    expect(compareBudget({ installedBytes: 100e6, packages: 50 }, budget)).toEqual({ ok: true, exceeded: [] });
    expect(compareBudget({ installedBytes: 828.3e6, packages: 135 }, budget)).toEqual({
      ok: false,
      exceeded: ['installed size 828.3 MB > budget 100.0 MB', '135 packages > budget 50'],
    });
    expect(compareBudget({ installedBytes: 1, packages: 1 }, undefined)).toEqual({
      ok: false,
      exceeded: ['no budget in tools/pack-smoke/budgets.json'],
    });
  });

  it('derives a budget with headroom, rounded up', () => {
    expect(budgetFrom({ installedBytes: 299_700_000, packages: 84 }, 0.25, 'b')).toEqual({
      maxInstalledBytes: 375e6,
      maxPackages: 105,
      basis: 'b',
    });
  });

  it('validates budgets.json', () => {
    expect(parseBudgets({ packages: { core: budget } }).packages['core']).toEqual(budget);
    expect(() => parseBudgets({ packages: { core: { ...budget, maxPackages: '5' } } })).toThrow('packages.core.maxPackages is "5"');
    expect(() => parseBudgets([])).toThrow('expected { "packages"');
  });

  it('formats bytes in decimal units', () => {
    expect([formatBytes(999), formatBytes(250_900), formatBytes(299_700_000), formatBytes(1.234e9)]).toEqual([
      '999 B',
      '250.9 kB',
      '299.7 MB',
      '1.23 GB',
    ]);
  });
});

describe('size walk', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pack-smoke-size-'));
    write(root, {
      'node_modules/a/package.json': '1234567890', // 10
      'node_modules/a/index.js': 'x'.repeat(90), // 90
      'node_modules/a/node_modules/b/index.js': 'y'.repeat(300), // a nested copy of b
      'node_modules/b/index.js': 'z'.repeat(200),
      'node_modules/@s/c/index.js': 'w'.repeat(50),
      'outside/big.bin': 'q'.repeat(10_000),
    });
    // A symlink to a big folder counts its own length only, and is not followed.
    symlinkSync(join(root, 'outside'), join(root, 'node_modules/link'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('sums files without following symlinks', () => {
    const nm = join(root, 'node_modules');
    const size = dirSize(nm);
    const linkLength = join(root, 'outside').length;
    expect(size).toEqual({ bytes: 10 + 90 + 300 + 200 + 50 + linkLength, files: 6 });
    expect(dirSize(join(nm, 'a'), ['node_modules'])).toEqual({ bytes: 100, files: 2 });
    expect(dirSize(join(root, 'missing'))).toEqual({ bytes: 0, files: 0 });
  });

  it('weighs each package without its nested node_modules and sums copies of one name', () => {
    const nm = join(root, 'node_modules');
    const dirs = ['a', 'a/node_modules/b', 'b', '@s/c'].map((d) => join(nm, d));
    expect(packageWeights(dirs)).toEqual([
      { name: 'b', bytes: 500, copies: 2 },
      { name: 'a', bytes: 100, copies: 1 },
      { name: '@s/c', bytes: 50, copies: 1 },
    ]);
    expect(packageNameFromPath('/p/node_modules/x/node_modules/@scope/y')).toBe('@scope/y');
  });
});

describe('tsc output', () => {
  it('ties each error to its file, joins continuation lines and parts library errors', () => {
    const out = [
      "smoke/readme-L90.ts(12,3): error TS2345: Argument of type 'unknown' is not assignable to parameter of type 'MethodBatch'.",
      "  Type 'unknown' is not assignable to type 'Tensor4D'.",
      "node_modules/@tensorflow/tfjs-layers/dist/engine/training.d.ts(144,22): error TS2420: Class 'LayersModel' incorrectly implements interface 'InferenceModel'.",
      "error TS5110: Option 'module' must be set to 'Node16' when option 'moduleResolution' is set to 'Node16'.",
      '',
      'Found 3 errors in 2 files.',
    ].join('\n');
    const errors = parseTscOutput(out);
    expect(errors.map((e) => [e.file, e.line, e.column, e.code])).toEqual([
      ['smoke/readme-L90.ts', 12, 3, 'TS2345'],
      ['node_modules/@tensorflow/tfjs-layers/dist/engine/training.d.ts', 144, 22, 'TS2420'],
      ['<config>', 0, 0, 'TS5110'],
    ]);
    expect(errors[0]!.message).toBe(
      "Argument of type 'unknown' is not assignable to parameter of type 'MethodBatch'. Type 'unknown' is not assignable to type 'Tensor4D'.",
    );
    expect(errors.map(isLibraryError)).toEqual([false, true, false]);
    expect(libraryOf(errors[1]!)).toBe('@tensorflow/tfjs-layers');
  });
});

describe('workspace install closure', () => {
  const pkgs = [
    { name: '@c/core', workspaceDeps: [] },
    { name: '@c/vision', workspaceDeps: ['@c/core'] },
    { name: '@c/multi', workspaceDeps: ['@c/vision', '@c/core'] },
    { name: '@c/bad', workspaceDeps: ['@c/test-utils'] },
  ];
  it('installs dependencies first and nothing else of the workspace', () => {
    expect(installClosure('@c/core', pkgs)).toEqual(['@c/core']);
    expect(installClosure('@c/vision', pkgs)).toEqual(['@c/core', '@c/vision']);
    expect(installClosure('@c/multi', pkgs)).toEqual(['@c/core', '@c/vision', '@c/multi']);
    expect(() => installClosure('@c/bad', pkgs)).toThrow(
      '@c/bad depends on @c/test-utils (workspace:), which is not a public workspace package',
    );
  });
});

describe('packaging notes', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'pack-smoke-notes-'));
    write(root, {
      'package.json': '{}',
      'README.md': '# @c/x\n\nno install line\n',
      LICENSE: 'MIT',
      'dist/index.js': 'export {};\n//# sourceMappingURL=index.js.map',
      'dist/index.js.map': JSON.stringify({ version: 3, sources: ['../src/index.ts'], mappings: '' }),
      'dist/inline.js.map': JSON.stringify({ version: 3, sources: ['../src/inline.ts'], sourcesContent: ['x'], mappings: '' }),
      'dist/methods/test-helpers.js': '',
      'data/NOTICE.md': 'Structures: BSD-3-Clause (RDKit). Values from ChEMBL, CC BY-SA 3.0.',
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const files = [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/index.js',
    'dist/index.js.map',
    'dist/inline.js.map',
    'dist/methods/test-helpers.js',
    'data/NOTICE.md',
  ];

  it('finds maps whose sources are not shipped (embedded sources are fine)', () => {
    const r = sourceMapReport({ root, files, manifest: {} });
    expect([r.maps, r.dangling, r.example]).toEqual([2, 1, 'dist/index.js.map → src/index.ts']);
  });

  it('reports test code, missing fields, data licences, private devDependencies, the install line and the engine floor', () => {
    const manifest = {
      name: '@c/x',
      license: 'MIT',
      type: 'module',
      engines: { node: '>=20' },
      exports: { '.': { default: './dist/index.js' } },
      devDependencies: { '@c/test-utils': '0.0.0', vitest: '^4' },
    };
    const notes = packageNotes({ root, files, manifest }, ['@c/test-utils']);
    expect(notes).toEqual([
      expect.stringMatching(/^1 of 2 source maps point at sources not in the tarball \(e\.g\. dist\/index\.js\.map → src\/index\.ts\)/),
      'test code or fixtures shipped (1): dist/methods/test-helpers.js',
      'package.json has no repository, homepage, bugs',
      'data/NOTICE.md names BSD-3-Clause, CC-BY-SA-3.0 but the license field is "MIT"',
      'published devDependencies name unpublished workspace packages: @c/test-utils',
      'README has no `npm install @c/x …` line',
      expect.stringMatching(/^ESM-only, engines.node ">=20": require\(\) of it from CommonJS needs Node >= 20.19/),
    ]);
    const fine = packageNotes(
      {
        root,
        files: ['package.json', 'LICENSE'],
        manifest: {
          ...manifest,
          repository: 'r',
          homepage: 'h',
          bugs: 'b',
          engines: { node: '^20.19.0 || >=22.12.0' },
          devDependencies: {},
        },
      },
      [],
    );
    expect(fine).toEqual(['no README in the tarball']);
  });

  it('recognises test files, licence names and engine floors', () => {
    expect(
      testFiles([
        'dist/eval/__fixtures__/load.js',
        'dist/a.test.js',
        'dist/methods/test-helpers.d.ts',
        'dist/contest.js',
        'dist/testing.js',
      ]),
    ).toEqual(['dist/eval/__fixtures__/load.js', 'dist/a.test.js', 'dist/methods/test-helpers.d.ts']);
    expect(licenceNames('MIT licence, (c) Zalando')).toEqual(['MIT']);
    expect(licenceNames('CC BY 4.0 and cc-by-sa 3.0; Apache-2.0')).toEqual(['Apache-2.0', 'CC-BY-4.0', 'CC-BY-SA-3.0']);
    expect([engineFloor('>=20'), engineFloor('^20.19.0 || >=22.12.0'), engineFloor('>= 18.0.0')]).toEqual([
      [20, 0],
      [20, 19],
      [18, 0],
    ]);
  });
});

describe('text CLI corpus', () => {
  it('keeps distinct lines of at least six words, in order, up to the limit', () => {
    const text =
      'GNU GENERAL PUBLIC LICENSE\n  The licenses for most software are designed   to take away\n\nshort line\nThe licenses for most software are designed to take away\nYou can apply it to your programs, too.\n';
    expect(corpusLines([text, 'one two three four five six seven'], 10)).toEqual([
      'The licenses for most software are designed to take away',
      'You can apply it to your programs, too.',
      'one two three four five six seven',
    ]);
    expect(corpusLines([text], 1)).toHaveLength(1);
  });
});

describe('error excerpts', () => {
  it('starts at the last thrown error, not the code frame of the wasm glue', () => {
    const stderr = [
      '[contrastive] backend: wasm',
      '/p/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js:8597',
      '                    throw ex;',
      '',
      'TextDataError: corpus.txt: file not found',
      '    at readText (file:///p/corpus.js:11:15)',
      '    at readCorpus (file:///p/corpus.js:19:12)',
      'Node.js v20.20.2',
    ].join('\n');
    expect(errorExcerpt(stderr, 2)).toBe('TextDataError: corpus.txt: file not found\n    at readText (file:///p/corpus.js:11:15)');
    expect(errorExcerpt('TypeError [ERR_X]: bad\n', 3)).toBe('TypeError [ERR_X]: bad');
    expect(errorExcerpt('a\nb\nc\n', 2)).toBe('b\nc');
    expect(tail('x\n\n y  \nz\n', 2)).toBe(' y\nz');
  });

  it('keeps which script of which package failed, and the error, from npm install', () => {
    const stderr = [
      'npm error code 1',
      'npm error path /tmp/p/node_modules/onnxruntime-node',
      'npm error command failed',
      'npm error command sh -c node ./script/install',
      'npm error node:internal/process/promises:391',
      'npm error     triggerUncaughtException(err, true /* fromPromise */);',
      'npm error Error: getaddrinfo ENOTFOUND api.nuget.org',
      'npm error     at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26) {',
      "npm error   hostname: 'api.nuget.org'",
      'npm error A complete log of this run can be found in: /tmp/cache/_logs/x-debug-0.log',
    ].join('\n');
    expect(npmErrorExcerpt(stderr, 5)).toBe(
      [
        'npm error code 1',
        'npm error path /tmp/p/node_modules/onnxruntime-node',
        'npm error command failed',
        'npm error command sh -c node ./script/install',
        'npm error Error: getaddrinfo ENOTFOUND api.nuget.org',
      ].join('\n'),
    );
    expect(npmErrorExcerpt('npm error 404 Not Found - GET https://registry.npmjs.org/x\n', 3)).toBe(
      'npm error 404 Not Found - GET https://registry.npmjs.org/x',
    );
  });
});
