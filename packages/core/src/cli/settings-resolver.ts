import { checkResumeFlag } from './run-folder.js';

/** A run setting as run.json records it. */
export type RunSetting = string | number;
/** A run's settings by flag name. */
export type RunSettings = Record<string, RunSetting | undefined>;

/**
 * Resolves a command's settings flag by flag, for new and resumed runs alike: `take(flag, given, fallback)` gives
 * the flag the user passed, else — resuming — the value run.json recorded (a given flag that differs is refused
 * through {@link checkResumeFlag}, unless `mayChange`: e.g. `--epochs` may grow), else `fallback`. Every value
 * taken is collected in `settings`, ready for `writeRunConfig`.
 *
 * @example
 * const r = settingsResolver(out, record?.config);
 * const epochs = r.take('epochs', given.epochs, 10, true);
 * await writeRunConfig(out, { tool, version, domain, method, createdAt, config: r.settings });
 */
export function settingsResolver(out: string, recorded: RunSettings | undefined) {
  const settings: RunSettings = {};
  return {
    settings,
    take<T extends RunSetting>(flag: string, given: T | undefined, fallback?: T, mayChange = false): T | undefined {
      let value: T | undefined;
      if (recorded === undefined || (mayChange && given !== undefined)) value = given ?? fallback;
      else {
        checkResumeFlag(out, flag, given, recorded[flag]);
        value = (recorded[flag] as T | undefined) ?? fallback;
      }
      if (value !== undefined) settings[flag] = value;
      return value;
    },
  };
}
