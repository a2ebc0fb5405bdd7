/**
 * README quick starts the smoke test runs: fenced code blocks whose info string has the word `smoke`.
 *
 *   ```ts smoke            type-checked as a consumer (node16 and bundler), then transpiled and run as ESM JS
 *   ```js smoke            run as an .mjs file
 *   ```ts smoke no-run     type-checked only (a browser snippet, a `declare const` placeholder)
 *
 * Any other language tagged `smoke` is reported as unsupported, so a block that claims to run never goes
 * unchecked silently.
 */

/** One fenced block of a README that is tagged `smoke`. */
export interface SmokeBlock {
  /** `ts` or `js` (normalised from typescript/mts/javascript/mjs), else the info string's first word. */
  lang: string;
  /** Every word of the info string (`['ts', 'smoke', 'no-run']`). */
  words: string[];
  /** 1-based README line of the block's first code line (the line after the opening fence). */
  line: number;
  code: string;
  /** `false` when the info string has `no-run`: type-check only. */
  run: boolean;
  /** `false` for an untagged ts/js block returned by `{ untagged: true }` (a diagnostic, never a failure). */
  tagged: boolean;
}

/** A bare file name with a data, model or text extension (not `tf.float32`, not `0.5`). */
const FILE_NAME = /^[\w.-]+\.(txt|csv|tsv|jsonl?|png|jpe?g|webp|smi|sdf|gz|idx\d?-ubyte|safetensors|onnx|bin|md|html?)$/i;

const LANGS: Record<string, string> = { ts: 'ts', typescript: 'ts', mts: 'ts', js: 'js', javascript: 'js', mjs: 'js' };

/**
 * The `smoke` blocks of a Markdown text, in order. Follows CommonMark fences: up to 3 spaces of indentation,
 * three or more backticks or tildes, closed by a fence of the same character at least as long; an unclosed
 * block runs to the end of the text. Info-string words are split on spaces, commas and braces, so
 * `ts smoke`, `ts,smoke` and `ts {smoke}` all count. With `untagged: true`, untagged ts/js blocks are returned too
 * (`tagged: false`), so `--try-untagged` can show owners which of their blocks would pass.
 */
export function extractSmokeBlocks(markdown: string, opts: { untagged?: boolean } = {}): SmokeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: SmokeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    // A backtick fence's info string may not contain a backtick (CommonMark): that line is inline code.
    if (fence[0] === '`' && info.includes('`')) continue;
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]!); j++) {
      // Content lines lose up to the opening fence's indentation (CommonMark).
      body.push(lines[j]!.replace(new RegExp(`^ {0,${indent.length}}`), ''));
    }
    const words = info
      .trim()
      .split(/[\s,{}]+/)
      .filter(Boolean);
    const first = (words[0] ?? '').toLowerCase();
    const tagged = words.includes('smoke');
    if (tagged || (opts.untagged && (LANGS[first] === 'ts' || LANGS[first] === 'js'))) {
      blocks.push({
        lang: LANGS[first] ?? first,
        words,
        line: i + 2,
        code: `${body.join('\n')}\n`,
        run: !words.includes('no-run'),
        tagged,
      });
    }
    i = j;
  }
  return blocks;
}

/**
 * String literals of a block that look like file paths (`'corpus.txt'`, `'./tok'`, `'runs/x/checkpoint'`,
 * `'node_modules/@contrastive/vision/data/…'`), so the report can say what a block needs on disk. Module
 * specifiers of `import … from` / `import()` are not paths; URLs are skipped.
 */
export function referencedPaths(code: string): string[] {
  const withoutImports = code
    .replace(/\bfrom\s+(['"])[^'"]*\1/g, '')
    .replace(/\bimport\s*\(\s*(['"])[^'"]*\1\s*\)/g, '')
    .replace(/^\s*import\s+(['"])[^'"]*\1/gm, '');
  const found: string[] = [];
  for (const m of withoutImports.matchAll(/(['"`])((?:(?!\1)[^\\\n$])+)\1/g)) {
    const s = m[2]!;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /\s/.test(s)) continue;
    const looksLikePath = s.startsWith('./') || s.startsWith('../') || s.startsWith('/') || /[\\/]/.test(s) || FILE_NAME.test(s);
    if (looksLikePath && !found.includes(s)) found.push(s);
  }
  return found;
}
