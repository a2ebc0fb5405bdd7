import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { createRng, type Method, type Rng, type TrainCallbacks } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../data/graph.js';
import { karateClub } from '../data/karate-club.js';
import { CG3 } from './cg3.js';
import { GCNBaseline } from './gcn-baseline.js';
import type { GraphLevelMethod, NodeMethod } from './graph-method.js';
import { GraphCL } from './graphcl.js';
import { JOAO } from './joao.js';
import type { NodeTask } from './node-task.js';
import { toyGraphs } from './test-utils/toy-graphs.js';

// A run interrupted inside an epoch and resumed from core train()'s step checkpoint must end exactly like
// the uninterrupted run: every random draw of a step (views, JOAO's pairs, CG3's dropout masks) comes from
// info.rng or checkpointed state (JOAO's p), so the resumed steps replay the uninterrupted ones bit for bit.
// (CG3 used to seed its dropout from a private step counter that a resumed instance restarted at 0.)

useCpuLeakCheck();
const tmp = useTempDir('graph-resume-');

const EPOCHS = 2;
const STEPS_PER_EPOCH = 3;
// Saves follow step 2 of each epoch and each epoch end; a crash in the last step of epoch 2 (global
// step 5) leaves the save after its step 2 as the checkpoint.
const CRASH_AT = 5;

const graphs = toyGraphs(12, 7);
function* graphBatches(_epoch: number, rng: Rng): Generator<Graph[]> {
  const perm = rng.permutation(graphs.length);
  for (let s = 0; s < graphs.length; s += 4) yield Array.from(perm.subarray(s, s + 4), (i) => graphs[i]!);
}

const karate = karateClub();
const labels = new Int32Array(34).fill(-1);
for (const i of [0, 1, 32, 33]) labels[i] = karate.nodeLabels![i]!;
const task: NodeTask = { graph: karate, labels, numClasses: 2 };

interface Case {
  make(): GraphLevelMethod | NodeMethod;
  batches(epoch: number, rng: Rng): Iterable<Graph[] | NodeTask>;
  callbacks?(method: GraphLevelMethod | NodeMethod): TrainCallbacks[];
}

const small = { inputDim: 3, hidden: 8, layers: 2, seed: 1 };
const cases: Record<string, Case> = {
  graphcl: { make: () => new GraphCL(small), batches: graphBatches },
  // JOAO also updates its checkpointed pair distribution p at every epoch end.
  joao: {
    make: () => new JOAO(small),
    batches: graphBatches,
    callbacks: (m) => [(m as GraphLevelMethod).callbacks!(graphs, 4)],
  },
  joaov2: { make: () => new JOAO({ ...small, v2: true }), batches: graphBatches },
  // Full-batch node methods: an "epoch" of three steps on the whole graph, each with fresh dropout masks.
  cg3: { make: () => new CG3(task, { seed: 1, hiddenLocal: 8, hiddenGlobal: 8 }), batches: () => [task, task, task] },
  gcn: { make: () => new GCNBaseline(task, { seed: 1, hidden: 8 }), batches: () => [task, task, task] },
};

async function run(name: string, dir: string, opts: { resume?: boolean; crash?: boolean } = {}) {
  const c = cases[name]!;
  const method = c.make();
  const crash: TrainCallbacks = {
    onStepEnd: (globalStep) => {
      if (globalStep === CRASH_AT) throw new Error('simulated crash');
    },
  };
  try {
    const result = await train<Graph[] | NodeTask>({
      // One loop for both batch kinds: each case's batches are the kind its method takes.
      method: method as unknown as Method<Graph[] | NodeTask>,
      batches: c.batches,
      epochs: EPOCHS,
      stepsPerEpoch: STEPS_PER_EPOCH,
      seed: 3,
      checkpointDir: dir,
      checkpointEverySteps: 2,
      resume: opts.resume ?? false,
      callbacks: [...(c.callbacks?.(method) ?? []), ...(opts.crash ? [crash] : [])],
      progress: false,
      disposeBatch: false,
    });
    const state = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    return { losses: result.losses, state };
  } finally {
    method.dispose();
  }
}

describe('a graph method interrupted inside an epoch', () => {
  for (const name of Object.keys(cases)) {
    it(`${name}: resumes from the step checkpoint to exactly the uninterrupted losses and weights`, async () => {
      const full = await run(name, tmp(`${name}-full`));
      const dir = tmp(`${name}-cut`);
      await expect(run(name, dir, { crash: true })).rejects.toThrow('simulated crash');
      const saved = JSON.parse(await readFile(tmp(`${name}-cut`, 'checkpoint.json'), 'utf8')) as {
        meta: { epoch: number; stepInEpoch: number };
      };
      expect([saved.meta.epoch, saved.meta.stepInEpoch]).toEqual([1, 2]);
      const resumed = await run(name, dir, { resume: true });
      expect(resumed.losses).toHaveLength(EPOCHS * STEPS_PER_EPOCH);
      expect(resumed.losses).toEqual(full.losses);
      expect(Object.keys(resumed.state)).toEqual(Object.keys(full.state));
      for (const k of Object.keys(full.state)) expect({ k, v: resumed.state[k] }).toEqual({ k, v: full.state[k] });
    });
  }

  it('cg3: the dropout masks of a step come from info.rng (same step info → same loss, other step → other loss)', () => {
    const lossAt = (seed: number): number => {
      const m = new CG3(task, { seed: 1, hiddenLocal: 8, hiddenGlobal: 8 });
      try {
        return tf.tidy(() => m.loss(createRng(seed)).dataSync()[0]!);
      } finally {
        m.dispose();
      }
    };
    expect(lossAt(5)).toBe(lossAt(5));
    expect(lossAt(5)).not.toBe(lossAt(6));
  });
});
