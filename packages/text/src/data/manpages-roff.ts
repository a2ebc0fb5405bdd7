/**
 * Just enough roff (troff/groff) to turn a manual page's source into plain text, without spawning `groff` or `man`
 * per page: escape sequences (fonts, sizes, special characters, strings, motions, comments) and request-line
 * splitting. Browser-safe. The macro packages (man(7), mdoc(7)) are interpreted in `manpages-parse.ts`.
 *
 * What a page *looks like* after `man -P cat` is the target: `\fBls\fR` → `ls`, `\-` → `-`, `\(em` → `—`,
 * `\(lq…\(rq` → `"…"` (ASCII quotes, so that mdoc's `.Dq` and man's `\(lq` agree), `\e` → `\`.
 */

/**
 * groff's special characters (`\(xx`, `\[xx]`, `\C'xx'`) that occur in manual pages, as the text a terminal
 * shows. Bullets and other list markers render as nothing (they separate list items, they are not words).
 * An unknown name renders as nothing.
 */
export const ROFF_SPECIAL_CHARS: Readonly<Record<string, string>> = {
  em: '—',
  en: '–',
  hy: '-',
  mi: '-',
  '\\-': '-',
  bu: '',
  ci: '',
  sq: '',
  lq: '"',
  rq: '"',
  dq: '"',
  oq: "'",
  cq: "'",
  aq: "'",
  Fo: '«',
  Fc: '»',
  fo: '‹',
  fc: '›',
  Do: '$',
  at: '@',
  sh: '#',
  rs: '\\',
  sl: '/',
  ba: '|',
  br: '|',
  bv: '|',
  ti: '~',
  ap: '~',
  ha: '^',
  a_: '_',
  ul: '_',
  ru: '_',
  ga: '`',
  aa: "'",
  co: '©',
  rg: '®',
  tm: '™',
  de: '°',
  pl: '+',
  eq: '=',
  mu: '×',
  di: '÷',
  '+-': '±',
  '**': '*',
  '<=': '<=',
  '>=': '>=',
  '!=': '!=',
  '==': '==',
  '->': '->',
  '<-': '<-',
  '<>': '<->',
  ua: '^',
  da: 'v',
  lB: '[',
  rB: ']',
  lC: '{',
  rC: '}',
  la: '<',
  ra: '>',
  fm: "'",
  sd: '"',
  dg: '†',
  dd: '‡',
  ps: '¶',
  sc: '§',
  ct: '¢',
  Po: '£',
  Ye: '¥',
  Eu: '€',
  eu: '€',
  mc: 'µ',
  es: '∅',
  if: '∞',
  sr: '√',
  pc: '·',
  OK: '✓',
  ss: 'ß',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  'o/': 'ø',
  'O/': 'Ø',
  ao: 'å',
  AO: 'Å',
  ff: 'ff',
  fi: 'fi',
  fl: 'fl',
  Fi: 'ffi',
  Fl: 'ffl',
  ':a': 'ä',
  ':o': 'ö',
  ':u': 'ü',
  ':e': 'ë',
  ':i': 'ï',
  ':y': 'ÿ',
  ':A': 'Ä',
  ':O': 'Ö',
  ':U': 'Ü',
  "'a": 'á',
  "'e": 'é',
  "'i": 'í',
  "'o": 'ó',
  "'u": 'ú',
  "'E": 'É',
  '`a': 'à',
  '`e': 'è',
  '`i': 'ì',
  '`o': 'ò',
  '`u': 'ù',
  '^a': 'â',
  '^e': 'ê',
  '^i': 'î',
  '^o': 'ô',
  '^u': 'û',
  '~n': 'ñ',
  '~N': 'Ñ',
  '~a': 'ã',
  '~o': 'õ',
  ',c': 'ç',
  ',C': 'Ç',
  '*a': 'α',
  '*b': 'β',
  '*g': 'γ',
  '*d': 'δ',
  '*e': 'ε',
  '*l': 'λ',
  '*m': 'μ',
  '*p': 'π',
  '*s': 'σ',
  '*W': 'Ω',
};

/**
 * Strings (`\*x`, `\*(xx`, `\*[name]`) that pages use without defining them: man(7)'s and mdoc(7)'s built-ins and
 * pod2man's preamble (which defines them inside `.if`/`.ie` conditionals we do not evaluate). A page's own
 * unconditional `.ds` definitions take precedence. An unknown string renders as nothing.
 */
