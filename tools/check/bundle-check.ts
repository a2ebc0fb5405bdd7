/**
 * Bundles a package's entry with esbuild (nothing is written) and lists what keeps it from running on its
 * platform. For the browser that is every Node builtin esbuild cannot resolve and every import of a
 * package known to be Node-only, each with the file and line that imports it and the chain of imports
 * from the entry that reaches that file. Builtins are judged by esbuild itself, so a dependency whose
 * `browser` field maps `fs` away passes exactly as it would in a user's bundler, and a `require()` inside
 * `try` (a guarded optional import, only a warning for esbuild) is not an error either.
 *
 * Workspace packages resolve to their TypeScript sources (an `exports` target `./dist/x.js` is read as
 * `./src/x.ts`), so the check needs no build and a domain package's root is checked together with the
 * parts of core it reaches. `@tensorflow/*` stays external: tfjs is a browser-capable peer dependency.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative, resolve } from 'node:path';
import * as esbuild from 'esbuild';

/** Packages that only run in Node (native addons, or built on Node streams and `fs`); never in a browser root. */
export const NODE_ONLY_PACKAGES: readonly string[] = ['sharp', 'pngjs'];

/** Subpaths that are Node-only by design: each one, when exported, must bundle for `platform: 'node'`. */
export const NODE_SUBPATHS: readonly string[] = ['./node'];

/** Peer dependencies left external: browser-capable and provided by the user's app. */
const EXTERNAL = ['@tensorflow/*'];

/** One package.json under the packages folder. */
export interface WorkspacePackage {
  name: string;
  /** Absolute folder of the package. */
  dir: string;
  private: boolean;
  /** `exports` subpath → the source file it is built from (absolute), for the subpaths that have one. */
  sources: Map<string, string>;
}

/** Why an entry does not bundle. */
export interface Finding {
  /** `builtin`: a Node builtin; `node-only`: a package in {@link NODE_ONLY_PACKAGES}; `error`: anything else esbuild refused. */
  kind: 'builtin' | 'node-only' | 'error';
  /** The import specifier (`node:fs`, `sharp/lib/x`), or esbuild's message for `error`. */
  what: string;
  /** The importing file, relative to the working folder (dependencies shortened to `pkg/path`). */
  file?: string;
  line?: number;
  /** `import-statement`, `dynamic-import`, `require-call`…, when known. */
  importKind?: string;
  /** Files from the entry to the importer (both included), when the import graph is known. */
  chain?: string[];
}

/** The outcome of bundling one entry. */
export interface EntryResult {
  pkg: string;
  subpath: string;
  platform: 'browser' | 'node';
  /** The bundled source file, relative to the working folder. */
  entry: string;
  findings: Finding[];
  /** Modules in the bundle and its size, when it bundled. */
  modules?: number;
  bytes?: number;
  ms: number;
}

/** Reads every `*\/package.json` directly under `packagesDir`. */
export function readWorkspace(packagesDir: string): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const name of readdirSync(packagesDir).sort()) {
    const file = join(packagesDir, name, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; private?: boolean; exports?: unknown };
    if (!json.name) continue;
    const dir = resolve(packagesDir, name);
    out.push({ name: json.name, dir, private: json.private === true, sources: exportSources(dir, json.exports) });
  }
  return out;
}

/** `exports` → source file per subpath: a target under `./dist/` maps to `./src/` with `.ts`; a `.ts` target is itself. */
function exportSources(dir: string, exports: unknown): Map<string, string> {
  const map = new Map<string, string>();
  const entries: [string, unknown][] =
    typeof exports === 'string'
      ? [['.', exports]]
      : exports && typeof exports === 'object'
        ? Object.entries(exports as Record<string, unknown>)
        : [['.', './dist/index.js']];
  for (const [subpath, target] of entries) {
    const file = pickTarget(target);
    if (!file) continue;
    const source = file.endsWith('.ts') && !file.endsWith('.d.ts') ? file : file.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
    if (source.endsWith('.ts')) map.set(subpath, join(dir, source));
  }
  return map;
}

function pickTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (!target || typeof target !== 'object') return undefined;
  const t = target as Record<string, unknown>;
  return pickTarget(t['browser'] ?? t['import'] ?? t['default']);
}

