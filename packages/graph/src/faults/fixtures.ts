/** Hostile and edge-case inputs of the graph fault suite (test-only: excluded from the build). */
import { writeFileSync } from 'node:fs';
import { KARATE_EDGES, karateClub } from '../data/karate-club.js';

/** The karate club as `u v` lines, and its factions as `node label` lines. */
export function karateFiles(): { edges: string; labels: string } {
  const truth = karateClub().nodeLabels!;
  return {
    edges: `${KARATE_EDGES.map(([a, b]) => `${a} ${b}`).join('\n')}\n`,
    labels: `${Array.from(truth, (y, i) => `${i} ${y}`).join('\n')}\n`,
  };
}

/**
 * Writes `<base>.edges` and `<base>.labels`: the karate club plus `extraEdges` lines and `extraLabels` lines
 * (e.g. `'34 34'` and `'34 0'`: an isolated node). Returns the two paths.
 */
export function writeKarateVariant(base: string, extraEdges: string[], extraLabels: string[]): { edges: string; labels: string } {
  const k = karateFiles();
  const edges = `${base}.edges`;
  const labels = `${base}.labels`;
  writeFileSync(edges, k.edges + extraEdges.map((l) => `${l}\n`).join(''));
  writeFileSync(labels, k.labels + extraLabels.map((l) => `${l}\n`).join(''));
  return { edges, labels };
}