export const ROFF_DEFAULT_STRINGS: Readonly<Record<string, string>> = {
  lq: '"',
  rq: '"',
  Lq: '"',
  Rq: '"',
  R: '®',
  Tm: '™',
  S: '',
  'L"': '"',
  'R"': '"',
  "C'": '"',
  'C`': '"',
  'C+': 'C++',
  '--': '—',
  PI: 'π',
  Aq: "'",
  q: '"',
};

/** Escapes whose argument is delimited (`\h'3n'`, `\w"text"`): all render as nothing except `\N` and `\C`. */
const DELIMITED = new Set(['h', 'v', 'w', 'l', 'L', 'D', 'o', 'X', 'Z', 'b', 'x', 'R', 'S', 'H', 'A', 'B', 'N', 'C', 'T', 'U', 'W']);
/** Escapes followed by a name (`x`, `(xx` or `[name]`) that render as nothing. */
const NAMED_SILENT = new Set(['f', 'F', 'm', 'M', 'Y', 'V', 'g', 'k', 'O', 'n', '$', 'P', 'J']);

/** Marker left by `\c` (continue the output line): {@link joinRoffLines} joins the next line to it without a space. */
export const ROFF_CONTINUE = '\u0000';

/** A `(xx`, `[name]` or one-character name starting at `s[i]`: the name and the index after it. */
function readName(s: string, i: number): [string, number] {
  const c = s[i];
  if (c === undefined) return ['', i];
  if (c === '(') return [s.slice(i + 1, i + 3), Math.min(s.length, i + 3)];
  if (c === '[') {
    const end = s.indexOf(']', i + 1);
    return end < 0 ? [s.slice(i + 1), s.length] : [s.slice(i + 1, end), end + 1];
  }
  return [c, i + 1];
}

/** A delimited argument (`'…'`, or any delimiter character) starting at `s[i]`: the argument and the index after it. */
function readDelimited(s: string, i: number): [string, number] {
  const d = s[i];
  if (d === undefined) return ['', i];
  const end = s.indexOf(d, i + 1);
  return end < 0 ? [s.slice(i + 1), s.length] : [s.slice(i + 1, end), end + 1];
}

/** The text of a special character name (`em`, `u00E9`, `char233`). */
function specialChar(name: string): string {
  const known = ROFF_SPECIAL_CHARS[name];
  if (known !== undefined) return known;
  const u = /^u([0-9A-Fa-f]{4,6})(?:_[0-9A-Fa-f]{4,6})*$/.exec(name);
  if (u) return String.fromCodePoint(Number.parseInt(u[1]!, 16));
  const c = /^char(\d{1,3})$/.exec(name);
  if (c) return String.fromCharCode(Number(c[1]));
  return '';
}

/**
 * Plain text of one line of roff text: interprets every escape sequence. `strings` holds the page's `.ds`
 * definitions (raw roff, expanded here, at most 8 levels deep). A comment (`\"`, `\#`) ends the line. `\c`
 * leaves {@link ROFF_CONTINUE} at the end.
 *
 * @example roffEscapes('\\fBls\\fR \\- list \\(lqdirectory\\(rq contents') // 'ls - list "directory" contents'
 */
export function roffEscapes(s: string, strings: ReadonlyMap<string, string> = new Map(), depth = 0): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const e = s[i + 1];
    i += 2;
    if (e === undefined) break; // a trailing backslash joins lines; callers join them first
    switch (e) {
      case '"':
      case '#':
        return out; // comment to the end of the line
      case '-':
        out += '-';
        break;
      case 'e':
      case 'E':
      case '\\':
        out += '\\';
        break;
      case '.':
        out += '.';
        break;
      case "'":
        out += "'";
        break;
      case '`':
        out += '`';
        break;
      case ' ':
      case '~':
      case '0':
      case '_':
        out += ' ';
        break;
      case 't':
        out += ' ';
        break;
      case 'c':
        out += ROFF_CONTINUE;
        break;
      case '&':
      case ')':
      case '|':
      case '^':
      case '%':
      case ':':
      case '/':
      case ',':
      case '{':
      case '}':
      case 'a':
      case 'd':
      case 'u':
      case 'r':
      case 'p':
      case 'z':
        break;
      case '(':
      case '[': {
        const [name, next] = readName(s, i - 1);
        out += specialChar(name);
        i = next;
        break;
      }
      case '*': {
        const [name, next] = readName(s, i);
        i = next;
        const own = strings.get(name);
        if (own !== undefined) out += depth < 8 ? roffEscapes(own, strings, depth + 1) : '';
        else out += ROFF_DEFAULT_STRINGS[name] ?? '';
        break;
      }
      case 's': {
        // \s0, \s-1, \s+2, \s10, \s(12, \s[12], \s'12', \s+(12
        if (s[i] === '+' || s[i] === '-') i++;
        const c = s[i];
        if (c === '(') i += 3;
        else if (c === '[') i = readName(s, i)[1];
        else if (c === "'") i = readDelimited(s, i)[1];
        else if (c !== undefined && /[0-9]/.test(c)) i += /[1-3]/.test(c) && /[0-9]/.test(s[i + 1] ?? '') ? 2 : 1;
        break;
      }
      default: {
        if (NAMED_SILENT.has(e)) {
          if (e === 'n' && (s[i] === '+' || s[i] === '-')) i++;
          i = readName(s, i)[1];
        } else if (DELIMITED.has(e)) {
          const [arg, next] = readDelimited(s, i);
          i = next;
          if (e === 'N') {
            const code = Number(arg);
            if (Number.isInteger(code) && code > 0 && code < 0x110000) out += String.fromCodePoint(code);
          } else if (e === 'C') out += specialChar(arg);
        } else out += e; // an unknown escape prints its character (groff's rule)
      }
    }
  }
  return out;
}

