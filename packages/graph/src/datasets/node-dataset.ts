/**
 * A node-classification dataset as the builders produce it and `writeNodeDataset` writes it (browser-safe type
 * and pure helpers).
 */
import type { CsrMatrix } from '../data/csr.js';
import type { TfidfFeatures } from './tfidf.js';
import { GraphDataError } from '../data/errors.js';

/** One built dataset: nodes 0..N−1 with a name, a class and a sparse feature row, and undirected edges. */
export interface NodeDataset {
  /** Short source name (`'man'`, `'wordnet'`), recorded in dataset.json. */
  source: string;
  /** Name of node `i` (`'ls.1'`, `'n:02084071'`), unique. */
  nodeNames: string[];
  /** Class id of node `i`, in `[0, classNames.length)`. */
  labels: Int32Array;
  /** Name of class `c` (`'1'`, `'noun.animal'`). */
  classNames: string[];
  /** Undirected edges as `u < v` pairs, flat (`[u0, v0, u1, v1, …]`), no duplicates, no self-loops. */
  edges: Int32Array;
  /** TF-IDF rows, `[N, vocabulary.length]`. */
  features: CsrMatrix;
  /** Feature index → term. */
  vocabulary: string[];
  /** Builder-specific facts for dataset.json (counts of skipped inputs, the options used, versions). */
  details: Record<string, unknown>;
  /** NOTICE.md: sources and licences. */
  notice: string;
  /** Further files of the folder by name (e.g. `packages.tsv`), text. */
  extraFiles?: Record<string, string>;
}

/**
 * Undirected edges from pairs of node ids: each pair stored once as `u < v`, self-loops dropped, sorted by
 * `(u, v)`. Memory: one Set entry per distinct edge (`u·N + v` is exact for N < 2^26).
 */
export function undirectedEdges(numNodes: number, pairs: Iterable<readonly [number, number]>): Int32Array {
  const keys = new Set<number>();
  for (const [a, b] of pairs) {
    if (a === b) continue;
    keys.add(a < b ? a * numNodes + b : b * numNodes + a);
  }
  const sorted = Float64Array.from(keys).sort();
  const out = new Int32Array(sorted.length * 2);
  for (let k = 0; k < sorted.length; k++) {
    const key = sorted[k]!;
    out[2 * k] = Math.floor(key / numNodes);
    out[2 * k + 1] = key % numNodes;
  }
  return out;
}

/**
 * Keeps the classes with at least `minSize` nodes: the nodes of smaller classes are removed (with their edges),
 * nodes and classes renumbered in order. Returns the node map (old → new id, −1 when removed) and the dropped
 * classes with their sizes, so a builder can report them.
 */
export function dropSmallClasses(
  labels: Int32Array,
  classNames: readonly string[],
  minSize: number,
): { keepNode: Int32Array; labels: Int32Array; classNames: string[]; dropped: { name: string; count: number }[] } {
  const counts = new Int32Array(classNames.length);
  for (const y of labels) counts[y]!++;
  const classMap = new Int32Array(classNames.length).fill(-1);
  const kept: string[] = [];
  const dropped: { name: string; count: number }[] = [];
  classNames.forEach((name, c) => {
    if (counts[c]! >= minSize) classMap[c] = kept.push(name) - 1;
    else if (counts[c]! > 0) dropped.push({ name, count: counts[c]! });
  });
  if (kept.length < 2)
    throw new GraphDataError(
      'ECLASSES',
      `fewer than two classes have ${minSize} or more nodes (sizes: ${classNames.map((n, c) => `${n}=${counts[c]}`).join(', ')})`,
    );
  const keepNode = new Int32Array(labels.length).fill(-1);
  const newLabels: number[] = [];
  labels.forEach((y, i) => {
    if (classMap[y]! >= 0) keepNode[i] = newLabels.push(classMap[y]!) - 1;
  });
  return { keepNode, labels: Int32Array.from(newLabels), classNames: kept, dropped };
}

/**
 * The graph part of a {@link NodeDataset} from a builder's pieces: the kept labels and classes of
 * {@link dropSmallClasses}, the edges, the TF-IDF features, and the facts every dataset.json records
 * (`minClassSize`, `droppedClasses`, `tfidf` options).
 */
export function nodeDatasetParts(
  kept: ReturnType<typeof dropSmallClasses>,
  minClassSize: number,
  edges: Int32Array,
  tfidf: TfidfFeatures,
): Pick<NodeDataset, 'labels' | 'classNames' | 'edges' | 'features' | 'vocabulary'> & { details: Record<string, unknown> } {
  return {
    labels: kept.labels,
    classNames: kept.classNames,
    edges,
    features: tfidf.matrix,
    vocabulary: tfidf.vocabulary,
    details: { minClassSize, droppedClasses: kept.dropped, tfidf: tfidf.options },
  };
}
