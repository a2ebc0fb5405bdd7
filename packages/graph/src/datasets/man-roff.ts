/**
 * A small, focused reader of manual-page roff sources (man(7) and mdoc(7)), browser-safe: it keeps what the
 * man-page graph needs — the NAME line's summary, the DESCRIPTION text, the `name(section)` references of
 * SEE ALSO, and whether the page is only a `.so` redirection — and nothing else. Text is for bag-of-words
 * features, so escapes are removed rather than rendered exactly. (`@contrastive/text` has a fuller roff renderer;
 * the graph package does not depend on it.)
 */

/** A `name(section)` reference of a SEE ALSO section. */
export interface ManReference {
  name: string;
  /** As written: `'1'`, `'3ssl'`, `'3pm'`. */
  section: string;
}

/** What {@link parseManSource} keeps of a page. */
export interface ManPageContent {
  /** The `.so` target (`'man3/foo.3'`) of a page that holds only a redirection (an alias); else undefined. */
  so?: string;
  /** The NAME line after its ` - ` separator (mdoc: the `.Nd` text); the page names themselves are left out. */
  summary: string;
  /** The DESCRIPTION section's text, escapes removed, whitespace collapsed. */
  description: string;
  /** The SEE ALSO section's references, in order, duplicates kept. */
  seeAlso: ManReference[];
}

/** Escapes removed or replaced by {@link roffText} (see the replacement function for each group). */
const ESCAPE =
  /\\(?:(["#]).*|([fFsnkmMgYVO*$])(?:[+-]?(?:\[[^\]]*\]|\(..|'[^']*'|\d\d?|.))?|\((..)|\[([^\]]*)\]|([hvwlLDoXZbxNCRSHABTUW])'[^']*'|(.))/g;

/** Special characters that are word-internal or quotes; every other `\(xx` / `\[xx]` becomes a space. */
const SPECIAL: Readonly<Record<string, string>> = { aq: "'", cq: "'", oq: "'", hy: '-', mi: '-', en: '-' };

/**
 * One line of roff text without its escapes: fonts, sizes, strings, motions and comments go, `\-` is `-`,
 * `\e` is `\`, special characters are a space (or their ASCII form for quotes and hyphens).
 *
 * @example roffText('\\fBls\\fR \\- list \\(lqdir\\(rq') // 'ls - list  dir '
 */
export function roffText(line: string): string {
  return line.replace(ESCAPE, (_m, comment, silent, special2, specialN, delimited, single: string | undefined) => {
    if (comment !== undefined || silent !== undefined || delimited !== undefined) return '';
    const special = (special2 ?? specialN) as string | undefined;
    if (special !== undefined) return SPECIAL[special] ?? ' ';
    switch (single) {
      case '-':
        return '-';
      case 'e':
      case '\\':
        return '\\';
      case ' ':
      case '~':
      case '0':
      case '_':
      case 't':
        return ' ';
      case undefined:
        return '';
      default:
        // `\&`, `\c`, `\|`, `\^`, `\%`, `\:` … print nothing; an unknown escape prints its character (groff's rule).
        return /[&c|^%:/,{}adurpz)]/.test(single) ? '' : single;
    }
  });
}

/** A request line's arguments, roff's way: space separated, a double-quoted argument may hold spaces. */
export function roffArgs(rest: string): string[] {
  const out: string[] = [];
  for (const m of rest.matchAll(/"((?:[^"]|"")*)"?|((?:\\.|[^\s"\\]|\\$)+\S*)/g))
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
  return out;
}

/** man(7) font macros: arguments joined with a space (`.B`) or alternated without one (`.BR ls (1)` → `ls(1)`). */
const MAN_SPACED = new Set(['B', 'I', 'SM', 'SB']);
const MAN_JOINED = new Set(['BR', 'BI', 'IB', 'IR', 'RB', 'RI']);
/** mdoc macro names that may appear among another macro's arguments (they print nothing themselves). */
const MDOC_CALLABLE = new Set(
  (
    'Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc Do Dq Dv Dx Ec Em Eo Er Es Ev Fa Fc Fl Fn Fo Fr ' +
    'Ft Fx Ic In Li Lk Ms Mt Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc Sm So Sq St Sx Sy Tn Ux Va Vt Xc Xo Xr'
  ).split(' '),
);
/** Blocks whose content is never prose: their opening request and the one that closes them. */
const SKIP_BLOCKS: Readonly<Record<string, string>> = { TS: 'TE', EQ: 'EN', PS: 'PE', de: '..', de1: '..', am: '..', ig: '..' };

