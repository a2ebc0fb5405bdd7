// Child of the fault suite (run by runIsolated with a capped heap): fast-check over the data parsers (corpus,
// JSONL triplets and retrieval pairs, STS TSV). Every input must give a clean result or a TextDataError naming the
// file; otherwise exit 1 with the counterexample. argv[2]: the seed.
import fc from 'fast-check';
import { parseCorpusEntries, parseRetrievalPairs, parseStsPairs, parseTriplets } from '../data/parse-corpus.js';
import { TextDataError } from '../errors.js';

const FILE = 'fuzz/data.txt';
const seed = Number(process.argv[2] ?? 1);

/** A clean result is non-empty and holds only non-empty strings (and finite scores). */
function clean(result: unknown[]): boolean {
  return (
    result.length > 0 &&
    result.every((r) =>
      Object.values(r as Record<string, unknown>).every((v) => (typeof v === 'string' ? v.trim() !== '' : Number.isFinite(v))),
    )
  );
}

function check(text: string): boolean {
  const parsers: ((t: string) => unknown[])[] = [
    (t) => parseCorpusEntries(t, FILE),
    (t) => parseCorpusEntries(t, FILE, { jsonl: true }),
    (t) => parseTriplets(t, FILE),
    (t) => parseRetrievalPairs(t, FILE),
    (t) => parseStsPairs(t, FILE),
  ];
  for (const parse of parsers) {
    try {
      if (!clean(parse(text))) return false;
    } catch (e) {
      if (!(e instanceof TextDataError && e.file === FILE && e.message.startsWith(FILE))) return false;
    }
  }
  return true;
}

const value = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', '\t', null, 0, true, [], {}), fc.integer(), fc.double());
const jsonLine = fc
  .dictionary(fc.constantFrom('text', 'positive', 'negative', 'query', 'document', 'x', '__proto__'), value, { maxKeys: 5 })
  .map((o) => JSON.stringify(o));
const tsvLine = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.double().map(String),
      fc.constantFrom('NaN', 'Infinity', '1e999', '', ' 3 ', '0x10', 'sentence1'),
    ),
    {
      maxLength: 4,
    },
  )
  .map((cols) => cols.join('\t'));
const line = fc.oneof(jsonLine, tsvLine, fc.string({ maxLength: 12 }), fc.constantFrom('', '{', '}', '[1]', 'null', '{"text":'));
const document = fc.array(line, { maxLength: 8 }).chain((ls) => fc.constantFrom(ls.join('\n'), ls.join('\r\n'), `${ls.join('\n')}\n`));

const started = performance.now();
let runs = 0;
for (const [name, arb] of [
  ['arbitrary text', fc.string({ maxLength: 80, unit: 'binary' })],
  ['line-structured', document],
] as const) {
  const result = fc.check(fc.property(arb as fc.Arbitrary<string>, check), { seed, numRuns: 3000 });
  runs += result.numRuns;
  if (result.failed) {
    process.stderr.write(`${name}: ${fc.defaultReportMessage(result)}\n`);
    process.exit(1);
  }
}
process.stdout.write(`${runs} runs in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
