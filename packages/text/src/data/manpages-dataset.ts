/**
 * The man-page retrieval dataset as a folder (Node only): reads the installed pages ({@link readManPages}), splits
 * them ({@link manpagesRetrievalTask}) and writes the files with their provenance and licence notice, atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ManPagesRead, type ReadManPagesOptions, readManPages } from './manpages-files.js';
import { type ManPageRecord, type ManpagesTask, type ManpagesTaskOptions, manpagesRetrievalTask } from './manpages-task.js';

/** The files of a man-page dataset folder, in the order they are written (`manifest.json` last). */
export const MANPAGES_FILES = [
  'pairs.jsonl',
  'train-pairs.jsonl',
  'corpus.txt',
  'triplets.jsonl',
  'packages.txt',
  'provenance.tsv',
  'README.md',
  'manifest.json',
] as const;

/** Options of {@link buildManpagesDataset}: where the pages are and how they are split. */
export interface ManpagesDatasetOptions extends ReadManPagesOptions, ManpagesTaskOptions {
  /** Recorded in the manifest (`'contrastive-text 0.3.0'`). */
  tool?: string;
}

/** The dataset in memory: file name → content, and the summary the manifest holds. */
export interface ManpagesDataset {
  files: Record<(typeof MANPAGES_FILES)[number], string>;
  manifest: ManpagesManifest;
  task: ManpagesTask;
}

/** What `manifest.json` records. */
export interface ManpagesManifest {
  tool: string;
  manDir: string;
  dpkgDir: string;
  /** Section folders read → files listed in each. */
  sections: Record<string, number>;
  /** Folders of the manual root not read (translations). */
  notRead: string[];
  excludePackages: string[];
  seed: number;
  evalSize: number;
  maxWords: number;
  minWords: number;
  negatives: 'bm25' | 'random';
  counts: {
    filesListed: number;
    pagesParsed: number;
    groups: number;
    largestGroup: number;
    heldOutPairs: number;
    trainPairs: number;
    corpusLines: number;
    triplets: number;
    packages: number;
  };
  tripletNegatives: { bm25: number; random: number };
  /** Files and pages left out, by reason: `read` while reading and parsing, `task` while splitting. */
  skipped: { read: ManPagesRead['skipped']; task: ManpagesTask['skipped'] };
  unreadable: ManPagesRead['unreadable'];
  latin1Pages: number;
  /** sha256 of the sorted `package=version` lines of the packages whose pages are in the dataset. */
  packagesSha256: string;
}

