/**
 * WordNet 3.0 `data.<pos>` lines (the format of wndb(5WN)), parsed for the synset graph: browser-safe, pure.
 * A line is `offset lex_filenum ss_type w_cnt (word lex_id)×w_cnt p_cnt (symbol offset pos source/target)×p_cnt
 * [frames] | gloss`; the licence header lines start with two spaces.
 */
import { GraphDataError } from '../data/errors.js';

/** The 45 lexicographer files (lexnames(5WN)), by `lex_filenum`: the synsets' coarse semantic classes. */
export const WORDNET_LEXNAMES: readonly string[] = (
  'adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body noun.cognition ' +
  'noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive noun.object noun.person ' +
  'noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation noun.shape noun.state ' +
  'noun.substance noun.time verb.body verb.change verb.cognition verb.communication verb.competition ' +
  'verb.consumption verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social ' +
  'verb.stative verb.weather adj.ppl'
).split(' ');

/** One synset as the graph builder uses it. */
export interface WordNetSynset {
  /** `'02084071-n'`: offset and file part of speech (`n`, `v`, `a` — satellites `s` included —, `r`). */
  id: string;
  /** `lex_filenum`, the index into {@link WORDNET_LEXNAMES}. */
  lexFile: number;
  /** The synset's words as written (`'Canis_familiaris'`), without adjective markers such as `(p)`. */
  lemmas: string[];
  /** Pointers: symbol (`'@'`, `'@i'`, `'&'`, …) and target synset id. */
  pointers: { symbol: string; target: string }[];
  /** The gloss's definition: the text before its first quoted example sentence. */
  definition: string;
}

/** The file part of speech of a pointer's or line's `ss_type` (`s`, an adjective satellite, lives in data.adj). */
const FILE_POS: Readonly<Record<string, string>> = { n: 'n', v: 'v', a: 'a', s: 'a', r: 'r' };

/**
 * The definition part of a gloss: everything before the first `"` that opens a `;`-separated part (the examples),
 * trimmed, a trailing `;` removed.
 *
 * @example glossDefinition('a member of the genus Canis; "the dog barked all night"') // 'a member of the genus Canis'
 */
export function glossDefinition(gloss: string): string {
  const m = /(?:^|;)\s*"/.exec(gloss);
  return (m ? gloss.slice(0, m.index) : gloss).trim().replace(/;$/, '').trim();
}

/** Parses the synset lines of one `data.<pos>` file; errors are {@link GraphDataError}s naming `source:line`. */
export function parseWordNetData(text: string, source: string): WordNetSynset[] {
  const out: WordNetSynset[] = [];
  const lines = text.split('\n');
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!;
    if (line.trim() === '' || line.startsWith('  ')) continue;
    const bad = (what: string): GraphDataError =>
      new GraphDataError('EBADROW', `${source}:${l + 1}: ${what} (not a WordNet 3.0 data line: '${line.slice(0, 60)}…')`, {
        file: source,
        line: l + 1,
      });
    const bar = line.indexOf(' | ');
    const f = (bar >= 0 ? line.slice(0, bar) : line).trim().split(/\s+/);
    const [offset, lexField, ssType, wCntField] = f;
    if (!/^\d{8}$/.test(offset ?? '')) throw bad('expected an 8-digit offset');
    const lexFile = Number(lexField);
    if (!/^\d\d$/.test(lexField ?? '') || lexFile >= WORDNET_LEXNAMES.length) throw bad(`lex_filenum '${lexField}' outside 00–44`);
    const pos = FILE_POS[ssType ?? ''];
    if (pos === undefined) throw bad(`ss_type '${ssType}' is not one of n v a s r`);
    const wCnt = Number.parseInt(wCntField ?? '', 16);
    if (!/^[0-9a-f]{2}$/i.test(wCntField ?? '') || wCnt < 1) throw bad(`w_cnt '${wCntField}' is not a 2-digit hex count >= 1`);
    let i = 4;
    const lemmas: string[] = [];
    for (let w = 0; w < wCnt; w++, i += 2) {
      if (f[i + 1] === undefined) throw bad(`${wCnt} words announced, fewer given`);
      lemmas.push(f[i]!.replace(/\([a-z]+\)$/, ''));
    }
    const pCnt = Number(f[i]);
    if (!/^\d{3}$/.test(f[i] ?? '')) throw bad(`p_cnt '${f[i]}' is not a 3-digit count`);
    i++;
    const pointers: WordNetSynset['pointers'] = [];
    for (let p = 0; p < pCnt; p++, i += 4) {
      const [symbol, target, targetPos] = [f[i], f[i + 1], FILE_POS[f[i + 2] ?? '']];
      if (symbol === undefined || !/^\d{8}$/.test(target ?? '') || targetPos === undefined || !/^[0-9a-f]{4}$/i.test(f[i + 3] ?? ''))
        throw bad(`pointer ${p + 1} of ${pCnt} is not 'symbol offset pos source/target'`);
      pointers.push({ symbol, target: `${target}-${targetPos}` });
    }
    out.push({ id: `${offset}-${pos}`, lexFile, lemmas, pointers, definition: bar >= 0 ? glossDefinition(line.slice(bar + 3)) : '' });
  }
  return out;
}
