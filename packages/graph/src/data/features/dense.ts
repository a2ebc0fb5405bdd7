import { fail, featureValue, isSkipped, splitCells } from './cells.js';
import type { ReaderContext } from './context.js';
import { checkDenseSize } from './context.js';
import { NodeRows } from './node-rows.js';
import type { FeatureReader, NodeFeatures } from './types.js';

/** How many missing node ids an error lists. */
const LIST = 5;

/**
 * Reads dense `node x_1 … x_F` lines (internal; see `parseNodeFeatures`): every node of the graph exactly
 * once, every row `F` wide, finite values. `x` is allocated once `F` is known (first row), after the bound.
 */
export function denseReader(ctx: ReaderContext): FeatureReader {
  const { source, index } = ctx;
  const n = index.size;
  const rows = new NodeRows(ctx, 'node x_1 … x_F');
  let x: Float32Array | null = null;
  let f = 0;
  let widthLine = 0;
  return {
    line(text, lineNo) {
      if (isSkipped(text, '#')) return;
      const cells = splitCells(text, source, lineNo);
      const node = rows.node(cells, lineNo);
      if (node < 0) return;
      const id = index.idOf(node);
      const width = cells.length - 1;
      if (x === null) {
        if (width === 0) fail('EBADROW', source, lineNo, `node ${id} has no feature values`);
        checkDenseSize(ctx, width, lineNo);
        f = width;
        widthLine = lineNo;
        x = new Float32Array(n * f);
      } else if (width !== f) {
        fail('EBADROW', source, lineNo, `node ${id} has ${width} values, but line ${widthLine} has ${f}: every row needs the same number`);
      }
      const o = node * f;
      for (let j = 0; j < f; j++) x[o + j] = featureValue(cells[j + 1]!, source, lineNo, j + 2);
    },
    finish(): NodeFeatures {
      if (x === null) fail('EEMPTY', source, undefined, "no feature rows (expected 'node x_1 … x_F' lines)");
      const { count, ids } = rows.missing(LIST);
      if (count > 0)
        fail(
          'ERANGE',
          source,
          undefined,
          `${count.toLocaleString('en-US')} of the graph's ${n.toLocaleString('en-US')} nodes have no line (ids ${ids.join(', ')}${count > LIST ? ', …' : ''}); ` +
            "a dense features file needs one line per node (the sparse form 'node index:value …' may leave all-zero rows out)",
        );
      return { kind: 'dense', x, numFeatures: f };
    },
  };
}
