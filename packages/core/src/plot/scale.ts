/**
 * Axis scales and "nice" tick positions (steps of 1, 2 or 5 × 10^k, as most plotting libraries choose),
 * mapping data values to pixel positions.
 */

/** Maps a data value to a pixel coordinate; `ticks` are data values worth labelling. */
export interface Scale {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly log: boolean;
  map(value: number): number;
  ticks(): number[];
}

/** A step of 1, 2, 2.5 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

/**
 * Expands [lo, hi] outward to multiples of a nice step; a zero-width domain gets a small pad so a
 * constant series still draws a flat line in the middle.
 */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const clean = (v: number): number => Number(v.toPrecision(12));
  return [clean(Math.floor(lo / step + 1e-9) * step), clean(Math.ceil(hi / step - 1e-9) * step)];
}

/** Ticks at multiples of a nice step within [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  const step = niceStep(hi - lo, count);
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** Linear scale from `domain` to pixel `range` (range may be reversed for a y axis). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number], tickCount = 5): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return {
    domain,
    range,
    log: false,
    map: (v) => r0 + (v - d0) * k,
    ticks: () => linearTicks(d0, d1, tickCount),
  };
}

/** Base-10 log scale; domain values must be > 0. Ticks at powers of ten (and 2×, 5× when few decades). */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  return {
    domain,
    range,
    log: true,
    map: (v) => r0 + (Math.log10(v) - l0) * k,
    ticks: () => {
      const out: number[] = [];
      const decades = l1 - l0;
      const mults = decades <= 2 ? [1, 2, 5] : [1];
      const stride = Math.max(1, Math.ceil(decades / 6));
      for (let e = Math.floor(l0); e <= Math.ceil(l1); e += stride) {
        for (const m of mults) {
          const v = m * 10 ** e;
          if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9)) out.push(Number(v.toPrecision(12)));
        }
      }
      return out;
    },
  };
}

/**
 * Log domain expanded outward to the nearest 1-2-5 × 10^k values (so a curve from 0.52 to 5.8 gets
 * [0.5, 10], not [0.1, 10]); a constant series gets a ±factor-2 pad.
 */
export function logDomain(lo: number, hi: number): [number, number] {
  if (lo === hi) return [lo / 2, hi * 2];
  const steps = [1, 2, 5, 10];
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.floor(Math.log10(hi));
  let l = 10 ** e0;
  for (const m of steps) if (m * 10 ** e0 <= lo * (1 + 1e-9)) l = m * 10 ** e0;
  let h = 10 ** (e1 + 1);
  for (const m of [...steps].reverse()) if (m * 10 ** e1 >= hi * (1 - 1e-9)) h = m * 10 ** e1;
  return [Number(l.toPrecision(12)), Number(h.toPrecision(12))];
}

/** Short tick label: integers as is, otherwise up to 4 significant digits, exponent form when tiny/huge. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(1).split('e');
    return `${m!.replace(/\.0$/, '')}e${Number(e)}`;
  }
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}
