/**
 * Fuzzes `readRunConfig` (run.json) in-process (run by the run-config fuzz test in a child with a capped heap):
 * arbitrary JSON, valid records with fields replaced by arbitrary JSON, random and truncated text, and a 20 MB
 * sparse file. Every input must give a record with the documented field types or a UsageError naming run.json
 * (or its folder). Exits 0 with `runs <n>` on stdout, 1 with the counterexample on stderr.
 *
 *   node --import tsx fuzz-run-config.child.ts <tmpdir> <numRuns> <seed>
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { UsageError } from '../cli/args.js';
import { readRunConfig } from '../cli/run-folder.js';

const [base, runsArg, seedArg] = process.argv.slice(2);
const dir = path.join(base!, 'run');
await fs.rm(dir, { recursive: true, force: true });
await fs.mkdir(dir, { recursive: true });
const file = path.join(dir, 'run.json');
const valid = {
  tool: 'contrastive-x',
  version: '1.0.0',
  domain: 'vision',
  method: 'simclr',
  createdAt: '2026-01-01T00:00:00Z',
  config: { lr: 0.1 },
};

function check(result: { record?: unknown; error?: unknown }): string | null {
  if ('error' in result) {
    const err = result.error;
    if (!(err instanceof UsageError)) return `not a UsageError: ${String(err)}`;
    if (!err.message.includes(dir)) return `error without the path: ${err.message}`;
    return null;
  }
  const r = result.record as Record<string, unknown>;
  for (const k of ['tool', 'domain', 'method', 'createdAt'])
    if (typeof r[k] !== 'string') return `record with ${k} = ${JSON.stringify(r[k])}`;
  if (typeof r.config !== 'object' || r.config === null || Array.isArray(r.config))
    return `record with config = ${JSON.stringify(r.config)}`;
  if (r.version !== undefined && typeof r.version !== 'string') return `record with version = ${JSON.stringify(r.version)}`;
  if (r.tool !== valid.tool) return `a ${String(r.tool)} record accepted for tool ${valid.tool}`;
  return null;
}

async function read(text: string | null): Promise<{ record?: unknown; error?: unknown }> {
  if (text !== null) await fs.writeFile(file, text);
  try {
    return { record: await readRunConfig(dir, 'out', { tool: valid.tool }) };
  } catch (error) {
    return { error };
  }
}

// A 20 MB file (sparse: nothing to read) is refused from its size.
await fs.writeFile(file, '');
await fs.truncate(file, 20 * 1024 * 1024);
const huge = await read(null);
if (check(huge) !== null || !/more than the \d+ a run record may have/.test(String((huge.error as Error)?.message))) {
  process.stderr.write(`20 MB run.json: ${String((huge.error as Error)?.message ?? 'accepted')}\n`);
  process.exit(1);
}

const KEYS = ['tool', 'version', 'domain', 'method', 'createdAt', 'config'] as const;
const text = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ key: fc.constantFrom(...KEYS), value: fc.jsonValue({ maxDepth: 2 }), drop: fc.boolean() }).map(({ key, value, drop }) => {
    const r: Record<string, unknown> = { ...valid };
    if (drop) delete r[key];
    else r[key] = value;
    return JSON.stringify(r);
  }),
  fc.string({ maxLength: 60 }),
  fc.nat({ max: 200 }).map((n) => JSON.stringify(valid).slice(0, n)),
  fc.constantFrom('null', '[]', '""', '{"__proto__":{"tool":"contrastive-x"}}', JSON.stringify({ ...valid, tool: 'other' })),
);

let runs = 0;
try {
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      runs++;
      const problem = check(await read(t));
      if (problem !== null) throw new Error(problem);
    }),
    { numRuns: Number(runsArg), seed: Number(seedArg) },
  );
  // The intact record still reads.
  const ok = await read(JSON.stringify(valid));
  if (!('record' in ok)) throw new Error(`the valid record is refused: ${String(ok.error)}`);
  process.stdout.write(`runs ${runs}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
