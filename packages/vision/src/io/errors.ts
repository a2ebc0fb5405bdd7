/**
 * The typed errors of vision's data readers (IDX files, image folders). Each names the file (or folder), the
 * value found and what was expected, and carries them as fields, so a CLI or a script can react to the class or
 * `code` rather than parse the message.
 */

/**
 * A data file (or folder) that cannot be used as it is: a bad IDX header, truncated or corrupt data, an image
 * that does not decode, images smaller than an encoder can take; the base class of every data error here
 * ({@link DataTooLargeError}, {@link DataReadError}). `file` names it.
 */
export class DataFormatError extends Error {
  /** `'EDATAFORMAT'`; `'EDATATOOLARGE'` for a {@link DataTooLargeError}, `'EDATAREAD'` for a {@link DataReadError}. */
  readonly code: 'EDATAFORMAT' | 'EDATATOOLARGE' | 'EDATAREAD' = 'EDATAFORMAT';
  /** The file or folder at fault. */
  readonly file: string;
  /** `message` is prefixed with `file: ` unless it names the file already. */
  constructor(file: string, message: string, options: { cause?: unknown } = {}) {
    super(message.includes(file) ? message : `${file}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DataFormatError';
    this.file = file;
  }
}

/**
 * A data file that declares (or would need) more memory than the stated bound: refused from its header, before
 * anything of that size is allocated. `bytes` is what it needs, `limit` the bound.
 */
export class DataTooLargeError extends DataFormatError {
  override readonly code = 'EDATATOOLARGE' as const;
  /** Bytes the file declares or needs. */
  readonly bytes: number;
  /** The bound it exceeds, in bytes. */
  readonly limit: number;
  constructor(file: string, message: string, bytes: number, limit: number) {
    super(file, message);
    this.name = 'DataTooLargeError';
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** `1.5 GB`, `34.0 MB`, `512 B` (decimal units, as `ls -h --si` and file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

/** A data file or folder that cannot be read (missing, no permission, a link loop …): `errno` is Node's code. */
export class DataReadError extends DataFormatError {
  override readonly code = 'EDATAREAD' as const;
  /** Node's errno code (`'ENOENT'`, `'EACCES'`, `'ELOOP'`, …), when there is one. */
  readonly errno: string | undefined;
  constructor(file: string, message: string, cause: unknown) {
    super(file, message, { cause });
    this.name = 'DataReadError';
    this.errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}
