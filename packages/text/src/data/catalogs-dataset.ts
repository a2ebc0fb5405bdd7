/**
 * The translation-pair dataset as a folder (Node only): reads one language's installed gettext catalogs
 * ({@link readCatalogs}), cleans them to sentence pairs ({@link cleanCatalogs}), splits them by package
 * ({@link splitPackages}) and writes the files with their provenance and licence notice (atomically, through
 * {@link writeDatasetFolder}).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TextDataError } from '../errors.js';
import { type CatalogFileSkipReason, type CatalogsRead, type ReadCatalogsOptions, readCatalogs } from './catalogs-files.js';
import { type CatalogPackageLine, formatPackagesList, type PackagesList, parsePackagesList } from './catalogs-packages.js';
import { type PackageSplit, type SplitPackagesOptions, splitPackages } from './catalogs-split.js';
import { type CatalogCleanOptions, type CatalogPair, type CatalogSkipReason, cleanCatalogs } from './gettext-clean.js';
import type { MoSkipReason } from './gettext-mo.js';

/** The files of a catalogs dataset folder, in the order they are written (`manifest.json` last). */
export const CATALOGS_FILES = ['train.jsonl', 'test.jsonl', 'packages.txt', 'provenance.tsv', 'README.md', 'manifest.json'] as const;

/** Options of {@link buildCatalogsDataset}. */
export interface CatalogsDatasetOptions extends Omit<ReadCatalogsOptions, 'packages'>, CatalogCleanOptions, SplitPackagesOptions {
  /**
   * A package list (one name per line, or a dataset's `packages.txt`): only those packages' catalogs are read. When
   * every line records a split (the fifth column of `packages.txt`), that split is reused and `evalPackages` /
   * `evalSize` must not be given; otherwise a split is drawn.
   */
  packagesFile?: string;
  /** Recorded in the manifest (`'contrastive-text 0.3.0'`). */
  tool?: string;
}

/** The dataset in memory: file name → content, and the summary the manifest holds. */
export interface CatalogsDataset {
  files: Record<(typeof CATALOGS_FILES)[number], string>;
  manifest: CatalogsManifest;
  train: CatalogPair[];
  test: CatalogPair[];
}

/** What `manifest.json` records. */
export interface CatalogsManifest {
  tool: string;
  lang: string;
  localeDir: string;
  dpkgDir: string;
  seed: number;
  maxWords: number;
  plurals: 'singular' | 'skip';
  /** How the held-out packages were chosen, the target in pairs (`evalSize` mode) and the share achieved. */
  split: {
    mode: 'eval-size' | 'eval-packages' | 'packages-file';
    target: number | null;
    evalPackages: number | null;
    heldOutFraction: number;
  };
  /** The `--packages-file` used: its listed packages not found here, and versions that differ from the recorded ones. */
  packagesFile: {
    file: string;
    listed: number;
    missing: string[];
    versionChanged: { package: string; listed: string; installed: string }[];
  } | null;
  /** Same-language folders not read (`de_CH`): ask for them with their own `--lang`. */
  variantsNotRead: string[];
  counts: {
    /** Files in the `LC_MESSAGES` folder. */
    files: number;
    catalogs: number;
    /** Messages in the catalogs (headers excluded). */
    messages: number;
    messagesWithContext: number;
    pluralMessages: number;
    pairs: number;
    trainPairs: number;
    testPairs: number;
    packages: number;
    trainPackages: number;
    testPackages: number;
  };
  /** What was left out and why: files, messages while parsing, messages while cleaning. */
  skipped: {
    files: Partial<Record<CatalogFileSkipReason, number>>;
    parse: Partial<Record<MoSkipReason, number>>;
    clean: Record<CatalogSkipReason, number>;
  };
  corrupt: CatalogsRead['corrupt'];
  /** Catalogs per charset (`{"utf-8": 90, "iso-8859-1": 1}`). */
  charsets: Record<string, number>;
  /** sha256 of the sorted `package=version` lines of the packages in packages.txt. */
  packagesSha256: string;
}

const jsonl = (rows: readonly CatalogPair[]): string =>
  rows.map((r) => `${JSON.stringify({ source: r.source, target: r.target, package: r.package, domain: r.domain })}\n`).join('');

/** Reads `file` as a package list, with errors naming it. */
function readPackagesFile(file: string): PackagesList {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TextDataError(file, code === 'ENOENT' ? 'package list not found (--packages-file)' : `cannot be read (${code})`);
  }
  return parsePackagesList(text, file);
}

/**
 * Reads the catalogs and builds the dataset's files in memory (~15 MB for 60,000 pairs). Nothing is written; see
 * {@link writeDatasetFolder}. Train and test rows stay in package, domain, catalog order (shuffle when training).
 */
