import { fail } from './cells.js';
import type { NodeIndex } from './node-index.js';

/** What every format reader is given (internal). */
export interface ReaderContext {
  /** The file or source name errors start with. */
  source: string;
  /** The graph's nodes. */
  index: NodeIndex;
  /** The memory bound of the result, in bytes. */
  maxBytes: number;
  /** The input's size in bytes (or characters), when known: a declared size is checked against it. */
  totalBytes?: number;
}

/** Megabytes or gigabytes in words. */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.ceil(bytes / 1e6)} MB`;
}

/**
 * Refuses (`ETOOLARGE`, naming the line) a dense `N × F` float32 matrix over the bound, before it is
 * allocated, suggesting the sparse forms.
 */
export function checkDenseSize(ctx: ReaderContext, numFeatures: number, line: number): void {
  const n = ctx.index.size;
  const bytes = n * numFeatures * 4;
  if (bytes <= ctx.maxBytes) return;
  fail(
    'ETOOLARGE',
    ctx.source,
    line,
    `dense features of ${n.toLocaleString('en-US')} nodes × ${numFeatures.toLocaleString('en-US')} features would take ` +
      `${formatBytes(bytes)} of float32, over the ${formatBytes(ctx.maxBytes)} bound; write mostly-zero features in the ` +
      "sparse form ('node index:value …' lines, or Matrix Market coordinate), whose size is its non-zeros",
  );
}

/** Refuses (`ETOOLARGE`, naming the line) a sparse matrix of `entries` stored values over the bound. */
export function checkSparseSize(ctx: ReaderContext, entries: number, line: number): void {
  const bytes = entries * 8 + (ctx.index.size + 1) * 4;
  if (bytes <= ctx.maxBytes) return;
  fail(
    'ETOOLARGE',
    ctx.source,
    line,
    `${entries.toLocaleString('en-US')} stored feature values take ${formatBytes(bytes)}, over the ${formatBytes(ctx.maxBytes)} bound (maxBytes)`,
  );
}
