/**
 * Child of the fuzz tests (run by `runIsolated`): fast-check over the edge-list and labels reader. Every
 * input must give a valid graph (at most MAX_IDENTITY_NODES nodes, labels in [0, C)) or a GraphDataError
 * naming the file (and its `file` field set); anything else exits 1 with the counterexample.
 * Argument: `edges` (fuzz the edge file, labels fixed) or `labels` (fuzz the labels file on a fixed graph).
 */
import fc from 'fast-check';
import { parseEdgeList } from '../data/edge-list.js';
import { GraphDataError } from '../data/errors.js';
import { MAX_IDENTITY_NODES, validateGraph } from '../data/graph.js';

const mode = process.argv[2] === 'labels' ? 'labels' : 'edges';
const token = fc.oneof(
  { weight: 3, arbitrary: fc.nat(40).map(String) },
  { weight: 1, arbitrary: fc.nat(6000).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '30000',
      '4000000000',
      '1000000',
      '9007199254740993',
      '1e400',
      '-1',
      '-0',
      '1.5',
      '1e9',
      '0x10',
      'x',
      'NaN',
      'Infinity',
      '',
      '#',
      '# c',
      '\u00a0',
    ),
  },
);
const sep = fc.constantFrom(' ', '\t', ',', '  ', ' , ');
// Mostly well-formed `a b` rows (so graphs come out), with hostile rows mixed in.
const node = mode === 'edges' ? fc.nat(40) : fc.constantFrom(0, 1, 2, 3, 4, 30000);
const value = mode === 'edges' ? fc.nat(40) : fc.oneof(fc.constantFrom(-1, 0, 1, 1000000), fc.nat(5));
const line = fc.oneof(
  { weight: 60, arbitrary: fc.tuple(node, value, sep).map(([a, b, s]) => `${a}${s}${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.array(token, { maxLength: 4 }), sep).map(([ts, s]) => ts.join(s)) },
);
const file = fc.array(line, { maxLength: 30 }).chain((ls) => fc.constantFrom('\n', '\r\n').map((nl) => ls.join(nl)));
const KARATE_LIKE = '0 1\n1 2\n2 0\n3 4\n30000 3\n';

const outcomes: Record<string, number> = {};
function check(edges: string, labels: string | undefined, numNodes: number | undefined): void {
  try {
    const g = parseEdgeList(edges, 'fuzz.edges', {
      ...(labels === undefined ? {} : { labels: { text: labels, source: 'fuzz.labels' } }),
      ...(numNodes === undefined ? {} : { numNodes }),
    });
    validateGraph(g);
    if (g.numNodes > MAX_IDENTITY_NODES) throw new Error(`${g.numNodes} nodes with identity features`);
    if (g.nodeIds.length !== g.numNodes) throw new Error('nodeIds length');
    if (g.nodeLabels) {
      const c = g.classValues!.length;
      for (const y of g.nodeLabels) if (y < -1 || y >= c) throw new Error(`label ${y} outside [-1, ${c})`);
    }
    outcomes.graph = (outcomes.graph ?? 0) + 1;
  } catch (err) {
    const named = err instanceof GraphDataError && err.file !== undefined && /fuzz\.(edges|labels)/.test(err.message);
    if (!named) throw err;
    outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
  }
}

// The inputs first, then the property.
for (const [edges, labels] of [
  ['0 1\n1 30000\n', '0 0\n30000 1000000\n'],
  ['4000000000 1\n', undefined],
  [Array.from({ length: 5001 }, (_, i) => `${i} ${i + 1}`).join('\n'), undefined],
] as const)
  check(edges, labels, undefined);
fc.assert(
  fc.property(file, file, fc.option(fc.integer({ min: 1, max: 6000 }), { nil: undefined }), (a, b, numNodes) => {
    // Edges mode: a labels file made of the same rows half the time (its nodes mostly in the graph).
    if (mode === 'edges') check(a, b.length % 2 === 0 ? undefined : b, numNodes);
    else check(KARATE_LIKE, a, undefined);
  }),
  { numRuns: 1000, seed: 18 },
);
console.log(`ok: ${mode} fuzzed: ${JSON.stringify(outcomes)}`);
