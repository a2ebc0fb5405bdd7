/**
 * Install budgets (`budgets.json`): the most a user's `node_modules` may weigh and hold after
 * `npm install @contrastive/<pkg> @tensorflow/tfjs`. Each budget records the measurement it came from.
 */

export interface Budget {
  /** Bytes of every file under node_modules (apparent size, symlinks not followed). */
  maxInstalledBytes: number;
  /** Packages `npm ls --all --parseable` lists (the project itself not counted). */
  maxPackages: number;
  /** Where the numbers come from (the measurement and the headroom). */
  basis: string;
}

export interface BudgetFile {
  /** Keyed by the package's folder name under packages/ (`core`, `vision`, …). */
  packages: Record<string, Budget>;
}

export interface Measured {
  installedBytes: number;
  packages: number;
}

export interface BudgetCheck {
  ok: boolean;
  /** One sentence per exceeded limit; empty when within budget. */
  exceeded: string[];
}

/** Validates a parsed budgets.json; throws naming the package and field that is wrong. */
export function parseBudgets(json: unknown): BudgetFile {
  const file = json as Partial<BudgetFile> | null;
  if (typeof file !== 'object' || file === null || typeof file.packages !== 'object' || file.packages === null) {
    throw new Error('budgets.json: expected { "packages": { "<pkg>": { "maxInstalledBytes", "maxPackages", "basis" } } }');
  }
  for (const [name, b] of Object.entries(file.packages)) {
    for (const field of ['maxInstalledBytes', 'maxPackages'] as const) {
      const v = (b as unknown as Record<string, unknown>)[field];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw new Error(`budgets.json: packages.${name}.${field} is ${JSON.stringify(v)}, expected a positive number`);
      }
    }
  }
  return file as BudgetFile;
}

/** Compares a measurement with its budget (`undefined`: the package has none, which is itself a failure). */
export function compareBudget(measured: Measured, budget: Budget | undefined): BudgetCheck {
  if (!budget) return { ok: false, exceeded: ['no budget in tools/pack-smoke/budgets.json'] };
  const exceeded: string[] = [];
  if (measured.installedBytes > budget.maxInstalledBytes) {
    exceeded.push(`installed size ${formatBytes(measured.installedBytes)} > budget ${formatBytes(budget.maxInstalledBytes)}`);
  }
  if (measured.packages > budget.maxPackages) {
    exceeded.push(`${measured.packages} packages > budget ${budget.maxPackages}`);
  }
  return { ok: exceeded.length === 0, exceeded };
}

/** A budget with `headroom` (0.25 = 25 %) over a measurement, rounded up to whole MB and packages. */
export function budgetFrom(measured: Measured, headroom: number, basis: string): Budget {
  const mb = 1e6;
  return {
    maxInstalledBytes: Math.ceil((measured.installedBytes * (1 + headroom)) / mb) * mb,
    maxPackages: Math.ceil(measured.packages * (1 + headroom)),
    basis,
  };
}

/** Decimal units, as npm prints sizes: `301.7 MB`, `245 kB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
