/** Flag resolution shared by the commands: a given flag, else (resuming) the recorded one. */
import { checkResumeFlag } from '@contrastive/core/cli';

export type Setting = string | number;
export type Settings = Record<string, Setting | undefined>;

/** A given flag, else (resuming) the recorded one — a given flag that differs is refused — else `fallback`. */
export function resolver(out: string, recorded: Settings | undefined) {
  const settings: Settings = {};
  return {
    settings,
    take<T extends Setting>(flag: string, given: T | undefined, fallback?: T, mayChange = false): T | undefined {
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
