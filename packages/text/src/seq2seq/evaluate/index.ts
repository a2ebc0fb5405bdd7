// Generating and scoring with a seq2seq model (issue 28).
export { generateIds, generateTexts } from './generate.js';
export type { GenerateOptions, Seq2SeqTextCodec } from './generate.js';
export { scoreGenerations } from './scores.js';
export type { GenerationScores } from './scores.js';
export { corpusNll } from './valid-nll.js';
