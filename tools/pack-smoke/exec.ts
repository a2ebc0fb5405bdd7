/**
 * Runs a command the way the smoke test needs: captured output, wall time, a timeout that kills the whole
 * process group (npx → node → workers), and an environment without the `npm_*` variables a `pnpm run`
 * parent sets, so npm in the temp project behaves as in a user's shell.
 */
import { spawn } from 'node:child_process';

export interface ExecResult {
  /** Exit code; `null` when killed (timeout or signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  timedOut: boolean;
}

export interface ExecOptions {
  cwd: string;
  /** Milliseconds; the process group is killed (SIGKILL) after it. Default: none. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Stream stderr to ours as it comes (long builds), besides capturing it. */
  echo?: boolean;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

/** `process.env` without the `npm_*` / `pnpm_*` variables of a package-manager parent. */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm|pnpm)_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export function exec(command: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? userEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_CAPTURE) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_CAPTURE) stderr += d.toString();
      if (opts.echo) process.stderr.write(d);
    });
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              child.kill('SIGKILL');
            }
          }, opts.timeoutMs);
    const done = (code: number | null) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000, timedOut });
    };
    child.on('error', (e) => {
      stderr += String(e);
      done(null);
    });
    child.on('close', (code) => done(code));
  });
}

/** The last `n` non-empty lines of `text`, for an error report. */
export function tail(text: string, n = 12): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-n)
    .join('\n');
}

/**
 * The error a crashed node program printed: from its last `XxxError: …` line on (up to `n` lines: the message
 * and the top of the stack), else the last `n` lines. Node prints the thrown error after the code frame, and
 * the wasm backend's glue rethrows from its own file, so the tail alone often misses the message.
 */
export function errorExcerpt(text: string, n = 8): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^([A-Z]\w*)?(Error|Exception)( \[\w+\])?: /.test(lines[i]!)) return lines.slice(i, i + n).join('\n');
  }
  return lines.slice(-n).join('\n');
}

/**
 * What a failed `npm install` says, shortened: the `code`/`path`/`command` lines (which package's script
 * failed), then the thrown error and a few lines after it; npm's pointer to its temp debug log is dropped.
 * Falls back to the last `n` lines.
 */
export function npmErrorExcerpt(stderr: string, n = 14): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !/A complete log of this run can be found/.test(l));
  const head = lines.filter((l) => /^npm error (code|path|command) /.test(l));
  const at = lines.findIndex((l) => /^npm error\s+([A-Z]\w*)?(Error|Exception)( \[\w+\])?: /.test(l));
  if (head.length === 0 && at < 0) return lines.slice(-n).join('\n');
  return [...head, ...(at < 0 ? [] : lines.slice(at, at + Math.max(1, n - head.length)))].join('\n');
}
