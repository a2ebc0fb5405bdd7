/**
 * Child of io.faults.test.ts: fast-check over the IDX parser. Every input must give a clean array (data of
 * exactly product(dims) bytes) or a DataFormatError naming the file; anything else (a raw RangeError, a stack
 * overflow, a hang, a multi-gigabyte allocation) fails. Exits 0 when all inputs pass, 1 with the counterexample.
 * argv[2]: number of runs (default 400).
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { DataFormatError } from '../io/errors.js';
import { parseIdx } from '../io/idx.js';

const NAME = 'fuzz-images-idx3-ubyte';
const numRuns = Number(process.argv[2] ?? 400);

const dim = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(28, 255, 256, 65_535, 2 ** 24, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1));

const input = fc.record({
  magic: fc.oneof(fc.constant([0, 0]), fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))),
  dtype: fc.oneof(fc.constant(0x08), fc.integer({ min: 0, max: 255 })),
  dims: fc.array(dim, { minLength: 0, maxLength: 6 }),
  ndimsLie: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
  // Bytes of data relative to what the dims declare (capped: the fuzzer never writes more than 64 KiB).
  extra: fc.integer({ min: -64, max: 64 }),
  gzip: fc.boolean(),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
});

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

function build(i: Input): Uint8Array {
  const header = new Uint8Array(4 + 4 * i.dims.length);
  header[0] = i.magic[0]!;
  header[1] = i.magic[1]!;
  header[2] = i.dtype;
  header[3] = i.ndimsLie ?? i.dims.length;
  const view = new DataView(header.buffer);
  i.dims.forEach((d, k) => view.setUint32(4 + 4 * k, d >>> 0, false));
  const declared = i.dims.reduce((a, b) => a * b, 1);
  const n = Math.max(0, Math.min(65_536, (Number.isFinite(declared) ? declared : 0) + i.extra));
  const body = Uint8Array.from({ length: n }, (_, k) => (k * 31) & 255);
  let bytes: Uint8Array = new Uint8Array(header.length + n);
  bytes.set(header);
  bytes.set(body, header.length);
  if (i.gzip) bytes = gzipSync(bytes);
  bytes = Uint8Array.from(bytes);
  for (const [pos, value] of i.flips) if (bytes.length > 0) bytes[pos % bytes.length] = value;
  if (i.cut !== undefined && bytes.length > 0) bytes = bytes.subarray(0, i.cut % bytes.length);
  return bytes;
}

try {
  fc.assert(
    fc.property(input, (i) => {
      const bytes = build(i);
      try {
        const out = parseIdx(bytes, NAME);
        const count = out.dims.reduce((a, b) => a * b, 1);
        if (out.data.length !== count) throw new Error(`parsed dims [${out.dims}] but ${out.data.length} bytes`);
      } catch (err) {
        if (!(err instanceof DataFormatError) || !err.message.includes(NAME) || err.file !== NAME) throw err;
      }
    }),
    { numRuns, seed: 18 },
  );
  console.log(`fuzz-idx: ${numRuns} inputs, all clean or typed errors naming the file`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
