/** Captures a CLI run's two output streams: pass `out` and `err` to `run(argv, out, err)`, read `lines` / `errs`. */
export function io(): { lines: string[]; errs: string[]; out: (s: string) => void; err: (s: string) => void } {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, out: (s) => void lines.push(s), err: (s) => void errs.push(s) };
}
