// Starts and stops throwaway PostgreSQL clusters through tools/pgvector/cluster.sh, for the integration tests and
// the store benchmark. Not part of the package (test-utils/ is excluded from the build).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** tools/pgvector/cluster.sh of this checkout. */
export const CLUSTER_SCRIPT = fileURLToPath(new URL('../../../../../tools/pgvector/cluster.sh', import.meta.url));

/** A running throwaway cluster. */
export interface Cluster {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** Its temporary folder (data, socket, log). */
  dir: string;
  /** Stops the server and deletes the folder (idempotent). */
  stop(): Promise<void>;
}

/**
 * Starts a cluster with pgvector installed (or, with `vector: false`, a server without the extension's files).
 * Fails — it does not skip — when pgvector was not built on this machine, saying how to build it.
 */
export async function startCluster(options: { vector?: boolean } = {}): Promise<Cluster> {
  const args = [CLUSTER_SCRIPT, 'start', ...(options.vector === false ? ['--no-vector'] : [])];
  let stdout: string;
  try {
    ({ stdout } = await run('bash', args, { timeout: 120_000 }));
  } catch (e) {
    const { code, stderr } = e as { code?: unknown; stderr?: string };
    if (code === 3)
      throw new Error(
        `pgvector is not built on this machine: run \`bash tools/pgvector/build.sh\` first (CI does). ${stderr ?? ''}`.trim(),
      );
    throw new Error(`tools/pgvector/cluster.sh start failed (exit ${String(code)}): ${stderr ?? (e as Error).message}`);
  }
  const field = (name: string): string => {
    const m = new RegExp(`^${name}=(.*)$`, 'm').exec(stdout);
    if (m === null) throw new Error(`cluster.sh start printed no ${name}: ${stdout}`);
    return m[1]!;
  };
  const url = field('DATABASE_URL');
  const dir = field('PGVECTOR_CLUSTER');
  let stopped = false;
  return {
    url,
    dir,
    port: Number(new URL(url).port),
    async stop() {
      if (stopped) return;
      stopped = true;
      await run('bash', [CLUSTER_SCRIPT, 'stop', dir], { timeout: 60_000 });
    },
  };
}