export function buildCatalogsDataset(options: CatalogsDatasetOptions): CatalogsDataset {
  const { lang, localeDir = '/usr/share/locale', dpkgDir = '/var/lib/dpkg', tool = 'contrastive-text', log } = options;
  const { seed = 0, maxWords = 64, plurals = 'singular', evalPackages, evalSize, packagesFile } = options;
  const list = packagesFile === undefined ? null : readPackagesFile(packagesFile);
  if (list?.split && (evalPackages !== undefined || evalSize !== undefined)) {
    throw new TextDataError(
      packagesFile!,
      'records a split (fifth column), so evalPackages / evalSize do not apply; drop them or the column',
    );
  }
  const read = readCatalogs({ ...options, ...(list ? { packages: new Set(list.packages) } : {}) });
  if (read.catalogs.length === 0) {
    throw new TextDataError(path.join(localeDir, lang, 'LC_MESSAGES'), `no readable catalog (${JSON.stringify(read.skipped)})`);
  }
  log?.(`parsed ${read.catalogs.length} catalogs; cleaning`);
  const cleaned = cleanCatalogs(
    read.catalogs.map((c) => ({ package: c.package, domain: c.domain, messages: c.catalog.messages })),
    { maxWords, plurals },
  );

  const pkgs = [...new Set(read.catalogs.map((c) => c.package))].sort();
  const pairCounts = new Map<string, number>(pkgs.map((p) => [p, 0]));
  for (const p of cleaned.pairs) pairCounts.set(p.package, pairCounts.get(p.package)! + 1);
  let split: Map<string, PackageSplit>;
  let target: number | null = null;
  if (list?.split) {
    split = new Map(pkgs.map((p) => [p, pairCounts.get(p)! > 0 ? (list.split!.get(p) ?? 'none') : 'none']));
    for (const [p, side] of split) if (side === 'none' && pairCounts.get(p)! > 0) split.set(p, 'train');
  } else {
    const s = splitPackages(pairCounts, {
      seed,
      ...(evalPackages !== undefined ? { evalPackages } : {}),
      ...(evalSize !== undefined ? { evalSize } : {}),
    });
    split = s.split;
    target = s.target;
  }
  const train = cleaned.pairs.filter((p) => split.get(p.package) === 'train');
  const test = cleaned.pairs.filter((p) => split.get(p.package) === 'held-out');
  if (train.length === 0 || test.length === 0) {
    throw new TextDataError(
      packagesFile ?? localeDir,
      `the split leaves ${train.length} training and ${test.length} held-out pairs; both need some`,
    );
  }

  const version = (p: string): string => read.versions.get(p) ?? '-';
  const catalogsOf = new Map<string, number>();
  for (const c of read.catalogs) catalogsOf.set(c.package, (catalogsOf.get(c.package) ?? 0) + 1);
  const lines: CatalogPackageLine[] = pkgs.map((p) => ({
    package: p,
    version: version(p),
    catalogs: catalogsOf.get(p)!,
    pairs: pairCounts.get(p)!,
    split: split.get(p)!,
  }));
  const packagesSha256 = createHash('sha256')
    .update(pkgs.map((p) => `${p}=${version(p)}\n`).join(''))
    .digest('hex');
  const pairsPerCatalog = new Map<string, number>();
  for (const p of cleaned.pairs)
    pairsPerCatalog.set(`${p.package}\t${p.domain}`, (pairsPerCatalog.get(`${p.package}\t${p.domain}`) ?? 0) + 1);
  const provenance =
    '# split\tpackage\tversion\tdomain\tcharset\tmessages\tpairs\tbytes\tsha256\tfile\n' +
    read.catalogs
      .map(
        (c) =>
          `${split.get(c.package)}\t${c.package}\t${version(c.package)}\t${c.domain}\t${c.catalog.charset}\t${c.catalog.messages.length}\t` +
          `${pairsPerCatalog.get(`${c.package}\t${c.domain}`) ?? 0}\t${c.bytes}\t${c.sha256}\t${c.file}\n`,
      )
      .join('');

  const parse: Partial<Record<MoSkipReason, number>> = {};
  const charsets: Record<string, number> = {};
  let withContext = 0;
  let plural = 0;
  for (const c of read.catalogs) {
    charsets[c.catalog.charset] = (charsets[c.catalog.charset] ?? 0) + 1;
    for (const [k, v] of Object.entries(c.catalog.skipped) as [MoSkipReason, number][]) parse[k] = (parse[k] ?? 0) + v;
    for (const m of c.catalog.messages) {
      if (m.context !== undefined) withContext++;
      if (m.msgidPlural !== undefined) plural++;
    }
  }
  const packagesFileInfo: CatalogsManifest['packagesFile'] = list
    ? {
        file: path.resolve(packagesFile!),
        listed: list.packages.length,
        missing: list.packages.filter((p) => !pairCounts.has(p)),
        versionChanged: [...list.versions]
          .filter(([p, v]) => pairCounts.has(p) && version(p) !== v)
          .map(([p, v]) => ({ package: p, listed: v, installed: version(p) })),
      }
    : null;
  if (packagesFileInfo && packagesFileInfo.missing.length > 0) {
    log?.(`warning: ${packagesFileInfo.missing.length} listed packages have no catalog here: ${packagesFileInfo.missing.join(', ')}`);
  }
  if (read.corrupt.length > 0) log?.(`warning: ${read.skipped.corrupt} corrupt catalogs skipped, e.g. ${read.corrupt[0]!.error}`);
  const splitSides = [...split.values()];
  const manifest: CatalogsManifest = {
    tool,
    lang,
    localeDir: path.resolve(localeDir),
    dpkgDir: path.resolve(dpkgDir),
    seed,
    maxWords,
    plurals,
    split: {
      mode: list?.split ? 'packages-file' : evalPackages !== undefined ? 'eval-packages' : 'eval-size',
      target,
      evalPackages: evalPackages ?? null,
      heldOutFraction: Math.round((test.length / (train.length + test.length)) * 10000) / 10000,
    },
    packagesFile: packagesFileInfo,
    variantsNotRead: read.variantsNotRead,
    counts: {
      files: read.files,
      catalogs: read.catalogs.length,
      messages: cleaned.messages,
      messagesWithContext: withContext,
      pluralMessages: plural,
      pairs: cleaned.pairs.length,
      trainPairs: train.length,
      testPairs: test.length,
      packages: pkgs.length,
      trainPackages: splitSides.filter((s) => s === 'train').length,
      testPackages: splitSides.filter((s) => s === 'held-out').length,
    },
    skipped: { files: read.skipped, parse, clean: cleaned.skipped },
    corrupt: read.corrupt,
    charsets,
    packagesSha256,
  };
  const files: CatalogsDataset['files'] = {
    'train.jsonl': jsonl(train),
    'test.jsonl': jsonl(test),
    'packages.txt': formatPackagesList(lines),
    'provenance.tsv': provenance,
    'README.md': readme(manifest),
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
  };
  return { files, manifest, train, test };
}

