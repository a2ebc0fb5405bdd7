import { describe, expect, it } from 'vitest';
import { type ManPageRecord, manpagesRetrievalTask } from './manpages-task.js';

const TOPICS = [
  'compress files with the deflate algorithm',
  'list directory contents in columns',
  'copy files and directories recursively',
  'print lines matching a regular expression',
  'change file ownership and group',
  'display a calendar for a month',
  'report disk space usage of file systems',
  'send a signal to a running process',
  'show the manual of a command',
  'edit text files in a terminal',
  'synchronise files with a remote host',
  'measure the time a command takes',
];

/** A page whose description is ≥ 10 words and mentions its topic. */
function rec(name: string, section: string, summary: string, description?: string, names = name): ManPageRecord {
  return {
    file: `/m/man${section[0]}/${name}.${section}.gz`,
    name,
    section,
    package: `pkg-${name}`,
    page: {
      format: 'man',
      names,
      summary,
      description: description ?? `${name} is a tool to ${summary}; it reads its input and writes its output as told.`,
    },
  };
}

const base = (): ManPageRecord[] => TOPICS.map((t, i) => rec(`tool${i}`, '1', t));

describe('manpagesRetrievalTask', () => {
  it('holds out evalSize groups, one pair each, and never shows a held-out text in training', () => {
    const t = manpagesRetrievalTask(base(), { evalSize: 4, seed: 1 });
    expect(t.pairs).toHaveLength(4);
    expect(t.trainPairs).toHaveLength(8);
    const held = new Set(t.pairs.flatMap((p) => [p.query, p.document]));
    for (const p of t.trainPairs) expect(held.has(p.query) || held.has(p.document)).toBe(false);
    for (const line of t.corpus) expect(held.has(line)).toBe(false);
    for (const x of t.triplets) for (const s of [x.text, x.positive, x.negative]) expect(held.has(s)).toBe(false);
    expect(t.corpus).toHaveLength(16);
    expect(new Set([...t.heldOut, ...t.train].map((r) => r.name)).size).toBe(12);
  });

  it('keeps a page name, a shared summary and a shared description on one side', () => {
    const records = [
      ...base(),
      rec(
        'tool0',
        '3',
        'the library behind the deflate tool',
        'The tool0 library offers functions to deflate and inflate buffers in memory for programs.',
      ),
      rec(
        'dir',
        '1',
        'list directory contents in columns',
        'dir is like tool1 but prints in columns by default for every listed entry in the folder.',
      ),
      // tool2's release-track twin: same description once its own name and the (BETA) tag are removed
      rec(
        'beta-tool2',
        '1',
        'copy files recursively (beta)',
        '(BETA) beta-tool2 is a tool to copy files and directories recursively; it reads its input and writes its output as told.',
      ),
    ];
    for (let seed = 0; seed < 6; seed++) {
      const t = manpagesRetrievalTask(records, { evalSize: 5, seed });
      const side = new Map<string, string>();
      for (const r of t.heldOut) side.set(r.file, 'held');
      for (const r of t.train) side.set(r.file, 'train');
      const sideOf = (name: string, section = '1'): string | undefined => side.get(`/m/man${section[0]}/${name}.${section}.gz`);
      // the held-out side keeps one page per group, so a twin is either on the same side or dropped as a duplicate
      for (const [a, b] of [
        [sideOf('tool0'), sideOf('tool0', '3')],
        [sideOf('tool1'), sideOf('dir')],
        [sideOf('tool2'), sideOf('beta-tool2')],
      ]) {
        if (a !== undefined && b !== undefined) expect(a).toBe(b);
        expect(a ?? b).toBeDefined();
      }
      expect(t.groups.count).toBe(12);
    }
  });

  it('prefers the lowest section and shortest name as a held-out group’s page', () => {
    const records = [rec('gcloud-alpha-x', '1', TOPICS[0]!), ...base()];
    const t = manpagesRetrievalTask(records, { evalSize: 12 - 3, seed: 0 });
    const all = [...t.heldOut, ...t.train].map((r) => r.name);
    expect(all).toContain('tool0');
    expect(all).not.toContain('gcloud-alpha-x');
    expect(t.skipped.duplicate).toBe(1);
  });

  it('skips short descriptions, boilerplate and ambiguous summaries, and counts them', () => {
    const records = [
      ...base(),
      rec('short', '1', 'a short page', 'Too short to be a document.'),
      rec('one', '1', 'obsolete'),
      rec('help2man', '1', 'manual page for help2man 1.2'),
      ...Array.from({ length: 11 }, (_, i) =>
        rec(
          `api${i}`,
          '3',
          'API function',
          `api${i} computes checksum number ${i} of a buffer and returns it to the caller as an integer.`,
        ),
      ),
    ];
    const t = manpagesRetrievalTask(records, { evalSize: 3 });
    expect(t.skipped['short-description']).toBe(1);
    expect(t.skipped['boilerplate-summary']).toBe(2);
    expect(t.skipped['ambiguous-summary']).toBe(11);
    expect(t.pairs.length + t.trainPairs.length).toBe(12);
    // 10 pages sharing a summary is still allowed (release tracks, aliases): they become one group
    const ten = manpagesRetrievalTask([...base(), ...records.slice(-10)], { evalSize: 3 });
    expect(ten.skipped['ambiguous-summary']).toBe(0);
    expect(ten.groups.count).toBe(13);
  });

  it('caps documents at maxWords and is deterministic whatever the input order', () => {
    const long = rec('long', '1', 'a page with a long description', Array.from({ length: 300 }, (_, i) => `w${i}`).join(' '));
    const records = [...base(), long];
    const a = manpagesRetrievalTask(records, { evalSize: 3, seed: 7, maxWords: 50 });
    const b = manpagesRetrievalTask([...records].reverse(), { evalSize: 3, seed: 7, maxWords: 50 });
    expect(b).toEqual(a);
    const doc = [...a.pairs, ...a.trainPairs].find((p) => p.query === 'a page with a long description')!.document;
    expect(doc.split(' ')).toHaveLength(50);
    expect(manpagesRetrievalTask(records, { evalSize: 3, seed: 8 }).pairs).not.toEqual(a.pairs);
  });

  it('picks BM25-similar negatives from other groups, or random ones', () => {
    const records = [
      ...base(),
      rec(
        'ztool',
        '1',
        'compress files with the bzip2 algorithm',
        'ztool squeezes data using Burrows-Wheeler block sorting and Huffman coding for smaller archives.',
      ),
    ];
    // a seed that leaves both compression pages in training (the split is random)
    const inTrain = (seed: number): boolean =>
      manpagesRetrievalTask(records, { evalSize: 3, seed }).train.filter((r) => r.name === 'tool0' || r.name === 'ztool').length === 2;
    const seed = Array.from({ length: 20 }, (_, s) => s).find(inTrain)!;
    const t = manpagesRetrievalTask(records, { evalSize: 3, seed });
    expect(t.triplets).toHaveLength(t.trainPairs.length);
    for (const x of t.triplets) expect(x.negative).not.toBe(x.positive);
    const deflate = t.triplets.find((x) => x.text === TOPICS[0]);
    const bzip = t.triplets.find((x) => x.text.includes('bzip2'));
    // each is the other's nearest summary
    expect(deflate?.negative).toBe(bzip?.positive);
    expect(bzip?.negative).toBe(deflate?.positive);
    expect(deflate).toBeDefined();
    expect(t.negatives.bm25 + t.negatives.random).toBe(t.triplets.length);
    const r = manpagesRetrievalTask(records, { evalSize: 3, seed, negatives: 'random' });
    expect(r.negatives).toEqual({ bm25: 0, random: r.triplets.length });
  });

  it('refuses too few groups and bad options', () => {
    expect(() => manpagesRetrievalTask(base(), { evalSize: 10 })).toThrow(/12 page groups are too few for evalSize 10/);
    expect(() => manpagesRetrievalTask(base(), { maxWords: 0 })).toThrow(/maxWords must be an integer >= 1/);
    expect(() => manpagesRetrievalTask(base(), { negatives: 'hard' as never })).toThrow(/negatives/);
  });
});
