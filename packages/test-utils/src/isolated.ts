import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PEAK_REPORTER = fileURLToPath(new URL('./peak-rss.cjs', import.meta.url));
// tsx resolved from this package, so a child started in any folder can run TypeScript.
const TSX = import.meta.resolve('tsx');

/** Options of {@link runIsolated}. */
export interface IsolatedOptions {
  /** Arguments after the script. */
  args?: string[];
  /** V8 old-space cap of the child (`--max-old-space-size`), MiB. Default 512. */
  maxOldSpaceMb?: number;
  /** Kill the child after this long. Default 60 000 ms. */
  timeoutMs?: number;
  /** Working folder of the child. Default: this process's. */
  cwd?: string;
  /** Extra environment. */
  env?: Record<string, string>;
}

/** What a child run gave. */
export interface IsolatedResult {
  /** Exit code (`null` when killed by a signal). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Killed after `timeoutMs`. */
  timedOut: boolean;
  /** Peak resident set size of the child (Linux VmHWM), MiB; `null` when the child died before reporting it. */
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript script in a child Node process with a capped V8 heap and a timeout, and reports its peak
 * resident memory: how the fault suites run a parser on hostile input without letting a multi-gigabyte
 * allocation or a hang take the test runner down. The peak includes typed arrays and wasm memory (which
 * `--max-old-space-size` does not cap), so a test asserts `peakRssMb` below its stated bound.
 */
export function runIsolated(script: string, options: IsolatedOptions = {}): Promise<IsolatedResult> {
  const { args = [], maxOldSpaceMb = 512, timeoutMs = 60_000, cwd, env } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${maxOldSpaceMb}`, '--require', PEAK_REPORTER, '--import', TSX, script, ...args],
      {
        cwd,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const match = /^PEAK_RSS_KB (\d+)$/m.exec(stderr);
      resolve({
        exitCode,
        signal,
        timedOut,
        peakRssMb: match ? Number(match[1]) / 1024 : null,
        stdout,
        stderr: stderr.replace(/^PEAK_RSS_KB \d+\n?/m, ''),
      });
    });
  });
}
