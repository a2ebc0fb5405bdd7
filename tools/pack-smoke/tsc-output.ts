/** Reads `tsc --pretty false` output into errors, each tied to its file, so block errors and library errors part. */

export interface TscError {
  /** As tsc prints it: relative to the project (`smoke/readme-L39.ts`, `node_modules/@contrastive/core/dist/x.d.ts`). */
  file: string;
  line: number;
  column: number;
  code: string;
  /** The message, continuation lines joined with spaces. */
  message: string;
}

/** Errors of `tsc --pretty false` (a config error gets file `<config>`); other lines (the summary) are dropped. */
export function parseTscOutput(text: string): TscError[] {
  const errors: TscError[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (m) {
      errors.push({ file: m[1]!.replace(/\\/g, '/'), line: Number(m[2]), column: Number(m[3]), code: m[4]!, message: m[5]! });
    } else if (/^error TS\d+: /.test(line)) {
      // A config or command-line error has no file.
      const [, code, message] = /^error (TS\d+): (.*)$/.exec(line)!;
      errors.push({ file: '<config>', line: 0, column: 0, code: code!, message: message! });
    } else if (/^\s+\S/.test(line) && errors.length > 0) {
      const last = errors[errors.length - 1]!;
      last.message += ` ${line.trim()}`;
    }
  }
  return errors;
}

/** An error in a file under node_modules (a package's .d.ts), not in the consumer's own code. */
export function isLibraryError(e: TscError): boolean {
  return e.file.includes('node_modules/');
}

/** The package a library error is in (`@contrastive/core`, `@tensorflow/tfjs-core`). */
export function libraryOf(e: TscError): string {
  const after = e.file.slice(e.file.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
  return after[0]!.startsWith('@') ? `${after[0]}/${after[1]}` : after[0]!;
}
