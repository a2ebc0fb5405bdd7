import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CAPTIONS_FILE, type CaptionRecord, formatCaptionLine } from '../data/caption-record.js';
import { DEFAULT_TEST_FRACTION, splitCounts, splitRecords } from '../data/split.js';
import { checkOutputFolder, stageFolder } from './output-folder.js';
import { rasteriseToPng } from './rasterise.js';

/** The offline sources a folder can be built from. */
export const CAPTION_SOURCES = ['tuxpaint', 'openclipart', 'openmoji'] as const;
export type CaptionSource = (typeof CAPTION_SOURCES)[number];

/** Options shared by the builders (`buildTuxPaintFolder`, `buildOpenClipArtFolder`, `buildOpenMojiFolder`). */
export interface BuildCaptionFolderOptions {
  /** The output folder: built under a hidden temporary name beside it and renamed at the end. */
  out: string;
  /** The source folder; default: where the Debian or npm package installs it. */
  from?: string;
  /** Side of the square PNGs written, in pixels. Default 64. */
  size?: number;
  /**
   * Cut each picture's empty (transparent or background-coloured) border before fitting it into the square, so the
   * drawing fills the frame (default `true`: many OpenClipArt drawings sit small on an A4 page; OpenMoji keeps a margin).
   */
  trim?: boolean;
  /** Share of images held out for test, recorded in each record's `split`. Default 0.2. */
  testFraction?: number;
  /** Seed of the split. Default 0. */
  seed?: number;
  /** Only the first `limit` usable entries (in the source's sorted order). Default: all. */
  limit?: number;
  /** Replace an existing non-empty `out` (default `false`: refused, before any work). */
  overwrite?: boolean;
  /** How many images sharp rasterises at once (default 4). */
  concurrency?: number;
  /** Aborts the build: the temporary folder is removed and `out` is left as it was. */
  signal?: AbortSignal;
  /** Called after each image is rasterised (or fails to), with the count done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Default {@link BuildCaptionFolderOptions.size}. */
export const DEFAULT_BUILD_SIZE = 64;

/** Why entries of a source were left out, with a count and the first few entries for each reason. */
export type SkipReasons = Record<string, { count: number; examples: string[] }>;

/** What a builder did (also written, without `seconds` and `out`, to the folder's `build.json`). */
export interface BuildReport {
  source: CaptionSource;
  from: string;
  out: string;
  size: number;
  trim: boolean;
  seed: number;
  testFraction: number;
  limit: number | null;
  /** Usable entries the source has (before `limit`, before any failed to rasterise). */
  usable: number;
  /** Images written (one record each). */
  images: number;
  /** Caption strings: each record's `caption` plus its `captions` (translations). */
  captions: number;
  /** Records with at least one keyword. */
  withKeywords: number;
  train: { images: number; records: number };
  test: { images: number; records: number };
  /** Entries left out, by reason (an image that does not rasterise is one of them). */
  skipped: { total: number; reasons: SkipReasons };
  /** Wall time in seconds. */
  seconds: number;
}

/** A usable entry of a source: the file to rasterise and its record. */
export interface BuildCandidate {
  /** The source image file (SVG or PNG). */
  file: string;
  /** Its path in the output folder (a `.png`). */
  image: string;
  record: Omit<CaptionRecord, 'image' | 'split'>;
  /** The split unit (default: the image): candidates with one group land on one side. */
  group?: string;
}

/** Counts skipped entries by reason. */
export class SkipCounter {
  readonly reasons: SkipReasons = {};
  add(reason: string, example: string): void {
    const r = this.reasons[reason] ?? { count: 0, examples: [] };
    this.reasons[reason] = r;
    r.count++;
    if (r.examples.length < 3) r.examples.push(example);
  }
  get total(): number {
    return Object.values(this.reasons).reduce((n, r) => n + r.count, 0);
  }
}

/** The licence files written into every built folder. */
export interface FolderLicence {
  /** `LICENSE`: the source's licence text (or, where it is not installed, its name and where to read it). */
  license: string;
  /** `NOTICE`: the source, its licence by name, attribution, and what was changed. */
  notice: string;
}

/** Checks the numeric options shared by the builders; throws a `RangeError` naming the option. */
export function resolveBuildOptions(
  opts: BuildCaptionFolderOptions,
): Required<Pick<BuildCaptionFolderOptions, 'size' | 'testFraction' | 'seed' | 'concurrency' | 'overwrite'>> {
  const { size = DEFAULT_BUILD_SIZE, testFraction = DEFAULT_TEST_FRACTION, seed = 0, concurrency = 4, overwrite = false, limit } = opts;
  if (typeof opts.out !== 'string' || opts.out.length === 0) throw new RangeError('out must be a non-empty path');
  if (!Number.isInteger(size) || size < 4 || size > 1024) throw new RangeError(`size must be an integer in [4, 1024], got ${String(size)}`);
  if (!(testFraction >= 0 && testFraction < 1))
    throw new RangeError(`testFraction must be a number in [0, 1), got ${String(testFraction)}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    throw new RangeError(`limit must be an integer >= 1, got ${String(limit)}`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
  return { size, testFraction, seed, concurrency, overwrite };
}

/**
 * Writes an image–caption folder from `candidates`: each image rasterised to a `size`-px PNG on white (one at a
 * time per worker, so memory holds a few images, never the set), records split by image with the seed, then
 * `captions.jsonl`, `LICENSE`, `NOTICE` and `build.json`; all in a temporary folder renamed to `out` at the end.
 * An image that does not rasterise is skipped and counted; none rasterising at all is an error.
 */
export async function writeCaptionFolder(
  source: CaptionSource,
  from: string,
  candidates: readonly BuildCandidate[],
  skips: SkipCounter,
  licence: FolderLicence,
  opts: BuildCaptionFolderOptions,
  started: number,
): Promise<BuildReport> {
  const { size, testFraction, seed, concurrency, overwrite } = resolveBuildOptions(opts);
  const { signal, onProgress } = opts;
  const chosen = opts.limit === undefined ? candidates : candidates.slice(0, opts.limit);
  if (chosen.length === 0)
    throw new Error(`${source}: no usable entries in ${from} (${skips.total} skipped: ${describeSkips(skips.reasons)})`);
  signal?.throwIfAborted();
  await checkOutputFolder(opts.out, overwrite);
  const staged = await stageFolder(opts.out, overwrite);
  try {
    const written: (BuildCandidate | null)[] = new Array(chosen.length).fill(null);
    const made = new Set<string>();
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < chosen.length) {
        signal?.throwIfAborted();
        const i = next++;
        const c = chosen[i]!;
        let png: Buffer | null = null;
        try {
          png = await rasteriseToPng(c.file, size, { trim: opts.trim ?? true });
        } catch (err) {
          skips.add('does not rasterise', `${c.file} (sharp: ${firstLine((err as Error).message)})`);
        }
        if (png) {
          const target = join(staged.dir, ...c.image.split('/'));
          const folder = dirname(target);
          if (!made.has(folder)) {
            await mkdir(folder, { recursive: true });
            made.add(folder);
          }
          await writeFile(target, png);
          written[i] = c;
        }
        onProgress?.(++done, chosen.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chosen.length) }, worker));
    signal?.throwIfAborted();
    const kept = written.filter((c): c is BuildCandidate => c !== null);
    if (kept.length === 0)
      throw new Error(`${source}: none of the ${chosen.length} images of ${from} rasterised (${describeSkips(skips.reasons)})`);
    const groupOf = new Map(kept.map((c) => [c.image, c.group ?? c.image]));
    const records = splitRecords(
      kept.map((c) => ({ image: c.image, ...c.record })),
      { testFraction, seed, groupOf: (r) => groupOf.get(r.image)! },
    ).map(({ split, ...r }) => ({ ...r, split }) as CaptionRecord);
    await writeFile(join(staged.dir, CAPTIONS_FILE), `${records.map(formatCaptionLine).join('\n')}\n`);
    await writeFile(join(staged.dir, 'LICENSE'), licence.license.endsWith('\n') ? licence.license : `${licence.license}\n`);
    await writeFile(join(staged.dir, 'NOTICE'), licence.notice.endsWith('\n') ? licence.notice : `${licence.notice}\n`);
    const counts = splitCounts(records);
    const report: BuildReport = {
      source,
      from,
      out: opts.out,
      size,
      trim: opts.trim ?? true,
      seed,
      testFraction,
      limit: opts.limit ?? null,
      usable: candidates.length,
      images: records.length,
      captions: records.reduce((n, r) => n + 1 + Object.keys(r.captions ?? {}).length, 0),
      withKeywords: records.filter((r) => (r.keywords?.length ?? 0) > 0).length,
      train: { images: counts.train.images, records: counts.train.records },
      test: { images: counts.test.images, records: counts.test.records },
      skipped: { total: skips.total, reasons: skips.reasons },
      seconds: 0,
    };
    const { seconds: _s, out: _o, ...recorded } = report;
    await writeFile(join(staged.dir, 'build.json'), `${JSON.stringify(recorded, null, 2)}\n`);
    signal?.throwIfAborted();
    await staged.commit();
    report.seconds = Math.round((performance.now() - started) / 100) / 10;
    return report;
  } catch (err) {
    await staged.discard();
    throw err;
  }
}

/** `12 × no caption file, 3 × empty caption` (largest first). */
export function describeSkips(reasons: SkipReasons): string {
  const rows = Object.entries(reasons).sort((a, b) => b[1].count - a[1].count);
  return rows.length === 0 ? 'none' : rows.map(([reason, r]) => `${r.count} × ${reason}`).join(', ');
}

function firstLine(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}
