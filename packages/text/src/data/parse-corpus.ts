import { TextDataError } from '../errors.js';

/** A retrieval pair: `query` should find `document`. */
export interface RetrievalPair {
  query: string;
  document: string;
}

/** An STS pair with a gold similarity score. */
export interface StsPair {
  sentence1: string;
  sentence2: string;
  score: number;
}

/** A supervised SimCSE triplet: an anchor, an entailed positive, a contradicting hard negative. */
export interface Triplet {
  text: string;
  positive: string;
  negative: string;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

function parseJsonLine(file: string, line: string, n: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new TextDataError(file, `invalid JSON line (${(e as Error).message})`, n);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TextDataError(file, 'invalid JSON line (not a JSON object)', n);
  return v as Record<string, unknown>;
}

function field(file: string, n: number, obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '') throw new TextDataError(file, `field "${key}" must be a non-empty string`, n);
  return v;
}

/** One passage of a corpus and the 1-based line it was read from. */
export interface CorpusEntry {
  text: string;
  line: number;
}

/**
 * Parses a training corpus: one passage per line, or JSONL (`options.jsonl`, or when the first non-empty
 * line starts with `{`) with a `text` field. Blank lines are skipped. Throws on an empty corpus. `file`
 * names the source in errors (`file:line`).
 */
export function parseCorpus(text: string, file: string, options: { jsonl?: boolean } = {}): string[] {
  return parseCorpusEntries(text, file, options).map((e) => e.text);
}

/** {@link parseCorpus} with the line number of each passage (for messages that name the input line). */
export function parseCorpusEntries(text: string, file: string, options: { jsonl?: boolean } = {}): CorpusEntry[] {
  const lines = splitLines(text);
  const jsonl =
    options.jsonl === true ||
    lines
      .find((l) => l.trim())
      ?.trim()
      .startsWith('{') === true;
  const out: CorpusEntry[] = [];
  lines.forEach((l, i) => {
    if (!l.trim()) return;
    out.push({ text: jsonl ? field(file, i + 1, parseJsonLine(file, l, i + 1), 'text') : l.trim(), line: i + 1 });
  });
  if (out.length === 0) throw new TextDataError(file, 'corpus is empty (no non-blank lines)');
  return out;
}

/** Parses JSONL triplets `{"text", "positive", "negative"}` (supervised SimCSE). */
export function parseTriplets(text: string, file: string): Triplet[] {
  const out: Triplet[] = [];
  splitLines(text).forEach((l, i) => {
    if (!l.trim()) return;
    const o = parseJsonLine(file, l, i + 1);
    out.push({
      text: field(file, i + 1, o, 'text'),
      positive: field(file, i + 1, o, 'positive'),
      negative: field(file, i + 1, o, 'negative'),
    });
  });
  if (out.length === 0) throw new TextDataError(file, 'no triplets (expected JSONL lines {"text","positive","negative"})');
  return out;
}

/** Parses retrieval pairs, JSONL `{"query", "document"}`. */
export function parseRetrievalPairs(text: string, file: string): RetrievalPair[] {
  const out: RetrievalPair[] = [];
  splitLines(text).forEach((l, i) => {
    if (!l.trim()) return;
    const o = parseJsonLine(file, l, i + 1);
    out.push({ query: field(file, i + 1, o, 'query'), document: field(file, i + 1, o, 'document') });
  });
  if (out.length === 0) throw new TextDataError(file, 'no retrieval pairs (expected JSONL lines {"query","document"})');
  return out;
}

/**
 * Parses STS pairs from a TSV `sentence1 \t sentence2 \t score` (a header line naming the columns is skipped).
 * At least 2 pairs and 2 different gold scores are required (Spearman's rho is undefined otherwise).
 */
export function parseStsPairs(text: string, file: string): StsPair[] {
  const out: StsPair[] = [];
  splitLines(text).forEach((l, i) => {
    if (!l.trim()) return;
    const cols = l.split('\t');
    if (i === 0 && /^sentence1$/i.test(cols[0]!.trim())) return;
    if (cols.length < 3)
      throw new TextDataError(file, `expected 3 tab-separated columns (sentence1, sentence2, score), got ${cols.length}`, i + 1);
    for (const c of [0, 1]) {
      if (cols[c]!.trim() === '') throw new TextDataError(file, `sentence${c + 1} (column ${c + 1}) must be a non-empty text`, i + 1);
    }
    const score = Number(cols[2]);
    if (cols[2]!.trim() === '' || !Number.isFinite(score))
      throw new TextDataError(file, `score must be a finite number, got '${cols[2]}'`, i + 1);
    out.push({ sentence1: cols[0]!, sentence2: cols[1]!, score });
  });
  if (out.length < 2) throw new TextDataError(file, 'need at least 2 STS pairs for a Spearman correlation');
  // Spearman's rho is undefined (0/0) when one side is constant: refuse rather than report null.
  if (out.every((p) => p.score === out[0]!.score))
    throw new TextDataError(
      file,
      `every gold score is ${out[0]!.score}: Spearman's correlation is undefined when the gold scores are all equal (need at least two different scores)`,
    );
  return out;
}
