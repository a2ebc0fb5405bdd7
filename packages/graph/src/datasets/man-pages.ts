/**
 * The man-page cross-reference graph of the installed manual (Node only): node = page (`name.section`),
 * undirected edge = a SEE ALSO reference `name(section)` that resolves to an installed page, label = the
 * manual section (1–8), features = TF-IDF of the NAME summary + DESCRIPTION text.
 *
 * Pages are read one at a time (bounded memory: a page's bag of words and its references are kept, not its
 * text). Aliases — symbolic links, second hard links and pages that are only a `.so` redirection — are not nodes:
 * a reference to an alias resolves to the page it points to. Translated manuals (`de/`, `fr/`, … beside the
 * `man<digit>` folders) are never read.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dpkgOwners, dpkgVersions } from './debian-packages.js';
import { parseManSource } from './man-roff.js';
import { dropSmallClasses, type NodeDataset, nodeDatasetParts, undirectedEdges } from './node-dataset.js';
import { type TfidfOptions, termCounts, tfidfFeatures, tokenizeWords } from './tfidf.js';

/** Options of {@link buildManPageGraph}. */
export interface ManPageGraphOptions extends TfidfOptions {
  /** Root of the manual. Default `/usr/share/man`. */
  manDir?: string;
  /** Sections read (`man<s>/`). Default 1–8. */
  sections?: readonly number[];
  /**
   * Debian packages whose pages are left out. Default none. Generated manuals without SEE ALSO sections make
   * isolated nodes that can swamp the graph: this project's machine has 16,631 `google-cloud-cli` pages (three
   * quarters of its manual), and docs/results-graph.md builds with `['google-cloud-cli']`.
   */
  excludePackages?: readonly string[];
  /** Sections with fewer pages are dropped (and reported). Default 20. */
  minClassSize?: number;
  /** Installed file → package; default: one `dpkg-query -S` over the section folders. */
  owners?: ReadonlyMap<string, string>;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

/** The largest decompressed page read (bytes); a larger one is skipped and counted (no page here is over 2 MB). */
const MAX_PAGE_BYTES = 16 << 20;

/** `ls.1.gz` → `{ name: 'ls', section: '1' }`; `CA.pl.1ssl.gz` → `{ name: 'CA.pl', section: '1ssl' }`; other names → null. */
export function manFileKey(file: string): { name: string; section: string } | null {
  const m = /^(.+)\.(\d[\w+-]*)(?:\.gz)?$/.exec(file);
  return m ? { name: m[1]!, section: m[2]! } : null;
}

interface PageRecord {
  key: string;
  name: string;
  label: number;
  file: string;
  counts: Map<string, number>;
  refs: { name: string; section: string }[];
}

/** Counts of what was read and skipped, for dataset.json. */
type Tally = Record<string, number>;

/** Builds the man-page graph (see the module comment). */
export function buildManPageGraph(opts: ManPageGraphOptions = {}): NodeDataset {
  const { manDir = '/usr/share/man', sections = [1, 2, 3, 4, 5, 6, 7, 8], excludePackages = [], minClassSize = 20, log } = opts;
  const owners = opts.owners ?? dpkgOwners(path.join(manDir, 'man*', '*'));
  if (owners.size === 0) log?.(`no dpkg owners found for ${manDir}: package exclusion and the package list are empty`);
  const excluded = new Set(excludePackages);
  const tally: Tally = { files: 0, pages: 0, aliases: 0, excludedPackage: 0, notAPage: 0, unreadable: 0 };
  const pages: PageRecord[] = [];
  /** alias key → the key or file path it points to */
  const aliasTo = new Map<string, { key?: string; file?: string }>();
  const keyOfFile = new Map<string, string>();
  const inodes = new Map<string, string>();
  let foldersRead = 0;
  for (const s of sections) {
    const dir = path.join(manDir, `man${s}`);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
      foldersRead++;
    } catch {
      continue;
    }
    for (const entry of entries) {
      tally.files!++;
      const file = path.join(dir, entry);
      const id = manFileKey(entry);
      if (!id) {
        tally.notAPage!++;
        continue;
      }
      const pkg = owners.get(file);
      if (pkg !== undefined && excluded.has(pkg)) {
        tally.excludedPackage!++;
        continue;
      }
      const key = `${id.name}.${id.section}`;
      const st = lstatSync(file);
      if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(file);
        } catch {
          tally.unreadable!++; // a dangling link
          continue;
        }
        aliasTo.set(key, { file: target });
        continue;
      }
      if (!st.isFile()) {
        tally.notAPage!++;
        continue;
      }
      const inode = `${st.dev}:${st.ino}`;
      const first = inodes.get(inode);
      if (first !== undefined) {
        aliasTo.set(key, { key: first });
        continue;
      }
      inodes.set(inode, key);
      let source: string;
      try {
        const raw = readFileSync(file);
        source = (entry.endsWith('.gz') ? gunzipSync(raw, { maxOutputLength: MAX_PAGE_BYTES }) : raw).toString('utf8');
      } catch {
        tally.unreadable!++;
        continue;
      }
      const page = parseManSource(source);
      if (page.so !== undefined) {
        const target = manFileKey(path.basename(page.so));
        if (target) aliasTo.set(key, { key: `${target.name}.${target.section}` });
        continue;
      }
      keyOfFile.set(realpathSync(file), key);
      pages.push({
        key,
        name: id.name,
        label: s,
        file,
        counts: termCounts(tokenizeWords(`${page.summary} ${page.description}`)),
        refs: page.seeAlso,
      });
      if (pages.length % 2000 === 0) log?.(`read ${pages.length} pages`);
    }
  }
  if (foldersRead === 0)
    throw new Error(
      `${manDir} holds none of the folders ${sections.map((s) => `man${s}/`).join(', ')}: pass the manual's root as --man-dir`,
    );
  tally.pages = pages.length;
  tally.aliases = aliasTo.size;

  // Sections as classes; small ones dropped.
  const classNames = sections.map(String);
  const kept = dropSmallClasses(
    Int32Array.from(pages, (p) => sections.indexOf(p.label)),
    classNames,
    minClassSize,
  );
  const nodes = pages.filter((_, i) => kept.keepNode[i]! >= 0);
  const nodeOfKey = new Map(nodes.map((p, i) => [p.key, i]));

  // Every name a page answers to — its own key and its aliases' — resolves to its node.
  const resolveKey = (key: string): number | undefined => {
    for (let k: string | undefined = key, hops = 0; k !== undefined && hops < 8; hops++) {
      const node = nodeOfKey.get(k);
      if (node !== undefined) return node;
      const alias = aliasTo.get(k);
      k = alias?.key ?? (alias?.file !== undefined ? keyOfFile.get(alias.file) : undefined);
    }
    return undefined;
  };
  const byKey = new Map<string, number>();
  const byNameSection = new Map<string, number>();
  const addName = (key: string, node: number): void => {
    byKey.set(key, node);
    byKey.set(key.toLowerCase(), byKey.get(key.toLowerCase()) ?? node);
    const id = manFileKey(key)!;
    // `SSL_new(3)` names `SSL_new.3ssl`: the page of that name in that section (the shortest section suffix wins).
    for (const name of [id.name, id.name.toLowerCase()]) {
      const k = `${name}\u0000${id.section[0]}`;
      if (!byNameSection.has(k)) byNameSection.set(k, node);
    }
  };
  const allKeys = [...nodeOfKey.keys(), ...aliasTo.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of allKeys) {
    const node = resolveKey(key);
    if (node !== undefined) addName(key, node);
  }
  const resolveRef = (name: string, section: string): number | undefined =>
    byKey.get(`${name}.${section}`) ??
    byNameSection.get(`${name}\u0000${section[0]}`) ??
    byKey.get(`${name}.${section}`.toLowerCase()) ??
    byNameSection.get(`${name.toLowerCase()}\u0000${section[0]}`);

  let references = 0;
  let resolved = 0;
  const pairs: [number, number][] = [];
  nodes.forEach((p, u) => {
    for (const r of p.refs) {
      references++;
      const v = resolveRef(r.name, r.section);
      if (v === undefined) continue;
      resolved++;
      pairs.push([u, v]);
    }
  });
  const edges = undirectedEdges(nodes.length, pairs);
  const tfidf = tfidfFeatures(
    nodes.map((p) => p.counts),
    opts,
  );

  // Provenance: the packages whose pages are nodes.
  const pagesPerPackage = new Map<string, number>();
  for (const p of nodes) {
    const pkg = owners.get(p.file) ?? '(unknown)';
    pagesPerPackage.set(pkg, (pagesPerPackage.get(pkg) ?? 0) + 1);
  }
  const versions = dpkgVersions([...pagesPerPackage.keys()].filter((p) => p !== '(unknown)'));
  const packageRows = [...pagesPerPackage]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([pkg, n]) => `${pkg}\t${versions.get(pkg) ?? ''}\t${n}`);
  const parts = nodeDatasetParts(kept, minClassSize, edges, tfidf);
  return {
    source: 'man',
    nodeNames: nodes.map((p) => p.key),
    ...parts,
    details: {
      manDir,
      sections,
      excludePackages: [...excluded],
      ...parts.details,
      read: tally,
      seeAlso: { references, resolved, selfOrDuplicate: resolved - edges.length / 2 },
      features: 'TF-IDF of the NAME summary (the text after " - ", without the page names) + DESCRIPTION',
      packages: pagesPerPackage.size,
      debianVersions: Object.fromEntries([...versions].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    },
    notice: manNotice(pagesPerPackage.size, manDir),
    extraFiles: { 'packages.tsv': `package\tversion\tpages\n${packageRows.join('\n')}\n` },
  };
}

function manNotice(packages: number, manDir: string): string {
  return `# Notice: the man-page cross-reference graph

Built at run time by \`contrastive-graph data man\` from the manual pages installed under \`${manDir}\` on the
machine that ran it. Nodes are pages, edges their SEE ALSO references, labels their manual section, features a
TF-IDF bag of words of each page's NAME summary and DESCRIPTION.

**Licences vary per page**: every page stays under the licence of the Debian package that installed it (GPL,
LGPL, BSD, MIT, the Linux man-pages licence, the Perl Artistic licence, …), stated in
\`/usr/share/doc/<package>/copyright\`. The ${packages} packages whose pages are nodes, with their versions and page
counts, are listed in \`packages.tsv\`. The derived files (term weights, reference lists) are meant for local
experiments: do not redistribute this folder without checking those licences; rebuild it instead.
`;
}
