/**
 * A manual page's NAME line and DESCRIPTION section as plain text, read from its roff source (man(7) or mdoc(7)),
 * without running `man`/`groff`. Browser-safe: takes the source text, reads no file.
 */
import { joinRoffLines, ROFF_CONTINUE, roffEscapes, roffSourceLines, splitRoffLine } from './manpages-roff.js';

/** A parsed manual page: what the retrieval dataset uses. */
export interface ManPageText {
  /** `'man'` (man(7): `.TH`/`.SH`) or `'mdoc'` (BSD mdoc(7): `.Dd`/`.Sh`/`.Nm`/`.Nd`). */
  format: 'man' | 'mdoc';
  /** The names the NAME section lists, as written (`'gzip, gunzip, zcat'`). */
  names: string;
  /** The NAME line's one-line summary: the part after `\-` (`'list directory contents'`). */
  summary: string;
  /** The DESCRIPTION section as plain text, whitespace collapsed, uncapped (subsection headings left out). */
  description: string;
}

/** Why a page gives no (summary, description) pair. */
export type ManPageSkipReason =
  /** The page is only a `.so` redirection to another page (an alias: the target is read on its own). */
  | 'so-link'
  /** No NAME section. */
  | 'no-name'
  /** A NAME section without a ` - ` separated summary (or an empty one). */
  | 'no-summary'
  /** No DESCRIPTION section, or an empty one. */
  | 'no-description';

/** {@link parseManPage}'s result: the page, or why it was skipped. */
export type ManPageParse = { ok: true; page: ManPageText } | { ok: false; reason: ManPageSkipReason };

/** Requests that start a block whose content is never text: the request and the line that ends the block. */
const SKIP_BLOCKS: Readonly<Record<string, string>> = { TS: 'TE', EQ: 'EN', PS: 'PE', G1: 'G2', GS: 'GE', R1: 'R2' };
/** Requests defining a macro (skipped up to `..`). */
const DEFINE_MACRO = new Set(['de', 'de1', 'dei', 'am', 'am1', 'ami', 'ig']);
/** Conditionals: not evaluated; the line is dropped and a `\{ … \}` block after it skipped. */
const CONDITIONALS = new Set(['if', 'ie', 'el', 'while']);

/** man(7) font macros whose arguments are separated by a space (`.B`, `.I`) or joined (`.BR`, `.IR`). */
const MAN_SPACED = new Set(['B', 'I', 'SM', 'SB']);
const MAN_JOINED = new Set(['BR', 'BI', 'IB', 'IR', 'RB', 'RI']);

/**
 * Parses a manual page's roff source. Headings are matched case-insensitively (`.SH "NAME"`, `.SH Description`);
 * a `.SH` without arguments takes its heading from the next line. Macro definitions (`.de`/`.ig`), tables
 * (`.TS`/`.TE`) and conditionals (`.if`/`.ie`/`.el`, with their `\{ … \}` blocks) are dropped: in a manual page
 * they hold formatting, not prose. A page holding only a `.so` redirection is `'so-link'`.
 *
 * The summary is what follows the first ` - ` (or ` -- `, ` — `, ` – `) of the NAME section's text; mdoc's is the
 * `.Nd` line.
 *
 * @example parseManPage('.TH LS 1\n.SH NAME\nls \\- list directory contents\n.SH DESCRIPTION\nList information about the FILEs.')
 * // → { ok: true, page: { format: 'man', names: 'ls', summary: 'list directory contents', description: 'List information about the FILEs.' } }
 */
