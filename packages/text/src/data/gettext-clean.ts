/**
 * From compiled gettext messages to (English source, translation) sentence pairs for a translation task,
 * browser-safe. A UI catalog holds much that is not a sentence pair: keyboard accelerators, untranslated copies,
 * bare format strings, whole help screens, and the same string in many programs; this file removes them and counts
 * why.
 */
import type { MoMessage } from './gettext-mo.js';

/** Options of {@link cleanCatalogMessage} and {@link cleanCatalogs}. */
export interface CatalogCleanOptions {
  /**
   * Pairs whose source or target has more whitespace-separated words are dropped (`'too-long'`). Default 64: a
   * sentence or two, the length a small seq2seq model and a 64-token encoder handle; help screens are longer.
   */
  maxWords?: number;
  /**
   * Plural messages (`ngettext`): `'singular'` (default) pairs the singular `msgid` with `msgstr[0]`, which is the
   * form for n = 1 in every language with two or more forms (and the only form in languages with one, where it is
   * still a faithful translation of the singular). `'skip'` drops them (`'plural'`). The plural `msgid_plural` is
   * never used: which `msgstr[i]` matches it depends on the language's plural formula.
   */
  plurals?: 'singular' | 'skip';
}

/** Why a message gave no pair (counts in {@link CleanedCatalogs.skipped}). */
export type CatalogSkipReason =
  /** A plural message with `plurals: 'skip'`. */
  | 'plural'
  /** Source or translation empty after cleaning (an untranslated entry kept in the catalog). */
  | 'empty'
  /** The translation equals the source after cleaning (a name, a copy the translator left as is). */
  | 'untranslated'
  /** Source or target without a letter once placeholders are removed: `"%s: %s"`, `"…"`, `"%d%%"`. */
  | 'no-words'
  /** A source that is catalog metadata, not text (`translator-credits`). */
  | 'metadata'
  /** The printf placeholders of source and target differ (a broken or creative translation). */
  | 'placeholder-mismatch'
  /** More than `maxWords` words on either side. */
  | 'too-long'
  /** Same source as a pair already kept (from an earlier package, catalog, or context). */
  | 'duplicate-source';

/** A cleaned pair, or why the message gave none. */
export type CleanedMessage =
  | { ok: true; source: string; target: string }
  | { ok: false; reason: Exclude<CatalogSkipReason, 'duplicate-source'> };

/**
 * A C printf conversion (`%s`, `%-10.3ld`, `%2$s`, `%*d`, glibc's `%m` and the translators' `I` flag) or a Python
 * named one (`%(name)s`). The space flag is left out on purpose: in UI text "50% of" is a literal percent, and
 * `% o` would read it as a conversion.
 */
const PLACEHOLDER =
  /%(?:\(([A-Za-z_][\w.]*)\)[-+#0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|(?:(\d+)\$)?([-+#0'I]*)(\*(?:\d+\$)?|\d+)?(?:\.(\*(?:\d+\$)?|\d+))?(hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcsSpnmC%]))/g;

/**
 * The printf placeholders of `text` as a sorted signature, comparable across a source and its translation:
 * `"%s of %d"` and `"%2$d von %1$s"` both give `['1:s', '2:d']`. Each entry is the argument number (`%n$` or the
 * running count; `*` widths and precisions take one too) and the length modifier plus conversion. Flags and widths
 * are not part of it; `%%` is a literal and `%m` takes no argument (`'m'`). Python names give `'name:s'`.
 */
export function printfSignature(text: string): string[] {
  const out: string[] = [];
  let next = 1;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const [, pyName, position, , width, precision, length = '', conversion] = m;
    if (pyName !== undefined) {
      out.push(`${pyName}:${m[0].at(-1)}`);
      continue;
    }
    if (conversion === '%') continue;
    if (conversion === 'm') {
      out.push('m');
      continue;
    }
    for (const star of [width, precision]) {
      if (star?.startsWith('*')) {
        const n = /^\*(\d+)\$$/.exec(star)?.[1];
        out.push(`${n ?? next++}:*`);
      }
    }
    out.push(`${position ?? next++}:${length}${conversion}`);
  }
  return out.sort();
}

/** `text` without its printf placeholders (for the "has words" test). */
function withoutPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER, ' ');
}

/**
 * Removes a keyboard accelerator marker: GTK's `_` (`"_File"`, `"Save _As"`, `"Ö_ffnen"`), Qt/KDE's `&` (`"&File"`)
 * and the bracketed form some translations append (`"Datei (_F)"`). A marker is removed only when it is the only
 * one of its kind in the text and precedes a letter or digit, so identifiers (`LC_ALL`, `foo_bar_baz`), `"A & B"`
 * and entities (`&amp;`) stay as they are. Whitespace is not touched.
 */
