/** SentencePiece's word-boundary mark (U+2581 LOWER ONE EIGHTH BLOCK): a piece starting with it starts a word. */
export const METASPACE = '\u2581';

/**
 * The text a {@link Seq2SeqTokenizer} round-trips to: Unicode NFC (so a precomposed and a decomposed "ü" are the
 * same token), U+2581 treated as a space, every whitespace run collapsed to one space, trimmed. Case, accents and
 * punctuation are kept — German output must be scored with BLEU as it is.
 */
export function normalizeSeq2SeqText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\s\u2581]+/gu, ' ')
    .trim();
}

// Within a whitespace-delimited word: a letter run (with combining marks), a digit run, or a run of anything else.
// Merges never cross these borders, so "Datei." learns "▁Datei" and "." rather than "▁Datei." — as SentencePiece's
// split_by_unicode_script / split_by_number.
const SEGMENT = /\u2581?(?:[\p{L}\p{M}]+|\p{N}+|[^\p{L}\p{M}\p{N}\u2581]+)|\u2581/gu;

/**
 * Splits normalised text into the segments BPE works within: each word gets the {@link METASPACE} prefix on its
 * first segment, then the word splits into letter / digit / other runs. Concatenating the segments and turning
 * ▁ back into spaces gives ` ` + the normalised text. Pure.
 */
export function metaspaceSegments(text: string): string[] {
  const norm = normalizeSeq2SeqText(text);
  if (norm === '') return [];
  const out: string[] = [];
  for (const word of norm.split(' ')) {
    const m = `${METASPACE}${word}`.match(SEGMENT);
    if (m) out.push(...m);
  }
  return out;
}