const jsonl = (rows: readonly object[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/**
 * Reads the pages and builds the dataset's files in memory (a few tens of MB for ~20,000 pages). Nothing is
 * written; see {@link writeDatasetFolder}.
 */
export function buildManpagesDataset(options: ManpagesDatasetOptions = {}): ManpagesDataset {
  const { manDir = '/usr/share/man', dpkgDir = '/var/lib/dpkg', excludePackages = [], tool = 'contrastive-text' } = options;
  const { evalSize = 1000, seed = 0, maxWords = 200, minWords = 10, negatives = 'bm25' } = options;
  const read = readManPages(options);
  options.log?.(`parsed ${read.records.length} pages; splitting`);
  const task = manpagesRetrievalTask(read.records, options);

  const perPackage = new Map<string, { held: number; train: number }>();
  const bump = (r: ManPageRecord, side: 'held' | 'train'): void => {
    const c = perPackage.get(r.package) ?? { held: 0, train: 0 };
    perPackage.set(r.package, c);
    c[side]++;
  };
  for (const r of task.heldOut) bump(r, 'held');
  for (const r of task.train) bump(r, 'train');
  const pkgs = [...perPackage.keys()].sort();
  const version = (p: string): string => read.versions.get(p) ?? '-';
  const packagesTxt =
    '# package\tversion\tpages\theld_out\ttrain\n' +
    pkgs
      .map(
        (p) =>
          `${p}\t${version(p)}\t${perPackage.get(p)!.held + perPackage.get(p)!.train}\t${perPackage.get(p)!.held}\t${perPackage.get(p)!.train}\n`,
      )
      .join('');
  const packagesSha256 = createHash('sha256')
    .update(pkgs.map((p) => `${p}=${version(p)}\n`).join(''))
    .digest('hex');
  const provenance =
    '# split\tname\tsection\tpackage\tfile\n' +
    [...task.heldOut.map((r) => ['held-out', r] as const), ...task.train.map((r) => ['train', r] as const)]
      .map(([s, r]) => `${s}\t${r.name}\t${r.section}\t${r.package}\t${r.file}\n`)
      .join('');

  const manifest: ManpagesManifest = {
    tool,
    manDir: path.resolve(manDir),
    dpkgDir: path.resolve(dpkgDir),
    sections: read.sections,
    notRead: read.notRead,
    excludePackages: [...excludePackages],
    seed,
    evalSize,
    maxWords,
    minWords,
    negatives,
    counts: {
      filesListed: Object.values(read.sections).reduce((a, b) => a + b, 0),
      pagesParsed: read.records.length,
      groups: task.groups.count,
      largestGroup: task.groups.largest,
      heldOutPairs: task.pairs.length,
      trainPairs: task.trainPairs.length,
      corpusLines: task.corpus.length,
      triplets: task.triplets.length,
      packages: pkgs.length,
    },
    tripletNegatives: task.negatives,
    skipped: { read: read.skipped, task: task.skipped },
    unreadable: read.unreadable,
    latin1Pages: read.latin1,
    packagesSha256,
  };
  const files: ManpagesDataset['files'] = {
    'pairs.jsonl': jsonl(task.pairs),
    'train-pairs.jsonl': jsonl(task.trainPairs),
    'corpus.txt': task.corpus.map((l) => `${l}\n`).join(''),
    'triplets.jsonl': jsonl(task.triplets),
    'packages.txt': packagesTxt,
    'provenance.tsv': provenance,
    'README.md': readme(manifest),
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
  };
  return { files, manifest, task };
}

function readme(m: ManpagesManifest): string {
  const c = m.counts;
  return `# Manual-page retrieval dataset

Built by \`${m.tool} manpages-data\` from the manual pages installed under \`${m.manDir}\` (sections
${Object.keys(m.sections).join(', ')}; translations not read). Query = a page's NAME one-line summary ("list directory
contents"); document = its DESCRIPTION section as plain text, first ${m.maxWords} words.

| file | content |
|---|---|
| pairs.jsonl | ${c.heldOutPairs} held-out pairs \`{"query","document"}\`, one per held-out page group; the searched corpus is their documents |
| train-pairs.jsonl | ${c.trainPairs} training pairs \`{"query","document"}\` (supervised) |
| corpus.txt | ${c.corpusLines} training passages (summaries and descriptions of training pages), one per line |
| triplets.jsonl | ${c.triplets} \`{"text","positive","negative"}\`: summary, its description, the description of the training page whose summary is most similar by BM25 (${m.tripletNegatives.bm25}) or a random one when BM25 found none (${m.tripletNegatives.random}) |
| packages.txt | the ${c.packages} Debian packages the pages come from, with versions and page counts |
| provenance.tsv | each page used: split, name, section, package, file |
| manifest.json | settings (seed ${m.seed}), counts, what was skipped and why |

Pages sharing a name, a summary or a description (aliases, a page in two sections, a command's release tracks) form
one group, and a group is entirely held out or entirely training, so no held-out query or document — nor a
near-duplicate of one — is in a training file.

## Licence

Every manual page is a copyrighted work under the licence of the Debian package that installed it (see
\`/usr/share/doc/<package>/copyright\` for each package in packages.txt: GPL, BSD, MIT, Apache-2.0, the Linux
man-pages licences, …). This folder is derived from those pages on the machine that built it, **at run time**: it
is not part of the contrastive project's sources, must not be committed to its repository, and must not be
redistributed except under the terms of each page's licence.
`;
}

/**
 * Writes `files` into `dir` atomically: everything is written into a temporary sibling folder
 * (`.<dir>.tmp-<pid>-<hex>`) first. A missing or empty `dir` is then replaced by it in one rename; a non-empty `dir`
 * (only with `overwrite`) receives each file by rename — its `manifest.json` removed first and written last, so a
 * folder with a manifest is always complete — and keeps any other file it holds. Without `overwrite`, a non-empty
 * `dir` is refused before anything is written.
 */
export function writeDatasetFolder(dir: string, files: Readonly<Record<string, string>>, overwrite: boolean): void {
  const target = path.resolve(dir);
  const state = folderState(target);
  if (state === 'file') throw new Error(`'${dir}' is a file, not a folder`);
  if (state === 'non-empty' && !overwrite) throw new Error(`'${dir}' is not empty; choose another folder or pass overwrite`);
  mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    const names = Object.keys(files).sort((a, b) => Number(a === 'manifest.json') - Number(b === 'manifest.json'));
    for (const name of names) {
      if (path.basename(name) !== name) throw new Error(`dataset file '${name}' is not a plain file name`);
      writeFileSync(path.join(tmp, name), files[name]!);
    }
    if (state === 'missing') renameSync(tmp, target);
    else if (state === 'empty') {
      rmdirSync(target);
      renameSync(tmp, target);
    } else {
      rmSync(path.join(target, 'manifest.json'), { force: true });
      for (const name of names) renameSync(path.join(tmp, name), path.join(target, name));
      rmdirSync(tmp);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Whether `dir` is missing, an empty folder, a non-empty folder or a file. */
export function folderState(dir: string): 'missing' | 'empty' | 'non-empty' | 'file' {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  if (!st.isDirectory()) return 'file';
  return readdirSync(dir).length === 0 ? 'empty' : 'non-empty';
}
