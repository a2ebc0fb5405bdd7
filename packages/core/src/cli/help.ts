/**
 * Help text for the `contrastive-*` CLIs, generated from lists of flags so that every tool's `--help` has the
 * same shape: a title line, usage, the command's own flags, the common flags, details, examples.
 */
import { COMMON_FLAG_HELP } from './common-flags.js';

/** One flag's help line. */
export interface FlagHelp {
  /** Flag name without dashes (`'batch-size'`). */
  name: string;
  /** Placeholder of its value (`'N'`, `'DIR'`); omitted for boolean flags. */
  arg?: string;
  /** One-letter alias shown as `-h, --help`. */
  short?: string;
  /** What it does. Long text is wrapped; `\n` starts a new line. */
  help: string;
  /** Default, shown as `(default: …)` after the help. */
  default?: string;
}

/** What {@link formatHelp} renders. */
export interface CommandHelp {
  /** The executable, e.g. `'contrastive-vision'`. */
  tool: string;
  /** The command, e.g. `'train'`. */
  command: string;
  /** One line saying what the command does. */
  summary: string;
  /** Usage line(s) after the tool name. Default: `<tool> <command> [options]`. */
  usage?: string | readonly string[];
  /** The command's own flags, shown first under "Options:". */
  flags: readonly FlagHelp[];
  /**
   * Append the "Common flags:" section ({@link COMMON_FLAG_HELP}). Default `false`. A common flag that also
   * appears in `flags` is shown there only (so a command can redefine e.g. `--limit`'s wording).
   */
  includeCommon?: boolean;
  /** This command's defaults of common flags, replacing the generic text: `{ epochs: '10', lr: '0.001' }`. */
  commonDefaults?: Readonly<Record<string, string>>;
  /** Free text after the flags (data formats, what the scores mean). */
  details?: string;
  /** Example command lines, shown under "Examples:". */
  examples?: readonly string[];
}

/** What {@link formatMainHelp} renders. */
export interface MainHelp {
  /** The executable, e.g. `'contrastive-vision'`. */
  tool: string;
  /** One line saying what the tool does. */
  summary: string;
  /** The commands, in display order. */
  commands: readonly { name: string; summary: string }[];
  /** Free text after the command list. */
  details?: string;
  /** Example command lines. */
  examples?: readonly string[];
}

/** Total width help text is wrapped to. */
const WIDTH = 100;
/** Labels longer than this put their help on the next line instead of widening every row. */
const MAX_LABEL = 26;
/** Joins words that {@link wrap} must not separate; printed as a space. */
const NBSP = '\u00a0';

function flagLabel(f: FlagHelp): string {
  return `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.arg ? ` ${f.arg}` : ''}`;
}

/** Greedy word wrap of `text` to `width` columns; explicit newlines are kept. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/[ \t]+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines.map((l) => l.replaceAll(NBSP, ' '));
}

/** Rows `  label   text`, with `text` aligned at one column and wrapped. */
function table(rows: readonly { label: string; text: string }[], labelWidth: number): string[] {
  const indent = 2;
  const column = indent + labelWidth + 2;
  const out: string[] = [];
  for (const { label, text } of rows) {
    const body = wrap(text, Math.max(20, WIDTH - column));
    const head = ' '.repeat(indent) + label;
    if (head.length + 2 <= column) {
      out.push(`${head.padEnd(column)}${body[0] ?? ''}`.trimEnd());
    } else {
      out.push(head);
      out.push(`${' '.repeat(column)}${body[0] ?? ''}`.trimEnd());
    }
    for (const line of body.slice(1)) out.push(`${' '.repeat(column)}${line}`.trimEnd());
  }
  return out;
}

function labelWidth(labels: readonly string[]): number {
  return Math.min(MAX_LABEL, Math.max(0, ...labels.filter((l) => l.length <= MAX_LABEL).map((l) => l.length)));
}

function flagRows(flags: readonly FlagHelp[], defaults: Readonly<Record<string, string>> = {}): { label: string; text: string }[] {
  return flags.map((f) => {
    const def = defaults[f.name] ?? f.default;
    if (def === undefined) return { label: flagLabel(f), text: f.help };
    // "(default: 10)" is kept on one line; a long default may break after its first word.
    const note = `(default: ${def})`;
    const unbreakable = note.length <= 40 ? note.replaceAll(' ', NBSP) : note.replace(' ', NBSP);
    return { label: flagLabel(f), text: `${f.help} ${unbreakable}` };
  });
}

function examplesSection(examples: readonly string[] | undefined): string[] {
  return examples && examples.length > 0 ? ['', 'Examples:', ...examples.map((e) => `  ${e}`)] : [];
}

/**
 * The `--help` text of one command: title, usage, "Options:" (the command's flags), "Common flags:" (when
 * `includeCommon`), details and examples, with every flag's help aligned at one column across sections.
 *
 * @example
 * formatHelp({
 *   tool: 'contrastive-text', command: 'train', summary: 'train a sentence encoder',
 *   flags: [{ name: 'corpus', arg: 'FILE', help: 'one sentence per line' }],
 *   includeCommon: true, commonDefaults: { epochs: '1', 'batch-size': '64', lr: '3e-5' },
 * });
 */
export function formatHelp(h: CommandHelp): string {
  const own = new Set(h.flags.map((f) => f.name));
  const common = h.includeCommon ? COMMON_FLAG_HELP.filter((f) => !own.has(f.name)) : [];
  const ownRows = flagRows(h.flags, h.commonDefaults);
  const commonRows = flagRows(common, h.commonDefaults);
  const width = labelWidth([...ownRows, ...commonRows].map((r) => r.label));
  const usage = h.usage === undefined ? [`${h.command} [options]`] : typeof h.usage === 'string' ? [h.usage] : h.usage;
  const lines = [`${h.tool} ${h.command} — ${h.summary}`, ''];
  if (usage.length === 1) lines.push(`Usage: ${h.tool} ${usage[0]}`);
  else lines.push('Usage:', ...usage.map((u) => `  ${h.tool} ${u}`));
  if (ownRows.length > 0) lines.push('', 'Options:', ...table(ownRows, width));
  if (commonRows.length > 0) lines.push('', 'Common flags:', ...table(commonRows, width));
  if (h.details) lines.push('', h.details.trimEnd());
  lines.push(...examplesSection(h.examples));
  return lines.join('\n');
}

/**
 * The tool's own `--help` (also shown, on stderr, when no command is given): title, usage, the command list,
 * `--help` / `--version`, details and examples.
 */
export function formatMainHelp(h: MainHelp): string {
  const commands = h.commands.map((c) => ({ label: c.name, text: c.summary }));
  const options = [
    { label: '-h, --help', text: 'this text' },
    { label: '--version', text: 'print the version' },
  ];
  const width = labelWidth([...commands, ...options].map((r) => r.label));
  const lines = [
    `${h.tool} — ${h.summary}`,
    '',
    'Usage:',
    `  ${h.tool} <command> [options]`,
    `  ${h.tool} <command> --help`,
    '',
    'Commands:',
    ...table(commands, width),
    '',
    'Options:',
    ...table(options, width),
  ];
  if (h.details) lines.push('', h.details.trimEnd());
  lines.push(...examplesSection(h.examples));
  return lines.join('\n');
}
