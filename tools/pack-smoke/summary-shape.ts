/**
 * The shape of core's `RunSummary` (packages/core/src/cli/summary.ts), checked on what a CLI printed with
 * `--json`. Written out here rather than imported: the smoke test judges the published CLI from the outside,
 * as a script that collects summaries would.
 */

/** What the summary must say about the run that was asked for. */
export interface SummaryExpectation {
  method: string;
  domain: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Parses a CLI's stdout as exactly one JSON object (surrounding whitespace allowed, nothing else).
 * Returns the object or the reason it is not one.
 */
export function parseOneJsonObject(stdout: string): { value: Record<string, unknown> } | { error: string } {
  const text = stdout.trim();
  if (text === '') return { error: 'stdout is empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const lines = text.split('\n').length;
    return { error: `stdout is not one JSON value (${lines} line${lines === 1 ? '' : 's'}; ${(e as Error).message}): ${clip(text, 200)}` };
  }
  if (!isRecord(value)) return { error: `stdout is JSON but not an object: ${clip(text, 200)}` };
  return { value };
}

/** Problems with `summary` as a `RunSummary` of the expected run; empty when it conforms. */
export function checkSummaryShape(summary: Record<string, unknown>, expect: SummaryExpectation): string[] {
  const problems: string[] = [];
  const need = (field: string, ok: (v: unknown) => boolean, what: string) => {
    if (!(field in summary)) problems.push(`missing "${field}"`);
    else if (!ok(summary[field])) problems.push(`"${field}" is ${JSON.stringify(summary[field])}, expected ${what}`);
  };
  need('method', (v) => v === expect.method, JSON.stringify(expect.method));
  need('domain', (v) => v === expect.domain, JSON.stringify(expect.domain));
  for (const f of ['seed', 'epochs', 'seconds', 'trainSeconds']) need(f, isNumber, 'a finite number');
  need('steps', (v) => isNumber(v) && v > 0, 'a number > 0 (something trained)');
  need('backend', (v) => typeof v === 'string' && v !== '', 'a backend name');
  need('out', (v) => typeof v === 'string' && v !== '', 'the run folder');
  need('finalLoss', (v) => v === null || isNumber(v), 'a finite number or null');
  need(
    'metrics',
    (v) => isRecord(v) && Object.values(v).every((x) => x === null || typeof x === 'string' || isNumber(x)),
    'an object of numbers, strings or null',
  );
  need(
    'baselines',
    (v) => isRecord(v) && Object.values(v).every((b) => isRecord(b) && Object.values(b).every((x) => x === null || isNumber(x))),
    'an object of { score: number | null } objects',
  );
  if ('notes' in summary) need('notes', (v) => Array.isArray(v) && v.every((n) => typeof n === 'string'), 'an array of strings');
  if (summary['finalLoss'] === null) problems.push('"finalLoss" is null: nothing trained or the loss was not finite');
  return problems;
}

export function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
