import { corpusBleu } from '../metrics/bleu.js';
import { corpusRouge } from '../metrics/rouge.js';

/** Corpus scores of generated texts against one reference each (all on the 0–100 scale). */
export interface GenerationScores {
  /** sacreBLEU-compatible corpus BLEU (13a, cased). */
  bleu: number;
  /** Mean ROUGE-1 / ROUGE-2 / ROUGE-L F1 (rouge-score, Porter2 stemming), ×100. */
  rouge1: number;
  rouge2: number;
  rougeL: number;
  /** Share of empty hypotheses (a degenerate decoder shows here first). */
  emptyShare: number;
  /** Mean hypothesis / reference length in whitespace words. */
  lengthRatio: number;
}

/** BLEU and ROUGE of `hypotheses[i]` against `references[i]`. */
export function scoreGenerations(hypotheses: readonly string[], references: readonly string[]): GenerationScores {
  const bleu = corpusBleu(hypotheses, references).score;
  const r = corpusRouge(hypotheses, references, { types: ['rouge1', 'rouge2', 'rougeL'], useStemmer: true });
  const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;
  const hypWords = hypotheses.reduce((a, h) => a + words(h), 0);
  const refWords = references.reduce((a, h) => a + words(h), 0);
  return {
    bleu,
    rouge1: r.rouge1.f1 * 100,
    rouge2: r.rouge2.f1 * 100,
    rougeL: r.rougeL.f1 * 100,
    emptyShare: hypotheses.filter((h) => h.trim() === '').length / Math.max(1, hypotheses.length),
    lengthRatio: refWords === 0 ? 0 : hypWords / refWords,
  };
}
