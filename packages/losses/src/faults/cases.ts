import type { FaultCase } from '@contrastive/test-utils';

/** The losses package's rows of docs/reliability.md: each is proved by a test naming its id. */
export const FAULT_CASES: FaultCase[] = [
  {
    id: 'losses/cli-diverging-lr',
    surface: 'contrastive-losses train (paco, ce, logit-adjust, supcon, jcl) and continual (grcl, finetune)',
    input: '--lr 1e9 for 6 epochs on 64–96 bundled images',
    outcome:
      "exit 1: 'training diverged: … step N of epoch E …' (core's TrainingDivergedError) for every method, at the first non-finite step (SupCon's loss stays finite, about 1e26, for four epochs before its BN statistics overflow); nothing on stdout, no summary.json or model/ written",
    issueItem: 5,
  },
  {
    id: 'losses/cli-out-refusals',
    surface: 'contrastive-losses train / continual --out',
    input: '--out that is a file; --out a non-empty folder that is not a run',
    outcome: 'exit 2 before any data is read, naming the path; the file and the folder byte-identical',
    issueItem: 2,
  },
  {
    id: 'losses/continual-kill-resume',
    surface: 'contrastive-losses continual --resume',
    input: 'a grcl run over three domains SIGKILLed in its second domain, then resumed',
    outcome:
      'the resumed run reports the same accuracy matrix, forgetting and final loss as the same run left uninterrupted (the matrix, memories and domain index come back from checkpoint/)',
    issueItem: 3,
  },
];
