/**
 * UNIMO's phrase- and word-level *hard-negative* rewrites (Li et al., ACL 2021, "Text Rewriting"): the paper parses
 * each caption into a scene graph (objects, attributes, relations) and replaces a node by another item of the same
 * vocabulary (e.g. "a red apple" → "a red pear"). No scene-graph parser exists offline; WordNet stands in:
 *
 * - **objects** — a noun (or a noun compound WordNet lists, "great blue heron") becomes a co-hyponym: another
 *   hyponym of its class hypernym ("apple" → "pear" under "edible fruit"; see `coHyponyms`);
 * - **attributes** — an adjective becomes a direct antonym ("happy" → "unhappy", "little" → "big"), and a colour
 *   (an adjective whose noun reading is in noun.attribute) another colour ("blue" → "red");
 * - **relations** (verbs, prepositions) are not replaced.
 *
 * Without a tagger the part of speech is WordNet's likeliest: a word is a noun when it has at least as many noun
 * senses as adjective and verb senses ("bear", 2 noun and 13 verb senses, is a verb), an adjective when it has
 * more adjective senses; right after a determiner, a number or "of", verb senses do not count ("A bear."). The
 * noun's sense is the first one naming a depictable kind (`pictureSense`: "tiger" the animal, not the person).
 * Plural nouns are found through the regular suffixes and the replacement is pluralised the same way; "a"/"an"
 * before the replaced word is corrected; a capitalised word stays capitalised. Nothing else is disambiguated, so
 * some swaps read oddly ("A computer monitor." → "A perpetual motion machine monitor.") — still negatives.
 */
import type { Rng } from '@contrastive/core';
import { textKey } from './text-key.js';
import { coHyponyms, pictureSense, type WordNetLexicon } from './wordnet-lexicon.js';

/** One replaceable span of a caption and what may replace it. */
export interface WordSwapSite {
  /** Character range `[start, end)` of the span in the caption. */
  start: number;
  end: number;
  /** The span's WordNet lemma (lowercase, singular). */
  lemma: string;
  /** `co-hyponym` (objects, colours) or `antonym` (other attributes). */
  relation: 'co-hyponym' | 'antonym';
  /** The replacements, as they would be written into the caption (pluralised when the span was plural), sorted. */
  replacements: string[];
}

/**
 * Words never replaced: function words (several are WordNet nouns: "a" vitamin A, "in" inch, "it" information
 * technology) and quantity words.
 */
const STOP_WORDS = new Set(
  (
    'a an the of in on at to for with without within from by up down out off over under into onto upon about above below ' +
    'between among around behind beside besides near inside outside through during before after while until since against ' +
    'across along toward towards via per like unlike than as and or but nor so yet if then else because though although ' +
    'is are was were be been being am do does did done has have had having will would shall should can could may might must ' +
    'it its it’s this that these those there here he she they we you i me him her them us my your his our their mine yours ' +
    'hers ours theirs who whom whose what which where when why how all any some each every both either neither no not nor ' +
    'none yes very too also just only again more most less least much many few other another such own same one two three ' +
    'four five six seven eight nine ten hundred thousand first second third mr mrs ms dr st etc let lets say says ' +
    // Quantity and kind words: "a pair of glasses" is about the glasses.
    'pair couple lot lots kind sort type piece bunch group set number bit part'
  ).split(' '),
);

/** The text before a word ends with a determiner, a number or "of" (then the word is read as a noun or an adjective). */
const NOUN_CONTEXT =
  /(?:^|[^\p{L}\p{N}])(?:a|an|the|this|that|these|those|my|your|his|her|its|our|their|some|any|every|each|no|of|two|three|four|five|six|seven|eight|nine|ten|\p{N}+) +$/iu;

/** `[singular, plural suffix rule]` candidates for a plural noun form (WordNet's morphy detachment rules for nouns). */
const NOUN_PLURALS: [string, string][] = [
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['ies', 'y'],
  ['s', ''],
];

