/**
 * When two texts count as the same text for CMCL's sets: the same words in the same order, ignoring case,
 * punctuation and spacing ("A frog." and "a frog", "Tux—the Linux mascot!" and "Tux – the Linux mascot!").
 * A tokenizer that lowercases and splits off punctuation gives them (nearly) the same input, so keeping one
 * as a negative of an image whose positive is the other would be a false negative.
 */

/**
 * The comparison key of a text: NFKC, lowercase, its runs of letters (with their combining marks) and digits joined by single spaces. A text
 * with no letter or digit keys as itself (trimmed), so two different punctuation-only strings stay different.
 */
export function textKey(text: string): string {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{M}\p{N}]+/gu);
  return words === null ? `\u0000${text.trim()}` : words.join(' ');
}
