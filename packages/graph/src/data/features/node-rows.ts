import { clip, fail, integerCell, isHeaderCell } from './cells.js';
import type { ReaderContext } from './context.js';
import { describeIds } from './node-index.js';

/**
 * The node lines of a dense or sparse text file (internal): one header line allowed before the first row
 * (a first cell that is not a number), each id looked up in the graph, one line per node.
 */
export class NodeRows {
  /** The line each node was given at (0 = none yet). */
  readonly lineOf: Uint32Array;
  /** Whether a row (or the header) has been read. */
  started = false;
  /** Rows read. */
  count = 0;
  constructor(
    private readonly ctx: ReaderContext,
    /** The row shape for messages, e.g. `node x_1 … x_F`. */
    private readonly shape: string,
  ) {
    this.lineOf = new Uint32Array(ctx.index.size);
  }

  /** The graph node of a line's cells, or −1 for the header line; throws for a bad, unknown or repeated id. */
  node(cells: readonly string[], lineNo: number): number {
    const { source, index } = this.ctx;
    const first = cells[0]!;
    const id = integerCell(first);
    if (id < 0) {
      if (!this.started && isHeaderCell(first) && !first.includes(':')) {
        this.started = true;
        return -1;
      }
      fail('EBADROW', source, lineNo, `expected '${this.shape}' starting with a non-negative integer node id, got '${clip(first)}'`);
    }
    this.started = true;
    const node = index.of(id);
    if (node < 0)
      fail(
        'ERANGE',
        source,
        lineNo,
        `node id ${id} is not a node of the graph (${describeIds(index)}); a node in no edge is declared by a line '${id} ${id}' in the edge list`,
      );
    if (this.lineOf[node] !== 0)
      fail('EBADROW', source, lineNo, `node ${id} again (its first line is ${this.lineOf[node]}); one line per node`);
    this.lineOf[node] = lineNo;
    this.count++;
    return node;
  }

  /** How many nodes have no line, and the file ids of the first `limit` of them. */
  missing(limit: number): { count: number; ids: number[] } {
    const ids: number[] = [];
    let count = 0;
    for (let i = 0; i < this.lineOf.length; i++) {
      if (this.lineOf[i] !== 0) continue;
      if (count++ < limit) ids.push(this.ctx.index.idOf(i));
    }
    return { count, ids };
  }
}