const VERB_SUFFIXES: [string, string][] = [
  ['ies', 'y'],
  ['es', 'e'],
  ['es', ''],
  ['s', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['ing', 'e'],
  ['ing', ''],
];

/** The plural of an English noun (last word of a compound), by the regular rules. */
export function pluralise(noun: string): string {
  const m = /^(.*?)(\S+)$/.exec(noun);
  if (!m) return noun;
  const [, head, last] = m as unknown as [string, string, string];
  if (/(?:ss|us|x|z|ch|sh)$/.test(last)) return `${head}${last}es`;
  if (last.endsWith('s')) return noun; // already plural or a mass noun ("pyrites", "trousers")
  if (/[^aeiou]y$/.test(last)) return `${head}${last.slice(0, -1)}ies`;
  if (last.endsWith('man') && !/(?:hu|sha|ger|ottoman|talis)man$/.test(last)) return `${head}${last.slice(0, -3)}men`;
  return `${head}${last}s`;
}

/** Verb senses of a word or of the verb it inflects (sleeping → sleep, jumped → jump, stopped → stop). */
function verbSenseCount(lexicon: WordNetLexicon, word: string): number {
  let best = lexicon.verbSenses.get(word) ?? 0;
  for (const [suffix, base] of VERB_SUFFIXES) {
    if (!word.endsWith(suffix) || word.length <= suffix.length + 1) continue;
    const stem = word.slice(0, -suffix.length) + base;
    best = Math.max(best, lexicon.verbSenses.get(stem) ?? 0);
    // Doubled final consonant: stopped → stop, running → run.
    if (base === '' && /([b-df-hj-np-tv-z])\1$/.test(stem)) best = Math.max(best, lexicon.verbSenses.get(stem.slice(0, -1)) ?? 0);
  }
  return best;
}

/** The noun lemma of a (possibly plural) word: `{ lemma, plural }`, or null when WordNet has no noun for it. */
function nounLemma(lexicon: WordNetLexicon, word: string): { lemma: string; plural: boolean } | null {
  if (lexicon.nounSenses.has(word)) return { lemma: word, plural: false };
  for (const [suffix, base] of NOUN_PLURALS) {
    if (!word.endsWith(suffix) || word.length <= suffix.length + 1) continue;
    const stem = word.slice(0, -suffix.length) + base;
    if (lexicon.nounSenses.has(stem)) return { lemma: stem, plural: true };
  }
  return null;
}

/** Co-hyponyms of a noun synset, pluralised when asked, without function words ("there" is a WordNet location). */
function nounReplacements(lexicon: WordNetLexicon, offset: number | undefined, plural: boolean): string[] {
  if (offset === undefined) return [];
  const words = coHyponyms(lexicon, offset).filter((w) => !STOP_WORDS.has(w));
  return plural ? [...new Set(words.map(pluralise))].sort() : words;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/**
 * Every replaceable span of `caption` with its replacements: single words (nouns, adjectives by the rules in
 * the module comment) and noun compounds of two or three words that WordNet lists ("great blue heron", "top
 * hat"). Spans may overlap. Pure: the same caption and lexicon give the same sites.
 */
export function wordSwapSites(caption: string, lexicon: WordNetLexicon): WordSwapSite[] {
  const tokens: Token[] = [...caption.matchAll(/(?<![\p{L}\p{N}_])\p{L}+(?:-\p{L}+)*(?![\p{L}\p{N}_])/gu)].map((m) => ({
    text: m[0],
    start: m.index!,
    end: m.index! + m[0].length,
  }));
  const sites: WordSwapSite[] = [];
  for (let i = 0; i < tokens.length; i++) {
    // Compounds first (longest span at each start); their words need only be joined by spaces.
    for (let n = Math.min(3, tokens.length - i); n >= 2; n--) {
      const span = tokens.slice(i, i + n);
      if (!span.every((t, k) => k === 0 || /^ +$/.test(caption.slice(span[k - 1]!.end, t.start)))) continue;
      const words = span.map((t) => t.text.toLowerCase());
      const last = nounLemma(lexicon, words[n - 1]!);
      const compound = [...words.slice(0, -1), last?.lemma ?? words[n - 1]!].join(' ');
      if (!lexicon.nounSenses.has(compound)) continue;
      const plural = last?.plural ?? false;
      const replacements = nounReplacements(lexicon, pictureSense(lexicon, compound), plural);
      if (replacements.length > 0)
        sites.push({ start: span[0]!.start, end: span[n - 1]!.end, lemma: compound, relation: 'co-hyponym', replacements });
    }
    const token = tokens[i]!;
    const word = token.text.toLowerCase();
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    if (token.text.length > 1 && token.text === token.text.toUpperCase()) continue; // an acronym: "HP", "CRT", "USA"
    if (/^['’]t\b/u.test(caption.slice(token.end))) continue; // a contraction: "don’t", "can't"
    const noun = nounLemma(lexicon, word);
    const nounCount = noun === null ? 0 : lexicon.nounSenses.get(noun.lemma)!.length;
    const adjCount = lexicon.adjectiveSenses.get(word) ?? 0;
    // Right after a determiner, a number or "of" a word is no verb ("A bear.", "A pair of glasses.").
    const verbCount = NOUN_CONTEXT.test(caption.slice(0, token.start)) ? 0 : verbSenseCount(lexicon, word);
    let site: Omit<WordSwapSite, 'start' | 'end'> | null = null;
    if (adjCount > nounCount && adjCount >= verbCount) {
      const antonyms = (lexicon.antonyms.get(word) ?? []).filter((w) => /^[a-z](?:[a-z' -]*[a-z])?$/.test(w) && !STOP_WORDS.has(w));
      // A colour: an adjective whose noun reading is an attribute ("blue, blueness" in noun.attribute).
      const colour =
        noun === null || noun.plural ? undefined : lexicon.nounSenses.get(word)!.find((o) => lexicon.nouns.get(o)?.lexFile === 7);
      if (antonyms.length > 0) site = { lemma: word, relation: 'antonym', replacements: [...antonyms].sort() };
      else if (colour !== undefined) site = { lemma: word, relation: 'co-hyponym', replacements: nounReplacements(lexicon, colour, false) };
    } else if (noun !== null && nounCount >= verbCount) {
      site = {
        lemma: noun.lemma,
        relation: 'co-hyponym',
        replacements: nounReplacements(lexicon, pictureSense(lexicon, noun.lemma), noun.plural),
      };
    }
    if (site !== null && site.replacements.length > 0) sites.push({ start: token.start, end: token.end, ...site });
  }
  // A replacement sharing a word with its neighbours reads as a stutter ("A mandarin orange." → "A mandarin mandarin.").
  return sites
    .map((site) => {
      const before = tokens
        .filter((t) => t.end <= site.start)
        .at(-1)
        ?.text.toLowerCase();
      const after = tokens.find((t) => t.start >= site.end)?.text.toLowerCase();
      return { ...site, replacements: site.replacements.filter((r) => !r.split(/[ -]/).some((w) => w === before || w === after)) };
    })
    .filter((site) => site.replacements.length > 0);
}

/**
 * `caption` with `site` replaced by `replacement`: the first letter capitalised when the span's was, and a
 * directly preceding "a"/"an" made to agree with the new word (by its first letter: a vowel takes "an").
 */
export function applyWordSwap(caption: string, site: Pick<WordSwapSite, 'start' | 'end'>, replacement: string): string {
  const original = caption.slice(site.start, site.end);
  let word = replacement;
  if (/^\p{Lu}/u.test(original)) word = word.charAt(0).toUpperCase() + word.slice(1);
  let before = caption.slice(0, site.start);
  const article = /(^|[^\p{L}])(an?)( +)$/iu.exec(before);
  if (article) {
    const [whole, lead, art, space] = article as unknown as [string, string, string, string];
    let next = /^[aeiou]/i.test(word) ? 'an' : 'a';
    if (art === 'AN') next = next.toUpperCase();
    else if (art[0] === 'A') next = `A${next.slice(1)}`;
    before = before.slice(0, before.length - whole.length) + lead + next + space;
  }
  return before + word + caption.slice(site.end);
}

/** Options of {@link wordHardNegatives}. */
export interface WordNegativeOptions {
  /** How many distinct rewrites to draw. Default 3. */
  count?: number;
  /** `textKey`s of texts not to produce (the image's positives, negatives it has already): they do not count. */
  exclude?: ReadonlySet<string>;
}

/**
 * Up to `count` distinct word-level hard negatives of `caption`: each replaces one span (a site drawn
 * uniformly, then a replacement drawn uniformly — UNIMO replaces a random scene-graph node). None equals the
 * caption or an `exclude`d text under {@link textKey}. Seeded: the same `rng` state gives the same rewrites.
 *
 * @example
 * wordHardNegatives('A red apple.', lexicon, createRng(0), { count: 2 }); // e.g. ['A red pear.', 'A green apple.']
 */
export function wordHardNegatives(caption: string, lexicon: WordNetLexicon, rng: Rng, options: WordNegativeOptions = {}): string[] {
  const count = options.count ?? 3;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`wordHardNegatives: count must be a non-negative integer, got ${count}`);
  const sites = wordSwapSites(caption, lexicon);
  const total = sites.reduce((s, x) => s + x.replacements.length, 0);
  const out: string[] = [];
  const seen = new Set([textKey(caption), ...(options.exclude ?? [])]);
  // Draws with rejection of repeats; bounded, since a few sites may offer fewer distinct texts than asked.
  for (let tries = 0; out.length < Math.min(count, total) && tries < 20 * count; tries++) {
    const site = sites[rng.int(sites.length)]!;
    const text = applyWordSwap(caption, site, site.replacements[rng.int(site.replacements.length)]!);
    const key = textKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}
