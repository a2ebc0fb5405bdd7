/**
 * Child of the fuzz tests (run by `runIsolated`): fast-check over `parseNodeFeatures` in every format on a
 * graph with named ids. Every input must give finite dense features `[N, F]` or a valid `N`-row CSR matrix,
 * or a GraphDataError naming the file; anything else exits 1 with the counterexample.
 */
import fc from 'fast-check';
import { validateCsr } from '../data/csr.js';
import { GraphDataError } from '../data/errors.js';
import { parseNodeFeatures } from '../data/features/parse.js';
import type { FeatureFormat } from '../data/features/types.js';

const IDS = [0, 1, 2, 7, 11];
const HOSTILE = ['NaN', '-inf', '1e39', '-1', '9007199254740993', '', 'x', 'x:y', '3:', ':1', '0x10', '1,5', '#', '%', '\u00a0'];
/** `arb` one time in `oneIn`, else `null`. */
const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
const num = fc.oneof(
  { weight: 100, arbitrary: fc.integer({ min: -50, max: 50 }).map((v) => String(v / 4)) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
);
// The graph's ids, mostly each once in some order (so files parse), sometimes one missing, repeated or unknown.
const ids = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.shuffledSubarray(IDS, { minLength: IDS.length }) },
      { weight: 1, arbitrary: fc.shuffledSubarray(IDS) },
    ),
    rarely(fc.oneof(fc.constantFrom(...IDS), fc.constantFrom(3, 12, 30000, 4000000000)), 10),
  )
  .map(([some, extra]) => (extra === null ? some : [...some, extra]).map(String));
const width = fc.oneof({ weight: 20, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) });
const denseRow = (f: number) =>
  fc
    .tuple(width, fc.constantFrom(' ', ',', '\t'))
    .chain(([d, sep]) => fc.array(num, { minLength: f + d, maxLength: f + d }).map((v) => ({ v, sep })));
const index = fc.oneof({ weight: 20, arbitrary: fc.nat(6).map(String) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) });
// Distinct indices mostly; a repeated one now and then.
const sparseCells = fc
  .tuple(fc.uniqueArray(fc.nat(6), { maxLength: 4 }), rarely(index, 60), fc.array(num, { minLength: 5, maxLength: 5 }))
  .map(([ks, extra, vs]) => [...ks.map(String), ...(extra === null ? [] : [extra])].map((k, j) => `${k}:${vs[j]}`));
const junk = fc.constantFrom(
  '# c',
  'node a b',
  '',
  '# sparse features: 5 nodes, 6 features',
  '%%MatrixMarket matrix coordinate real general',
);
/** Rows with a junk line mixed in now and then, joined by `\n` or `\r\n`. */
const file = (rows: fc.Arbitrary<string[]>) =>
  fc
    .tuple(
      rows,
      rarely(fc.tuple(fc.nat(8), junk), 5).map((j) => (j === null ? [] : [j])),
      fc.constantFrom('\n', '\r\n'),
    )
    .map(([ls, js, nl]) => {
      const out = [...ls];
      for (const [at, j] of js) out.splice(Math.min(at, out.length), 0, j);
      return out.join(nl);
    });
