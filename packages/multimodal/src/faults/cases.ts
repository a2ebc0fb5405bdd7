import type { FaultCase } from '@contrastive/test-utils';

/** The multimodal package's rows of docs/reliability.md: each is proved by a test naming its id. */
export const FAULT_CASES: FaultCase[] = [
  {
    id: 'multimodal/cli-diverging-lr',
    surface: 'contrastive-multimodal train (clip, lit, cmcl, demi)',
    input: '--lr 1e9 for 3 epochs on a caption folder of 24 train images at 16 px (batch 4: 6 steps per epoch)',
    outcome:
      "exit 1 for every method; nothing on stdout; no summary.json, model/ or checkpoint.json. clip, cmcl, demi: 'training diverged: the loss is NaN at step 2 of epoch 1 (global step 2)' (core's TrainingDivergedError), before any epoch line; left behind: run.json, losses.csv (step 1's finite loss, then '2,NaN') and loss-curve.png. lit (only a projection on USE-lite's vectors trains): the loss stays finite while the image tower's batch-norm moving variances overflow, and the checkpoint save at the end of epoch 1 finds them: 'the weights are not finite after step 6 of epoch 1 (global step 6) although the loss was <finite>: 'image_tower/encoder/…_moving_variance' (… NaN of …)' (NaN or Inf), after the epoch 1 line; left behind: run.json and an empty checkpoint/",
    issueItem: 5,
  },
  {
    id: 'multimodal/cli-out-refusals',
    surface: 'contrastive-multimodal train --out (clip, lit, cmcl, demi)',
    input: '--out that is a file; --out a non-empty folder that is not a run; --overwrite with --out a file',
    outcome:
      "exit 2 before any data is read (a --data that does not exist is never opened: the message names --out, never --data or captions): '--out <file> is a file, not a folder; choose another --out' (with --overwrite too) / '--out <dir> is a non-empty folder that is not a contrastive-multimodal run (no run.json)'; nothing on stdout; the file and the folder byte-identical (SHA-256 of every file)",
    issueItem: 2,
  },
  {
    id: 'multimodal/cli-overwrite-bad-data',
    surface: 'contrastive-multimodal train --overwrite',
    input:
      '--overwrite --out a finished run, with a --data whose captions.jsonl names a missing image, or a --data folder that does not exist',
    outcome:
      "exit 2 naming captions.jsonl:30 and the image / the --data folder; nothing on stdout; the finished run byte-identical (every file's SHA-256, summary.json and model/ included): on an existing folder --overwrite removes the old run's files only once the data is read and the towers are built, right before run.json is written (was: removed first, so the refused command left the folder without a file)",
    issueItem: 2,
  },
  {
    id: 'multimodal/cli-kill-resume',
    surface: 'contrastive-multimodal train --resume',
    input:
      'a clip run (default --seed 0, --checkpoint-every 2, 6 steps per epoch, 5 epochs) in a child process, SIGKILLed once a mid-epoch checkpoint of epoch 2 or later is on disk (step 2 or 4 of its epoch), then resumed',
    outcome:
      'after the kill: no summary.json, no model/. The resumed run reports exactly the same finalLoss, steps (30) and metrics (recall@1/5/10 both ways, logitScale, image and caption counts) as the same run left uninterrupted, and its losses.csv (30 unrounded step losses) is byte-identical to that run’s',
    issueItem: 3,
  },
  {
    id: 'multimodal/cli-bad-captions',
    surface: 'contrastive-multimodal train --data, eval --data',
    input:
      "a caption folder whose captions.jsonl has a test line naming a missing image; a test line with an empty caption; a test image that is not an image; a train image cut to 3/4 of its bytes (its header whole: sharp's metadata reads it as a 16×16 PNG)",
    outcome:
      "train: exit 2 with the --help hint, nothing on stdout: '--data <dir>: <dir>/captions.jsonl:30: image 'img/nope.png' does not exist (<path>)' / '…/captions.jsonl:27: empty caption: \"caption\" is empty (image \"…\")' / '…/captions.jsonl:<line>: image '<image>' does not decode (<file>): …'; a new --out and its missing parent are not left behind, an existing empty --out stays empty, and the same command gets the same answer again; once the image is fixed it trains. eval --checkpoint <run> --data: the same message, exit 2, for the three test-split faults; the run untouched. Every image of both splits is decoded while the folder is opened, into the cache the epochs read (was: an image that did not decode failed the step or the scoring that reached it, exit 1, leaving run.json — a partial run that refused the rerun; a missing image or an empty caption left an empty --out behind)",
    issueItem: 4,
  },
  {
    id: 'multimodal/cli-bad-use-lite',
    surface: 'contrastive-multimodal train --method lit --use-lite',
    input: '--use-lite a folder without USE-lite in it (no vocab.json)',
    outcome:
      "exit 2: '--use-lite <dir>: cannot read USE-lite's vocabulary <dir>/vocab.json: ENOENT…', nothing on stdout, the new --out and its parent not left behind, the same answer on a second try (was: exit 1 after run.json was written, leaving a partial run). run.json is now written once the data and the towers are ready, right before training",
    issueItem: 10,
  },
  {
    id: 'multimodal/cli-unfinished-run',
    surface: 'contrastive-multimodal eval --checkpoint, search --checkpoint',
    input: 'a run folder without model/ and summary.json (what a killed or diverged run leaves: run.json, checkpoint/, losses)',
    outcome:
      "exit 2 for both: '--checkpoint <dir>: no model/projections.json — the run has not finished (train writes model/ at its end)'; nothing on stdout; the folder byte-identical",
    issueItem: 4,
  },
  {
    id: 'multimodal/cli-search-images',
    surface: 'contrastive-multimodal search --images',
    input: 'an empty folder; a folder holding only a text file; a folder of 36 PNGs one of which is not an image',
    outcome:
      "exit 2 with the --help hint, nothing on stdout, no contact sheet written: '--images <dir>: image folder <dir> holds no images (looked for .png, …)'; '--images <dir>: cannot decode image file <file>: …', found while embedding, before anything is written (was: exit 1, without naming --images)",
    issueItem: 4,
  },
  {
    id: 'multimodal/cli-eval-one-test-image',
    surface: 'contrastive-multimodal eval --data',
    input: 'a caption folder whose test split holds one image',
    outcome:
      "exit 2: '--data <dir>: the test split has 1 image(s); retrieval needs 2 (set --test-fraction or add a split)', nothing on stdout (was: exit 0, every recall 1 — any model finds the one image); train refuses the same folder ('the test split has 1 image(s)') and leaves no --out",
    issueItem: 10,
  },
];
