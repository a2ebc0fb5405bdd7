import type { Graph } from './graph.js';
import { fromUndirectedEdges } from './graph.js';

/**
 * Zachary's karate club: 34 members, 78 friendships observed outside the club, and the faction each
 * member joined after the club split (0 = Mr. Hi, the instructor, node 0; 1 = the Officer/administrator,
 * node 33).
 *
 * Source: W. W. Zachary, "An information flow model for conflict and fission in small groups",
 * Journal of Anthropological Research 33(4):452–473, 1977 (the edge list is the matrix printed in the
 * paper). Node numbering (0-based) and faction labels follow NetworkX's `karate_club_graph()` `club`
 * attribute (NetworkX, BSD-3-Clause). The data are published facts from a scientific paper, reproduced
 * here for research use; see `packages/graph/data/NOTICE.md`.
 */
export const KARATE_EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1],
  [0, 2],
  [0, 3],
  [0, 4],
  [0, 5],
  [0, 6],
  [0, 7],
  [0, 8],
  [0, 10],
  [0, 11],
  [0, 12],
  [0, 13],
  [0, 17],
  [0, 19],
  [0, 21],
  [0, 31],
  [1, 2],
  [1, 3],
  [1, 7],
  [1, 13],
  [1, 17],
  [1, 19],
  [1, 21],
  [1, 30],
  [2, 3],
  [2, 7],
  [2, 8],
  [2, 9],
  [2, 13],
  [2, 27],
  [2, 28],
  [2, 32],
  [3, 7],
  [3, 12],
  [3, 13],
  [4, 6],
  [4, 10],
  [5, 6],
  [5, 10],
  [5, 16],
  [6, 16],
  [8, 30],
  [8, 32],
  [8, 33],
  [9, 33],
  [13, 33],
  [14, 32],
  [14, 33],
  [15, 32],
  [15, 33],
  [18, 32],
  [18, 33],
  [19, 33],
  [20, 32],
  [20, 33],
  [22, 32],
  [22, 33],
  [23, 25],
  [23, 27],
  [23, 29],
  [23, 32],
  [23, 33],
  [24, 25],
  [24, 27],
  [24, 31],
  [25, 31],
  [26, 29],
  [26, 33],
  [27, 33],
  [28, 31],
  [28, 33],
  [29, 32],
  [29, 33],
  [30, 32],
  [30, 33],
  [31, 32],
  [31, 33],
  [32, 33],
];

/** Faction after the split: 0 = Mr. Hi, 1 = Officer (NetworkX `club` attribute). */
export const KARATE_FACTIONS: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
];

/**
 * The karate club as a {@link Graph}: 34 nodes, 156 directed edges (78 undirected), one-hot identity
 * node features `[34, 34]` (the graph has no attributes), `nodeLabels` = faction.
 */
export function karateClub(): Graph {
  return fromUndirectedEdges(34, KARATE_EDGES, { nodeLabels: Int32Array.from(KARATE_FACTIONS) });
}
