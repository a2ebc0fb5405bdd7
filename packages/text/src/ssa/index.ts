export { tokenizeWords, WordVocabulary, PAD_ID, PAD_TOKEN } from './words.js';
export { trainSkipGram } from './sgns.js';
export type { SkipGramOptions } from './sgns.js';
export { Word2VecTextReader, WordVectorsFormatError } from './word2vec-text.js';
export { kMeans } from './kmeans.js';
export type { KMeansOptions, KMeansResult } from './kmeans.js';
export {
  ssaAttention,
  meanEncoder,
  aspectReconstruction,
  ssclLoss,
  orthogonalityPenalty,
  orthogonalityWeight,
  noamLearningRate,
  unitRows,
  SSA_SMOOTH_FACTOR,
} from './ssa-math.js';
export type { SsaAttention, AspectReconstruction } from './ssa-math.js';
export { SsaModel, SSA_ENCODERS } from './ssa-model.js';
export type { SsaEncoderKind, SsaModelOptions } from './ssa-model.js';
export { SsclMethod } from './sscl-method.js';
export type { SsclOptions, SsclSchedule } from './sscl-method.js';
export { padBatch, trainingSentences, ssaBatches, ssaStepsPerEpoch, SSA_MAX_LEN, SSA_MIN_LEN, SSA_BATCH_SIZE } from './ssa-data.js';
export type { SsaBatch } from './ssa-data.js';
export { aspectWeights, sentenceMeans, centroidScores, aspectTopWords } from './aspect-weights.js';
export {
  parseAspectMapping,
  formatAspectMapping,
  automaticAspectMapping,
  predictAspectLabel,
  goldForScoring,
  mapPredictions,
  AspectMappingError,
  NOMAP,
  NONE_LABEL,
} from './hrs-map.js';
export type { AspectMapping } from './hrs-map.js';
export { classificationScores } from './metrics.js';
export type { ClassificationScores, LabelScores } from './metrics.js';
export { teacherSoftLabels, distillationKeep, DistillStudent } from './distill.js';
export type { TeacherLabels, DistillFilterOptions, StudentBatch, DistillStudentOptions } from './distill.js';
export { runDistillation } from './distill-run.js';
export type { DistillationRun, DistillationResult } from './distill-run.js';
