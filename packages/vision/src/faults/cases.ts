import type { FaultCase } from '@contrastive/test-utils';

/** Vision's rows of docs/reliability.md: each is proved by a test naming its id. */
export const FAULT_CASES: FaultCase[] = [
  {
    id: 'vision/idx-gzip-bomb',
    surface: 'parseIdx / readIdx (IDX images file, gzip)',
    input: 'a 4.5 MB gzip whose header declares [6000000, 28, 28] (4.7 GB of zeros inside)',
    outcome:
      'DataTooLargeError naming the file, the declared dims and the 2.1 GB bound (DEFAULT_MAX_IDX_BYTES), read from the header before inflating; peak RSS under 200 MB (was 4.4 GB, then a misleading "gzip data is corrupt")',
    issueItem: 4,
  },
  {
    id: 'vision/idx-gzip-expands-past-header',
    surface: 'parseIdx (gzip)',
    input: 'a gzip whose header declares [10, 28, 28] but which inflates to 1 GB',
    outcome:
      "DataFormatError naming the file: 'gzip data expands to more than the 7856 bytes its IDX header declares' (gunzip runs with maxOutputLength = header + declared bytes); peak RSS under 200 MB",
    issueItem: 4,
  },
  {
    id: 'vision/idx-declared-vs-present',
    surface: 'parseIdx (raw and gzip)',
    input:
      'headers declaring more bytes than the file holds (raw: truncated; gzip: more than 1032× its size), and trailing bytes after the data',
    outcome: 'DataFormatError naming the file, the dims and the bytes needed vs found, before inflating the gzip body',
    issueItem: 4,
  },
  {
    id: 'vision/cli-image-size-bound',
    surface: 'contrastive-vision train --image-size',
    input: '--image-size 100000; --image-size 1024 --batch-size 256 (an image folder of a dozen PNGs)',
    outcome:
      "exit 2: '--image-size must be an integer in [4, 1024]'; for 1024 × 256 the memory one training step needs (≥ 216 GB) against the machine's, with the largest --batch-size that fits — before any image is decoded or run.json written",
    issueItem: 4,
  },
  {
    id: 'vision/idx-tiny-images',
    surface: 'contrastive-vision train --data (IDX)',
    input: 'an IDX folder of 3×3 images',
    outcome:
      'exit 2 naming the images file, its 3x3 size and the 4x4 minimum (with --image-size to resize), no run folder written (was: wasm "memory access out of bounds" after run.json)',
    issueItem: 9,
  },
  {
    id: 'vision/idx-many-images',
    surface: 'loadIdxDataset',
    input: '130,000 labelled 4×4 IDX images',
    outcome:
      'loads (10 classes found) — no spread over data-sized arrays (was: "Maximum call stack size exceeded" from Math.max(...labels))',
    issueItem: 9,
  },
  {
    id: 'vision/cli-diverging-lr',
    surface: 'contrastive-vision train',
    input:
      '--lr 1e9 with every method on 64 bundled images; and a finished run resumed (--epochs 3) after its run.json learning rate was raised to 1e9',
    outcome:
      "exit 1: 'training diverged: … step N of epoch E …' (core's TrainingDivergedError); no summary.json or model/ written; in the resumed run checkpoint/, model/ and summary.json stay byte-identical",
    issueItem: 5,
  },
  {
    id: 'vision/nonfinite-encoder',
    surface: 'CLI scoring (assertFiniteModel, scoreEncoder)',
    input: "an encoder whose batch-norm moving variance is Inf or NaN (wasm's ReLU then maps NaN to 0, so embeddings look finite)",
    outcome:
      'NonFiniteStateError (code ENONFINITE) naming the weight and its NaN/Inf counts, raised before train saves model/ or scores and before eval/embed use a checkpoint; scoreEncoder refuses non-finite embeddings',
    issueItem: 5,
  },
  {
    id: 'vision/cli-collapse-warning',
    surface: 'contrastive-vision train',
    input: 'a run whose final embeddings have a collapse std below 0.25/√d (collapseMonitor’s threshold)',
    outcome: "a 'warning: representation collapse …' line on stderr and the same text in summary.json's notes",
    issueItem: 5,
  },
  {
    id: 'vision/cli-validate-before-write',
    surface: 'contrastive-vision train --data (image folder)',
    input: 'an image folder whose first image is not an image',
    outcome:
      'exit 2 naming the file, and no run folder written, so the same command runs once the file is fixed (was: run.json written, then "already holds a partial run")',
    issueItem: 10,
  },
  {
    id: 'vision/cli-single-class',
    surface: 'contrastive-vision train / eval',
    input: 'labelled data of a single class',
    outcome:
      "train: trained, not scored (metrics {}), a note naming the class in summary.json; eval: exit 2 'holds a single class' (was: kNN 100 %, probe 50 %)",
    issueItem: 10,
  },
  {
    id: 'vision/cli-resume-mismatch',
    surface: 'contrastive-vision train --resume',
    input: 'a different --method, --lr or --batch-size than the run recorded',
    outcome: "exit 2 naming the flag and the recorded value ('was trained with --lr 0.001, not --lr 0.5'); the run folder byte-identical",
    issueItem: 10,
  },
  {
    id: 'vision/cli-out-refusals',
    surface: 'contrastive-vision train --out',
    input: '--out that is a file; --out a non-empty folder that is not a run',
    outcome: 'exit 2 before any data is read or any training, naming the path; the file and the folder byte-identical',
    issueItem: 2,
  },
  {
    id: 'vision/cli-corrupt-checkpoint',
    surface: 'contrastive-vision train --resume',
    input: 'checkpoint/checkpoint.json replaced by invalid JSON',
    outcome:
      "exit 1 naming checkpoint/checkpoint.json as corrupt (was: 'no checkpoint … starting from scratch'); the folder byte-identical",
    issueItem: 7,
  },
  {
    id: 'vision/cli-enospc',
    surface: 'contrastive-vision train --resume',
    input: 'a finished run resumed (--epochs 2) on a full file system (a small tmpfs filled up; an injected ENOSPC when not root)',
    outcome:
      "exit 1: 'cannot write '…/checkpoint/weights-….bin': no space left on device (ENOSPC)'; checkpoint/ byte-identical, no temporary file left",
    issueItem: 8,
  },
  {
    id: 'vision/cli-readonly',
    surface: 'contrastive-vision train --out',
    input: '--out inside a read-only file system (a read-only tmpfs; an injected EROFS when not root)',
    outcome: "exit 1: 'cannot create the folder '…': read-only file system (EROFS)' (not ENOENT), before any data is read",
    issueItem: 10,
  },
  {
    id: 'vision/fuzz-idx',
    surface: 'parseIdx / loadIdxDataset',
    input:
      'fast-check: random magic, dtype, ndims 0–6, dims up to 2³²−1, data shorter or longer than declared, gzip or raw, flipped and truncated bytes (400 inputs)',
    outcome: 'a clean array of product(dims) bytes or a DataFormatError naming the file; no hang; peak RSS under 300 MB',
  },
  {
    id: 'vision/fuzz-image-folder',
    surface: 'openImageFolder + read',
    input:
      'fast-check: folders of valid PNGs, zero-byte files, random bytes and truncated PNGs under image extensions, PNGs declaring up to 100000×100000 pixels, symlink loops, dangling links, one or several classes (60 folders)',
    outcome: 'a dataset whose every image reads, or a DataFormatError naming a file in the folder; no hang; peak RSS under 400 MB',
  },
  {
    id: 'vision/image-huge-declared-png',
    surface: 'openImageFolder read (sharp limitInputPixels)',
    input: 'a 60-byte PNG whose header declares 100000 × 100000 pixels',
    outcome:
      'DataTooLargeError naming the file, its declared size and the 2^27-pixel bound (MAX_INPUT_PIXELS), from the header; peak RSS under 300 MB',
    issueItem: 4,
  },
];
