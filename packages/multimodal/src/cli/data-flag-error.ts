/** Data errors met while reading a flag's files, as the usage errors they are (exit 2, naming the flag). */
import { UsageError } from '@contrastive/core/cli';

/**
 * `code`s of the data errors: vision's `DataFormatError` (`'EDATAFORMAT'`) and its `DataTooLargeError` and
 * `DataReadError`, and multimodal's `CaptionDataError` (`'EDATAFORMAT'` too). Each names the file at fault.
 */
const DATA_ERROR_CODES: ReadonlySet<unknown> = new Set(['EDATAFORMAT', 'EDATATOOLARGE', 'EDATAREAD']);

/** True for an error of the data readers (see {@link DATA_ERROR_CODES}), whatever package threw it. */
export function isDataError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && DATA_ERROR_CODES.has((e as { code?: unknown }).code);
}

/**
 * A `catch` handler for reads of `--flag path`: a data error (an image that does not decode, a file that is too
 * large) is rethrown as a {@link UsageError} `--flag path: <message>`, so the command exits 2 naming the flag and the
 * file; anything else is rethrown as it is.
 *
 * @example const zi = await embedImageItems(ds, embed).catch(asDataFlagError('images', dir));
 */
export function asDataFlagError(flag: string, path: string): (e: unknown) => never {
  return (e) => {
    if (isDataError(e)) throw new UsageError(`--${flag} ${path}: ${e.message}`);
    throw e;
  };
}
