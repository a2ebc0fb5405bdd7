import type { FaultCase } from '@contrastive/test-utils';

/**
 * The text package's rows of docs/reliability.md: each hostile input or fault tried on a parser, a library
 * function or the `contrastive-text` CLI, and what it gets. Every row is proven by a test naming its id.
 */
export const FAULT_CASES: FaultCase[] = [
  // Item 1: a diverged or corrupt model never reports a score.
  {
    id: 'text/dense-rank-nan',
    surface: 'denseRanks (retrieval ranking)',
    input: 'query or document embeddings holding NaN (the gold score is NaN)',
    outcome: 'a NaN score ranks worst: a NaN gold document ranks last, a NaN document never outranks the gold one (R@1 = 0, not 1.0)',
    issueItem: 1,
  },
  {
    id: 'text/eval-nonfinite-embedding',
    surface: 'evaluateRetrieval / evaluateSts',
    input: 'an encoder returning NaN or Infinity vectors',
    outcome: 'NonFiniteEmbeddingError (code ENONFINITE) naming the query/document/pair index; no metric is computed',
    issueItem: 1,
  },
  {
    id: 'text/diverging-lr',
    surface: 'contrastive-text train (simcse, consert)',
    input: '--lr 1e9 on the fixture corpus, tiny BERT',
    outcome:
      'exit 1 with "training diverged: the loss is NaN at step N …" (TrainingDivergedError); no model/ and no summary.json written, only run.json, losses.csv and the last good checkpoint',
    issueItem: 1,
  },
  {
    id: 'text/diverging-lr-resume',
    surface: 'contrastive-text train --resume',
    input: 'a run with --lr 1e9 whose first attempt diverged after a good checkpoint, resumed',
    outcome: 'exit 1 again; checkpoint/ byte-identical to before the resume, no model/ written',
    issueItem: 1,
  },
  {
    id: 'text/nan-weights-model',
    surface: 'contrastive-text eval / encode, loadSentenceEncoder',
    input: 'a model folder whose model.safetensors holds NaN weights (a diverged model saved by an older version)',
    outcome: 'exit 1: SafetensorsError naming the file and the tensor ("holds N NaN … values"); nothing on stdout',
    issueItem: 1,
  },
  {
    id: 'text/overflow-model-encode',
    surface: 'contrastive-text encode',
    input: 'a model with finite but overflowing weights (an FFN weight of ±3e38) whose vectors come out NaN',
    outcome: 'exit 1: NonFiniteEmbeddingError naming <input>:<line> and the text; no JSONL line on stdout, no --output file',
    issueItem: 1,
  },
  {
    id: 'text/overflow-model-eval',
    surface: 'contrastive-text eval (retrieval and STS)',
    input: 'the same overflowing model',
    outcome: 'exit 1: NonFiniteEmbeddingError naming the document/pair; no score printed',
    issueItem: 1,
  },
  {
    id: 'text/save-nonfinite-model',
    surface: 'saveSentenceEncoder / saveBertCheckpoint',
    input: 'a BERT whose weights hold NaN, saved over an earlier model folder',
    outcome: "core's NonFiniteStateError naming the weights; the earlier folder byte-identical (nothing written)",
    issueItem: 1,
  },
  {
    id: 'text/safetensors-negative-offsets',
    surface: 'readSafetensors, loadBertCheckpoint, contrastive-text eval',
    input: 'model.safetensors whose data_offsets are negative ([-1000, -936])',
    outcome: 'SafetensorsError naming the file and the tensor ("data_offsets must be [begin, end] of non-negative integers"); eval exit 1',
    issueItem: 1,
  },
  // Item 4: sizes are checked against what the file holds before allocating.
  {
    id: 'text/config-vocab-1e7',
    surface: 'loadBertCheckpoint (config.json + model.safetensors)',
    input: 'config.json vocab_size 1e7 next to a 27 KB model.safetensors',
    outcome:
      "ModelFileError naming config.json's field ('vocab_size' above the bound 1048576); with vocab_size 1e6 (within the bound) ModelFileError naming the weight and both shapes; peak RSS < 400 MB (was 5 GB)",
    issueItem: 4,
  },
  {
    id: 'text/config-bounds',
    surface: 'fromHfConfig / validateBertConfig',
    input: 'hidden_size 1e6, num_hidden_layers 1e4, intermediate_size 1e9, layer_norm_eps NaN, a config that is null',
    outcome: 'ModelFileError naming the file and the field, with the bound (BERT_CONFIG_BOUNDS) in the message',
    issueItem: 4,
  },
  // Item 8: no temporary folder left behind.
  {
    id: 'text/no-temp-folder',
    surface: 'contrastive-text train from scratch',
    input: 'a from-scratch run (corpus-built WordPiece vocabulary)',
    outcome: 'the tokenizer is written into <out>/tokenizer; the OS temp folder gets no contrastive-text-* entry',
    issueItem: 8,
  },
  // Item 9: every malformed safetensors header is a typed error naming the file and the tensor.
  {
    id: 'text/safetensors-missing-offsets',
    surface: 'readSafetensors',
    input: 'an entry without data_offsets',
    outcome: 'SafetensorsError (code ESAFETENSORS) naming the file and the tensor',
    issueItem: 9,
  },
  {
    id: 'text/safetensors-shape-not-array',
    surface: 'readSafetensors',
    input: 'shape "16" (a string), [2.5], [-1]',
    outcome: 'SafetensorsError naming the file and the tensor: shape must be an array of non-negative integers',
    issueItem: 9,
  },
  {
    id: 'text/safetensors-null-header',
    surface: 'readSafetensors',
    input: 'a header that is JSON null, an array, invalid JSON, invalid UTF-8, or an entry that is null',
    outcome: 'SafetensorsError naming the file (and the tensor for an entry)',
    issueItem: 9,
  },
  {
    id: 'text/safetensors-offsets-past-end',
    surface: 'readSafetensors',
    input: 'data_offsets ending past the end of the file (a truncated download)',
    outcome: 'SafetensorsError naming the file and the tensor and the data size',
    issueItem: 9,
  },
  {
    id: 'text/safetensors-overlap',
    surface: 'readSafetensors',
    input: 'two tensors whose byte ranges overlap, a gap between tensors, trailing bytes after the last one',
    outcome: 'SafetensorsError naming both tensors (overlap) or the gap / trailing bytes',
    issueItem: 9,
  },
  {
    id: 'text/safetensors-out-of-order',
    surface: 'readSafetensors',
    input: 'data_offsets [end, begin] (begin after end)',
    outcome: 'SafetensorsError naming the file and the tensor: out of order',
    issueItem: 9,
  },
  {
    id: 'text/safetensors-unknown-dtype',
    surface: 'readSafetensors',
    input: 'dtype "U8", "F8_E4M3", 7 or missing',
    outcome: 'SafetensorsError naming the file, the tensor and the supported dtypes',
    issueItem: 9,
  },
  {
    id: 'text/safetensors-header-too-long',
    surface: 'readSafetensors',
    input: 'a header length larger than the file, or above 100 MB (2^64 - 1)',
    outcome: 'SafetensorsError naming the file, the length and the file size (nothing allocated for it)',
    issueItem: 9,
  },
  // Item 10: misleading or late.
  {
    id: 'text/sts-constant-gold',
    surface: 'parseStsPairs / readStsPairs, contrastive-text eval and train --eval-pairs',
    input: 'an STS TSV whose gold scores are all equal',
    outcome:
      "TextDataError naming the file: Spearman's correlation is undefined (was spearman null); eval exit 1 before any model is loaded; train exit 1 before the run folder is created",
    issueItem: 10,
  },
  {
    id: 'text/resume-mismatch',
    surface: 'contrastive-text train --resume',
    input: '--resume with a different --method, --lr or --batch-size than run.json',
    outcome: 'exit 2 naming the flag, the recorded and the given value; the run folder byte-identical',
    issueItem: 10,
  },
  // Item 2: no silent overwrite.
  {
    id: 'text/finished-run-no-resume',
    surface: 'contrastive-text train',
    input: 'train into a finished run folder without --resume or --overwrite',
    outcome: 'exit 2 before training ("already holds a finished run; pass --resume … or --overwrite"); every file byte-identical',
    issueItem: 2,
  },
  {
    id: 'text/out-user-folder',
    surface: 'contrastive-text train --out',
    input: "--out naming a user's non-empty folder (holding a config.json), or a file",
    outcome: 'exit 2 before training; the folder / file byte-identical',
    issueItem: 2,
  },
  // Item 7: a corrupt checkpoint is an error, not an absence.
  {
    id: 'text/resume-corrupt-checkpoint',
    surface: 'contrastive-text train --resume',
    input: 'checkpoint/checkpoint.json replaced by invalid JSON',
    outcome: 'non-zero exit naming checkpoint.json (CheckpointCorruptError); no training from scratch, the folder byte-identical',
    issueItem: 7,
  },
  {
    id: 'text/data-file-unreadable',
    surface: 'readCorpus / readTriplets / readRetrievalPairs / readStsPairs',
    input: 'a missing file, a folder given as the file',
    outcome: 'TextDataError (code ETEXTDATA) naming the file (file not found / cannot be read (EISDIR))',
  },
  {
    id: 'text/tokenizer-folder-name',
    surface: 'loadTokenizer, loadSentenceEncoder, OnnxSentenceEncoder.load',
    input: "a model folder whose own name holds a space, '+' or '%' (transformers.js reads it as a URL path)",
    outcome:
      'loadTokenizer and loadSentenceEncoder read it like any folder (the files are read directly, then @huggingface/tokenizers); OnnxSentenceEncoder.load, which loads the ONNX graph through transformers.js, fails naming the folder and saying to rename it (was: TokenizerFileError from loadTokenizer too; before that "Cannot read properties of undefined (reading \'tokenizer_class\')")',
  },
  // Fuzzing: each parser in a child process (capped heap, timeout, peak RSS bound).
  {
    id: 'text/fuzz-safetensors',
    surface: 'readSafetensors (fast-check, child process)',
    input: 'random bytes, and valid files with fuzzed header lengths, dtypes, shapes, offsets and truncations',
    outcome: 'a clean result or a SafetensorsError naming the file; 6000 inputs in about 1 s, no hang (30 s timeout), peak RSS < 300 MB',
    issueItem: 9,
  },
  {
    id: 'text/fuzz-bert-config',
    surface: 'bertFromSafetensors (config.json + model.safetensors, fast-check, child process)',
    input: 'config.json objects with fuzzed sizes (up to 2^40), types and nulls, against the 27 KB fixture weights',
    outcome: 'a model or a ModelFileError / SafetensorsError naming the file; 1000 configs in about 1 s, peak RSS < 400 MB',
    issueItem: 4,
  },
  {
    id: 'text/fuzz-tokenizer-json',
    surface: 'loadTokenizer (tokenizer.json / tokenizer_config.json, fast-check, child process)',
    input: 'invalid JSON, non-objects, fuzzed vocabularies, models and special tokens',
    outcome:
      'a tokenizer that encodes, or a TokenizerFileError naming the file; 400 folders in about 2 s, no hang, peak RSS < 400 MB. Found and fixed: a token id of 1e9 (transformers.js allocated an array that long: 37 s, gigabytes; now refused, ids < 2 × tokens + 1024) and a post-processor without its template (loaded, then a raw TypeError on the first text; now a probe text is encoded at load)',
    issueItem: 9,
  },
  {
    id: 'text/fuzz-data-readers',
    surface: 'parseCorpus, parseTriplets, parseRetrievalPairs, parseStsPairs (fast-check, child process)',
    input: 'arbitrary text, JSONL-like lines with fuzzed fields, TSV-like lines with fuzzed columns and scores',
    outcome:
      'a clean result or a TextDataError naming the file (and the line); 6000 inputs in under 1 s, peak RSS < 300 MB. Found and fixed: STS lines with an empty sentence were accepted',
    issueItem: 9,
  },
  // Issue "text, part 2": search indexes and validation.
  {
    id: 'text/index-other-encoder',
    surface: 'contrastive-text index --update / search',
    input: 'an index built by one encoder, updated or searched with --checkpoint of another (same architecture, other weights)',
    outcome: 'exit 2 naming both encoders (sha256 fingerprints of their files); the index folder byte-identical',
  },
  {
    id: 'text/index-not-an-index',
    surface: 'contrastive-text index --out',
    input: "a non-empty folder of the user's files as --out, with and without --overwrite",
    outcome:
      'exit 2 before anything is encoded ("is not an index folder … refusing to replace it even with --overwrite"); the files untouched',
  },
  {
    id: 'text/index-failed-write',
    surface: 'contrastive-text index --overwrite',
    input: 'a store write failing midway while an existing index is rebuilt',
    outcome: 'exit 1 with the error; the old index folder byte-identical, no temporary or old sibling folder left behind',
  },
  {
    id: 'text/pgvector-down-or-bare',
    surface: 'contrastive-text index --store pgvector',
    input: 'a PostgreSQL that is down, a server without the pgvector extension, no --database-url',
    outcome:
      'exit 1 "cannot reach the PostgreSQL server at host:port/db …" / "the database has no pgvector extension …", exit 2 without a URL; no index folder written (tested against a real throwaway server)',
  },
  {
    id: 'text/pgvector-stale-table',
    surface: 'contrastive-text search (pgvector)',
    input: "a table whose row count differs from the index folder's search.json (an interrupted index run, a row deleted by hand)",
    outcome: 'exit 1: "the index holds N vectors but …search.json records M: … run it again"; no hits printed',
  },
  {
    id: 'text/validation-no-gain',
    surface: 'contrastive-text train (every method)',
    input: 'a run whose validation MRR@10 never beats the untrained encoder',
    outcome:
      "validationWarnings says the saved model is the untrained encoder (the CLI puts it in the summary's notes and on stderr; model/ is the best-scoring encoder, byte-identical to its validation/best-<step>/); a gain within noise and a collapse (participation ratio < 2) are named too",
  },
  // Issue 28: sequence-to-sequence training and generation.
  {
    id: 'text/seq2seq-mismatched-lines',
    surface: 'contrastive-text train --method mle|claps (--train-source / --train-target)',
    input: 'a source file of 3 lines and a target file of 2',
    outcome: 'exit 1: "SRC: has 3 line(s) but the target file TGT has 2; the two files must be line-aligned"; no run folder created',
  },
  {
    id: 'text/seq2seq-empty-target',
    surface: 'contrastive-text train --method mle|claps (--train JSONL)',
    input: 'a JSONL pair whose "target" is the empty string (line 2)',
    outcome: 'exit 1: TextDataError "FILE:2: …" naming the field; no run folder created',
  },
  {
    id: 'text/seq2seq-diverging-lr',
    surface: 'contrastive-text train --method claps',
    input: '--lr 1e9 on a toy parallel corpus',
    outcome: 'exit 1 with "training diverged …" (TrainingDivergedError); no model/ and no summary.json written',
  },
  {
    id: 'text/generate-not-a-model',
    surface: 'contrastive-text generate',
    input: '--checkpoint naming a folder without seq2seq.json, or one whose weights were truncated',
    outcome:
      'exit 1: ModelFileError "DIR/seq2seq.json: not found: not a seq2seq model folder", or the checkpoint error naming the weights file; nothing printed on stdout',
  },
  {
    id: 'text/catalogs-unknown-lang',
    surface: 'contrastive-text catalogs-data',
    input: '--lang xx (no catalogs installed) or --lang "d e" (not a locale name)',
    outcome: 'exit 2 naming the locale folder searched and listing the languages that have catalogs; nothing written',
  },
];
