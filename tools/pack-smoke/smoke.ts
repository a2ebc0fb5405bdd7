/**
 * Package smoke test (issue 19): every public package installed alone, with npm, from its packed tarball,
 * as a new user would; then its README quick starts (blocks tagged `smoke`) and its CLI are run, and its
 * installed size and package count are held to tools/pack-smoke/budgets.json.
 *
 *   node --import tsx tools/pack-smoke/smoke.ts [--package core,vision] [--json] [--keep] [--write-doc] [--no-build] [--try-untagged]
 *
 * The npm cache is ~/.cache/contrastive-pack-smoke/npm (or $PACK_SMOKE_NPM_CACHE), so a re-run installs from
 * it. Progress goes to stderr; the table (or `--json`) to stdout. Exit 0 when every package passes, 1 when one
 * fails, 2 on a usage error.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir, type as osType, release } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseBudgets } from './budgets.js';
import {
  type CheckContext,
  checkPackage,
  measure,
  newProject,
  npmInstall,
  type PackageInput,
  type PackageResult,
} from './check-package.js';
import { exec, tail } from './exec.js';
import { packageNotes } from './package-notes.js';
import { renderDoc, renderTable, type RunReport } from './report.js';
import { dirSize } from './size.js';
import { installClosure, publicPackages, tfjsPeerRange, type WorkspacePackage } from './workspace.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const USAGE =
  'Usage: node --import tsx tools/pack-smoke/smoke.ts [--package core,vision] [--json] [--keep] [--write-doc] [--no-build] [--try-untagged]';

const { values } = parseArgs({
  options: {
    package: { type: 'string' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'write-doc': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'try-untagged': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`${USAGE}

  --package A,B  only these packages (folder names under packages/; default: every public one)
  --json         print the report as JSON instead of the table
  --keep         keep the temp folder (tarballs, unpacked packages, one project per package) and print it
  --write-doc    rewrite docs/packages.md from this run (needs every package: no --package)
  --no-build     pack what is already built (skips \`pnpm build\`)
  --try-untagged also type-check and run the README's untagged ts/js blocks and report what they would fail
                 with (findings only: they never fail the run)`);
  process.exit(0);
}

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => process.stderr.write(`[pack-smoke ${elapsed()}] ${line}\n`);
const usage = (message: string): never => {
  process.stderr.write(`pack-smoke: ${message}\n${USAGE}\n`);
  process.exit(2);
};

const all = publicPackages(join(ROOT, 'packages'));
const privateNames = ['packages', 'examples'].flatMap((d) =>
  existsSync(join(ROOT, d))
    ? readdirSync(join(ROOT, d))
        .map((p) => join(ROOT, d, p, 'package.json'))
        .filter((f) => existsSync(f))
        .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { name: string; private?: boolean })
        .filter((m) => m.private)
        .map((m) => m.name)
    : [],
);
const wanted = values.package ? values.package.split(',').map((s) => s.trim().replace(/^@contrastive\//, '')) : all.map((p) => p.dir);
for (const w of wanted) {
  if (!all.some((p) => p.dir === w)) usage(`unknown package "${w}"; public packages: ${all.map((p) => p.dir).join(', ')}`);
}
if (values['write-doc'] && wanted.length !== all.length) usage('--write-doc needs a run of every package (drop --package)');
const selected = all.filter((p) => wanted.includes(p.dir));

const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const npmCache = resolve(process.env['PACK_SMOKE_NPM_CACHE'] ?? join(homedir(), '.cache/contrastive-pack-smoke/npm'));
const npmCacheWarm = existsSync(npmCache) && readdirSync(npmCache).length > 0;
mkdirSync(npmCache, { recursive: true });
const workDir = mkdtempSync(join(tmpdir(), 'contrastive-pack-smoke-'));
log(`work folder ${workDir}; npm cache ${npmCache} (${npmCacheWarm ? 'warm' : 'cold'})`);

const git = async (...args: string[]) => (await exec('git', args, { cwd: ROOT })).stdout.trim();
const meta: RunReport['meta'] = {
  date: new Date().toISOString().slice(0, 10),
  commit: await git('rev-parse', '--short=12', 'HEAD'),
  dirty: (await git('status', '--porcelain', '--', 'packages')) !== '',
  node: process.version,
  npm: (await exec('npm', ['--version'], { cwd: workDir })).stdout.trim(),
  platform: `${osType()} ${release()} ${process.arch}`,
  cpus: cpus().length,
  npmCache,
  npmCacheWarm,
  seconds: { total: 0, build: 0, pack: 0, baseline: 0 },
};

// 1. Build.
if (!values['no-build']) {
  log('building the workspace (npx -y pnpm@10 build)');
  const build = await exec('npx', ['-y', 'pnpm@10', 'build'], { cwd: ROOT });
  meta.seconds.build = build.seconds;
  if (build.code !== 0) {
    process.stderr.write(
      `${tail(build.stdout + build.stderr, 40)}\npack-smoke: the build failed (exit ${build.code}); nothing was packed\n`,
    );
    process.exit(1);
  }
}

// 2. Pack every package the selected ones need, and read each tarball as published.
const needed = all.filter((p) => selected.some((s) => installClosure(s.name, all).includes(p.name)));
const tarballDir = join(workDir, 'tarballs');
const packed = new Map<string, { file: string; files: number; unpacked: string; manifest: Record<string, unknown>; notes: string[] }>();
const tPack = performance.now();
for (const p of needed) {
  log(`packing ${p.name} (pnpm pack)`);
  const r = await exec('npx', ['-y', 'pnpm@10', 'pack', '--json', '--pack-destination', tarballDir], { cwd: p.path });
  const json = r.stdout.slice(r.stdout.indexOf('{'));
  if (r.code !== 0 || !json) {
    process.stderr.write(`${tail(r.stdout + r.stderr)}\npack-smoke: pnpm pack failed for ${p.name}\n`);
    process.exit(1);
  }
  const info = JSON.parse(json) as { filename: string; files: { path: string }[] };
  const into = join(workDir, 'unpacked', p.dir);
  mkdirSync(into, { recursive: true });
  const untar = await exec('tar', ['-xzf', info.filename, '-C', into], { cwd: workDir });
  if (untar.code !== 0) usage(`cannot unpack ${info.filename}: ${untar.stderr}`);
  const unpacked = join(into, 'package');
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<string, unknown>;
  const files = info.files.map((f) => f.path);
  packed.set(p.name, {
    file: info.filename,
    files: files.length,
    unpacked,
    manifest,
    notes: packageNotes({ root: unpacked, files, manifest }, privateNames),
  });
}
meta.seconds.pack = (performance.now() - tPack) / 1000;

// 3. @tensorflow/tfjs alone: the part of every install that is the peer's.
const ctx: CheckContext = {
  workDir,
  npmCache,
  budgets: parseBudgets(JSON.parse(readFileSync(join(HERE, 'budgets.json'), 'utf8'))).packages,
  typescriptRange: rootManifest.devDependencies['typescript'] ?? 'latest',
  typesNodeRange: rootManifest.devDependencies['@types/node'] ?? '^20',
  tryUntagged: values['try-untagged'],
  log,
};
const tfjsRange = (p: WorkspacePackage) => tfjsPeerRange(packed.get(p.name)!.manifest) ?? tfjsPeerRange(p.manifest) ?? 'latest';
let baseline: RunReport['baseline'];
{
  const project = join(workDir, 'projects', '_tfjs-alone');
  newProject(project, 'smoke-tfjs-alone');
  log(`baseline: npm install @tensorflow/tfjs@${tfjsRange(selected[0]!)} alone`);
  const r = await npmInstall(project, [`@tensorflow/tfjs@${tfjsRange(selected[0]!)}`], ctx);
  meta.seconds.baseline = r.seconds;
  if (r.code === 0) baseline = await measure(project);
  else log(`baseline install failed (sizes are reported without the tfjs share):\n${tail(r.stderr)}`);
}

// 4. Each package alone.
const results: PackageResult[] = [];
for (const p of selected) {
  const me = packed.get(p.name)!;
  log(`${p.name}: fresh project, npm install`);
  const input: PackageInput = {
    dir: p.dir,
    name: p.name,
    version: String(me.manifest['version']),
    unpacked: me.unpacked,
    manifest: me.manifest,
    tarball: { file: basename(me.file), bytes: statSync(me.file).size, files: me.files, unpackedBytes: dirSize(me.unpacked).bytes },
    installTarballs: installClosure(p.name, all).map((n) => packed.get(n)!.file),
    tfjsRange: tfjsRange(p),
    notes: me.notes,
  };
  const r = await checkPackage(input, ctx);
  log(`${p.name}: ${r.ok ? 'PASS' : `FAIL (${r.failures.length})`} in ${r.seconds.toFixed(1)} s`);
  results.push(r);
  // One install is 0.3–0.8 GB: free it now rather than holding every project until the end.
  if (!values.keep) rmSync(join(workDir, 'projects', p.dir), { recursive: true, force: true });
}
if (!values.keep) rmSync(workDir, { recursive: true, force: true });

meta.seconds.total = (performance.now() - t0) / 1000;
const report: RunReport = { ok: results.every((r) => r.ok), meta, ...(baseline ? { baseline } : {}), packages: results };
if (values.json) console.log(JSON.stringify(report, null, 2));
else console.log(renderTable(report));
if (values['write-doc']) {
  writeFileSync(join(ROOT, 'docs/packages.md'), renderDoc(report));
  log('wrote docs/packages.md');
}
if (values.keep) log(`kept ${workDir}`);
process.exit(report.ok ? 0 : 1);
