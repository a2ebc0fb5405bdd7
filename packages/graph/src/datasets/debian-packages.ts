/**
 * What dpkg knows about installed files and packages (Node only): one `dpkg-query` process per question, never one
 * per file (`dpkg -S` per page would take minutes for 20,000 pages; one `dpkg-query -S` with a glob takes 0.1 s).
 * On a system without dpkg the answers are empty, and the builders say so.
 */
import { execFileSync } from 'node:child_process';

function dpkgQuery(args: readonly string[]): string {
  try {
    return execFileSync('dpkg-query', args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    // Exit status 1 with output = some patterns matched nothing; keep what was printed.
    const out = (e as { stdout?: unknown }).stdout;
    return typeof out === 'string' ? out : '';
  }
}

/**
 * Owning package of every installed file matching the glob `pattern` (`'/usr/share/man/man*\/*'`), from one
 * `dpkg-query -S`: path → package (the first, when a path is shared). Diversion lines are skipped.
 */
export function dpkgOwners(pattern: string): Map<string, string> {
  const owners = new Map<string, string>();
  for (const line of dpkgQuery(['-S', pattern]).split('\n')) {
    const m = /^([^:\s,]+)(?::[\w-]+)?(?:, [^:]+)?: (\/.*)$/.exec(line);
    if (m && !line.startsWith('diversion ')) owners.set(m[2]!, m[1]!);
  }
  return owners;
}

/** Installed version of each of `packages` (`dpkg-query -W`); a package not installed is absent. */
export function dpkgVersions(packages: readonly string[]): Map<string, string> {
  const versions = new Map<string, string>();
  if (packages.length === 0) return versions;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} format syntax, not a template
  for (const line of dpkgQuery(['-W', '-f=${Package}\\t${Version}\\n', ...packages]).split('\n')) {
    const [name, version] = line.split('\t');
    if (name && version) versions.set(name, version);
  }
  return versions;
}
