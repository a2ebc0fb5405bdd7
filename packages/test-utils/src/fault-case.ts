/**
 * One row of the reliability table (docs/reliability.md): a hostile input or a fault, what the library does with
 * it, and the test that proves it. Each package lists its rows in `src/faults/cases.ts`; its fault tests name
 * their `it()` after a row (`faultTitle(row)`), and `tools/faults/reliability-doc.ts` writes the table from the
 * rows — `pnpm check` fails when the table is stale or a row has no test.
 */
export interface FaultCase {
  /** Stable id, `<package>/<short-name>` (e.g. `core/checkpoint-negative-offset`). */
  id: string;
  /** What is tried: a parser, a CLI command, a training run. */
  surface: string;
  /** The input or fault, as a user would meet it. */
  input: string;
  /** What happens now (the asserted outcome: an error naming the file, a refusal, exit code 1 …). */
  outcome: string;
  /** The numbered item of the issue "Fail loudly, lose nothing" it answers, if any. */
  issueItem?: number;
}

/** The `it()` title of a fault case: its id first, so the table can find its test. */
export function faultTitle(row: FaultCase): string {
  return `${row.id}: ${row.input}`;
}

/** Looks a case up by id (throws listing the ids, so a renamed case fails loudly). */
export function faultCase(rows: readonly FaultCase[], id: string): FaultCase {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no fault case '${id}'; known: ${rows.map((r) => r.id).join(', ')}`);
  return row;
}
