/** Captures a CLI run's two output streams: pass `out` and `err` to `run(argv, out, err)`, read `lines` / `errs`. */
export { captureIo as io } from '@contrastive/test-utils';
