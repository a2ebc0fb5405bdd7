/**
 * One package, as a new user meets it: a fresh `{"type":"module"}` project, `npm install` of its tarball (with
 * the @contrastive tarballs it depends on) and `@tensorflow/tfjs`, then its README quick starts (type-checked
 * as a TypeScript consumer under node16 and bundler resolution, and run as ESM JS) and its CLI.
 */
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { transform } from 'esbuild';
import { type Budget, type BudgetCheck, compareBudget } from './budgets.js';
import { CLI_CASES } from './cli-cases.js';
import { errorExcerpt, exec, npmErrorExcerpt, tail, userEnv } from './exec.js';
import { extractSmokeBlocks, referencedPaths, type SmokeBlock } from './readme-blocks.js';
import { dirSize, type PackageWeight, packageWeights } from './size.js';
import { checkSummaryShape, clip, parseOneJsonObject } from './summary-shape.js';
import { isLibraryError, libraryOf, parseTscOutput, type TscError } from './tsc-output.js';

/** How long one README block or one CLI train may run (the brief: seconds-long, under 120 s). */
export const RUN_TIMEOUT_MS = 120_000;
const INSTALL_TIMEOUT_MS = 15 * 60_000;

export interface StepResult {
  ok: boolean;
  seconds: number;
  /** Why it failed, or what it needed to know (a note). */
  detail?: string;
}

export interface BlockResult {
  line: number;
  /** `false`: an untagged block checked by `--try-untagged`; its problems are findings, not failures. */
  tagged: boolean;
  lang: string;
  run: boolean;
  /** File-like string literals of the block and whether they existed in the project before it ran. */
  needs: { path: string; exists: boolean }[];
  node16?: StepResult;
  bundler?: StepResult;
  /** The block run as ESM JS with node (a `ts` block after transpiling). */
  esm?: StepResult;
  ok: boolean;
}

export interface CliResult {
  bin: string;
  help: StepResult;
  train?: StepResult & { command: string; summary?: Record<string, unknown> };
}

export interface Measurement {
  installedBytes: number;
  files: number;
  packages: number;
  largest: PackageWeight[];
}

export interface PackageResult {
  dir: string;
  name: string;
  version: string;
  tarball: { file: string; bytes: number; files: number; unpackedBytes: number };
  install: {
    ok: boolean;
    seconds: number;
    /** What a user of the published package types. */
    userCommand: string;
    /** What ran here (tarballs instead of registry names). */
    command: string;
    errorTail?: string;
    /** After a failed install, the same install with `--ignore-scripts` ran so the rest could be checked. */
    diagnostic?: { flag: '--ignore-scripts'; ok: boolean; seconds: number };
  };
  measured?: Measurement;
  budget?: Budget & BudgetCheck;
  readme: {
    blocks: BlockResult[];
    /** What the untagged blocks (`--try-untagged`) would fail with if they were tagged. */
    untaggedFindings: string[];
    typeNotes: string[];
    typescript?: string;
  };
  /** Commands of its `bin`. */
  bins: string[];
  cli: CliResult[];
  notes: string[];
  failures: string[];
  ok: boolean;
  seconds: number;
}

export interface PackageInput {
  dir: string;
  name: string;
  version: string;
  /** The unpacked tarball (`…/package`) and its manifest as published. */
  unpacked: string;
  manifest: Record<string, unknown>;
  tarball: PackageResult['tarball'];
  /** Tarball paths to install, dependencies first, this package last. */
  installTarballs: string[];
  tfjsRange: string;
  notes: string[];
}

export interface CheckContext {
  workDir: string;
  npmCache: string;
  budgets: Record<string, Budget>;
  /** Ranges for the consumer's TypeScript and @types/node (the repository's own). */
  typescriptRange: string;
  typesNodeRange: string;
  /** Also check untagged ts/js README blocks, as findings that do not fail the run. */
  tryUntagged: boolean;
  log: (line: string) => void;
}

const npmFlags = (cache: string) => ['--no-audit', '--no-fund', '--loglevel=error', '--cache', cache];

export async function npmInstall(
  project: string,
  specs: readonly string[],
  ctx: Pick<CheckContext, 'npmCache'>,
  extra: readonly string[] = [],
) {
  return exec('npm', ['install', ...npmFlags(ctx.npmCache), ...extra, ...specs], { cwd: project, timeoutMs: INSTALL_TIMEOUT_MS });
}

