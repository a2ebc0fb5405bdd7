/**
 * The debtags aspect dataset as files (Node only): reads APT's `Packages` and `Translation-en` indexes (lz4 through
 * the `lz4` command, gzip through zlib, or plain text) and the debtags vocabulary, builds
 * {@link debtagsAspects}, and renders train / test / multi-label JSONL, `aspects.tsv`, `manifest.json` and `README.md`
 * for {@link writeDatasetFolder}.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TextDataError } from '../errors.js';
import {
  type DebtagsAspects,
  type DebtagsAspectsOptions,
  type DebtagsPackage,
  debtagsAspects,
  debtagsFacetSizes,
  type FacetSize,
} from './debtags-aspects.js';
import {
  type DebtagsVocabulary,
  longDescriptionText,
  parseControlStanzas,
  parseDebtagsVocabulary,
  parseTagField,
  splitDescription,
} from './debtags-control.js';

/** The files of a debtags dataset folder (`manifest.json` last). */
export const DEBTAGS_FILES = ['train.jsonl', 'test.jsonl', 'multi-label.jsonl', 'aspects.tsv', 'README.md', 'manifest.json'] as const;

/** Where the package indexes are. */
export interface ReadDebtagsOptions {
  /** APT's lists folder, searched for `*_Packages[.lz4|.gz]` and `*_Translation-en[.lz4|.gz]`. Default `/var/lib/apt/lists`. */
  listsDir?: string;
  /** Packages indexes to read instead of those in `listsDir` (plain, `.lz4` or `.gz`). */
  packagesFiles?: readonly string[];
  /** Translation-en indexes to read instead of those in `listsDir`. */
  translationFiles?: readonly string[];
  /** The debtags vocabulary (tag descriptions); `null` to do without. Default `/usr/share/debtags/vocabulary` when it exists. */
  vocabularyFile?: string | null;
}

/** What {@link readDebtagsPackages} found. */
export interface DebtagsRead {
  packages: DebtagsPackage[];
  vocabulary: DebtagsVocabulary | null;
  sources: { packagesFiles: string[]; translationFiles: string[]; vocabularyFile: string | null };
  counts: {
    stanzas: number;
    packages: number;
    tagged: number;
    /** Long description found in the Packages stanza itself (no `Description-md5`). */
    inlineDescriptions: number;
    /** Long description found in a Translation-en index through `Description-md5`. */
    translatedDescriptions: number;
    translationEntries: number;
  };
}

/**
 * Reads a control-file index as text: `.lz4` by running `lz4 -dc` (Node has no lz4 codec and the package adds no
 * dependency for one), `.gz` with zlib, anything else as UTF-8.
 */
