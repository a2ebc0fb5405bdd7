import type { FaultCase } from '@contrastive/test-utils';

/** The gan package's rows of docs/reliability.md: each is proved by a test naming its id. */
export const FAULT_CASES: FaultCase[] = [
  {
    id: 'gan/cli-diverging-lr',
    surface: 'contrastive-gan train (contrad, gan, gan-diffaug)',
    input: '--lr 1e9 for 6 epochs on 64 bundled images (4 steps per epoch)',
    outcome:
      "exit 1 for every method: 'training diverged: the weights are not finite after step 4 of epoch 1 (global step 4) although the loss was …' (core's TrainingDivergedError) naming the generator's batch-norm moving variances (NaN). Adam's normalised steps keep the loss finite (between 1e8 and 1e12) while G's BN statistics overflow, so no step sees it: the first checkpoint save, at the end of epoch 1, does. Nothing on stdout; no summary.json, model/ or checkpoint.json. Left behind: run.json, an empty checkpoint/ and an empty samples/ — the epoch-end grid and scores are skipped for a non-finite model (no losses.csv: core writes it only after a good save)",
    issueItem: 5,
  },
  {
    id: 'gan/cli-out-refusals',
    surface: 'contrastive-gan train --out (contrad, gan, gan-diffaug)',
    input: '--out that is a file; --out a non-empty folder that is not a run',
    outcome:
      'exit 2 before any data is read (a --data that does not exist is never opened: the refusal names --out, not --data), naming the path; the file and the folder byte-identical',
    issueItem: 2,
  },
  {
    id: 'gan/cli-kill-resume',
    surface: 'contrastive-gan train --resume',
    input:
      'a contrad run (default --seed 0, --checkpoint-every 2, 4 steps per epoch, 5 epochs) SIGKILLed once a mid-epoch checkpoint after epoch 1 is on disk, then resumed',
    outcome:
      "the resumed run reports exactly the same fidFmnist, kidFmnist, isFmnist, finalLoss and steps (20) as the same run left uninterrupted. (tfjs draws normals with seed 0 unseeded; the models pass their seeds through core's tfSeed, so seed 0 reproduces too — before that fix no two seed-0 runs matched)",
    issueItem: 3,
  },
  {
    id: 'gan/cli-bad-data',
    surface: 'contrastive-gan train --data, --resume',
    input:
      '--data an IDX folder whose train-images header declares 1000 28×28 images but holds 10; --data a file that is not IDX; --resume --out a folder without run.json, or a missing one',
    outcome:
      "exit 2 (a usage error, with the --help hint): 'contrastive-gan: --data <path>: <file>: truncated IDX data: dims [1000, 28, 28] need 784000 bytes, found 7840' / '… <file>: bad IDX magic number …', naming the flag and the file; nothing on stdout; an --out folder the command created is removed again (an existing one is left as it was), so the same command is accepted once the data is fixed. --resume: exit 2 '--out <dir>: no run.json (expected a run folder written by …)', the folder untouched, a missing one not created",
    issueItem: 4,
  },
];