/** Size, file count, package count and the heaviest packages of `project`'s node_modules. */
export async function measure(project: string): Promise<Measurement> {
  const ls = await exec('npm', ['ls', '--all', '--parseable'], { cwd: project, timeoutMs: 120_000 });
  // `npm ls` exits 1 on peer warnings (an optional peer missing is fine); the listing is still complete.
  const nm = join(project, 'node_modules');
  const dirs = [...new Set(ls.stdout.split('\n').map((l) => l.trim()))].filter((l) => l.startsWith(nm));
  const size = dirSize(nm);
  return { installedBytes: size.bytes, files: size.files, packages: dirs.length, largest: packageWeights(dirs).slice(0, 5) };
}

export function newProject(dir: string, name: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
}

export async function checkPackage(pkg: PackageInput, ctx: CheckContext): Promise<PackageResult> {
  const t0 = performance.now();
  const project = join(ctx.workDir, 'projects', pkg.dir);
  newProject(project, `smoke-${pkg.dir}`);
  const failures: string[] = [];
  const specs = [...pkg.installTarballs, `@tensorflow/tfjs@${pkg.tfjsRange}`];
  const result: PackageResult = {
    dir: pkg.dir,
    name: pkg.name,
    version: pkg.version,
    tarball: pkg.tarball,
    install: {
      ok: false,
      seconds: 0,
      userCommand: `npm install ${pkg.name} @tensorflow/tfjs`,
      command: `npm install ${specs.map((s) => (s.endsWith('.tgz') ? s.slice(s.lastIndexOf('/') + 1) : s)).join(' ')}`,
    },
    readme: { blocks: [], untaggedFindings: [], typeNotes: [] },
    bins: binsOf(pkg.manifest),
    cli: [],
    notes: pkg.notes,
    failures,
    ok: false,
    seconds: 0,
  };

  // 1. Install, as a user would.
  ctx.log(`  ${pkg.dir}: ${result.install.command}`);
  const inst = await npmInstall(project, specs, ctx);
  result.install.ok = inst.code === 0;
  result.install.seconds = inst.seconds;
  let installed = result.install.ok;
  if (!result.install.ok) {
    // The temp folder's name changes every run; docs/packages.md should not.
    result.install.errorTail = npmErrorExcerpt(inst.stderr || inst.stdout, 10).replaceAll(project, '<project>');
    failures.push(`install: npm install exited ${inst.timedOut ? 'by timeout' : inst.code}:\n${indent(result.install.errorTail)}`);
    // Diagnostic only: with scripts skipped, measure what would be installed and check the rest anyway.
    ctx.log(`  ${pkg.dir}: install failed; retrying with --ignore-scripts to check the rest (still a failure)`);
    newProject(project, `smoke-${pkg.dir}`);
    const again = await npmInstall(project, specs, ctx, ['--ignore-scripts']);
    result.install.diagnostic = { flag: '--ignore-scripts', ok: again.code === 0, seconds: again.seconds };
    installed = again.code === 0;
  }
  if (!installed) {
    failures.push('readme, cli: not checked (no install)');
    return finish(result, t0);
  }

  // 2. What it weighs, against its budget.
  result.measured = await measure(project);
  const budget = ctx.budgets[pkg.dir];
  const check = compareBudget(result.measured, budget);
  if (budget) result.budget = { ...budget, ...check };
  for (const e of check.exceeded) failures.push(`budget: ${e}`);
  ctx.log(
    `  ${pkg.dir}: installed ${(result.measured.installedBytes / 1e6).toFixed(1)} MB, ${result.measured.packages} packages in ${result.install.seconds.toFixed(1)} s`,
  );

  // 3. README quick starts tagged `smoke`, from the README as shipped.
  await checkReadme(pkg, project, ctx, result);

  // 4. The CLI.
  await checkCli(pkg, project, ctx, result);
  return finish(result, t0);
}

