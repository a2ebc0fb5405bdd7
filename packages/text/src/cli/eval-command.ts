import type { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { disposeEncoder } from '../frozen/load-encoder.js';
import { optStr, parseFlags, str } from './args.js';
import { loadModelFromFlags, MODEL_FLAG_HELP, MODEL_FLAG_SPEC } from './model-flags.js';
import { describeMetrics, loadTask } from './tasks.js';

export const EVAL_HELP = `contrastive-text eval — evaluate a saved encoder against BM25

  --checkpoint DIR           a folder written by 'train', any HF BERT folder with model.safetensors and
                             tokenizer.json, or a frozen ONNX folder (config.json, tokenizer.json,
                             onnx/model.onnx) run by onnxruntime — e.g. a pretrained baseline
  --task retrieval|sts       default: from --pairs' extension (.jsonl retrieval, .tsv sts)
  --pairs FILE               retrieval: JSONL {"query","document"}; sts: TSV sentence1<TAB>sentence2<TAB>score
  --pooling cls|cls-mlp|mean default: the pooling saved with the model, else cls
  ${MODEL_FLAG_HELP.runtime}
  ${MODEL_FLAG_HELP.dtype}
  --backend NAME             tfjs only: tensorflow|wasm|cpu
  --json                     print one JSON line {"task","runtime","backend","seconds","trained","bm25"}
  --help`;

const SPEC = { ...MODEL_FLAG_SPEC, task: 'string', pairs: 'string', json: 'boolean', help: 'boolean' } as const;

export async function evalCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const f = parseFlags(argv, SPEC);
  if (f.help) {
    out(EVAL_HELP);
    return;
  }
  str(f, 'checkpoint');
  const task = loadTask(str(f, 'pairs'), optStr(f, 'task'));
  const start = performance.now();
  const { loaded, backend, pooling } = await loadModelFromFlags(f);
  let trained;
  try {
    // The tasks only call `encode`, which both encoders offer with the same signature.
    trained = await task.run(loaded.encoder as SentenceEncoder, 'encoder', pooling);
  } finally {
    await disposeEncoder(loaded);
  }
  const bm25 = task.bm25();
  const seconds = Math.round((performance.now() - start) / 100) / 10;
  if (f.json) out(JSON.stringify({ task: task.task, runtime: loaded.runtime, backend, seconds, trained, bm25 }));
  else {
    out(`encoder  ${describeMetrics(trained)}`);
    out(`bm25     ${describeMetrics(bm25)}`);
  }
}
