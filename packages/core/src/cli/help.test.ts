import { describe, expect, it } from 'vitest';
import { COMMON_FLAG_HELP } from './common-flags.js';
import { formatHelp, formatMainHelp } from './help.js';

describe('formatHelp', () => {
  const help = formatHelp({
    tool: 'contrastive-text',
    command: 'train',
    summary: 'train a sentence encoder',
    flags: [
      { name: 'corpus', arg: 'FILE', help: 'one sentence per line' },
      { name: 'limit', arg: 'N', help: 'use only the first N sentences' },
    ],
    includeCommon: true,
    commonDefaults: { epochs: '1', lr: '3e-5' },
    examples: ['contrastive-text train --corpus wiki.txt --json'],
  });
  const lines = help.split('\n');

  it('puts the title, usage, command flags, common flags and examples in order', () => {
    expect(lines[0]).toBe('contrastive-text train — train a sentence encoder');
    expect(lines).toContain('Usage: contrastive-text train [options]');
    const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
    expect(at('Options:')).toBeLessThan(at('Common flags:'));
    expect(at('  --corpus FILE')).toBeLessThan(at('Common flags:'));
    expect(at('  --epochs N')).toBeGreaterThan(at('Common flags:'));
    expect(at('Examples:')).toBeGreaterThan(at('  -h, --help'));
    expect(lines.at(-1)).toBe('  contrastive-text train --corpus wiki.txt --json');
  });

  it('aligns every flag’s help at one column across sections', () => {
    const columns = new Set(
      lines
        .filter((l) => /^ {2}-/.test(l))
        .filter((l) => /\S\s{2,}\S/.test(l))
        .map((l) => l.search(/(?<=\S\s{2,})\S/)),
    );
    expect(columns.size).toBe(1);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
  });

  it('states command defaults in place of the generic ones; a command flag replaces the common one', () => {
    expect(help).toMatch(/--epochs N\s+passes over the training data \(default: 1\)/);
    expect(help).toMatch(/--lr X\s+learning rate \(default: 3e-5\)/);
    expect(help).toMatch(/--batch-size N\s+[^-]*\(default: set by the command\)/);
    expect(help.match(/--limit N/g)).toHaveLength(1);
    expect(help).toMatch(/--limit N\s+use only the first N sentences/);
    for (const f of COMMON_FLAG_HELP) expect(help).toContain(`--${f.name}`);
  });

  it('omits the common section unless asked and takes several usage lines', () => {
    const h = formatHelp({
      tool: 't',
      command: 'eval',
      summary: 's',
      usage: ['eval --a X', 'eval --b Y'],
      flags: [{ name: 'a', arg: 'X', help: 'a' }],
    });
    expect(h).not.toContain('Common flags');
    expect(h).toContain('Usage:\n  t eval --a X\n  t eval --b Y');
  });
});

describe('formatMainHelp', () => {
  it('lists the commands with their summaries and the global options', () => {
    const h = formatMainHelp({
      tool: 'contrastive-graph',
      summary: 'graph contrastive learning',
      commands: [
        { name: 'train', summary: 'train an encoder' },
        { name: 'eval', summary: 'score a trained encoder' },
      ],
      details: 'Data: SMILES CSV files.',
    });
    expect(h.split('\n')[0]).toBe('contrastive-graph — graph contrastive learning');
    expect(h).toMatch(/Commands:\n {2}train\s+train an encoder\n {2}eval\s+score a trained encoder/);
    expect(h).toMatch(/--version\s+print the version/);
    expect(h).toContain('contrastive-graph <command> --help');
    expect(h.trimEnd().endsWith('Data: SMILES CSV files.')).toBe(true);
  });
});