/** `@contrastive/x` and `@contrastive/x/sub` → that workspace package's source, so nothing needs building. */
function workspaceSources(workspace: WorkspacePackage[]): esbuild.Plugin {
  const byName = new Map(workspace.map((p) => [p.name, p]));
  return {
    name: 'workspace-sources',
    setup(build) {
      build.onResolve({ filter: /^@[^/]+\/[^/]+(\/.*)?$/ }, (args) => {
        const [scope, base, ...rest] = args.path.split('/');
        const pkg = byName.get(`${scope}/${base}`);
        if (!pkg) return undefined;
        const subpath = rest.length ? `./${rest.join('/')}` : '.';
        const source = pkg.sources.get(subpath);
        if (!source) return { errors: [{ text: `${args.path}: ${pkg.name} exports no '${subpath}' with a source file` }] };
        return { path: source };
      });
    },
  };
}

interface Hit {
  what: string;
  importer: string;
  importKind: string;
}

/** Imports of Node-only packages: recorded and left external, so the rest of the graph is still walked. */
function nodeOnlyPackages(hits: Hit[]): esbuild.Plugin {
  const names = NODE_ONLY_PACKAGES.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  return {
    name: 'node-only-packages',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${names})(/.*)?$`) }, (args) => {
        hits.push({ what: args.path, importer: args.importer, importKind: args.kind });
        return { path: args.path, external: true };
      });
    },
  };
}

/** Leaves exactly the builtin imports esbuild refused as external, so a second pass yields the import graph. */
function externalizeRefused(refused: Set<string>, cwd: string): esbuild.Plugin {
  return {
    name: 'externalize-refused',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path) || !args.importer) return undefined;
        return refused.has(key(relative(cwd, args.importer), args.path)) ? { path: args.path, external: true } : undefined;
      });
    },
  };
}

const key = (file: string, spec: string) => `${file}\0${spec}`;

/** `../node_modules/.pnpm/a@1/node_modules/a/lib/x.js` → `a/lib/x.js`; workspace files stay as they are. */
export function shortPath(file: string): string {
  const i = file.lastIndexOf('node_modules/');
  return i < 0 ? file : file.slice(i + 'node_modules/'.length);
}

/** Shortest import chain from `entry` to `target` in an esbuild metafile (both keys relative to the working folder). */
function chainTo(meta: esbuild.Metafile, entry: string, target: string): string[] | undefined {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    if (file === target) {
      const chain: string[] = [];
      for (let f: string | null | undefined = file; f != null; f = parent.get(f)) chain.unshift(f);
      return chain;
    }
    for (const imp of meta.inputs[file]?.imports ?? []) {
      if (imp.external || parent.has(imp.path)) continue;
      parent.set(imp.path, file);
      queue.push(imp.path);
    }
  }
  return undefined;
}

/** First line of `file` that names the specifier in quotes (esbuild's onResolve gives no location). */
function lineOf(file: string, spec: string): number | undefined {
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(`'${spec}'`) || l.includes(`"${spec}"`) || l.includes(`\`${spec}\``));
    return i < 0 ? undefined : i + 1;
  } catch {
    return undefined;
  }
}

export interface CheckEntryOptions {
  workspace: WorkspacePackage[];
  pkg: WorkspacePackage;
  subpath: string;
  platform: 'browser' | 'node';
  /** Working folder: paths in the report are relative to it. */
  cwd: string;
}

