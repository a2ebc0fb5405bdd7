/**
 * The typed error of multimodal's image–caption data: a `captions.jsonl` line that cannot be used, an image that is
 * missing, escapes its folder or does not decode. It names the file and, where there is one, the line, in the
 * message and as fields, so a CLI or a script can react to `code` rather than parse the text. Browser-safe.
 */
export class CaptionDataError extends Error {
  /** `'EDATAFORMAT'`, as vision's `DataFormatError`, so one `code` check covers both packages' data errors. */
  readonly code = 'EDATAFORMAT' as const;
  /** The file at fault: the `captions.jsonl` (for a bad line) or the folder. */
  readonly file: string;
  /** 1-based line of `file`, when the fault is on a line. */
  readonly line: number | undefined;
  /** `message` is prefixed with `file:line: ` (or `file: `). */
  constructor(file: string, line: number | undefined, message: string, options: { cause?: unknown } = {}) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CaptionDataError';
    this.file = file;
    this.line = line;
  }
}
