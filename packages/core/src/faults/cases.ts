import type { FaultCase } from '@contrastive/test-utils';

/** Core's rows of docs/reliability.md: each is proved by a test naming its id. */
export const FAULT_CASES: FaultCase[] = [
  {
    id: 'core/train-diverging-lr',
    surface: 'train() (Node, checkpointDir, checkpointEverySteps 1)',
    input: 'a tiny regression trained with SGD at lr 1e9 until its loss overflows',
    outcome:
      'TrainingDivergedError at the first non-finite step (step, epoch, globalStep, value; message names the step and suggests a 10× smaller lr); the checkpoint folder is byte-identical to the last good save; losses.csv still written, ending with the non-finite loss',
    issueItem: 5,
  },
  {
    id: 'core/train-nonfinite-weights',
    surface: 'train() with a checkpoint',
    input: "a step whose loss stays finite while a weight becomes NaN (as wasm's ReLU maps NaN to 0)",
    outcome:
      'TrainingDivergedError naming the variable and its NaN count at the checkpoint save; nothing is written, the previous checkpoint stays byte-identical',
    issueItem: 5,
  },
  {
    id: 'core/checkpoint-save-nonfinite',
    surface: 'saveCheckpoint',
    input: 'a state with a NaN variable or an Inf optimizer slot',
    outcome:
      'NonFiniteStateError naming each variable/slot with its NaN/Inf counts, before anything is written (the previous checkpoint byte-identical)',
    issueItem: 5,
  },
  {
    id: 'core/finish-run-nonfinite',
    surface: 'finishRun (CLI toolkit)',
    input: 'a run summary with a NaN final loss or score',
    outcome: 'summary.json written with null + note, one stderr line naming the non-finite fields, exit code 1',
    issueItem: 5,
  },
  {
    id: 'core/checkpoint-negative-offset',
    surface: 'loadCheckpoint',
    input: 'checkpoint.json with a tensor offset of -1000',
    outcome: 'CheckpointCorruptError naming checkpoint.json, the entry and the valid offset range; nothing allocated or assigned',
    issueItem: 6,
  },
  {
    id: 'core/checkpoint-offset-past-end',
    surface: 'loadCheckpoint',
    input:
      'a tensor entry whose offset + byteLength is past the end of the weights file, or whose byteLength does not match its shape and dtype, an unknown dtype, overlapping entries',
    outcome: 'CheckpointCorruptError naming checkpoint.json and the entry; the state untouched',
    issueItem: 6,
  },
  {
    id: 'core/checkpoint-random-weights',
    surface: 'loadCheckpoint',
    input: 'random bytes written over the weights file (same size)',
    outcome: 'CheckpointCorruptError naming the weights file: its SHA-256 differs from the one in the manifest (version 2)',
    issueItem: 6,
  },
  {
    id: 'core/checkpoint-v1-manifest',
    surface: 'loadCheckpoint',
    input: 'a version-1 manifest (no checksum): intact, then with NaN bytes in its weights file',
    outcome: 'the intact one loads as before; NaN values are a CheckpointCorruptError naming the weights file and the tensor',
    issueItem: 6,
  },
  {
    id: 'core/checkpoint-fuzz',
    surface: 'loadCheckpoint + the resume of train() (checkpoint.json + weights file)',
    input:
      'fast-check mutations of a valid checkpoint: JSON fields replaced by arbitrary JSON, offsets, shapes, dtypes, byteLengths, versions; weights truncated, extended, flipped or random; the manifest replaced by random text',
    outcome:
      'a clean load or a typed error naming the file or folder (never TypeError/RangeError), the state untouched on error; 400 runs + a 300 MiB sparse manifest, in a child process with a 512 MiB heap: no hang (60 s timeout, ~4 s), peak RSS < 400 MiB (observed ~180)',
    issueItem: 6,
  },
  {
    id: 'core/resume-corrupt-manifest',
    surface: 'train({ checkpointDir, resume: true })',
    input: "checkpoint.json that is not JSON, is JSON null, or is another program's JSON",
    outcome:
      "CheckpointCorruptError naming checkpoint.json ('delete the checkpoint folder or pass --overwrite'), never 'no checkpoint yet'; the folder untouched",
    issueItem: 7,
  },
  {
    id: 'core/atomic-write-failure',
    surface: 'writeFileAtomic',
    input: 'the write, flush or rename fails (ENOSPC, EROFS injected)',
    outcome: "its temporary file is removed; FileSystemError 'cannot write '<file>': no space left on device (ENOSPC)' with code kept",
    issueItem: 8,
  },
  {
    id: 'core/checkpoint-orphans',
    surface: 'saveCheckpoint',
    input:
      'a checkpoint folder holding weights files the manifest does not reference and temporaries of a dead process (an interrupted save)',
    outcome: "the next save removes them (only files of our naming patterns; a live process's temporaries and user files are kept)",
    issueItem: 8,
  },
  {
    id: 'core/kill-during-save',
    surface: 'saveCheckpoint in a child process',
    input: 'SIGKILL half-way, three quarters and 95% of the way through a save of a 6 MiB state (3 child processes)',
    outcome: 'the folder always loads the last committed checkpoint; the next save leaves exactly checkpoint.json + one weights file',
    issueItem: 8,
  },
  {
    id: 'core/enospc-tmpfs',
    surface: 'saveCheckpoint, writeRunConfig',
    input: 'a full disk (a 2 MiB tmpfs, filled) while saving the next checkpoint',
    outcome:
      'FileSystemError naming the weights file and ENOSPC; the earlier checkpoint byte-identical and still loading; no temporary left; saving works again once space is freed',
    issueItem: 8,
  },
  {
    id: 'core/readonly-folder',
    surface: 'prepareRunFolder, writeRunConfig, writeSummary, saveCheckpoint',
    input: 'a run folder on a read-only file system',
    outcome:
      "'cannot create the folder / cannot write '<file>': read-only file system (EROFS)' (not ENOENT), code EROFS; the existing checkpoint still loads",
    issueItem: 10,
  },
  {
    id: 'core/run-config-fuzz',
    surface: 'readRunConfig (run.json)',
    input: 'fast-check: arbitrary JSON, records with fields of the wrong type, random text, a 20 MB sparse file',
    outcome:
      'a record with the documented field types or a UsageError naming run.json; 1000 runs + a 20 MB sparse file, in a child process with a 256 MiB heap: no hang (60 s timeout, ~1.5 s), peak RSS < 200 MiB (observed ~90)',
  },
];
