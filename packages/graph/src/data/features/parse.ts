import { isHeaderCell } from './cells.js';
import type { ReaderContext } from './context.js';
import { denseReader } from './dense.js';
import { MTX_BANNER, matrixMarketReader } from './matrix-market.js';
import { nodeIndex } from './node-index.js';
import { SPARSE_HEADER, sparseReader } from './sparse.js';
import type { FeatureFormat, FeatureReader, NodeFeatures, NodeFeaturesOptions } from './types.js';
import { FEATURE_FORMATS, MAX_FEATURE_BYTES } from './types.js';

const READERS: Record<Exclude<FeatureFormat, 'auto'>, (ctx: ReaderContext) => FeatureReader> = {
  dense: denseReader,
  sparse: sparseReader,
  mtx: matrixMarketReader,
};

/**
 * The format `auto` picks from one line, or `null` while it cannot tell yet (blank, comment or header lines):
 * the Matrix Market banner, the sparse header comment, else the first data row with values: `:` in it → sparse,
 * else dense.
 */
function detect(text: string, sawHeader: boolean): FeatureFormat | 'header' | null {
  const t = text.trim();
  if (t === '') return null;
  if (MTX_BANNER.test(t)) return 'mtx';
  if (t.startsWith('#')) return SPARSE_HEADER.test(t) ? 'sparse' : null;
  if (t.startsWith('%')) return null;
  const cells = t.split(/[\s,]+/);
  if (!sawHeader && isHeaderCell(cells[0]!) && !cells[0]!.includes(':')) return 'header';
  if (t.includes(':')) return 'sparse';
  // A lone id is a sparse all-zero row or a bad dense row: the next row tells.
  return cells.length === 1 ? null : 'dense';
}

/** A reader that holds the first lines until {@link detect} decides, then hands them to the chosen format's. */
function autoReader(ctx: ReaderContext): FeatureReader {
  const held: [string, number][] = [];
  let inner: FeatureReader | null = null;
  let sawHeader = false;
  const choose = (format: Exclude<FeatureFormat, 'auto'>): FeatureReader => {
    const r = READERS[format](ctx);
    for (const [text, no] of held) r.line(text, no);
    held.length = 0;
    return r;
  };
  return {
    line(text, lineNo) {
      if (inner) return inner.line(text, lineNo);
      const d = detect(text, sawHeader);
      held.push([text, lineNo]);
      if (d === 'header') sawHeader = true;
      else if (d !== null) inner = choose(d as Exclude<FeatureFormat, 'auto'>);
    },
    finish: () => (inner ?? choose('dense')).finish(),
  };
}

/**
 * The line reader of a features input, which `parseNodeFeatures` and `loadNodeFeatures` feed (internal).
 * `totalBytes`, when known, bounds counts a file declares (Matrix Market entries).
 */
export function featureReader(
  source: string,
  nodeIds: readonly number[] | number,
  opts: NodeFeaturesOptions = {},
  totalBytes?: number,
): FeatureReader {
  const { format = 'auto', maxBytes = MAX_FEATURE_BYTES } = opts;
  if (!FEATURE_FORMATS.includes(format))
    throw new RangeError(`format must be one of ${FEATURE_FORMATS.join(', ')}, got '${String(format)}'`);
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be a number > 0, got ${String(maxBytes)}`);
  const ctx: ReaderContext = { source, index: nodeIndex(nodeIds), maxBytes, ...(totalBytes === undefined ? {} : { totalBytes }) };
  return format === 'auto' ? autoReader(ctx) : READERS[format](ctx);
}

/**
 * Parses node features from text, aligned to a graph's nodes: row `i` of the result is node `i`, whose file
 * id is `nodeIds[i]` (`EdgeListGraph.nodeIds`: ids are names; a number `N` stands for the ids `0..N−1`).
 * Browser-safe; `loadNodeFeatures` in `@contrastive/graph/node` streams a file through the same reader.
 *
 * Formats (`opts.format`, default `'auto'`):
 * - `dense`: one line per node, `node x_1 … x_F`, whitespace or comma separated; `#` comments; one header line
 *   allowed before the rows if its first cell is not a number. Every node needs exactly one line, every row
 *   the same width.
 * - `sparse`: `node index:value …` with 0-based feature indices, distinct within a line. A node without a
 *   line is an all-zero row (counted in `missingRows`). `F` is 1 + the largest index, or the header comment
 *   `# sparse features: N nodes, F features` when present (then an index `>= F` is an error).
 * - `mtx`: Matrix Market, `%%MatrixMarket matrix coordinate real|integer|pattern general` (sparse) or
 *   `… array real|integer general` (dense); row `r` (1-based) is the node with file id `r − 1`, so a matrix
 *   with more rows than the largest id + 1 is refused.
 * - `auto`: the Matrix Market banner → `mtx`; the sparse header or a first data row holding `:` → `sparse`;
 *   else `dense` (rows that are a lone node id are passed over for the decision).
 *
 * Values must be finite decimal numbers (NaN, Inf and float32 overflow refused with line and column); a
 * dense `N × F` over `opts.maxBytes` (2 GB) is refused before allocating. Every error is a `GraphDataError`
 * naming `source:line` (or `source` for what only the whole file shows, such as missing nodes).
 *
 * @example
 * const g = parseEdgeList('10 20\n20 30000\n', 'e.txt');
 * const f = parseNodeFeatures('10 1 0\n20 0 1\n30000 1 1\n', 'x.txt', g.nodeIds);
 * const withX = withNodeFeatures(g, f); // x = [[1,0],[0,1],[1,1]], numFeatures 2
 */
export function parseNodeFeatures(
  text: string,
  source: string,
  nodeIds: readonly number[] | number,
  opts: NodeFeaturesOptions = {},
): NodeFeatures {
  const reader = featureReader(source, nodeIds, opts, text.length);
  // Line by line with indexOf: no array of every line next to the text.
  let lineNo = 0;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is no part of the first id
  while (at <= text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(at, end - 1) : text.slice(at, end);
    lineNo++;
    if (end < text.length || line !== '') reader.line(line, lineNo);
    at = end + 1;
  }
  return reader.finish();
}
