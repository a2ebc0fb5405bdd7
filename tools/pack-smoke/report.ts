/** The smoke run as a terminal table, as JSON (the `RunReport` itself) and as docs/packages.md. */
import { formatBytes } from './budgets.js';
import type { BlockResult, Measurement, PackageResult, StepResult } from './check-package.js';

export interface RunReport {
  ok: boolean;
  meta: {
    date: string;
    commit: string;
    /** Uncommitted changes under packages/ when measured. */
    dirty: boolean;
    node: string;
    npm: string;
    platform: string;
    cpus: number;
    npmCache: string;
    /** Whether the npm cache held anything before this run (install times depend on it). */
    npmCacheWarm: boolean;
    seconds: { total: number; build: number; pack: number; baseline: number };
  };
  /** `@tensorflow/tfjs` installed alone: what every package's number includes. */
  baseline?: Measurement;
  packages: PackageResult[];
}

const s1 = (x: number) => `${x.toFixed(1)} s`;
const mark = (r: StepResult | undefined) => (r === undefined ? '-' : r.ok ? 'ok' : 'FAIL');

export function installCell(p: PackageResult): string {
  if (p.install.ok) return 'ok';
  return p.install.diagnostic?.ok ? 'FAIL (ok with --ignore-scripts)' : 'FAIL';
}

export function readmeCell(p: PackageResult): string {
  const blocks = p.readme.blocks.filter((b) => b.tagged);
  if (blocks.length === 0) return p.measured ? 'none tagged' : '-';
  return `${blocks.filter((b) => b.ok).length}/${blocks.length} pass`;
}

export function blockLine(b: BlockResult): string {
  const parts = [`L${b.line} ${b.lang}${b.run ? '' : ' no-run'}${b.tagged ? '' : ' (untagged, --try-untagged)'}`];
  if (b.node16) parts.push(`tsc node16 ${mark(b.node16)}`);
  if (b.bundler) parts.push(`tsc bundler ${mark(b.bundler)}`);
  if (b.esm) parts.push(`ESM JS ${mark(b.esm)} (${s1(b.esm.seconds)})`);
  if (b.needs.length) parts.push(`needs ${b.needs.map((n) => `${n.path}${n.exists ? '' : ' (absent)'}`).join(', ')}`);
  return parts.join(' · ');
}