function finish(result: PackageResult, t0: number): PackageResult {
  result.ok = result.failures.length === 0;
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

async function checkReadme(pkg: PackageInput, project: string, ctx: CheckContext, result: PackageResult): Promise<void> {
  const readmePath = join(pkg.unpacked, 'README.md');
  const blocks = existsSync(readmePath) ? extractSmokeBlocks(readFileSync(readmePath, 'utf8'), { untagged: ctx.tryUntagged }) : [];
  if (!blocks.some((b) => b.tagged)) {
    result.failures.push(
      existsSync(readmePath)
        ? 'readme: no quick start tagged smoke (a ```ts smoke or ```js smoke block)'
        : 'readme: no README.md in the tarball',
    );
    if (blocks.length === 0) return;
  }
  const fail = (b: SmokeBlock, message: string) => (b.tagged ? result.failures : result.readme.untaggedFindings).push(message);
  const smokeDir = join(project, 'smoke');
  mkdirSync(smokeDir, { recursive: true });
  const fileOf = (b: SmokeBlock) => `smoke/readme-L${b.line}.${b.lang === 'js' ? 'mjs' : 'ts'}`;
  const results = new Map<SmokeBlock, BlockResult>();
  for (const b of blocks) {
    results.set(b, {
      line: b.line,
      tagged: b.tagged,
      lang: b.lang,
      run: b.run,
      needs: referencedPaths(b.code).map((p) => ({ path: p, exists: existsSync(resolve(project, p)) })),
      ok: true,
    });
    if (b.lang === 'ts' || b.lang === 'js') writeFileSync(join(project, fileOf(b)), b.code);
    else {
      results.get(b)!.ok = false;
      fail(b, `readme L${b.line}: a \`${b.words.join(' ')}\` block is tagged smoke, but only ts and js blocks can be checked`);
    }
  }

  const tsBlocks = blocks.filter((b) => b.lang === 'ts');
  if (tsBlocks.length > 0) {
    ctx.log(`  ${pkg.dir}: type-checking ${tsBlocks.length} README block(s) (node16, bundler)`);
    const ts = await npmInstall(project, [`typescript@${ctx.typescriptRange}`, `@types/node@${ctx.typesNodeRange}`], ctx, [
      '--save-dev',
      '--ignore-scripts',
    ]);
    if (ts.code !== 0) {
      result.failures.push(`readme: could not install typescript into the temp project:\n${indent(tail(ts.stderr))}`);
    } else {
      result.readme.typescript = JSON.parse(readFileSync(join(project, 'node_modules/typescript/package.json'), 'utf8')).version as string;
      for (const mode of ['node16', 'bundler'] as const) {
        const { errors, seconds, fallbackNote } = await typecheck(
          project,
          tsBlocks.map((b) => fileOf(b)),
          mode,
        );
        if (fallbackNote) result.readme.typeNotes.push(fallbackNote);
        for (const b of tsBlocks) {
          const own = errors.filter((e) => e.file === fileOf(b) || e.file === '<config>');
          const r = results.get(b)!;
          const detail = own.map((e) => `README L${e.line ? b.line + e.line - 1 : '?'}:${e.column} ${e.code} ${e.message}`).join('\n');
          r[mode] = { ok: own.length === 0, seconds, ...(own.length ? { detail } : {}) };
          if (own.length) {
            r.ok = false;
            fail(b, `readme L${b.line} (ts): tsc --noEmit, module ${mode}:\n${indent(detail)}`);
          }
        }
      }
    }
  }

  for (const b of blocks.filter((x) => x.run && (x.lang === 'ts' || x.lang === 'js'))) {
    const r = results.get(b)!;
    let file = fileOf(b);
    if (b.lang === 'ts') {
      // The "ESM JS" run: the same block, types stripped, as a JavaScript user would paste it.
      const js = await transform(b.code, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: `README.md#L${b.line}` });
      file = file.replace(/\.ts$/, '.mjs');
      writeFileSync(join(project, file), js.code);
    }
    ctx.log(`  ${pkg.dir}: running README L${b.line} as ESM JS (node ${file})`);
    const run = await exec(process.execPath, [file], { cwd: project, timeoutMs: RUN_TIMEOUT_MS });
    const ok = run.code === 0 && !run.timedOut;
    const missing = r.needs.filter((n) => !n.exists).map((n) => n.path);
    const detail = ok
      ? undefined
      : `${run.timedOut ? `timed out after ${RUN_TIMEOUT_MS / 1000} s` : `exit ${run.code}`}${missing.length ? ` (paths absent before the run: ${missing.join(', ')})` : ''}:\n${run.timedOut ? tail(run.stderr || run.stdout, 4) : errorExcerpt(run.stderr || run.stdout, 8)}`;
    r.esm = { ok, seconds: run.seconds, ...(detail ? { detail } : {}) };
    if (!ok) {
      r.ok = false;
      fail(b, `readme L${b.line} (${b.lang}): run as ESM JS: ${indent(detail!).trimStart()}`);
    }
  }
  result.readme.blocks = blocks.map((b) => results.get(b)!);
}

/**
 * `tsc --noEmit` over the blocks as a consumer project, strict, `skipLibCheck: false` first; when the
 * installed packages' own .d.ts fail that way, the errors become a note and the blocks are checked again with
 * `skipLibCheck: true`.
 */