export function parseManPage(source: string): ManPageParse {
  const lines = roffSourceLines(source);
  const mdoc = lines.some((l) => /^[.']\s*(?:Dd|Sh)(?:\s|$)/.test(l));
  const strings = new Map<string, string>();
  const sections = new Map<string, string[]>();
  let section: string | null = null;
  let headingNext: 'section' | 'subsection' | null = null;
  let skipUntil: string | null = null;
  let braces = 0;
  let sawSo = false;
  const md: MdocState = { name: '', names: [], nd: [], noSpace: false };
  const emit = (text: string): void => {
    if (section === null) return;
    const buf = sections.get(section) ?? [];
    sections.set(section, buf);
    buf.push(text);
  };

  for (const line of lines) {
    if (skipUntil !== null) {
      if (new RegExp(`^[.']\\s*${escapeRegExp(skipUntil)}(?:\\s|$)`).test(line)) skipUntil = null;
      continue;
    }
    if (braces > 0) {
      braces += count(line, '\\{') - count(line, '\\}');
      continue;
    }
    const l = splitRoffLine(line);
    if (l.kind === 'text') {
      const t = roffEscapes(l.text, strings);
      if (t.trim() === '' && !t.includes(ROFF_CONTINUE)) continue;
      if (headingNext !== null) {
        if (headingNext === 'section') section = normHeading(t);
        headingNext = null;
        continue;
      }
      emit(t);
      continue;
    }
    const { name, args } = l;
    if (name === '') continue;
    if (SKIP_BLOCKS[name] !== undefined) {
      skipUntil = SKIP_BLOCKS[name]!;
      continue;
    }
    if (DEFINE_MACRO.has(name)) {
      skipUntil = name === 'ig' ? (args[0] ?? '.') : (args[1] ?? '.');
      continue;
    }
    if (CONDITIONALS.has(name)) {
      braces += count(line, '\\{') - count(line, '\\}');
      continue;
    }
    if (name === 'ds' || name === 'ds1' || name === 'as') {
      const key = args[0];
      if (key === undefined) continue;
      let value = l.rest.slice(l.rest.indexOf(key) + key.length).replace(/^[ \t]+/, '');
      if (value.startsWith('"')) value = value.slice(1);
      strings.set(key, name === 'as' ? (strings.get(key) ?? '') + value : value);
      continue;
    }
    if (name === 'so' || name === 'mso') {
      sawSo = true;
      continue;
    }
    if (name === 'SH' || name === 'Sh') {
      headingNext = null;
      if (args.length === 0) headingNext = 'section';
      else section = normHeading(roffEscapes(args.join(' '), strings));
      continue;
    }
    if (name === 'SS' || name === 'Ss') {
      if (args.length === 0) headingNext = 'subsection';
      continue;
    }
    const text = mdoc ? mdocRequest(name, args, section, md, strings) : manRequest(name, args, strings);
    if (text === null) continue;
    if (headingNext !== null) {
      if (headingNext === 'section') section = normHeading(text);
      headingNext = null;
      continue;
    }
    if (text.startsWith(ROFF_CONTINUE)) {
      // Trailing punctuation of `.UE`/`.ME`: glued to the text before it.
      const buf = section === null ? undefined : sections.get(section);
      if (buf && buf.length > 0) buf[buf.length - 1] += text.slice(1);
      continue;
    }
    emit(text);
  }

  const nameLines = sections.get('NAME');
  const nameText = joinRoffLines(nameLines ?? []);
  if (!sections.has('NAME') && md.names.length === 0 && md.nd.length === 0) return { ok: false, reason: sawSo ? 'so-link' : 'no-name' };
  let names: string;
  let summary: string;
  if (mdoc && md.nd.length > 0) {
    names = md.names
      .join(', ')
      .replace(/\s*,(\s*,)+/g, ',')
      .replace(/\s+,/g, ',');
    summary = joinRoffLines(md.nd);
  } else {
    const m = /^(.*?)\s+(?:-{1,2}|—|–)\s+(.*)$/.exec(nameText) ?? /^(.*?\S)\s*(?:—|–)\s*(.*)$/.exec(nameText);
    if (!m) return { ok: false, reason: 'no-summary' };
    names = m[1]!.trim();
    summary = m[2]!.trim();
  }
  // `lz4 \- lz4, unlz4, lz4cat \- compress …`: the names repeated before a second separator are not the summary.
  const repeated = /^[\w.+:-]+(?:,\s*[\w.+:-]+)*\s+-{1,2}\s+(.+)$/.exec(summary);
  if (repeated) summary = repeated[1]!;
  if (summary === '') return { ok: false, reason: 'no-summary' };
  const description = joinRoffLines(sections.get('DESCRIPTION') ?? []);
  if (description === '') return { ok: false, reason: 'no-description' };
  return { ok: true, page: { format: mdoc ? 'mdoc' : 'man', names, summary, description } };
}

function normHeading(t: string): string {
  return t.replace(ROFF_CONTINUE, '').replace(/\s+/g, ' ').trim().toUpperCase();
}

function count(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text of a man(7) macro line, or `null` for a request that prints nothing (`.PP`, `.TP`, `.RS`, `.br`, …). */
function manRequest(name: string, args: readonly string[], strings: ReadonlyMap<string, string>): string | null {
  const esc = (a: string): string => roffEscapes(a, strings);
  if (MAN_SPACED.has(name)) return args.length === 0 ? null : args.map(esc).join(' ');
  if (MAN_JOINED.has(name)) return args.length === 0 ? null : args.map(esc).join('');
  switch (name) {
    case 'IP': // the tag: `.IP \(bu` renders nothing, `.IP "\-a" 4` renders "-a"
      return args.length === 0 ? null : esc(args[0]!) || null;
    case 'SY':
      return args.length === 0 ? null : args.map(esc).join(' ');
    case 'OP':
      return args.length === 0 ? null : `[${args.map(esc).join(' ')}]`;
    case 'UE':
    case 'ME':
      return args.length === 0 ? null : ROFF_CONTINUE + args.map(esc).join('');
    default:
      return null;
  }
}

/** What mdoc parsing remembers: the page's name (for a bare `.Nm`), the NAME section's names and `.Nd` text. */
interface MdocState {
  name: string;
  names: string[];
  nd: string[];
  /** `.Sm off`: words are printed without spaces between them (mdoc's spacing mode). */
  noSpace: boolean;
}

/** mdoc macros that may be called from inside another macro's line (mdoc(7) "callable"). */
const MDOC_CALLABLE = new Set(
  (
    'Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc Do Dq Dv Dx Ec Em Eo Er Es Ev Fa Fc Fl Fn Fo Fr ' +
    'Ft Fx Ic In Li Lk Ms Mt Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc Sh Sm So Sq Ss St Sx Sy Tn Ux ' +
    'Va Vt Xc Xo Xr'
  ).split(' '),
);
/** Enclosing macros: opening and closing text around the rest of the line. */
const MDOC_ENCLOSE: Readonly<Record<string, [string, string]>> = {
  Dq: ['"', '"'],
  Qq: ['"', '"'],
  Sq: ["'", "'"],
  Ql: ["'", "'"],
  Pq: ['(', ')'],
  Op: ['[', ']'],
  Bq: ['[', ']'],
  Brq: ['{', '}'],
  Aq: ['<', '>'],
};
/** Open/close pairs spanning several macros. */
const MDOC_OPEN: Readonly<Record<string, string>> = { Do: '"', Qo: '"', So: "'", Po: '(', Oo: '[', Bo: '[', Bro: '{', Ao: '<' };
const MDOC_CLOSE: Readonly<Record<string, string>> = { Dc: '"', Qc: '"', Sc: "'", Pc: ')', Oc: ']', Bc: ']', Brc: '}', Ac: '>' };
/** Operating-system name macros and the text mandoc prints for them (without a version). */
const MDOC_OS: Readonly<Record<string, string>> = {
  At: 'AT&T UNIX',
  Bsx: 'BSD/OS',
  Bx: 'BSD',
  Dx: 'DragonFly',
  Fx: 'FreeBSD',
  Nx: 'NetBSD',
  Ox: 'OpenBSD',
  Ux: 'UNIX',
};
/** A few standards `.St` names, as mandoc prints them; others print their flag without the dash. */
const MDOC_STANDARDS: Readonly<Record<string, string>> = {
  '-p1003.1': 'IEEE Std 1003.1 ("POSIX.1")',
  '-p1003.1-2001': 'IEEE Std 1003.1-2001 ("POSIX.1")',
  '-p1003.1-2008': 'IEEE Std 1003.1-2008 ("POSIX.1")',
  '-p1003.2': 'IEEE Std 1003.2 ("POSIX.2")',
  '-ansiC': 'ANSI X3.159-1989 ("ANSI C89")',
  '-isoC': 'ISO/IEC 9899:1990 ("ISO C90")',
  '-isoC-99': 'ISO/IEC 9899:1999 ("ISO C99")',
  '-xpg4': 'X/Open Portability Guide Issue 4 ("XPG4")',
  '-susv2': 'Version 2 of the Single UNIX Specification ("SUSv2")',
  '-susv3': 'Version 3 of the Single UNIX Specification ("SUSv3")',
  '-svid4': 'System V Interface Definition, Fourth Edition ("SVID4")',
};

/** Closing punctuation: printed without a space before it. */
const CLOSE_PUNCT = /^[.,:;)\]?!]+$/;
/** Opening punctuation: printed without a space after it. */
const OPEN_PUNCT = /^[([]$/;

/** A piece of output text and whether it sticks to what precedes or follows it. */
interface Piece {
  text: string;
  glueLeft?: boolean;
  glueRight?: boolean;
}

/** Text of an mdoc macro line, or `null` for one that prints nothing; records `.Nm`/`.Nd` of the NAME section. */
function mdocRequest(
  name: string,
  args: readonly string[],
  section: string | null,
  md: MdocState,
  strings: ReadonlyMap<string, string>,
): string | null {
  if (name === 'Sm') {
    const was = md.noSpace;
    md.noSpace = args[0] === 'off' || (args[0] === undefined && !md.noSpace);
    return was && !md.noSpace ? ' ' : null; // a space ends the glued run
  }
  const text = mdocLineText(name, args, section, md, strings);
  // In no-space mode the next line's words stick to this line's too.
  return text !== null && md.noSpace ? text.replace(/ /g, '') + ROFF_CONTINUE : text;
}

function mdocLineText(
  name: string,
  args: readonly string[],
  section: string | null,
  md: MdocState,
  strings: ReadonlyMap<string, string>,
): string | null {
  if (name === 'Nd') {
    md.nd.push(piecesText(mdocPieces(args, md, strings)));
    return null;
  }
  if (name === 'Nm' && section === 'NAME') {
    const own = args.filter((a) => !MDOC_CALLABLE.has(a));
    if (md.name === '' && own[0] !== undefined) md.name = roffEscapes(own[0], strings);
    md.names.push(...own.map((a) => roffEscapes(a, strings)));
    return null;
  }
  if (name === 'Nm' && md.name === '' && args[0] !== undefined && !MDOC_CALLABLE.has(args[0])) md.name = roffEscapes(args[0], strings);
  if (name === 'It' || name === 'D1' || name === 'Dl') {
    const t = piecesText(mdocPieces(args, md, strings));
    return t === '' ? null : t;
  }
  if (!MDOC_CALLABLE.has(name)) return null; // .Pp .Bl .El .Bd .Ed .Dd .Dt .Os .Rs …: layout or metadata
  const t = piecesText(mdocPieces([name, ...args], md, strings));
  return t === '' ? null : t;
}

/** Renders mdoc tokens (macro names and words) into pieces, mandoc's way for the macros pages use in prose. */
function mdocPieces(tokens: readonly string[], md: MdocState, strings: ReadonlyMap<string, string>): Piece[] {
  const out: Piece[] = [];
  const word = (t: string): Piece => {
    const text = roffEscapes(t, strings);
    if (CLOSE_PUNCT.test(t)) return { text, glueLeft: true };
    if (OPEN_PUNCT.test(t)) return { text, glueRight: true };
    return { text };
  };
  let glueNext = false;
  const push = (p: Piece): void => {
    if (glueNext) p.glueLeft = true;
    glueNext = false;
    out.push(p);
  };
  let i = 0;
  const isMacro = (t: string | undefined): boolean => t !== undefined && MDOC_CALLABLE.has(t);
  while (i < tokens.length) {
    const t = tokens[i++]!;
    if (!isMacro(t)) {
      push(word(t));
      continue;
    }
    const enclose = MDOC_ENCLOSE[t];
    if (enclose) {
      // The enclosure takes the rest of the line except trailing closing punctuation.
      let end = tokens.length;
      while (end > i && CLOSE_PUNCT.test(tokens[end - 1]!)) end--;
      const inner = mdocPieces(tokens.slice(i, end), md, strings);
      push({ text: enclose[0], glueRight: true });
      out.push(...inner);
      out.push({ text: enclose[1], glueLeft: true });
      i = end;
      continue;
    }
    if (MDOC_OPEN[t] !== undefined) {
      push({ text: MDOC_OPEN[t]!, glueRight: true });
      continue;
    }
    if (MDOC_CLOSE[t] !== undefined) {
      push({ text: MDOC_CLOSE[t]!, glueLeft: true });
      continue;
    }
    if (MDOC_OS[t] !== undefined) {
      push({ text: MDOC_OS[t]! });
      continue;
    }
    switch (t) {
      case 'Fl': {
        const next = tokens[i];
        if (next !== undefined && !isMacro(next) && !CLOSE_PUNCT.test(next)) {
          push({ text: `-${roffEscapes(next, strings)}` });
          i++;
        } else push({ text: '-' });
        break;
      }
      case 'Ns':
      case 'Ap':
        glueNext = true;
        if (t === 'Ap') out.push({ text: "'", glueLeft: true, glueRight: true });
        break;
      case 'Sm':
        if (tokens[i] === 'on' || tokens[i] === 'off') i++;
        break;
      case 'Pf': {
        const next = tokens[i];
        if (next !== undefined) {
          push({ text: roffEscapes(next, strings), glueRight: true });
          i++;
        }
        break;
      }
      case 'Nm': {
        const next = tokens[i];
        if (next === undefined || isMacro(next) || CLOSE_PUNCT.test(next)) push({ text: md.name });
        break;
      }
      case 'Ar': {
        const next = tokens[i];
        if (next === undefined || isMacro(next) || CLOSE_PUNCT.test(next)) push({ text: 'file ...' });
        break;
      }
      case 'Xr': {
        const page = tokens[i];
        const sec = tokens[i + 1];
        if (page !== undefined && sec !== undefined && /^\d\w*$/.test(sec)) {
          push({ text: `${roffEscapes(page, strings)}(${sec})` });
          i += 2;
        }
        break;
      }
      case 'Fn': {
        const fn = tokens[i];
        if (fn === undefined) break;
        i++;
        const fargs: string[] = [];
        while (i < tokens.length && !isMacro(tokens[i]) && !CLOSE_PUNCT.test(tokens[i]!)) fargs.push(roffEscapes(tokens[i++]!, strings));
        push({ text: `${roffEscapes(fn, strings)}(${fargs.join(', ')})` });
        break;
      }
      case 'St': {
        const std = tokens[i];
        if (std !== undefined) {
          push({ text: MDOC_STANDARDS[std] ?? std.replace(/^-/, '') });
          i++;
        }
        break;
      }
      case 'Lk': {
        // .Lk url [text]: the text when there is one, else the URL
        const url = tokens[i];
        if (url === undefined) break;
        i++;
        const label: string[] = [];
        while (i < tokens.length && !isMacro(tokens[i]) && !CLOSE_PUNCT.test(tokens[i]!)) label.push(roffEscapes(tokens[i++]!, strings));
        push({ text: label.length > 0 ? label.join(' ') : roffEscapes(url, strings) });
        break;
      }
      default:
        // Font and semantic macros (Ar Cm Em Sy Li Pa Ev Va Fa Ft Dv Er Ic …) print their arguments as they are;
        // Sm/Xo/Xc/Eo/Ec/Es/Fo/Fc/Ot/Fr only shape the output.
        break;
    }
  }
  return out;
}

/** Joins pieces with single spaces except where a piece sticks to its neighbour. */
function piecesText(pieces: readonly Piece[]): string {
  let s = '';
  let glue = true;
  for (const p of pieces) {
    if (p.text === '') continue;
    if (!glue && !p.glueLeft) s += ' ';
    s += p.text;
    glue = p.glueRight === true;
  }
  return s.replace(/\s+/g, ' ').trim();
}
