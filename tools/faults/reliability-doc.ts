/**
 * Writes docs/reliability.md from the fault cases every package lists in `src/faults/cases.ts` (`export const
 * FAULT_CASES: FaultCase[]`), after checking that each case is exercised by a test of its package (a test file that
 * names the case id). `--check` writes nothing and exits 1 when the committed table is stale or a case has no test:
 * `pnpm check` runs it, so the table stays what the suite proves.
 *
 *   node --import tsx tools/faults/reliability-doc.ts           # regenerate
 *   node --import tsx tools/faults/reliability-doc.ts --check   # CI
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FaultCase } from '../../packages/test-utils/src/fault-case.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOC = path.join(ROOT, 'docs/reliability.md');

async function testFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...(await testFiles(p)));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export async function render(): Promise<{ doc: string; problems: string[] }> {
  const problems: string[] = [];
  const sections: string[] = [];
  const packagesDir = path.join(ROOT, 'packages');
  let total = 0;
  for (const pkg of (await fs.readdir(packagesDir)).sort()) {
    const casesFile = path.join(packagesDir, pkg, 'src/faults/cases.ts');
    if (!existsSync(casesFile)) continue;
    const mod = (await import(pathToFileURL(casesFile).href)) as { FAULT_CASES?: FaultCase[] };
    const rows = mod.FAULT_CASES;
    if (!Array.isArray(rows) || rows.length === 0) {
      problems.push(`${path.relative(ROOT, casesFile)}: no FAULT_CASES`);
      continue;
    }
    const sources = await Promise.all(
      (await testFiles(path.join(packagesDir, pkg, 'src'))).map(async (f) => [f, await fs.readFile(f, 'utf8')] as const),
    );
    const seen = new Set<string>();
    const lines = ['| id | item | surface | input or fault | outcome | test |', '|---|---|---|---|---|---|'];
    for (const row of rows) {
      if (seen.has(row.id)) problems.push(`${row.id}: listed twice`);
      seen.add(row.id);
      const tests = sources
        .filter(([, text]) => text.includes(`'${row.id}'`) || text.includes(`"${row.id}"`))
        .map(([f]) => path.relative(ROOT, f));
      if (tests.length === 0) problems.push(`${row.id}: no test file in packages/${pkg}/src names this case`);
      lines.push(
        `| \`${row.id}\` | ${row.issueItem ?? ''} | ${cell(row.surface)} | ${cell(row.input)} | ${cell(row.outcome)} | ${tests.map((t) => `\`${t}\``).join(', ')} |`,
      );
    }
    total += rows.length;
    sections.push(`## ${pkg}\n\n${lines.join('\n')}\n`);
  }
  const doc = `# Reliability: hostile inputs and faults

Every row is a test. Each package lists its cases in \`src/faults/cases.ts\`; the test that proves a row names its id.
This file is generated from them by \`node --import tsx tools/faults/reliability-doc.ts\`, and \`pnpm check\` fails
when it is stale or a case has no test. "item" is the numbered point of the issue "Fail loudly, lose nothing" that the
row answers. Parsers are fuzzed with fast-check in a child process (\`runIsolated\` from \`@contrastive/test-utils\`:
capped V8 heap, a timeout, and an asserted peak resident memory that also counts typed arrays and wasm memory).

Reproduce one row: \`cd packages/<package> && npx vitest run -t '<id>'\`. ${total} cases.

${sections.join('\n')}`;
  return { doc, problems };
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const { doc, problems } = await render();
  for (const p of problems) process.stderr.write(`reliability-doc: ${p}\n`);
  if (check) {
    const current = existsSync(DOC) ? await fs.readFile(DOC, 'utf8') : '';
    if (current !== doc) {
      process.stderr.write('reliability-doc: docs/reliability.md is stale; run node --import tsx tools/faults/reliability-doc.ts\n');
      process.exitCode = 1;
    }
    if (problems.length > 0) process.exitCode = 1;
    if (process.exitCode !== 1) process.stdout.write('reliability-doc: docs/reliability.md is current\n');
    return;
  }
  await fs.writeFile(DOC, doc);
  process.stdout.write(`reliability-doc: wrote ${path.relative(ROOT, DOC)}\n`);
  if (problems.length > 0) process.exitCode = 1;
}

await main();
