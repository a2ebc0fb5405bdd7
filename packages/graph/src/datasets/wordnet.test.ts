import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphDataError } from '../data/errors.js';
import { glossDefinition, parseWordNetData, WORDNET_LEXNAMES } from './wordnet-data.js';
import { WORDNET_FIXTURE } from './test-utils/wordnet-fixture.js';
import { buildWordNetGraph } from './wordnet-graph.js';

const dirs: string[] = [];
function fixtureDir(files: Record<string, string> = WORDNET_FIXTURE): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wordnet-'));
  dirs.push(dir);
  for (const [pos, text] of Object.entries(files)) writeFileSync(path.join(dir, `data.${pos}`), `${text}\n`);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('parseWordNetData', () => {
  it('reads ids, lex files, lemmas, pointers and the definition; skips the licence header', () => {
    const s = parseWordNetData(WORDNET_FIXTURE.noun!, 'data.noun');
    expect(s.map((x) => x.id)).toEqual(['00001740-n', '00001930-n', '02084071-n', '09000001-n']);
    expect(s[2]).toEqual({
      id: '02084071-n',
      lexFile: 5,
      lemmas: ['dog', 'domestic_dog', 'Canis_familiaris'],
      pointers: [{ symbol: '@', target: '00001930-n' }],
      definition: 'a member of the genus Canis that has been domesticated by man',
    });
    const adj = parseWordNetData(WORDNET_FIXTURE.adj!, 'data.adj');
    expect(adj[2]!.lemmas).toEqual(['capable']);
    expect(adj[0]!.pointers[1]).toEqual({ symbol: '&', target: '00002200-a' }); // a satellite lives in data.adj
    expect(WORDNET_LEXNAMES).toHaveLength(45);
    expect(WORDNET_LEXNAMES[5]).toBe('noun.animal');
  });

  it('refuses a malformed line, naming the file and line', () => {
    const bad = `${WORDNET_FIXTURE.adv}\n00001741 02 r 02 fast 0 000 | missing a word`;
    expect(() => parseWordNetData(bad, 'data.adv')).toThrow(GraphDataError);
    expect(() => parseWordNetData(bad, 'data.adv')).toThrow(/data\.adv:2: 2 words announced/);
    expect(() => parseWordNetData('00001741 77 r 01 fast 0 000 | x', 'data.adv')).toThrow(/lex_filenum '77'/);
  });
});

describe('glossDefinition', () => {
  it('cuts the quoted examples, keeps quotes inside the definition', () => {
    expect(glossDefinition('change location; move, travel, or proceed; "How fast?"; "x"')).toBe(
      'change location; move, travel, or proceed',
    );
    expect(glossDefinition('"only an example"')).toBe('');
    expect(glossDefinition('a word such as "so" used alone')).toBe('a word such as "so" used alone');
  });
});

describe('buildWordNetGraph', () => {
  it('nodes = synsets, edges = @ / @i / & pointers only (undirected, once), labels = lexnames', () => {
    const ds = buildWordNetGraph({ wordnetDir: fixtureDir(), minClassSize: 1, minDf: 1, maxDfFraction: 1 });
    expect(ds.nodeNames).toHaveLength(10);
    expect(ds.nodeNames[2]).toBe('02084071-n:dog');
    const name = (i: number) => ds.nodeNames[i]!.split(':')[1];
    const pairs: string[] = [];
    for (let k = 0; k < ds.edges.length; k += 2) pairs.push(`${name(ds.edges[k]!)}-${name(ds.edges[k + 1]!)}`);
    expect(pairs.sort()).toEqual(
      ['able-capable', 'physical_entity-dog', 'entity-physical_entity', 'physical_entity-Paris', 'travel-move'].sort(),
    );
    expect(ds.classNames).toEqual(['adj.all', 'adv.all', 'noun.Tops', 'noun.animal', 'noun.location', 'verb.motion']);
    expect(Array.from(ds.labels)).toEqual([2, 2, 3, 4, 5, 5, 0, 0, 0, 1]);
  });

  it('features are the definitions only: no lemma, no example words', () => {
    const ds = buildWordNetGraph({ wordnetDir: fixtureDir(), minClassSize: 1, minDf: 1, maxDfFraction: 1 });
    for (const absent of ['dog', 'domestic', 'barked', 'swim', 'fast', 'quickly', 'ran']) expect(ds.vocabulary).not.toContain(absent);
    for (const present of ['genus', 'domesticated', 'location', 'speed']) expect(ds.vocabulary).toContain(present);
  });

  it('refuses a pointer to a synset no file holds', () => {
    const files = { ...WORDNET_FIXTURE, adv: '00001740 02 r 01 quickly 0 001 & 00009999 a 0000 | with speed  ' };
    expect(() => buildWordNetGraph({ wordnetDir: fixtureDir(files), minClassSize: 1 })).toThrow(/points \(&\) to 00009999-a/);
  });
});
