// Test-only loader for the golden fixtures written by tools/reference/core_eval.py.
import { readFileSync } from 'node:fs';

export interface KnnCase {
  k: number;
  temperature: number;
  numClasses: number;
  trainEmb: number[][];
  trainLabels: number[];
  testEmb: number[][];
  testLabels: number[];
  predictions: number[];
  accuracy: number;
}

export interface EvalFixture {
  knn: KnnCase[];
  probe: { trainX: number[][]; trainY: number[]; testX: number[][]; testY: number[]; sklearnAccuracy: number; sklearnTrainAccuracy: number };
  pca: { x: number[][]; components: number[][]; coords: number[][] };
  collapse: { z: number[][]; std: number }[];
  alignUniform: { x: number[][]; y: number[][]; alignment: number; uniformity: number };
}

let cached: EvalFixture | null = null;

export function loadEvalFixture(): EvalFixture {
  cached ??= JSON.parse(readFileSync(new URL('./core_eval.json', import.meta.url), 'utf8')) as EvalFixture;
  return cached;
}
