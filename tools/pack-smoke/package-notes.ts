/**
 * What a tarball ships that a user would trip over, found by reading the unpacked tarball: source maps
 * whose sources are not shipped, test code and fixtures in the published files, manifest fields npm and
 * registries show (repository, homepage, bugs), licences of shipped data that the `license` field does not
 * cover, a README without an install line. These are notes for the package owners; they do not fail the run.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

export interface TarballContents {
  /** The unpacked `package/` folder. */
  root: string;
  /** Paths relative to `root`, `/`-separated. */
  files: string[];
  manifest: Record<string, unknown>;
}

export interface SourceMapReport {
  maps: number;
  mapBytes: number;
  unpackedBytes: number;
  /** Maps with at least one `sources` entry that is not in the tarball. */
  dangling: number;
  example?: string;
}

/** Source maps and their share of the unpacked bytes; `dangling` counts maps pointing at unshipped files. */
export function sourceMapReport(t: TarballContents): SourceMapReport {
  const shipped = new Set(t.files);
  let mapBytes = 0;
  let unpackedBytes = 0;
  let maps = 0;
  let dangling = 0;
  let example: string | undefined;
  for (const f of t.files) {
    const size = statSync(join(t.root, f)).size;
    unpackedBytes += size;
    if (!f.endsWith('.map')) continue;
    maps += 1;
    mapBytes += size;
    let sources: string[] = [];
    try {
      const map = JSON.parse(readFileSync(join(t.root, f), 'utf8')) as {
        sources?: string[];
        sourceRoot?: string;
        sourcesContent?: unknown[];
      };
      // A map that embeds its sources does not need them shipped.
      if (Array.isArray(map.sourcesContent) && map.sourcesContent.length === map.sources?.length) continue;
      sources = (map.sources ?? []).map((s) => join(map.sourceRoot ?? '', s));
    } catch {
      continue;
    }
    const missing = sources.map((s) => normalize(join(dirname(f), s)).replace(/\\/g, '/')).filter((s) => !shipped.has(s));
    if (missing.length > 0) {
      dangling += 1;
      example ??= `${f} → ${missing[0]}`;
    }
  }
  return { maps, mapBytes, unpackedBytes, dangling, ...(example === undefined ? {} : { example }) };
}

/** Shipped files that are tests, test helpers or fixtures. */
export function testFiles(files: readonly string[]): string[] {
  return files.filter((f) =>
    /(^|\/)(__fixtures__|__tests__|__mocks__|fixtures?|test-utils?)\/|(^|[/.-])test-helpers?\b|\.(test|spec)\.[cm]?[jt]sx?$/.test(f),
  );
}

/** SPDX-ish licence names mentioned in a text (a NOTICE, a data LICENSE). */
export function licenceNames(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\bCC[ -]BY(?:[ -](?:SA|NC|ND))*(?:[ -]\d\.\d)?/gi)) found.add(m[0].toUpperCase().replace(/ /g, '-'));
  if (/\bCC0\b/.test(text)) found.add('CC0-1.0');
  for (const m of text.matchAll(/\b(BSD-[234]-Clause|Apache-2\.0|GPL-[23]\.0|LGPL-[23]\.[01]|MPL-2\.0|ODbL)\b/gi)) found.add(m[1]!);
  if (/\bMIT\b/.test(text)) found.add('MIT');
  return [...found].sort();
}

/** The lowest Node version a range like `>=20`, `>=20.19.0`, `^20.19 || >=22.12` admits (major, minor). */
export function engineFloor(range: string): [number, number] | undefined {
  const floors = range
    .split('||')
    .map((part) => /(?:>=|\^|~)?\s*v?(\d+)(?:\.(\d+))?/.exec(part.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [Number(m[1]), Number(m[2] ?? 0)] as [number, number]);
  floors.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return floors[0];
}

/** Notes about one unpacked tarball. `privateNames` are the workspace's unpublished packages. */
export function packageNotes(t: TarballContents, privateNames: readonly string[]): string[] {
  const notes: string[] = [];
  const m = t.manifest;
  const name = String(m['name']);
  const maps = sourceMapReport(t);
  if (maps.dangling > 0) {
    notes.push(
      `${maps.dangling} of ${maps.maps} source maps point at sources not in the tarball (e.g. ${maps.example}); ` +
        `maps are ${Math.round((100 * maps.mapBytes) / Math.max(1, maps.unpackedBytes))} % of the unpacked bytes: ship src or drop the maps`,
    );
  }
  const tests = testFiles(t.files);
  if (tests.length > 0)
    notes.push(`test code or fixtures shipped (${tests.length}): ${tests.slice(0, 4).join(', ')}${tests.length > 4 ? ', …' : ''}`);
  const missing = ['repository', 'homepage', 'bugs'].filter((f) => m[f] === undefined);
  if (missing.length > 0) notes.push(`package.json has no ${missing.join(', ')}`);
  if (!t.files.some((f) => /^(LICEN[CS]E|COPYING)(\.|$)/i.test(f)))
    notes.push(`no LICENSE file in the tarball (license field: ${String(m['license'])})`);
  const licence = String(m['license'] ?? '');
  for (const f of t.files.filter((f) => f.includes('/') && /(^|\/)(LICEN[CS]E|NOTICE|COPYING)[^/]*$/i.test(f))) {
    const other = licenceNames(readFileSync(join(t.root, f), 'utf8')).filter((l) => !licence.includes(l));
    if (other.length > 0) notes.push(`${f} names ${other.join(', ')} but the license field is "${licence}"`);
  }
  const devDeps = Object.keys((m['devDependencies'] ?? {}) as Record<string, string>).filter((d) => privateNames.includes(d));
  if (devDeps.length > 0) notes.push(`published devDependencies name unpublished workspace packages: ${devDeps.join(', ')}`);
  const readme = t.files.find((f) => /^readme(\.md)?$/i.test(f));
  if (!readme) notes.push('no README in the tarball');
  else if (!readFileSync(join(t.root, readme), 'utf8').includes(`npm install ${name}`))
    notes.push(`README has no \`npm install ${name} …\` line`);
  const engines = (m['engines'] ?? {}) as Record<string, string>;
  const floor = engines['node'] ? engineFloor(engines['node']) : undefined;
  const exportsRequire = JSON.stringify(m['exports'] ?? {}).includes('"require"');
  if (m['type'] === 'module' && !exportsRequire && floor && (floor[0] < 20 || (floor[0] === 20 && floor[1] < 19))) {
    notes.push(
      `ESM-only, engines.node "${engines['node']}": require() of it from CommonJS needs Node >= 20.19 (22.12 on 22.x); state the real floor`,
    );
  }
  return notes;
}