function readme(m: CatalogsManifest): string {
  const c = m.counts;
  return `# Translation pairs from gettext catalogs (English → ${m.lang})

Built by \`${m.tool} catalogs-data --lang ${m.lang}\` from the message catalogs installed under
\`${m.localeDir}/${m.lang}/LC_MESSAGES/\` (${c.catalogs} catalogs of ${c.packages} Debian packages). Source = a
program's English message (\`msgid\`), target = its ${m.lang} translation (\`msgstr\`).

| file | content |
|---|---|
| train.jsonl | ${c.trainPairs} pairs \`{"source","target","package","domain"}\` of ${c.trainPackages} packages |
| test.jsonl | ${c.testPairs} held-out pairs (${(m.split.heldOutFraction * 100).toFixed(1)} %) of ${c.testPackages} other packages |
| packages.txt | each package read: version, catalogs, pairs, split; pass it back with \`--packages-file\` to rebuild this dataset (same packages, same split) on another machine |
| provenance.tsv | each catalog read: split, package, version, text domain, charset, messages, pairs kept, size, sha256, file |
| manifest.json | settings (seed ${m.seed}, at most ${m.maxWords} words a side, plurals: ${m.plurals}), counts, what was skipped and why |

Cleaning: keyboard accelerators removed (\`_File\`, \`&File\`, \`(_F)\`; identifiers such as \`crl_fetch\` kept), GnuPG's
\`|ARG|\` help prefixes removed, whitespace collapsed, printf placeholders kept
(a pair whose placeholders differ is dropped); dropped are empty and untranslated messages (target = source),
strings without words (\`%s: %s\`), texts over ${m.maxWords} words, and every repeat of a source already kept (the first
package in name order wins). The split is by package: a package's pairs are all in train.jsonl or all in test.jsonl,
and no source is in both.

## Licence

Every catalog is a copyrighted work under the licence of the Debian package that installed it (see
\`/usr/share/doc/<package>/copyright\` for each package in packages.txt: GPL, LGPL, BSD, …). This folder is derived
from those catalogs on the machine that built it, **at run time**: it is not part of the contrastive project's
sources, must not be committed to its repository, and must not be redistributed except under the terms of each
catalog's licence.
`;
}
