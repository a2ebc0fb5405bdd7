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
  try {
    const v = JSON.parse(line);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}:${n}: invalid JSON line (${(e as Error).message})`);
  }
}

function field(file: string, n: number, obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`${file}:${n}: field "${key}" must be a non-empty string`);
  return v;
}

/**
 * Parses a training corpus: one passage per line, or JSONL (`options.jsonl`, or when the first non-empty
 * line starts with `{`) with a `text` field. Blank lines are skipped. Throws on an empty corpus. `file`
 * names the source in errors (`file:line`).
 */
export function parseCorpus(text: string, file: string, options: { jsonl?: boolean } = {}): string[] {
  const lines = splitLines(text);
  const jsonl =
    options.jsonl === true ||
    lines
      .find((l) => l.trim())
      ?.trim()
      .startsWith('{') === true;
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (!l.trim()) return;
    out.push(jsonl ? field(file, i + 1, parseJsonLine(file, l, i + 1), 'text') : l.trim());
  });
  if (out.length === 0) throw new Error(`${file}: corpus is empty (no non-blank lines)`);
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
  if (out.length === 0) throw new Error(`${file}: no triplets (expected JSONL lines {"text","positive","negative"})`);
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
  if (out.length === 0) throw new Error(`${file}: no retrieval pairs (expected JSONL lines {"query","document"})`);
  return out;
}

/** Parses STS pairs from a TSV `sentence1 \t sentence2 \t score` (a header line naming the columns is skipped). */
export function parseStsPairs(text: string, file: string): StsPair[] {
  const out: StsPair[] = [];
  splitLines(text).forEach((l, i) => {
    if (!l.trim()) return;
    const cols = l.split('\t');
    if (i === 0 && /^sentence1$/i.test(cols[0]!.trim())) return;
    if (cols.length < 3)
      throw new Error(`${file}:${i + 1}: expected 3 tab-separated columns (sentence1, sentence2, score), got ${cols.length}`);
    const score = Number(cols[2]);
    if (!Number.isFinite(score)) throw new Error(`${file}:${i + 1}: score must be a number, got '${cols[2]}'`);
    out.push({ sentence1: cols[0]!, sentence2: cols[1]!, score });
  });
  if (out.length < 2) throw new Error(`${file}: need at least 2 STS pairs for a Spearman correlation`);
  return out;
}