/** The words an mdoc macro line prints: its arguments without macro names; `Xr name sec` as `name(sec)`. */
function mdocWords(args: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'Xr' && args[i + 1] !== undefined && /^\d/.test(args[i + 2] ?? '')) {
      words.push(`${roffText(args[i + 1]!)}(${args[i + 2]})`);
      i += 2;
    } else if (!MDOC_CALLABLE.has(a)) words.push(roffText(a));
  }
  return words.join(' ');
}

/** A heading as compared: escapes removed, uppercase, single spaces (`.SH "See\ also"` → `SEE ALSO`). */
const heading = (s: string): string => roffText(s).replace(/\s+/g, ' ').trim().toUpperCase();

/** `name(section)` references in text: a name of word characters and `.:+@-`, an optional space, a digit-led section. */
const REFERENCE = /([\w][\w.:+@-]*)\s?\((\d[a-zA-Z+]*)\)/g;

/** The references of a SEE ALSO text, in order. */
export function manReferences(text: string): ManReference[] {
  return [...text.matchAll(REFERENCE)].map((m) => ({ name: m[1]!.replace(/[.:-]+$/, ''), section: m[2]! }));
}

/**
 * Reads a page's roff source: see {@link ManPageContent}. Macro definitions, tables and equations, conditionals
 * (`.if`/`.ie`/`.el` and their `\{ … \}` blocks) and all layout requests are skipped; man(7) font macros and mdoc
 * macro lines contribute their words. A page with no NAME section whose source has a `.so` request is an alias.
 */
export function parseManSource(source: string): ManPageContent {
  const lines = source
    .replace(/\r/g, '')
    .replace(/(?<!\\)\\\n/g, '')
    .split('\n');
  const mdoc = lines.some((l) => /^[.']\s*Dd\b/.test(l));
  const text = new Map<string, string[]>();
  let section = '';
  let headingNext = false;
  let skipUntil: string | null = null;
  let braces = 0;
  let so: string | undefined;
  const nd: string[] = [];
  const emit = (t: string): void => {
    if (headingNext) {
      section = heading(t);
      headingNext = false;
    } else if (section !== '' && t.trim() !== '') {
      const buf = text.get(section);
      if (buf) buf.push(t);
      else text.set(section, [t]);
    }
  };
  for (const line of lines) {
    if (skipUntil !== null) {
      if (line.trim() === skipUntil || new RegExp(`^[.']\\s*${skipUntil.replace('.', '\\.')}\\b`).test(line)) skipUntil = null;
      continue;
    }
    if (braces > 0) {
      braces += (line.match(/\\\{/g)?.length ?? 0) - (line.match(/\\\}/g)?.length ?? 0);
      continue;
    }
    const request = /^[.']\s*([^\s\\]+)\s*(.*)$/.exec(line);
    if (!request) {
      if (!/^[.']/.test(line)) emit(roffText(line));
      continue;
    }
    const [, name, rest] = request as unknown as [string, string, string];
    const args = roffArgs(rest);
    if (SKIP_BLOCKS[name] !== undefined) {
      skipUntil = name === 'ig' && args[0] ? `.${args[0]}` : SKIP_BLOCKS[name]!;
      continue;
    }
    if (name === 'if' || name === 'ie' || name === 'el' || name === 'while') {
      braces += (line.match(/\\\{/g)?.length ?? 0) - (line.match(/\\\}/g)?.length ?? 0);
      continue;
    }
    if (name === 'so') so ??= args[0];
    else if (name === 'SH' || name === 'Sh') {
      if (args.length === 0) headingNext = true;
      else section = heading(args.join(' '));
    } else if (name === 'Nd') nd.push(mdocWords(args));
    else if (mdoc && section === 'NAME' && name === 'Nm')
      continue; // the names, not the summary
    else if (MAN_SPACED.has(name)) emit(args.map(roffText).join(' '));
    else if (MAN_JOINED.has(name)) emit(args.map(roffText).join(''));
    else if (name === 'IP' && args[0] !== undefined) emit(roffText(args[0]));
    else if (mdoc && (MDOC_CALLABLE.has(name) || name === 'It' || name === 'D1' || name === 'Dl')) emit(mdocWords([name, ...args]));
  }
  const joined = (key: string): string => (text.get(key) ?? []).join(' ').replace(/\s+/g, ' ').trim();
  const nameText = joined('NAME');
  if (nameText === '' && nd.length === 0 && so !== undefined) return { so, summary: '', description: '', seeAlso: [] };
  // `ls \- list directory contents`: the summary follows the first dash separator; mdoc's is `.Nd`.
  const summary = nd.length > 0 ? nd.join(' ').replace(/\s+/g, ' ').trim() : (/\s(?:-{1,2}|—|–)\s+(.*)$/.exec(nameText)?.[1] ?? nameText);
  return { summary, description: joined('DESCRIPTION'), seeAlso: manReferences(joined('SEE ALSO')) };
}
