/**
 * Debian control-file text (APT `Packages`, `Translation-en`, dpkg `status`, the debtags `vocabulary`), browser-safe:
 * stanzas of `Field: value` lines with continuation lines that start with a space, separated by blank lines.
 */
import { TextDataError } from '../errors.js';

/** One stanza: field name (as written) → value, continuation lines kept after `\n` with their leading space removed. */
export interface ControlStanza {
  fields: Map<string, string>;
  /** 1-based line of the stanza's first field in the text, for error messages. */
  line: number;
}

/**
 * Splits control-file text into stanzas (see {@link ControlStanza}). A continuation line before any field, or a
 * line that is neither a field nor a continuation, is a {@link TextDataError} naming `file` and the line: a corrupt
 * index is an error, never a silently shorter dataset. `#` comment lines (vocabulary files) are skipped.
 */
export function* parseControlStanzas(text: string, file: string): Generator<ControlStanza> {
  let fields = new Map<string, string>();
  let start = 0;
  let last: string | null = null;
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const raw = text.slice(pos, end);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    pos = end + 1;
    lineNo++;
    if (line.trim() === '') {
      if (fields.size > 0) yield { fields, line: start };
      fields = new Map();
      last = null;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === null) throw new TextDataError(file, 'continuation line outside a field', lineNo);
      fields.set(last, `${fields.get(last)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
      throw new TextDataError(file, `expected 'Field: value', got '${line.slice(0, 60)}'`, lineNo);
    }
    if (fields.size === 0) start = lineNo;
    last = line.slice(0, colon);
    fields.set(last, line.slice(colon + 1).trim());
  }
  if (fields.size > 0) yield { fields, line: start };
}

/** The tags of a `Tag:` field (`"game::strategy, use::gameplaying,\n x11::application"`), trimmed, in order. */
export function parseTagField(value: string): string[] {
  return value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** The facet of a tag (`use` for `use::editing`), or `null` when the tag has no `::`. */
export function tagFacet(tag: string): string | null {
  const i = tag.indexOf('::');
  return i > 0 ? tag.slice(0, i) : null;
}

/** A control-file description split into its one-line synopsis and its long description (raw lines). */
export function splitDescription(value: string): { synopsis: string; long: string[] } {
  const lines = value.split('\n');
  return { synopsis: lines[0]!.trim(), long: lines.slice(1) };
}

/** Bullet markers package maintainers use at the start of a long-description line. */
const BULLET = /^\s*(?:[*+o\u2022]|-(?!-)|\d{1,2}[.)])\s+/;

/**
 * The long description as plain text (Debian Policy §5.6.13): the leading space is already gone (see
 * {@link parseControlStanzas}); a line that is only `.` is a paragraph break; bullet markers (`*`, `-`, `+`, `o`,
 * `•`, `1.`) are removed; lines and paragraphs are joined with single spaces, whitespace collapsed. Why one line:
 * the dataset is one example per line of JSONL, and SSA reads token sequences, not layout.
 */
export function longDescriptionText(lines: readonly string[]): string {
  const words: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '.' || line === '') continue;
    words.push(line.replace(BULLET, ''));
  }
  return words.join(' ').replace(/\s+/g, ' ').trim();
}

/** A debtags vocabulary: facet and tag → their short descriptions. */
export interface DebtagsVocabulary {
  /** `use` → `Purpose`. */
  facets: Map<string, string>;
  /** `use::editing` → `Editing`. */
  tags: Map<string, string>;
}

/**
 * Parses the debtags vocabulary (`/usr/share/debtags/vocabulary` from the `debtags` package): stanzas with
 * `Facet:` or `Tag:` and a `Description:` whose first line is the short description kept here.
 */
export function parseDebtagsVocabulary(text: string, file: string): DebtagsVocabulary {
  const facets = new Map<string, string>();
  const tags = new Map<string, string>();
  for (const { fields, line } of parseControlStanzas(text, file)) {
    const description = splitDescription(fields.get('Description') ?? '').synopsis;
    const facet = fields.get('Facet');
    const tag = fields.get('Tag');
    if (facet !== undefined) facets.set(facet, description);
    else if (tag !== undefined) tags.set(tag, description);
    else throw new TextDataError(file, 'vocabulary stanza without Facet: or Tag:', line);
  }
  return { facets, tags };
}
