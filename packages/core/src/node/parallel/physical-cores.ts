import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Physical CPU cores this process may use: on Linux the distinct (package, core) pairs of the CPUs in
 * `/sys/devices/system/cpu` (hyper-threads of one core count once), capped by `os.availableParallelism()`;
 * elsewhere, or when sysfs is unreadable, `os.availableParallelism()`.
 */
export function physicalCores(): number {
  const logical = availableParallelism();
  try {
    const root = '/sys/devices/system/cpu';
    const cores = new Set<string>();
    for (const d of readdirSync(root)) {
      if (!/^cpu\d+$/.test(d)) continue;
      const topo = `${root}/${d}/topology`;
      try {
        cores.add(`${readFileSync(`${topo}/physical_package_id`, 'utf8').trim()}:${readFileSync(`${topo}/core_id`, 'utf8').trim()}`);
      } catch {
        // an offline CPU has no topology
      }
    }
    return cores.size > 0 ? Math.min(cores.size, logical) : logical;
  } catch {
    return logical;
  }
}