/** One line of roff source: a request or macro call (`.XX args` or `'XX args`), or a line of text. */
export type RoffLine = { kind: 'request'; name: string; args: string[]; rest: string } | { kind: 'text'; text: string };

/**
 * Splits a request line into its name and arguments, roff's way: arguments are separated by spaces; a
 * double-quoted argument may hold spaces, and `""` inside it is a literal quote. Escapes are left in the arguments
 * (convert them with {@link roffEscapes}); `rest` is the raw text after the name (for `.ds`).
 */
export function splitRoffLine(line: string): RoffLine {
  const c = line[0];
  if (c !== '.' && c !== "'") return { kind: 'text', text: line };
  let i = 1;
  while (line[i] === ' ' || line[i] === '\t') i++;
  let name = '';
  // A name ends at a space or at an escape; `\"` right after the dot is a comment line.
  while (i < line.length && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '\\') name += line[i++];
  const rest = line.slice(i).replace(/^[ \t]+/, '');
  const args: string[] = [];
  let j = 0;
  const r = stripRequestComment(rest);
  while (j < r.length) {
    while (r[j] === ' ' || r[j] === '\t') j++;
    if (j >= r.length) break;
    if (r[j] === '"') {
      let a = '';
      j++;
      while (j < r.length) {
        if (r[j] === '"') {
          if (r[j + 1] === '"') {
            a += '"';
            j += 2;
            continue;
          }
          j++;
          break;
        }
        a += r[j++];
      }
      args.push(a);
    } else {
      let a = '';
      while (j < r.length && r[j] !== ' ' && r[j] !== '\t') {
        // keep an escaped space (`\ `) inside the argument
        if (r[j] === '\\' && j + 1 < r.length) {
          a += r[j]! + r[j + 1]!;
          j += 2;
        } else a += r[j++];
      }
      args.push(a);
    }
  }
  return { kind: 'request', name, args, rest };
}

/** `rest` without a trailing `\"` comment (an escaped backslash `\\"` is not a comment). */
function stripRequestComment(rest: string): string {
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '\\') {
      if (rest[i + 1] === '"' || rest[i + 1] === '#') return rest.slice(0, i);
      i++;
    }
  }
  return rest;
}

/**
 * Source lines with roff's line continuations applied: a line ending in an odd number of backslashes is joined
 * with the next one (`\` + newline is nothing). Carriage returns are dropped.
 */
export function roffSourceLines(source: string): string[] {
  const raw = source.replace(/\r/g, '').split('\n');
  const out: string[] = [];
  let pending = '';
  for (const line of raw) {
    const m = /\\+$/.exec(line);
    if (m && m[0].length % 2 === 1) {
      pending += line.slice(0, -1);
      continue;
    }
    out.push(pending + line);
    pending = '';
  }
  if (pending) out.push(pending);
  return out;
}

/**
 * Output lines joined into one string with single spaces, honouring {@link ROFF_CONTINUE} (no space after it) and
 * collapsing all whitespace.
 */
export function joinRoffLines(lines: readonly string[]): string {
  let s = '';
  for (const l of lines) {
    if (s !== '' && !s.endsWith(ROFF_CONTINUE)) s += ' ';
    s += l;
  }
  return s.split(ROFF_CONTINUE).join('').replace(/\s+/g, ' ').trim();
}