export function readIndexText(file: string): string {
  if (file.endsWith('.lz4')) {
    try {
      return execFileSync('lz4', ['-dc', file], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT') {
        throw new TextDataError(file, "needs the 'lz4' command (apt-get install lz4), or pass an uncompressed copy (lz4 -dc FILE > copy)");
      }
      throw new TextDataError(
        file,
        `lz4 -dc failed: ${String(err.stderr ?? err.message)
          .trim()
          .slice(0, 200)}`,
      );
    }
  }
  try {
    const bytes = readFileSync(file);
    return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (e) {
    throw new TextDataError(file, `cannot read: ${(e as Error).message}`);
  }
}

function listIndexes(dir: string, kind: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new TextDataError(dir, `cannot list: ${(e as Error).message}`);
  }
  return names
    .filter((n) => kind.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * Reads every package of the indexes with its tags and its long description as plain text. A package in several
 * indexes (main, -updates, -security) keeps the first stanza that has a `Tag:` field. Bookworm's Packages files
 * carry only the synopsis and a `Description-md5`; the long text is looked up in the Translation-en indexes
 * (`apt-get update -o Acquire::Languages=en` fetches them; Debian's docker images turn them off).
 */
export function readDebtagsPackages(options: ReadDebtagsOptions = {}): DebtagsRead {
  const listsDir = options.listsDir ?? '/var/lib/apt/lists';
  const packagesFiles = [...(options.packagesFiles ?? listIndexes(listsDir, /_Packages(?:\.lz4|\.gz)?$/))];
  if (packagesFiles.length === 0) throw new TextDataError(listsDir, 'holds no *_Packages index; run apt-get update or give the files');
  const translationFiles = [...(options.translationFiles ?? listIndexes(listsDir, /_Translation-en(?:\.lz4|\.gz)?$/))];
  let vocabularyFile = options.vocabularyFile;
  if (vocabularyFile === undefined) vocabularyFile = existsSync('/usr/share/debtags/vocabulary') ? '/usr/share/debtags/vocabulary' : null;

  const translations = new Map<string, string>();
  let translationEntries = 0;
  for (const file of translationFiles) {
    for (const { fields } of parseControlStanzas(readIndexText(file), file)) {
      const md5 = fields.get('Description-md5');
      const d = fields.get('Description-en');
      if (md5 === undefined || d === undefined) continue;
      translationEntries++;
      if (!translations.has(md5)) translations.set(md5, longDescriptionText(splitDescription(d).long));
    }
  }

  const byName = new Map<string, DebtagsPackage & { tagged: boolean; source: 'inline' | 'translation' | null }>();
  let stanzas = 0;
  for (const file of packagesFiles) {
    for (const { fields, line } of parseControlStanzas(readIndexText(file), file)) {
      stanzas++;
      const name = fields.get('Package');
      if (name === undefined) throw new TextDataError(file, 'stanza without Package:', line);
      const tag = fields.get('Tag');
      const prev = byName.get(name);
      if (prev !== undefined && (prev.tagged || tag === undefined)) continue;
      const inline = longDescriptionText(splitDescription(fields.get('Description') ?? '').long);
      const md5 = fields.get('Description-md5');
      let text: string | null = inline !== '' ? inline : null;
      let source: 'inline' | 'translation' | null = text === null ? null : 'inline';
      if (text === null && md5 !== undefined && translations.get(md5)) {
        text = translations.get(md5)!;
        source = 'translation';
      }
      byName.set(name, { package: name, tags: tag === undefined ? [] : parseTagField(tag), text, tagged: tag !== undefined, source });
    }
  }
  const all = [...byName.values()];
  return {
    packages: all.map(({ package: p, tags, text }) => ({ package: p, tags, text })),
    vocabulary: vocabularyFile === null ? null : parseDebtagsVocabulary(readIndexText(vocabularyFile), vocabularyFile),
    sources: {
      packagesFiles: packagesFiles.map((f) => path.resolve(f)),
      translationFiles: translationFiles.map((f) => path.resolve(f)),
      vocabularyFile: vocabularyFile === null ? null : path.resolve(vocabularyFile),
    },
    counts: {
      stanzas,
      packages: all.length,
      tagged: all.filter((p) => p.tagged).length,
      inlineDescriptions: all.filter((p) => p.source === 'inline').length,
      translatedDescriptions: all.filter((p) => p.source === 'translation').length,
      translationEntries,
    },
  };
}

/** Options of {@link buildDebtagsDataset}. */
export interface DebtagsDatasetOptions extends ReadDebtagsOptions, DebtagsAspectsOptions {
  /** Recorded in the manifest. */
  tool?: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

/** What `manifest.json` records. */
export interface DebtagsManifest {
  tool: string;
  sources: DebtagsRead['sources'];
  facets: string[];
  minPerAspect: number;
  seed: number;
  evalSize: number;
  counts: DebtagsRead['counts'] & { train: number; test: number; multiLabel: number; aspects: number };
  aspects: DebtagsAspects['aspects'];
  skipped: DebtagsAspects['skipped'];
  rareAspects: DebtagsAspects['rareAspects'];
  /** Every facet's size over the tagged packages: the evidence for the facet choice. */
  facetSizes: FacetSize[];
}

/** The dataset in memory: file name → content, the manifest and the examples. */
export interface DebtagsDataset {
  files: Record<(typeof DEBTAGS_FILES)[number], string>;
  manifest: DebtagsManifest;
  data: DebtagsAspects;
}

const jsonl = (rows: readonly object[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Reads the indexes and builds the dataset files in memory (a few MB); nothing is written. */
export function buildDebtagsDataset(options: DebtagsDatasetOptions = {}): DebtagsDataset {
  const { facets = ['use'], minPerAspect = 50, seed = 0, tool = 'contrastive-text' } = options;
  const read = readDebtagsPackages(options);
  options.log?.(
    `read ${read.counts.packages} packages (${read.counts.tagged} tagged) from ${read.sources.packagesFiles.length} ` +
      `Packages and ${read.sources.translationFiles.length} Translation-en index(es)`,
  );
  if (read.counts.inlineDescriptions + read.counts.translatedDescriptions === 0) {
    throw new TextDataError(
      read.sources.packagesFiles[0]!,
      'no package has a long description: the Packages indexes hold synopses only and no Translation-en index was read; ' +
        'fetch them (apt-get update -o Acquire::Languages=en) or give the Translation-en files',
    );
  }
  const data = debtagsAspects(read.packages, { ...options, facets, minPerAspect, seed });
  const describe = (tag: string): string => read.vocabulary?.tags.get(tag) ?? '';
  const manifest: DebtagsManifest = {
    tool,
    sources: read.sources,
    facets: [...facets],
    minPerAspect,
    seed,
    evalSize: data.evalSize,
    counts: {
      ...read.counts,
      train: data.train.length,
      test: data.test.length,
      multiLabel: data.multiLabel.length,
      aspects: data.aspects.length,
    },
    aspects: data.aspects,
    skipped: data.skipped,
    rareAspects: data.rareAspects,
    facetSizes: debtagsFacetSizes(read.packages, minPerAspect),
  };
  const aspectsTsv =
    '# aspect\tdescription\ttotal\ttrain\ttest\n' +
    data.aspects.map((a) => `${a.aspect}\t${describe(a.aspect)}\t${a.total}\t${a.train}\t${a.test}\n`).join('');
  return {
    files: {
      'train.jsonl': jsonl(data.train),
      'test.jsonl': jsonl(data.test),
      'multi-label.jsonl': jsonl(data.multiLabel),
      'aspects.tsv': aspectsTsv,
      'README.md': readme(manifest, read.vocabulary),
      'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
    },
    manifest,
    data,
  };
}

function readme(m: DebtagsManifest, vocabulary: DebtagsVocabulary | null): string {
  const c = m.counts;
  const facetNames = m.facets.map((f) => `\`${f}::\`${vocabulary?.facets.get(f) ? ` (${vocabulary.facets.get(f)})` : ''}`).join(', ');
  return `# Debian package descriptions with debtags aspects

Built by \`${m.tool} debtags-data\`. **The domain is software packages, not reviews**: each example is one Debian
package's long description (plain text: the control-file " ." paragraph lines and bullet markers removed), and its
gold aspect is the package's one debtags tag of the facet(s) ${facetNames}. Use it for aspect detection (SSA / SSCL)
as a stand-in for a review corpus, and say so next to any number.

| file | content |
|---|---|
| train.jsonl | ${c.train} \`{"text","aspect","package"}\` |
| test.jsonl | ${c.test} \`{"text","aspect","package"}\`, stratified by aspect (seed ${m.seed}) |
| multi-label.jsonl | ${c.multiLabel} \`{"text","aspects","package"}\`: packages with two or more tags of the facet, restricted to the kept aspects; in neither split |
| aspects.tsv | the ${c.aspects} aspects with the debtags vocabulary's description and counts |
| manifest.json | sources, settings, counts, skipped packages by reason, rare aspects, every facet's size |

Kept: packages with exactly one tag of the facet(s) (\`::TODO\` tags ignored), a long description, and a text not
already used by an earlier package (by name); aspects with at least ${m.minPerAspect} such packages.
Skipped: ${Object.entries(m.skipped)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.

## Licence

The descriptions and tags are from the Debian archive's package metadata (the \`Packages\` and \`Translation-en\`
indexes under ${m.sources.packagesFiles.length > 0 ? `\`${path.dirname(m.sources.packagesFiles[0]!)}\`` : 'the APT lists'}; the
tag descriptions from the \`debtags\` package's vocabulary). Each description was written for, and is distributed
with, its package (see \`/usr/share/doc/<package>/copyright\` or the package's copyright file in the archive). This
folder is derived at run time on the machine that built it: it is not part of the contrastive project's sources
and must not be committed to its repository.
`;
}