async function typecheck(
  project: string,
  files: string[],
  mode: 'node16' | 'bundler',
): Promise<{ errors: TscError[]; seconds: number; fallbackNote?: string }> {
  const run = async (skipLibCheck: boolean) => {
    const config = `tsconfig.${mode}${skipLibCheck ? '.skiplib' : ''}.json`;
    const compilerOptions = {
      target: 'ES2022',
      ...(mode === 'node16' ? { module: 'node16', moduleResolution: 'node16' } : { module: 'esnext', moduleResolution: 'bundler' }),
      strict: true,
      noEmit: true,
      skipLibCheck,
      // Each block is its own module even without an import (two blocks may both `declare const texts`).
      moduleDetection: 'force',
    };
    writeFileSync(join(project, config), `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
    const r = await exec(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config, '--pretty', 'false'], {
      cwd: project,
      timeoutMs: 600_000,
    });
    return { errors: parseTscOutput(r.stdout + r.stderr), seconds: r.seconds };
  };
  const strict = await run(false);
  const lib = strict.errors.filter(isLibraryError);
  if (lib.length === 0) return strict;
  const byPackage = new Map<string, TscError[]>();
  for (const e of lib) byPackage.set(libraryOf(e), [...(byPackage.get(libraryOf(e)) ?? []), e]);
  const summary = [...byPackage]
    .map(
      ([p, es]) =>
        `${p} (${es.length}: ${es[0]!.code} ${clip(es[0]!.message, 120)} at ${es[0]!.file.slice(es[0]!.file.indexOf(p))}:${es[0]!.line})`,
    )
    .join('; ');
  const relaxed = await run(true);
  return {
    errors: relaxed.errors,
    seconds: strict.seconds + relaxed.seconds,
    fallbackNote:
      `${mode}: skipLibCheck false fails in installed .d.ts${[...byPackage.keys()].some((p) => p.startsWith('@contrastive/')) ? '' : ' (none of them @contrastive)'} — ` +
      `${summary}; blocks checked again with skipLibCheck true`,
  };
}

function binsOf(manifest: Record<string, unknown>): string[] {
  const bin = manifest['bin'];
  if (typeof bin === 'string') return [String(manifest['name']).replace(/^@[^/]+\//, '')];
  return bin && typeof bin === 'object' ? Object.keys(bin) : [];
}

async function checkCli(pkg: PackageInput, project: string, ctx: CheckContext, result: PackageResult): Promise<void> {
  for (const bin of result.bins) {
    ctx.log(`  ${pkg.dir}: npx --no-install ${bin} --help`);
    const help = await exec('npx', ['--no-install', bin, '--help'], { cwd: project, timeoutMs: 60_000 });
    const helpOk = help.code === 0 && help.stdout.trim() !== '';
    const cli: CliResult = {
      bin,
      help: {
        ok: helpOk,
        seconds: help.seconds,
        ...(helpOk
          ? {}
          : { detail: `exit ${help.code}, ${help.stdout.trim().length} chars on stdout:\n${tail(help.stderr || help.stdout, 6)}` }),
      },
    };
    if (!helpOk) result.failures.push(`cli ${bin} --help: ${cli.help.detail}`);
    result.cli.push(cli);

    const c = CLI_CASES[pkg.dir];
    if (!c) {
      result.failures.push(`cli ${bin}: no train case in tools/pack-smoke/cli-cases.ts`);
      continue;
    }
    const prepared = c.prepare?.(project, pkg.unpacked);
    const out = join('cli-runs', bin);
    const args = ['train', ...c.args, '--out', out, '--json'];
    const command = `${bin} ${args.join(' ')}`;
    ctx.log(`  ${pkg.dir}: ${command}${prepared ? ` (${prepared})` : ''}`);
    const train = await exec('npx', ['--no-install', bin, ...args], { cwd: project, timeoutMs: RUN_TIMEOUT_MS, env: userEnv() });
    const problems: string[] = [];
    let summary: Record<string, unknown> | undefined;
    if (train.timedOut) problems.push(`timed out after ${RUN_TIMEOUT_MS / 1000} s`);
    else if (train.code !== 0) problems.push(`exit ${train.code}`);
    const parsed = parseOneJsonObject(train.stdout);
    if ('error' in parsed) problems.push(parsed.error);
    else {
      summary = parsed.value;
      problems.push(...checkSummaryShape(summary, { method: c.method, domain: c.domain }).map((p) => `summary: ${p}`));
    }
    const detail = problems.length ? `${problems.join('; ')}${train.code !== 0 ? `\n${errorExcerpt(train.stderr, 8)}` : ''}` : undefined;
    cli.train = {
      ok: problems.length === 0,
      seconds: train.seconds,
      command,
      ...(summary ? { summary } : {}),
      ...(detail ? { detail } : {}),
    };
    if (detail) result.failures.push(`cli ${command}:\n${indent(detail)}`);
  }
}