const dense = file(
  fc
    .tuple(ids, fc.integer({ min: 1, max: 3 }))
    .chain(([is, f]) => fc.tuple(...is.map((i) => denseRow(f).map(({ v, sep }) => [i, ...v].join(sep))))),
);
const sparse = file(ids.chain((is) => fc.tuple(...is.map((i) => sparseCells.map((cs) => [i, ...cs].join(' '))))));
// Matrix Market rows are ids + 1: rows 1, 2, 3, 8, 12 are the graph's nodes; 12 rows fit it, 13 do not.
const row = fc.oneof({ weight: 40, arbitrary: fc.constantFrom(1, 2, 3, 8, 12) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 13 }) });
const coordinate = fc
  .tuple(
    fc.constantFrom('real', 'integer', 'pattern', 'real', 'integer', 'pattern', 'complex'),
    fc.constantFrom(12, 12, 12, 12, 12, 12, 13, 8),
    fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constant(0) }),
  )
  .chain(([field, m, f]) => {
    const col = fc.oneof(
      { weight: 40, arbitrary: fc.integer({ min: 1, max: Math.max(1, f) }) },
      { weight: 1, arbitrary: fc.constantFrom(0, f + 1) },
    );
    return fc
      .tuple(
        fc.uniqueArray(fc.tuple(row, col), { maxLength: 6, selector: ([r, c]) => `${r} ${c}` }),
        fc.array(num, { minLength: 7, maxLength: 7 }),
        rarely(fc.tuple(row, col), 20),
      )
      .map(([rcs, vs, extra]) => {
        const es = [...rcs, ...(extra === null ? [] : [extra])].map(([r, c], k) =>
          field === 'pattern' ? `${r} ${c}` : `${r} ${c} ${vs[k]}`,
        );
        return [`%%MatrixMarket matrix coordinate ${field} general`, `${m} ${f} ${es.length}`, ...es];
      });
  });
// Arrays list all m × f values column-major; rows that are no node (ids 3..6, 8..10) hold zeros but now and then one.
const array = fc
  .tuple(
    fc.constantFrom(12, 12, 12, 12, 12, 12, 12, 8),
    fc.integer({ min: 1, max: 3 }),
    fc.array(num, { minLength: 36, maxLength: 36 }),
    width,
    rarely(fc.nat(35), 20),
  )
  .map(([m, f, vs, d, odd]) => {
    const values = Array.from({ length: m * f + d }, (_, k) => (IDS.includes(k % m) || k === odd ? vs[k]! : '0'));
    return ['%%MatrixMarket matrix array real general', `${m} ${f}`, ...values];
  });
const mtx = fc.tuple(fc.oneof(coordinate, array), fc.constantFrom('\n', '\r\n'), rarely(fc.nat(8), 4)).map(([ls, nl, comment]) => {
  if (comment !== null) ls.splice(Math.min(1 + comment, ls.length), 0, '% c');
  return ls.join(nl);
});
/** A file and the format it is read as: mostly `auto` or its own, sometimes another. */
const withFormat = (text: fc.Arbitrary<string>, own: FeatureFormat) =>
  fc.tuple(
    text,
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom<FeatureFormat>('auto', own) },
      { weight: 1, arbitrary: fc.constantFrom<FeatureFormat>('dense', 'sparse', 'mtx') },
    ),
  );
const outcomes: Record<string, number> = {};
fc.assert(
  fc.property(fc.oneof(withFormat(dense, 'dense'), withFormat(sparse, 'sparse'), withFormat(mtx, 'mtx')), ([text, fmt]) => {
    try {
      const f = parseNodeFeatures(text, 'fuzz.features', IDS, { format: fmt, maxBytes: 1e6 });
      if (f.kind === 'dense') {
        if (f.numFeatures < 1 || f.x.length !== IDS.length * f.numFeatures)
          throw new Error(`dense ${f.x.length} values, F ${f.numFeatures}`);
        if (!f.x.every(Number.isFinite)) throw new Error('non-finite dense value');
      } else {
        validateCsr(f.matrix, 'fuzz');
        if (f.matrix.numRows !== IDS.length || f.matrix.numCols < 1) throw new Error(`sparse ${f.matrix.numRows} × ${f.matrix.numCols}`);
        if (f.missingRows < 0 || f.missingRows > IDS.length) throw new Error(`missingRows ${f.missingRows}`);
      }
      outcomes[f.kind] = (outcomes[f.kind] ?? 0) + 1;
    } catch (err) {
      if (!(err instanceof GraphDataError && err.file === 'fuzz.features' && err.message.startsWith('fuzz.features'))) throw err;
      outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
    }
  }),
  { numRuns: 1000, seed: 23 },
);
console.log(`ok: features fuzzed: ${JSON.stringify(outcomes)}`);
