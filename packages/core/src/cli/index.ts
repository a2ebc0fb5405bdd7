/**
 * `@contrastive/core/cli` — the one CLI toolkit of the `contrastive-*` tools (Node only: it uses `node:fs`,
 * so it is a subpath, never part of the browser-safe root).
 *
 * A package's CLI declares its commands; flags, help, the run folder (run.json, checkpoint/, model/,
 * losses.csv, loss-curve.png, summary.json), overwrite refusal, the summary and exit codes come from here.
 * stdout carries only results; every log line goes to stderr.
 *
 * @example
 * const cli = defineCli({ tool: 'contrastive-graph', version, summary: 'graph contrastive learning', commands: { train: { summary: 'train an encoder', run: trainCommand } } });
 * if (isEntryModule(import.meta.url)) void runMain(cli);
 */
export { UsageError, parseFlags, intFlag, numFlag, stringFlag, requiredFlag, oneOfFlag, boolFlag } from './args.js';
export type { FlagSpec, FlagValues, NumFlagRange } from './args.js';
export { COMMON_FLAGS, COMMON_FLAG_HELP, EVAL_FLAGS, EVAL_FLAG_HELP, readCommonFlags } from './common-flags.js';
export type { CommonFlagName, CommonFlagDefaults, CommonFlags } from './common-flags.js';
export { formatHelp, formatMainHelp } from './help.js';
export type { FlagHelp, CommandHelp, MainHelp } from './help.js';
export { RUN_FILES, runPaths, prepareRunFolder, writeRunConfig, readRunConfig, checkResumeFlag } from './run-folder.js';
export { settingsResolver } from './settings-resolver.js';
export { methodOrResumed, refuseFlagsOfOtherMethods } from './method-flag.js';
export type { RunSetting, RunSettings } from './settings-resolver.js';
export type { RunPaths, PrepareRunFolderOptions, RunRecord } from './run-folder.js';
export { roundSummaryNumbers, isNonFinite, replaceNonFinite, writeSummary, emitSummary, finishRun } from './summary.js';
export { belowBaselineWarnings } from './below-baseline.js';
export type { RunSummary, WrittenSummary, FinishRunOptions } from './summary.js';
export { FileSystemError, errnoInWords } from '../io/fs-errors.js';
export { TrainingDivergedError, NonFiniteStateError, CheckpointCorruptError, CheckpointMismatchError } from '../errors.js';
export { nonFiniteVariables, assertFiniteState } from '../train/finite-state.js';
export { processIo, startCommand, defineCli, isEntryModule, runMain } from './command.js';
export type { CliIo, CommandContext, CliCommand, CliDefinition, Cli } from './command.js';
export { defaultKnnK, resolveKnnK } from './knn-k.js';
export { dataParallelFlags, describeDataParallel, MIN_ROWS_PER_WORKER } from './data-parallel-flags.js';
export type { DataParallelTrainOptions } from './data-parallel-flags.js';
export type { ResolvedKnnK } from './knn-k.js';
