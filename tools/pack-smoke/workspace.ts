/**
 * The workspace's public packages and, for each, the workspace packages its install needs: @contrastive/*
 * are not on the registry, so installing vision means installing the core and vision tarballs together —
 * and nothing else of the workspace.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkspacePackage {
  /** Folder name under packages/ (`core`). */
  dir: string;
  /** `@contrastive/core`. */
  name: string;
  version: string;
  path: string;
  manifest: Record<string, unknown>;
  /** Workspace packages among its `dependencies` (names). */
  workspaceDeps: string[];
}

/** Public (not `private`) packages under `packagesDir`, sorted by folder name. */
export function publicPackages(packagesDir: string): WorkspacePackage[] {
  const all: WorkspacePackage[] = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const file = join(packagesDir, dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (manifest['private'] === true) continue;
    const deps = (manifest['dependencies'] ?? {}) as Record<string, string>;
    all.push({
      dir,
      name: String(manifest['name']),
      version: String(manifest['version']),
      path: join(packagesDir, dir),
      manifest,
      workspaceDeps: Object.entries(deps)
        .filter(([, range]) => range.startsWith('workspace:'))
        .map(([name]) => name),
    });
  }
  return all;
}

/**
 * `target` and every workspace package it depends on, transitively, dependencies first. Throws when a
 * `workspace:` dependency is not a public package (it could not be installed from a tarball set).
 */
export function installClosure(target: string, packages: readonly Pick<WorkspacePackage, 'name' | 'workspaceDeps'>[]): string[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, from: string) => {
    if (order.includes(name)) return;
    const p = byName.get(name);
    if (!p) throw new Error(`${from} depends on ${name} (workspace:), which is not a public workspace package`);
    if (visiting.has(name)) throw new Error(`workspace dependency cycle through ${name}`);
    visiting.add(name);
    for (const d of p.workspaceDeps) visit(d, name);
    visiting.delete(name);
    order.push(name);
  };
  visit(target, target);
  return order;
}

/** The peer range of `@tensorflow/tfjs` a package declares (what a user installs beside it). */
export function tfjsPeerRange(manifest: Record<string, unknown>): string | undefined {
  return ((manifest['peerDependencies'] ?? {}) as Record<string, string>)['@tensorflow/tfjs'];
}