export function stripAccelerators(text: string): string {
  let t = text.replace(/\s*\(_[\p{L}\p{N}]\)/u, '');
  // `LC_ALL`, `UTF_8`: an underscore between two capitals or digits joins a name; a mnemonic precedes a letter.
  if (count(t, '_') === 1 && !/[\p{Lu}\p{N}]_[\p{Lu}\p{N}]/u.test(t)) t = t.replace(/_(?=[\p{L}\p{N}])/u, '');
  const amp = [...t.matchAll(/&(?!#?\w+;)(?=[\p{L}\p{N}])/gu)];
  if (amp.length === 1 && count(t, '&') === 1) t = t.replace('&', '');
  return t;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * True when `source` holds an accelerator marker {@link stripAccelerators} would remove and the word holding it is
 * not copied into `target` (ignoring case): `crl_fetch` or `.debug_line` in both texts is an identifier, `_Bold` →
 * `_Fett` a mnemonic. A snake-case word in a text that does not start with a capital (`column_alias`) is a name too.
 */
function hasAccelerator(source: string, target: string): boolean {
  const stripped = stripAccelerators(source);
  if (stripped === source) return false;
  let at = 0;
  while (at < stripped.length && stripped[at] === source[at]) at++;
  const start = source.lastIndexOf(' ', at) + 1;
  const end = source.indexOf(' ', at);
  const word = source.slice(start, end < 0 ? undefined : end).replace(/^[^\p{L}\p{N}_&]+|[^\p{L}\p{N}_&]+$/gu, '');
  // A marker that starts its word (`_Server`) is a mnemonic even when the translation keeps the word.
  if (word.startsWith('_') || word.startsWith('&')) return true;
  if (target.toLowerCase().includes(word.toLowerCase())) return false;
  // `column_alias` in a lower-case text is a name from a syntax summary; UI labels with mnemonics start upper-case.
  return !(/^[a-z0-9]+_[a-z0-9]+$/.test(word) && !/^\p{Lu}/u.test(source.trimStart()));
}

/** Runs of whitespace (including the newlines of multi-line help) to one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

const LETTER = /\p{L}/u;
const BAR_PREFIX = /^\|[^|\s]+\|/;
const METADATA = new Set(['translator-credits', 'translator_credits', 'TRANSLATORS', 'translator-credits:']);

/**
 * One message → a cleaned `(source, target)` pair, or the reason there is none. In order: plurals per
 * `options.plurals`; whitespace collapsed; GnuPG's `|ARG|` help prefix removed; accelerators stripped from both sides when the source has one whose word the target does not
 * copy (so identifiers such as `crl_fetch` stay on both sides); then `'empty'`, `'metadata'`,
 * `'untranslated'`, `'no-words'`, `'placeholder-mismatch'` (see {@link printfSignature}; placeholders are kept in
 * the text) and `'too-long'`. The context (`msgctxt`) is not part of the pair.
 */
export function cleanCatalogMessage(message: MoMessage, options: CatalogCleanOptions = {}): CleanedMessage {
  const { maxWords = 64, plurals = 'singular' } = options;
  if (message.msgidPlural !== undefined && plurals === 'skip') return { ok: false, reason: 'plural' };
  let source = collapseWhitespace(message.msgid);
  let target = collapseWhitespace(message.msgstr[0] ?? '');
  // GnuPG's help-line convention `|ARG|description` (`|FILE|read options from FILE`): the prefix is markup.
  if (BAR_PREFIX.test(source)) {
    source = source.replace(BAR_PREFIX, '').trim();
    target = target.replace(BAR_PREFIX, '').trim();
  }
  if (hasAccelerator(source, target)) {
    source = collapseWhitespace(stripAccelerators(source));
    target = collapseWhitespace(stripAccelerators(target));
  }
  if (source === '' || target === '') return { ok: false, reason: 'empty' };
  if (METADATA.has(source)) return { ok: false, reason: 'metadata' };
  if (source === target) return { ok: false, reason: 'untranslated' };
  if (!LETTER.test(withoutPlaceholders(source)) || !LETTER.test(withoutPlaceholders(target))) return { ok: false, reason: 'no-words' };
  const a = printfSignature(source);
  const b = printfSignature(target);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) return { ok: false, reason: 'placeholder-mismatch' };
  if (wordCount(source) > maxWords || wordCount(target) > maxWords) return { ok: false, reason: 'too-long' };
  return { ok: true, source, target };
}

function wordCount(text: string): number {
  return text === '' ? 0 : text.split(' ').length;
}

/** One catalog to clean: its messages and where they came from. */
export interface CatalogInput {
  /** The Debian package that installed the catalog (or any grouping name). */
  package: string;
  /** The catalog's text domain (its file name without `.mo`: `coreutils`, `gtk30`). */
  domain: string;
  messages: readonly MoMessage[];
}

/** A translation pair with its provenance: one line of `train.jsonl` / `test.jsonl`. */
export interface CatalogPair {
  /** The original (English) text. */
  source: string;
  /** Its translation. */
  target: string;
  package: string;
  domain: string;
}

/** What {@link cleanCatalogs} kept and dropped. */
export interface CleanedCatalogs {
  /** Kept pairs in input order; each source appears once. */
  pairs: CatalogPair[];
  /** Messages dropped, by reason. */
  skipped: Record<CatalogSkipReason, number>;
  /** Messages read (the header entries excluded). */
  messages: number;
}

/**
 * Cleans catalogs in the order given ({@link cleanCatalogMessage}) and keeps each source once: the first catalog
 * that has it wins (`'duplicate-source'` for the rest), so pass catalogs in a fixed order (the dataset builder
 * sorts by package, then domain). Deduplicating before any split also means no source is on both sides of it.
 */
export function cleanCatalogs(catalogs: readonly CatalogInput[], options: CatalogCleanOptions = {}): CleanedCatalogs {
  const skipped: Record<CatalogSkipReason, number> = {
    plural: 0,
    empty: 0,
    metadata: 0,
    untranslated: 0,
    'no-words': 0,
    'placeholder-mismatch': 0,
    'too-long': 0,
    'duplicate-source': 0,
  };
  const seen = new Set<string>();
  const pairs: CatalogPair[] = [];
  let messages = 0;
  for (const c of catalogs) {
    for (const m of c.messages) {
      messages++;
      const r = cleanCatalogMessage(m, options);
      if (!r.ok) {
        skipped[r.reason]++;
        continue;
      }
      if (seen.has(r.source)) {
        skipped['duplicate-source']++;
        continue;
      }
      seen.add(r.source);
      pairs.push({ source: r.source, target: r.target, package: c.package, domain: c.domain });
    }
  }
  return { pairs, skipped, messages };
}
