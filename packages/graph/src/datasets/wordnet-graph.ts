/**
 * WordNet 3.0's synset graph (Node only): node = synset, undirected edge = a hypernym (`@`), instance hypernym
 * (`@i`) or similar-to (`&`) pointer, label = the lexicographer file (lexname, 45 classes), features = TF-IDF of the
 * gloss's definition.
 *
 * Why these choices: `@`/`@i` make the noun and verb taxonomies (their inverses `~`/`~i` add no undirected edge) and
 * `&` ties adjective satellites to their head, so the graph is the lexicon's backbone; lexical pointers (antonyms,
 * derivations, pertainyms), domains and meronyms are left out. The gloss's quoted example sentences are left out
 * because they usually contain the synset's own words ("able to swim"), and the lemmas never enter the features:
 * the label is a coarse class, not a word of the node.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readTextFile } from '../data/read-text.js';
import { GraphDataError } from '../data/errors.js';
import { dpkgVersions } from './debian-packages.js';
import { dropSmallClasses, type NodeDataset, nodeDatasetParts, undirectedEdges } from './node-dataset.js';
import { type TfidfOptions, termCounts, tfidfFeatures, tokenizeWords } from './tfidf.js';
import { parseWordNetData, WORDNET_LEXNAMES, type WordNetSynset } from './wordnet-data.js';

/** The pointer symbols that make edges (see the module comment). */
export const WORDNET_EDGE_POINTERS: readonly string[] = ['@', '@i', '&'];

/** Options of {@link buildWordNetGraph}. */
export interface WordNetGraphOptions extends TfidfOptions {
  /** The folder holding `data.noun`, `data.verb`, `data.adj`, `data.adv`. Default `/usr/share/wordnet` (Debian `wordnet-base`). */
  wordnetDir?: string;
  /** Classes (lexnames) with fewer synsets are dropped (and reported). Default 20. */
  minClassSize?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** Builds the WordNet synset graph (see the module comment). */
export function buildWordNetGraph(opts: WordNetGraphOptions = {}): NodeDataset {
  const { wordnetDir = '/usr/share/wordnet', minClassSize = 20, log } = opts;
  const synsets: WordNetSynset[] = [];
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const file = path.join(wordnetDir, `data.${pos}`);
    if (!existsSync(file))
      throw new Error(
        `${file} does not exist: install Debian's WordNet 3.0 files (apt-get install wordnet-base) or pass the folder holding data.noun … data.adv`,
      );
    const parsed = parseWordNetData(readTextFile(file, 'WordNet data file'), file);
    log?.(`${file}: ${parsed.length} synsets`);
    synsets.push(...parsed);
  }
  const kept = dropSmallClasses(
    Int32Array.from(synsets, (s) => s.lexFile),
    WORDNET_LEXNAMES,
    minClassSize,
  );
  const nodes = synsets.filter((_, i) => kept.keepNode[i]! >= 0);
  const nodeOf = new Map(nodes.map((s, i) => [s.id, i]));
  const all = new Set(synsets.map((s) => s.id));
  const pointerCounts: Record<string, number> = Object.fromEntries(WORDNET_EDGE_POINTERS.map((p) => [p, 0]));
  const pairs: [number, number][] = [];
  nodes.forEach((s, u) => {
    for (const p of s.pointers) {
      if (!WORDNET_EDGE_POINTERS.includes(p.symbol)) continue;
      if (!all.has(p.target))
        throw new GraphDataError('ERANGE', `${wordnetDir}: synset ${s.id} points (${p.symbol}) to ${p.target}, which no data file holds`);
      const v = nodeOf.get(p.target);
      if (v === undefined) continue; // a dropped class
      pointerCounts[p.symbol]!++;
      pairs.push([u, v]);
    }
  });
  const edges = undirectedEdges(nodes.length, pairs);
  const tfidf = tfidfFeatures(
    nodes.map((s) => termCounts(tokenizeWords(s.definition))),
    opts,
  );
  const versions = dpkgVersions(['wordnet-base']);
  const parts = nodeDatasetParts(kept, minClassSize, edges, tfidf);
  return {
    source: 'wordnet',
    nodeNames: nodes.map((s) => `${s.id}:${s.lemmas[0]}`),
    ...parts,
    details: {
      wordnetDir,
      ...parts.details,
      edgePointers: WORDNET_EDGE_POINTERS,
      pointersKept: pointerCounts,
      features: "TF-IDF of the gloss's definition (quoted example sentences and the synset's lemmas left out)",
      debianVersions: { 'wordnet-base': versions.get('wordnet-base') ?? null },
    },
    notice: WORDNET_NOTICE,
  };
}

const WORDNET_NOTICE = `# Notice: the WordNet synset graph

Built at run time by \`contrastive-graph data wordnet\` from the WordNet 3.0 database files (\`data.noun\`,
\`data.verb\`, \`data.adj\`, \`data.adv\`; Debian package \`wordnet-base\`). Nodes are synsets, edges their hypernym
(@), instance-hypernym (@i) and similar-to (&) pointers, labels their lexicographer file, features a TF-IDF bag of
words of each gloss's definition.

WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. Used under the WordNet 3.0 licence:

> Permission to use, copy, modify and distribute this software and database and its documentation for any purpose
> and without fee or royalty is hereby granted, provided that you agree to comply with the following copyright
> notice and statements, including the disclaimer, and that the same appear on ALL copies of the software, database
> and documentation, including modifications that you make for internal use or for distribution.
>
> WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
>
> THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES,
> EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR
> WARRANTIES OF MERCHANT- ABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE,
> DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.
>
> The name of Princeton University or Princeton may not be used in advertising or publicity pertaining to
> distribution of the software and/or database. Title to copyright in this software, database and any associated
> documentation shall at all times remain with Princeton University and LICENSEE agrees to preserve same.

The full text is in \`/usr/share/doc/wordnet-base/copyright\`.
`;
