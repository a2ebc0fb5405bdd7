/**
 * A growable list of sparse entries (column, value, and optionally row and source line) in typed arrays:
 * 8 to 16 bytes an entry instead of a JS object each (internal).
 */
export class EntryBuffer {
  length = 0;
  cols: Int32Array;
  vals: Float32Array;
  rows: Int32Array | null;
  lines: Uint32Array | null;
  /** `withRows`: keep each entry's row and line (entries that come in any row order, as in Matrix Market). */
  constructor(
    withRows: boolean,
    capacity = 1024,
    private readonly maxCapacity = Number.POSITIVE_INFINITY,
  ) {
    const c = Math.max(1, Math.min(capacity, maxCapacity));
    this.cols = new Int32Array(c);
    this.vals = new Float32Array(c);
    this.rows = withRows ? new Int32Array(c) : null;
    this.lines = withRows ? new Uint32Array(c) : null;
  }

  push(col: number, val: number, row = 0, line = 0): void {
    if (this.length === this.cols.length) this.grow();
    const k = this.length++;
    this.cols[k] = col;
    this.vals[k] = val;
    if (this.rows) this.rows[k] = row;
    if (this.lines) this.lines[k] = line;
  }

  private grow(): void {
    const c = Math.min(this.cols.length * 2, Math.max(this.maxCapacity, this.cols.length + 1));
    const copy = <T extends Int32Array | Float32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(c);
      b.set(a);
      return b;
    };
    this.cols = copy(this.cols, (n) => new Int32Array(n));
    this.vals = copy(this.vals, (n) => new Float32Array(n));
    if (this.rows) this.rows = copy(this.rows, (n) => new Int32Array(n));
    if (this.lines) this.lines = copy(this.lines, (n) => new Uint32Array(n));
  }
}
