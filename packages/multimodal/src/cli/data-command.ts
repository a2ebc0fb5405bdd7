import { stat } from 'node:fs/promises';
import {
  boolFlag,
  type CliIo,
  type FlagSpec,
  formatHelp,
  intFlag,
  numFlag,
  oneOfFlag,
  requiredFlag,
  startCommand,
  stringFlag,
  UsageError,
} from '@contrastive/core/cli';
import { CAPTIONS_FILE } from '../data/caption-record.js';
import { type BuildReport, CAPTION_SOURCES, type CaptionSource, DEFAULT_BUILD_SIZE } from '../node/build-folder.js';
import { buildOpenClipArtFolder, DEFAULT_MAX_TITLE_SHARE, OPENCLIPART_SVG_DIR } from '../node/openclipart.js';
import { buildOpenMojiFolder, defaultOpenMojiDir } from '../node/openmoji.js';
import { OutputExistsError } from '../node/output-folder.js';
import { buildTuxPaintFolder, TUX_PAINT_STAMPS_DIR } from '../node/tux-paint.js';

const TOOL = 'contrastive-multimodal';

const SPEC = {
  source: { type: 'string' },
  from: { type: 'string' },
  out: { type: 'string' },
  size: { type: 'string' },
  'test-fraction': { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  overwrite: { type: 'boolean' },
  'no-trim': { type: 'boolean' },
  'skin-tones': { type: 'boolean' },
  'max-title-share': { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const satisfies FlagSpec;

/** Where each source is installed, and how. */
const SOURCES: Record<CaptionSource, { name: string; install: string; licence: string; defaultDir: () => string | null }> = {
  tuxpaint: {
    name: 'Tux Paint stamps',
    install: 'apt-get install tuxpaint-stamps-default',
    licence: 'GPL-2',
    defaultDir: () => TUX_PAINT_STAMPS_DIR,
  },
  openclipart: {
    name: 'OpenClipArt 0.18',
    install: 'apt-get install openclipart-svg',
    licence: 'public domain',
    defaultDir: () => OPENCLIPART_SVG_DIR,
  },
  openmoji: { name: 'OpenMoji', install: 'npm install openmoji', licence: 'CC BY-SA 4.0', defaultDir: defaultOpenMojiDir },
};

/** The command's line in the main help. */
export const DATA_SUMMARY = 'build an image–caption folder (images + captions.jsonl) from Tux Paint, OpenClipArt or OpenMoji';

export const DATA_HELP = formatHelp({
  tool: TOOL,
  command: 'data',
  summary: 'build an image–caption folder (images + captions.jsonl) from an offline source',
  usage: 'data --source tuxpaint|openclipart|openmoji --out DIR [options]',
  flags: [
    {
      name: 'source',
      arg: 'NAME',
      help: `tuxpaint (Debian tuxpaint-stamps-default, GPL-2; ~950 stamps, captions in up to 77 languages) | openclipart (Debian openclipart-svg, public domain; titles + keywords) | openmoji (npm openmoji, CC BY-SA 4.0; annotations + tags)`,
    },
    {
      name: 'from',
      arg: 'DIR',
      help: `the source folder (default: ${TUX_PAINT_STAMPS_DIR}, ${OPENCLIPART_SVG_DIR}, or the installed openmoji package)`,
    },
    { name: 'out', arg: 'DIR', help: 'the folder to write (built under a hidden temporary name beside it, renamed at the end)' },
    {
      name: 'size',
      arg: 'N',
      help: 'side of the square PNGs in pixels, pictures on white (transparent → white)',
      default: String(DEFAULT_BUILD_SIZE),
    },
    {
      name: 'test-fraction',
      arg: 'F',
      help: "share of images held out for test, in [0, 1), recorded in each record's split",
      default: '0.2',
    },
    { name: 'seed', arg: 'N', help: 'seed of the image-level split (same seed, same split)', default: '0' },
    { name: 'limit', arg: 'N', help: "only the first N usable entries (in the source's sorted order)" },
    { name: 'overwrite', help: 'replace a non-empty --out (refused otherwise)' },
    { name: 'no-trim', help: "keep each picture's empty border (default: cut it, so the drawing fills the square)" },
    { name: 'skin-tones', help: 'openmoji: keep the 2,030 skin-tone variants (each split with its base emoji)' },
    {
      name: 'max-title-share',
      arg: 'N',
      help: 'openclipart: a title shared by more than N images is a collection name and skipped',
      default: String(DEFAULT_MAX_TITLE_SHARE),
    },
    { name: 'json', help: 'print only the report as one JSON line on stdout' },
    { name: 'no-progress', help: 'no progress lines on stderr' },
    { name: 'help', short: 'h', help: 'show this help' },
  ],
  details: `Writes DIR/${CAPTIONS_FILE} (one JSON object per line: {"image": "images/….png", "caption": "…",
"captions"?: {"de": "…", …}, "keywords"?: […], "source": "…", "author"?: "…", "split": "train"|"test",
"class": "…"}), the images under DIR/images/, LICENSE and NOTICE (the source's licence and attribution: keep
them with the images), and build.json (what this report says). Entries left out are counted by reason.
Any folder of this shape can be brought instead of a built one.`,
  examples: [
    `${TOOL} data --source tuxpaint --out data/tuxpaint`,
    `${TOOL} data --source openclipart --out data/openclipart --size 64 --seed 1 --json`,
    `${TOOL} data --source openmoji --from node_modules/openmoji --out data/openmoji --limit 500`,
  ],
});

/**
 * `contrastive-multimodal data`: builds an image–caption folder from Tux Paint, OpenClipArt or OpenMoji and prints
 * its counts (images, captions, train / test, skipped by reason). Returns the exit code; usage mistakes (a bad
 * flag, an existing --out, a source that is not installed) throw a `UsageError` (exit 2).
 */
export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, DATA_HELP, io);
  if (!ctx) return 0;
  const { values, log } = ctx;
  const source = oneOfFlag(values, 'source', CAPTION_SOURCES);
  if (source === undefined) throw new UsageError(`--source is required (one of ${CAPTION_SOURCES.join(', ')})`);
  const out = requiredFlag(values, 'out', 'the folder to write');
  const size = intFlag(values, 'size', 4, 1024) ?? DEFAULT_BUILD_SIZE;
  const testFraction = numFlag(values, 'test-fraction', { min: 0, max: 1, exclusiveMax: true }) ?? 0.2;
  const seed = intFlag(values, 'seed', 0) ?? 0;
  const limit = intFlag(values, 'limit', 1);
  const overwrite = boolFlag(values, 'overwrite');
  const skinTones = boolFlag(values, 'skin-tones');
  const maxTitleShare = intFlag(values, 'max-title-share', 1);
  if (skinTones && source !== 'openmoji') throw new UsageError(`--skin-tones is for --source openmoji, not ${source}`);
  if (maxTitleShare !== undefined && source !== 'openclipart')
    throw new UsageError(`--max-title-share is for --source openclipart, not ${source}`);

  const info = SOURCES[source];
  const fromFlag = stringFlag(values, 'from');
  const from = fromFlag ?? info.defaultDir();
  if (from === null || !(await stat(from).catch(() => null))?.isDirectory()) {
    throw new UsageError(
      fromFlag !== undefined
        ? `--from ${fromFlag} is not a folder`
        : `${info.name} not installed${from === null ? '' : ` (no folder ${from})`}: ${info.install}, or pass its folder with --from DIR`,
    );
  }
  const outStat = await stat(out).catch(() => null);
  if (outStat && !outStat.isDirectory()) throw new UsageError(`--out ${out} exists and is not a folder`);

  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let lastShown = 0;
  const onProgress = ctx.progress
    ? (done: number, total: number): void => {
        const step = Math.max(1, Math.ceil(total / 10));
        if (done === total || done - lastShown >= step) {
          lastShown = done;
          log(`[${TOOL}] ${source}: ${done}/${total} images`);
        }
      }
    : undefined;
  log(`[${TOOL}] building ${out} from ${info.name} (${info.licence}) at ${from} (${size} px)`);
  const common = {
    out,
    from,
    size,
    testFraction,
    seed,
    overwrite,
    trim: !boolFlag(values, 'no-trim'),
    signal: controller.signal,
    ...(limit === undefined ? {} : { limit }),
    ...(onProgress ? { onProgress } : {}),
  };
  let report: BuildReport;
  try {
    report =
      source === 'tuxpaint'
        ? await buildTuxPaintFolder(common)
        : source === 'openclipart'
          ? await buildOpenClipArtFolder({ ...common, ...(maxTitleShare === undefined ? {} : { maxTitleShare }) })
          : await buildOpenMojiFolder({ ...common, skinTones });
  } catch (err) {
    if (err instanceof OutputExistsError) throw new UsageError(`--out ${err.message}`);
    if (controller.signal.aborted) {
      io.err(`${TOOL}: interrupted; nothing was written to ${out}`);
      return 130;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (ctx.json) {
    io.out(JSON.stringify(report));
    return 0;
  }
  for (const line of formatReport(report)) io.out(line);
  return 0;
}

/** The report as text lines (stdout without --json). */
export function formatReport(r: BuildReport): string[] {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lines = [
    `${r.source} → ${r.out} (${r.size} px, seed ${r.seed}, test fraction ${r.testFraction}${r.limit === null ? '' : `, limit ${r.limit}`})`,
    `  images    ${n(r.images)}${r.images < r.usable ? ` (of ${n(r.usable)} usable entries)` : ''}`,
    `  captions  ${n(r.captions)}${r.captions > r.images ? ` (${n(r.images)} + ${n(r.captions - r.images)} translations)` : ''}; ${n(r.withKeywords)} images with keywords`,
    `  train     ${n(r.train.images)} images, ${n(r.train.records)} records`,
    `  test      ${n(r.test.images)} images, ${n(r.test.records)} records`,
    `  skipped   ${n(r.skipped.total)}${r.skipped.total > 0 ? ':' : ''}`,
  ];
  for (const [reason, s] of Object.entries(r.skipped.reasons).sort((a, b) => b[1].count - a[1].count)) {
    lines.push(`    ${n(s.count)} × ${reason} (e.g. ${s.examples[0]})`);
  }
  lines.push(`  wall time ${r.seconds} s`);
  return lines;
}
