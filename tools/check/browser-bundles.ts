/**
 * Browser-bundle check (issue 17, "Entry points"): every publishable package's root entry must bundle for
 * the browser with no Node builtin and no Node-only package (sharp, pngjs) reachable; a `./node` subpath, when
 * exported, must bundle for Node. Sources are bundled, so no build is needed.
 *
 *   node --import tsx tools/check/browser-bundles.ts [--packages DIR] [--json]
 *
 * Exit 0 when every package passes, 1 otherwise (the report lists each offending import, the file and line
 * that makes it, and the import chain from the entry).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkWorkspace, formatPackage } from './bundle-check.js';

const { values } = parseArgs({
  options: {
    packages: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: node --import tsx tools/check/browser-bundles.ts [--packages DIR] [--json]');
  process.exit(0);
}

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packagesDir = values.packages ? resolve(values.packages) : join(repo, 'packages');
// Paths in the report are relative to the folder holding packages/ (the repository root by default).
const t0 = performance.now();
const results = await checkWorkspace(packagesDir, dirname(packagesDir));
const failed = results.filter((runs) => runs.some((r) => r.findings.length));

if (values.json) {
  console.log(JSON.stringify(results.flat(), null, 2));
} else {
  for (const runs of results) for (const line of formatPackage(runs)) console.log(line);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    failed.length
      ? `browser-bundles: ${failed.length} of ${results.length} packages fail (${failed.map((r) => r[0]!.pkg).join(', ')}) [${seconds} s]`
      : `browser-bundles: all ${results.length} packages pass [${seconds} s]`,
  );
}
process.exit(failed.length ? 1 : 0);
