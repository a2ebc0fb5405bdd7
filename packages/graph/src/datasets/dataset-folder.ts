/**
 * Writes a {@link NodeDataset} as the folder `contrastive-graph train --edges --labels --features` reads (Node only):
 *
 * - `edges.txt`: `u v` per undirected edge (ids 0..N−1), then `v v` for every node in no edge (declares it);
 * - `labels.txt`: `node label` (class id 0..C−1);
 * - `features.txt`: `# sparse features: N nodes, F features`, then one line per node `node idx:value …`
 *   (0-based feature index, 6 significant digits; a node without a term has its id alone);
 * - `classes.tsv` (id, name, count), `nodes.tsv` (id, name), `vocabulary.txt` (one term per feature index),
 *   `dataset.json` (counts, builder version, details), `NOTICE.md`, and the dataset's extra files.
 *
 * The folder is written to a temporary sibling and renamed into place, so a crash never leaves half a dataset;
 * an existing non-empty folder is refused unless `overwrite` (then it is replaced whole).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { outputState, writeFolderAtomic } from '@contrastive/core/node';
import path from 'node:path';
import { nnz } from '../data/csr.js';
import type { NodeDataset } from './node-dataset.js';

/** Version of the builders' output; recorded in dataset.json. Bump it when a builder's output changes. */
export const DATASET_BUILDER_VERSION = 1;

/** The counts printed and recorded for a written dataset. */
export interface NodeDatasetSummary {
  /** Nodes. */
  N: number;
  /** Undirected edges. */
  E: number;
  /** Classes. */
  C: number;
  /** Features (vocabulary size). */
  F: number;
  /** Non-zero features. */
  nnz: number;
  /** Nodes in no edge. */
  isolated: number;
  /** Nodes per class, by class name. */
  classCounts: Record<string, number>;
}

/** A number with 6 significant digits, without trailing zeros (`1`, `0.123457`, `1.5e-7`). */
export function formatValue(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** The counts of `ds` (see {@link NodeDatasetSummary}). */
export function summarizeNodeDataset(ds: NodeDataset): NodeDatasetSummary {
  const N = ds.nodeNames.length;
  const degree = new Uint8Array(N);
  for (const v of ds.edges) degree[v] = 1;
  const counts = new Int32Array(ds.classNames.length);
  for (const y of ds.labels) counts[y]!++;
  return {
    N,
    E: ds.edges.length / 2,
    C: ds.classNames.length,
    F: ds.vocabulary.length,
    nnz: nnz(ds.features),
    isolated: degree.reduce((s, d) => s + (d === 0 ? 1 : 0), 0),
    classCounts: Object.fromEntries(ds.classNames.map((name, c) => [name, counts[c]!])),
  };
}

/** Appends lines to a file in ~1 MB writes (bounded memory for large feature files). */
class LineWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  line(s: string): void {
    this.buf.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.buf.length > 0) writeSync(this.fd, `${this.buf.join('\n')}\n`);
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

function writeLines(file: string, fill: (w: LineWriter) => void): void {
  const w = new LineWriter(file);
  try {
    fill(w);
  } finally {
    w.close();
  }
}

/** A TSV cell: tabs and newlines in a name would break the table, so they become spaces. */
const cell = (s: string): string => s.replace(/[\t\r\n]/g, ' ');

/**
 * Writes `ds` into the folder `dir` (see the module comment) and returns its counts. Throws when `dir` is a file,
 * or a non-empty folder without `overwrite`; nothing is written then.
 */
export function writeNodeDataset(dir: string, ds: NodeDataset, opts: { overwrite?: boolean } = {}): NodeDatasetSummary {
  const state = outputState(dir);
  if (state === 'not-a-folder') throw new Error(`'${dir}' exists and is not a folder; choose another output folder`);
  if (state === 'non-empty' && opts.overwrite !== true)
    throw new Error(`refusing to write into the non-empty folder '${dir}'; choose a new one or pass --overwrite (it replaces the folder)`);
  const summary = summarizeNodeDataset(ds);
  const { N, F } = summary;
  if (ds.labels.length !== N || ds.features.numRows !== N || ds.features.numCols !== F)
    throw new RangeError(
      `inconsistent dataset: ${N} nodes, ${ds.labels.length} labels, ${ds.features.numRows} × ${ds.features.numCols} features, ${F} terms`,
    );
  writeFolderAtomic(dir, (tmp) => {
    const at = (name: string): string => path.join(tmp, name);
    writeLines(at('edges.txt'), (w) => {
      const inEdge = new Uint8Array(N);
      for (let k = 0; k < ds.edges.length; k += 2) {
        w.line(`${ds.edges[k]} ${ds.edges[k + 1]}`);
        inEdge[ds.edges[k]!] = inEdge[ds.edges[k + 1]!] = 1;
      }
      for (let i = 0; i < N; i++) if (inEdge[i] === 0) w.line(`${i} ${i}`);
    });
    writeLines(at('labels.txt'), (w) => ds.labels.forEach((y, i) => w.line(`${i} ${y}`)));
    writeLines(at('features.txt'), (w) => {
      const { rowPtr, colIdx, values } = ds.features;
      w.line(`# sparse features: ${N} nodes, ${F} features`);
      for (let i = 0; i < N; i++) {
        let s = String(i);
        for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) s += ` ${colIdx[k]}:${formatValue(values[k]!)}`;
        w.line(s);
      }
    });
    writeLines(at('classes.tsv'), (w) => {
      w.line('id\tname\tcount');
      ds.classNames.forEach((name, c) => w.line(`${c}\t${cell(name)}\t${summary.classCounts[name]}`));
    });
    writeLines(at('nodes.tsv'), (w) => {
      w.line('id\tname');
      ds.nodeNames.forEach((name, i) => w.line(`${i}\t${cell(name)}`));
    });
    writeLines(at('vocabulary.txt'), (w) => ds.vocabulary.forEach((t) => w.line(t)));
    const record = { source: ds.source, builderVersion: DATASET_BUILDER_VERSION, ...summary, ...ds.details };
    writeLines(at('dataset.json'), (w) => w.line(JSON.stringify(record, null, 2)));
    writeLines(at('NOTICE.md'), (w) => w.line(ds.notice.trimEnd()));
    for (const [name, text] of Object.entries(ds.extraFiles ?? {})) writeLines(at(name), (w) => w.line(text.trimEnd()));
    // Swapped in whole by core's writeFolderAtomic: `dir` always holds a whole dataset or what it held before.
  });
  return summary;
}
