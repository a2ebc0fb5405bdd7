import { TextDataError } from '../../errors.js';

/** Parallel texts, aligned by index: `targets[i]` is the reference for `sources[i]`. */
export interface ParallelTexts {
  sources: string[];
  targets: string[];
}

/** Options of {@link parseParallelJsonl} / `readParallelJsonl`. */
export interface ParallelJsonlOptions {
  /** Field holding the source text. Default `'source'` (catalogs-data); `'document'` for manpages-data's pairs. */
  sourceField?: string;
  /** Field holding the target text. Default `'target'` (catalogs-data); `'query'` for manpages-data's pairs. */
  targetField?: string;
}

function lines(text: string): string[] {
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (all.length > 0 && all[all.length - 1]!.trim() === '') all.pop(); // trailing blank lines are tolerated
  return all;
}

/**
 * Parses JSONL parallel data: one object per line with string fields `sourceField` and `targetField` (other fields
 * ignored; blank lines skipped). Throws a {@link TextDataError} naming `file` and the 1-based line for invalid JSON,
 * a missing or non-string field (listing the fields the line has), or a blank text; and one naming the file when
 * it holds no pair. Pure.
 */
export function parseParallelJsonl(text: string, file: string, options: ParallelJsonlOptions = {}): ParallelTexts {
  const { sourceField = 'source', targetField = 'target' } = options;
  const sources: string[] = [];
  const targets: string[] = [];
  lines(text).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new TextDataError(file, `not valid JSON (${(e as Error).message})`, line);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new TextDataError(file, 'expected a JSON object', line);
    const o = obj as Record<string, unknown>;
    const get = (field: string, role: string): string => {
      const v = o[field];
      if (v === undefined) {
        const hint = 'document' in o && 'query' in o ? " (manpages-data pairs: source field 'document', target field 'query')" : '';
        throw new TextDataError(
          file,
          `no ${role} field '${field}' (the line has: ${Object.keys(o).join(', ') || 'no fields'})${hint}`,
          line,
        );
      }
      if (typeof v !== 'string')
        throw new TextDataError(file, `${role} field '${field}' must be a string, got ${JSON.stringify(v)?.slice(0, 40)}`, line);
      if (v.trim() === '') throw new TextDataError(file, `empty ${role} ('${field}')`, line);
      return v;
    };
    sources.push(get(sourceField, 'source'));
    targets.push(get(targetField, 'target'));
  });
  if (sources.length === 0) throw new TextDataError(file, 'no pairs (the file is empty)');
  return { sources, targets };
}

/**
 * Parses two line-aligned text files (line i of `sourceText` translates to line i of `targetText`). Trailing blank
 * lines are tolerated; different line counts are a {@link TextDataError} naming both files and counts; a blank line
 * anywhere else is one naming its file and 1-based line. Pure.
 */
export function parseParallelText(sourceText: string, targetText: string, sourceFile: string, targetFile: string): ParallelTexts {
  const sources = lines(sourceText);
  const targets = lines(targetText);
  if (sources.length !== targets.length)
    throw new TextDataError(
      sourceFile,
      `has ${sources.length} line(s) but the target file ${targetFile} has ${targets.length}; the two files must be line-aligned`,
    );
  if (sources.length === 0) throw new TextDataError(sourceFile, `no pairs (${sourceFile} and ${targetFile} are empty)`);
  for (const [texts, file, role] of [
    [sources, sourceFile, 'source'],
    [targets, targetFile, 'target'],
  ] as const) {
    const i = texts.findIndex((t) => t.trim() === '');
    if (i >= 0) throw new TextDataError(file, `empty ${role} line`, i + 1);
  }
  return { sources, targets };
}
