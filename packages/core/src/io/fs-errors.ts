/**
 * File-system errors that name the file and say what the errno means (Node's own messages name the temporary
 * file, or no file at all: "ENOSPC: no space left on device, write").
 */

/** What common errno codes mean, in words. */
const ERRNO_WORDS: Record<string, string> = {
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENAMETOOLONG: 'file name too long',
  EFBIG: 'file too large',
  EXDEV: 'cross-device link',
  EBUSY: 'resource busy',
  ELOOP: 'too many levels of symbolic links',
};

/** `'read-only file system (EROFS)'` for an errno code; the code alone when it is not a common one. */
export function errnoInWords(code: string): string {
  const words = ERRNO_WORDS[code];
  return words === undefined ? code : `${words} (${code})`;
}

/**
 * A file-system operation failed: the message names the file and the errno in words (`cannot write
 * '/x/run.json': read-only file system (EROFS)`); `code` (`'EROFS'`, `'ENOSPC'`, …), `syscall` and `path` are
 * kept, and `cause` is Node's original error.
 */
export class FileSystemError extends Error {
  readonly code: string;
  readonly path: string;
  readonly syscall: string | undefined;
  /** What was attempted: `'write'`, `'create folder'`, `'read'`, `'remove'`, `'list'`. */
  readonly operation: string;
  constructor(operation: string, file: string, cause: NodeJS.ErrnoException) {
    const code = cause.code ?? 'EUNKNOWN';
    super(`cannot ${operation} '${file}': ${errnoInWords(code)}`, { cause });
    this.name = 'FileSystemError';
    this.code = code;
    this.path = file;
    this.syscall = cause.syscall;
    this.operation = operation;
  }
}

/** Whether `err` is a Node errno error (has a string `code` and is not one of ours already). */
function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && !(err instanceof FileSystemError) && typeof (err as NodeJS.ErrnoException).code === 'string';
}

/** `err` as a {@link FileSystemError} naming `file` when it is an errno error; otherwise `err` itself. */
export function fsError(err: unknown, operation: string, file: string): unknown {
  return isErrno(err) ? new FileSystemError(operation, file, err) : err;
}

/** Runs `op`, turning an errno failure into a {@link FileSystemError} naming `file`. */
export async function withFsError<T>(operation: string, file: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw fsError(err, operation, file);
  }
}