const cliCell = (p: PackageResult, which: 'help' | 'train') =>
  p.bins.length === 0
    ? 'no bin'
    : p.cli.length === 0
      ? '-'
      : p.cli.map((c) => (which === 'help' ? mark(c.help) : mark(c.train))).join(', ');

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The terminal report: one row per package, then every failure, the notes and the timings. */
export function renderTable(report: RunReport): string {
  const head = [
    'package',
    'install',
    'time',
    'installed',
    '+tfjs',
    'pkgs',
    'tarball',
    'files',
    'budget',
    'README smoke',
    'CLI help',
    'CLI train',
    'result',
  ];
  const rows = [head];
  for (const p of report.packages) {
    const m = p.measured;
    rows.push([
      p.dir,
      installCell(p),
      s1(p.install.seconds),
      m ? formatBytes(m.installedBytes) : '-',
      m && report.baseline ? `+${formatBytes(m.installedBytes - report.baseline.installedBytes)}` : '-',
      m ? String(m.packages) : '-',
      formatBytes(p.tarball.bytes),
      String(p.tarball.files),
      p.budget ? (p.budget.ok ? 'ok' : 'OVER') : m ? 'none' : '-',
      readmeCell(p),
      cliCell(p, 'help'),
      cliCell(p, 'train'),
      p.ok ? 'PASS' : 'FAIL',
    ]);
  }
  const out = [...pad(rows), ''];
  if (report.baseline)
    out.push(
      `+tfjs: beyond @tensorflow/tfjs alone (${formatBytes(report.baseline.installedBytes)}, ${report.baseline.packages} packages)`,
      '',
    );
  for (const p of report.packages) {
    out.push(`${p.name}@${p.version} — ${p.ok ? 'PASS' : `FAIL (${p.failures.length})`} in ${s1(p.seconds)}`);
    if (p.measured) out.push(`  largest: ${p.measured.largest.map((w) => `${w.name} ${formatBytes(w.bytes)}`).join(', ')}`);
    for (const b of p.readme.blocks) out.push(`  README ${blockLine(b)}`);
    for (const c of p.cli) {
      out.push(
        `  CLI ${c.bin} --help ${mark(c.help)} (${s1(c.help.seconds)})${c.train ? ` · train ${mark(c.train)} (${s1(c.train.seconds)})` : ''}`,
      );
    }
    for (const f of p.failures) out.push(`  ✗ ${f}`);
    for (const f of p.readme.untaggedFindings) out.push(`  untagged: ${f}`);
    for (const n of [...p.readme.typeNotes, ...p.notes]) out.push(`  note: ${n}`);
    out.push('');
  }
  const t = report.meta.seconds;
  out.push(
    `timings: total ${s1(t.total)} (build ${s1(t.build)}, pack ${s1(t.pack)}, tfjs baseline ${s1(t.baseline)}; ` +
      `npm cache ${report.meta.npmCacheWarm ? 'warm' : 'cold'}: ${report.meta.npmCache})`,
    `pack-smoke: ${report.ok ? 'all packages pass' : `${report.packages.filter((p) => !p.ok).length} of ${report.packages.length} packages fail`}`,
  );
  return out.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/packages.md, written from a full run (`--write-doc`). */
export function renderDoc(report: RunReport): string {
  const m = report.meta;
  const b = report.baseline;
  const lines = [
    '# Packages: what each installs and weighs',
    '',
    '<!-- Written by `pnpm smoke --write-doc` (tools/pack-smoke/smoke.ts). Do not edit by hand: re-run it. -->',
    '',
    `Measured ${m.date} at commit \`${m.commit}\`${m.dirty ? ' (with uncommitted changes under packages/)' : ''}, Node ${m.node}, npm ${m.npm}, ` +
      `${m.platform}, ${m.cpus} cores, npm cache ${m.npmCacheWarm ? 'warm' : 'cold'}.`,
    '',
    'How: the workspace is built, every public package is packed with `pnpm pack`, and each is installed **alone** with',
    'npm into an empty `{"type":"module"}` project together with its peer `@tensorflow/tfjs` (the @contrastive packages it',
    'depends on come from their tarballs too: they are not on the registry yet). Then its README blocks tagged `smoke` are',
    'type-checked (`tsc --noEmit`, strict, module `node16` and `bundler`) and run as ESM JS, and its CLI runs `--help` and a',
    'seconds-long `train --json`. *Installed size* is the apparent size of every file under `node_modules` (symlinks not',
    'followed); *packages* is what `npm ls --all --parseable` lists. Budgets are in `tools/pack-smoke/budgets.json`.',
    '',
  ];
  if (b) {
    lines.push(
      `\`@tensorflow/tfjs\` alone weighs ${formatBytes(b.installedBytes)} in ${b.packages} packages (${b.largest
        .slice(0, 3)
        .map((w) => `${w.name} ${formatBytes(w.bytes)}`)
        .join(', ')}): every number below includes it, and *adds* is what the package brings on top.`,
      '',
    );
  }
  lines.push(
    '| package | install | installed | adds | packages | budget (size / packages) | tarball | install time | README smoke | CLI | result |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of report.packages) {
    const me = p.measured;
    const cli = p.cli.length ? p.cli.map((c) => `help ${mark(c.help)}, train ${mark(c.train)}`).join('; ') : p.bins.length ? '-' : 'no bin';
    lines.push(
      `| \`${p.name}\` | ${installCell(p)} | ${me ? formatBytes(me.installedBytes) : '-'} | ${me && b ? `+${formatBytes(me.installedBytes - b.installedBytes)}` : '-'} | ` +
        `${me ? me.packages : '-'} | ${p.budget ? `${formatBytes(p.budget.maxInstalledBytes)} / ${p.budget.maxPackages} ${p.budget.ok ? 'ok' : '**over**'}` : '-'} | ` +
        `${formatBytes(p.tarball.bytes)}, ${p.tarball.files} files | ${s1(p.install.seconds)} | ${readmeCell(p)} | ${cli} | ${p.ok ? 'pass' : '**fail**'} |`,
    );
  }
  lines.push('');
  for (const p of report.packages) {
    lines.push(`## ${p.name}`, '', '```sh', p.install.userCommand, '```', '');
    const me = p.measured;
    if (!p.install.ok) {
      lines.push(
        `**The install fails** (${s1(p.install.seconds)}): \`${p.install.command}\` ends with`,
        '',
        '```',
        p.install.errorTail ?? '',
        '```',
        '',
      );
      if (p.install.diagnostic?.ok)
        lines.push('The numbers below come from the same install with `--ignore-scripts` (a diagnostic, not a working install).', '');
    }
    if (me) {
      lines.push(
        `- installed: **${formatBytes(me.installedBytes)}** (${me.files} files) in **${me.packages} packages**` +
          (p.budget
            ? `; budget ${formatBytes(p.budget.maxInstalledBytes)} / ${p.budget.maxPackages} packages (${p.budget.ok ? 'within' : p.budget.exceeded.join('; ')})`
            : ''),
        `- largest dependencies: ${me.largest.map((w) => `\`${w.name}\` ${formatBytes(w.bytes)}`).join(', ')}`,
      );
    }
    lines.push(
      `- tarball: ${formatBytes(p.tarball.bytes)}, ${p.tarball.files} files, ${formatBytes(p.tarball.unpackedBytes)} unpacked`,
      `- install time: ${s1(p.install.seconds)} (npm cache ${m.npmCacheWarm ? 'warm' : 'cold'})`,
    );
    for (const blk of p.readme.blocks.filter((x) => x.tagged)) lines.push(`- README ${cell(blockLine(blk))}`);
    for (const c of p.cli) {
      lines.push(
        `- CLI: \`${c.bin} --help\` ${mark(c.help)} (${s1(c.help.seconds)})` +
          (c.train ? `; \`${c.train.command.replace(/ --out \S+/, ' --out DIR')}\` ${mark(c.train)} (${s1(c.train.seconds)})` : ''),
      );
    }
    if (p.failures.length) {
      lines.push('', `Failures (${p.failures.length}):`, '');
      for (const f of p.failures) lines.push(`- ${cell(f.split('\n')[0]!)}`);
    }
    const notes = [...p.readme.typeNotes, ...p.notes];
    if (notes.length) {
      lines.push('', 'Packaging notes:', '');
      for (const n of notes) lines.push(`- ${cell(n)}`);
    }
    lines.push('');
  }
  lines.push(
    '## Re-running',
    '',
    '```sh',
    'pnpm smoke                      # every public package; exit 1 when one fails',
    'pnpm smoke --package core,graph # some of them',
    'pnpm smoke --json               # the report as JSON on stdout',
    'pnpm smoke --write-doc          # rewrite this file (a full run)',
    '```',
    '',
    `The run above took ${s1(m.seconds.total)} (npm cache ${m.npmCacheWarm ? 'warm' : 'cold'}).`,
    '',
  );
  return lines.join('\n');
}