/** Bundles one exported entry of a workspace package for `platform` and reports what prevents it. */
export async function checkEntry(o: CheckEntryOptions): Promise<EntryResult> {
  const t0 = performance.now();
  const source = o.pkg.sources.get(o.subpath);
  const entry = source ? relative(o.cwd, source) : `${relative(o.cwd, o.pkg.dir)} (no source for '${o.subpath}')`;
  const result = (findings: Finding[], extra: Partial<EntryResult> = {}): EntryResult => ({
    pkg: o.pkg.name,
    subpath: o.subpath,
    platform: o.platform,
    entry,
    findings,
    ...extra,
    ms: performance.now() - t0,
  });
  if (!source || !existsSync(source)) {
    return result([
      {
        kind: 'error',
        what: `no source file for '${o.subpath}' (looked for ${source ? relative(o.cwd, source) : 'a ./dist/*.js target'})`,
      },
    ]);
  }

  const hits: Hit[] = [];
  const base: esbuild.BuildOptions = {
    entryPoints: [source],
    absWorkingDir: o.cwd,
    bundle: true,
    write: false,
    format: 'esm',
    platform: o.platform,
    metafile: true,
    logLevel: 'silent',
    external: EXTERNAL,
    // Node: third-party packages are installed next to the code, not bundled (sharp ships native binaries).
    ...(o.platform === 'node' ? { packages: 'external' as const } : {}),
  };
  const plugins = [workspaceSources(o.workspace), ...(o.platform === 'browser' ? [nodeOnlyPackages(hits)] : [])];

  const findings: Finding[] = [];
  const refused = new Set<string>();
  const collect = (e: unknown) => {
    const errors = (e as Partial<esbuild.BuildFailure>).errors ?? [{ text: String(e), location: null }];
    for (const err of errors) {
      const spec = /^Could not resolve "([^"]+)"/.exec(err.text)?.[1];
      const file = err.location?.file;
      if (o.platform === 'browser' && spec && isBuiltin(spec) && file) {
        refused.add(key(file, spec));
        findings.push({ kind: 'builtin', what: spec, file, line: err.location?.line });
      } else {
        findings.push({ kind: 'error', what: err.text, ...(file ? { file, line: err.location?.line } : {}) });
      }
    }
  };
  type Built = esbuild.BuildResult<{ metafile: true; write: false }>;
  let built: Built | undefined;
  try {
    built = (await esbuild.build({ ...base, plugins })) as Built;
  } catch (e) {
    collect(e);
    // esbuild stops after the resolve errors: bundle again with exactly the refused builtins external, to learn
    // how the entry reaches them and to see what the link step says (a missing export, say).
    if (refused.size) {
      hits.length = 0;
      try {
        built = (await esbuild.build({ ...base, plugins: [externalizeRefused(refused, o.cwd), ...plugins] })) as Built;
      } catch (e2) {
        collect(e2);
      }
    }
  }

  for (const h of hits) {
    const file = relative(o.cwd, h.importer);
    findings.push({ kind: 'node-only', what: h.what, file, line: lineOf(h.importer, h.what), importKind: h.importKind });
  }
  if (built) {
    const entryKey = relative(o.cwd, source);
    for (const f of findings) if (f.file) f.chain = chainTo(built.metafile, entryKey, f.file);
  }
  for (const f of findings) if (f.file) f.file = shortPath(f.file);
  if (findings.length || !built) return result(dedupe(findings));
  const out = built.outputFiles?.[0];
  return result([], { modules: Object.keys(built.metafile.inputs).length, ...(out ? { bytes: out.contents.byteLength } : {}) });
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.kind}\0${f.what}\0${f.file}\0${f.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every publishable package (not `private`): its root for the browser, its {@link NODE_SUBPATHS} for Node. */
export async function checkWorkspace(packagesDir: string, cwd: string): Promise<EntryResult[][]> {
  const workspace = readWorkspace(packagesDir);
  const perPackage: EntryResult[][] = [];
  for (const pkg of workspace.filter((p) => !p.private)) {
    const runs: EntryResult[] = [await checkEntry({ workspace, pkg, subpath: '.', platform: 'browser', cwd })];
    for (const subpath of NODE_SUBPATHS) {
      if (pkg.sources.has(subpath)) runs.push(await checkEntry({ workspace, pkg, subpath, platform: 'node', cwd }));
    }
    perPackage.push(runs);
  }
  return perPackage;
}

const kB = (b: number) => `${(b / 1024).toFixed(0)} kB`;

/** The report for one package: one `OK` line, or a `FAIL` line and one line per finding. */
export function formatPackage(runs: EntryResult[]): string[] {
  const name = runs[0]!.pkg;
  const what = (r: EntryResult) => `${r.subpath === '.' ? 'root' : r.subpath} (${r.platform})`;
  const failed = runs.filter((r) => r.findings.length);
  if (!failed.length) {
    const parts = runs.map((r) => `${what(r)} ${r.modules} modules${r.bytes === undefined ? '' : `, ${kB(r.bytes)}`}`);
    return [`OK   ${name}: ${parts.join('; ')}`];
  }
  const lines: string[] = [];
  for (const r of runs) {
    if (!r.findings.length) continue;
    const counts = (['builtin', 'node-only', 'error'] as const)
      .map((k) => [k, r.findings.filter((f) => f.kind === k).length] as const)
      .filter(([, n]) => n > 0)
      .map(
        ([k, n]) =>
          `${n} ${k === 'builtin' ? 'Node builtin import' : k === 'node-only' ? 'Node-only package import' : 'other error'}${n === 1 ? '' : 's'}`,
      );
    lines.push(`FAIL ${name}: ${what(r)} from ${r.entry}: ${counts.join(', ')}`);
    for (const f of r.findings) {
      const at = f.file ? ` ${f.file}${f.line ? `:${f.line}` : ''}` : '';
      const label = f.kind === 'builtin' ? `'${f.what}'` : f.kind === 'node-only' ? `'${f.what}' (Node-only package)` : f.what;
      const kind = f.importKind && f.importKind !== 'import-statement' ? ` [${f.importKind}]` : '';
      lines.push(`       ${label}${kind} imported by${at}`);
      if (f.chain && f.chain.length > 1) lines.push(`         via ${f.chain.slice(0, -1).map(shortPath).join(' → ')}`);
    }
  }
  return lines;
}
