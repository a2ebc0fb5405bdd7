// The mteval-v13a tokenizer as sacrebleu 2.x applies it (sacrebleu/tokenizers/tokenizer_13a.py, whose regexes are in
// tokenizer_re.py), ported rule for rule so BLEU here equals sacrebleu's default BLEU. Python's `str.split()` and
// `str.rstrip()` use Python's whitespace set, which is not JavaScript's `\s` (Python adds U+001C–U+001F and U+0085,
// JavaScript adds U+FEFF), so the set is spelled out.

/** Python's `str.isspace()` characters: `str.split()` / `str.rstrip()` in sacrebleu use exactly these. */
const PY_SPACE = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'u');
const PY_TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`, 'u');

// tokenizer_re.py TokenizerRegexp._re, in order; the `u` flag makes `[^0-9]` match a code point, as in Python.
const V13A_RULES: readonly [RegExp, string][] = [
  // Symbols: the ASCII ranges { to ~, [ to `, space to &, ( to +, : to @, and / (so not ' , - . nor letters/digits).
  [/([{-~[-`\x20-&(-+:-@/])/gu, ' $1 '],
  // Period and comma unless preceded by a digit.
  [/([^0-9])([.,])/gu, '$1 $2 '],
  // Period and comma unless followed by a digit.
  [/([.,])([^0-9])/gu, ' $1 $2'],
  // Dash when preceded by a digit.
  [/([0-9])(-)/gu, '$1 $2 '],
];

/** Splits on runs of Python whitespace and drops empty pieces, as Python's `str.split()` with no argument. */
export function pySplit(text: string): string[] {
  return text.split(PY_SPACE_RUN).filter((t) => t.length > 0);
}

/** Python's `str.rstrip()` with no argument. */
export function pyRstrip(text: string): string {
  return text.replace(PY_TRAILING_SPACE, '');
}

/**
 * Tokenizes one segment with mteval-v13a, the tokenizer of WMT and sacrebleu's default (`tokenize='13a'`):
 * drops `<skipped>`, joins `-\n` line-break hyphenation, turns newlines into spaces, unescapes `&quot; &amp; &lt;
 * &gt;`, then separates ASCII punctuation and symbols, and periods/commas except inside numbers ("3.5", "1,000"),
 * and a dash after a digit ("10-20" → "10 - 20"). Apostrophes and word-internal hyphens stay ("Don't",
 * "state-of-the-art"); "U.S." becomes "U . S .". Non-ASCII characters are never split off.
 *
 * Returns the tokens; `tokens.join(' ')` is what sacrebleu's `Tokenizer13a()(line)` returns. sacrebleu right-strips
 * a segment before this ({@link corpusBleu} does too); this function does not.
 */
export function tokenize13a(line: string): string[] {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&')) {
    text = text.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  text = ` ${text} `;
  for (const [pattern, replacement] of V13A_RULES) text = text.replace(pattern, replacement);
  return pySplit(text);
}
