// Child of the fault suite (run by runIsolated with a capped heap): fast-check over readSafetensors. Every input
// must give a clean result or a SafetensorsError naming the file; anything else (a raw RangeError from a DataView,
// a TypeError on a null entry) fails the property and exits 1 with the counterexample. argv[2]: the seed.
import fc from 'fast-check';
import { SafetensorsError } from '../errors.js';
import { readSafetensors } from '../encoders/safetensors.js';
import { safetensorsBytes } from './fixtures.js';

const FILE = 'fuzz/model.safetensors';
const seed = Number(process.argv[2] ?? 1);

function check(bytes: Uint8Array): boolean {
  try {
    const { tensors } = readSafetensors(bytes, FILE);
    // A clean result: every tensor's values match its shape.
    for (const t of tensors.values()) if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) return false;
    return true;
  } catch (e) {
    return e instanceof SafetensorsError && e.file === FILE && e.message.startsWith(`${FILE}: `);
  }
}

const dim = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(-1, 2.5, 2 ** 31, 2 ** 53, Number.NaN), fc.string({ maxLength: 2 }));
const offset = fc.oneof(
  fc.integer({ min: 0, max: 200 }),
  fc.integer({ min: -300, max: -1 }),
  fc.constantFrom(2 ** 53, 1.5, Number.MAX_VALUE),
);
const entry = fc.record(
  {
    dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'U8', 'BOOL', 'F8_E4M3'), fc.integer(), fc.constant(null)),
    shape: fc.oneof(fc.array(dim, { maxLength: 3 }), fc.constant(null), fc.string({ maxLength: 3 }), fc.integer()),
    data_offsets: fc.oneof(fc.tuple(offset, offset), fc.array(offset, { maxLength: 3 }), fc.constant(null), fc.string({ maxLength: 3 })),
  },
  { requiredKeys: [] },
);
const header = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(entry, fc.constant(null), fc.integer(), fc.array(fc.integer(), { maxLength: 2 })), {
    maxKeys: 5,
  }),
  fc.constantFrom(null, [], 3, 'x', true),
  fc.record({ __metadata__: fc.oneof(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.integer())), fc.constant(null)) }),
);

/** Well-formed files (from consecutive tensors), then truncated, extended or with a bit flipped in the length. */
const validThenBroken = fc
  .tuple(
    fc.array(
      fc.tuple(fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'I32'), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 })),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    fc.oneof(fc.constant('none'), fc.constant('truncate'), fc.constant('extend'), fc.constant('length')),
    fc.nat(),
  )
  .map(([specs, damage, n]) => {
    const size = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4 } as const;
    const h: Record<string, unknown> = {};
    let at = 0;
    specs.forEach(([dtype, shape], i) => {
      const bytes = shape.reduce((a, b) => a * b, 1) * size[dtype as keyof typeof size];
      h[`t${i}`] = { dtype, shape, data_offsets: [at, at + bytes] };
      at += bytes;
    });
    const file = safetensorsBytes(h, at);
    if (damage === 'truncate') return file.subarray(0, n % (file.length + 1));
    if (damage === 'extend') return Uint8Array.from([...file, ...new Uint8Array((n % 7) + 1)]);
    if (damage === 'length') {
      const copy = Uint8Array.from(file);
      copy[n % 8] = copy[n % 8]! ^ (1 << (n % 8));
      return copy;
    }
    return file;
  });

const started = performance.now();
const properties: [string, fc.Arbitrary<Uint8Array>][] = [
  ['random bytes', fc.uint8Array({ maxLength: 64 })],
  [
    'random header length',
    fc
      .tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.uint8Array({ maxLength: 32 }))
      .map(([n, rest]) => safetensorsBytes({}, rest, { headerLength: n })),
  ],
  ['fuzzed header', fc.tuple(header, fc.nat({ max: 256 })).map(([h, data]) => safetensorsBytes(h, data))],
  ['valid, then damaged', validThenBroken],
];
let runs = 0;
for (const [name, arb] of properties) {
  const result = fc.check(fc.property(arb, check), { seed, numRuns: 1500 });
  runs += result.numRuns;
  if (result.failed) {
    process.stderr.write(`${name}: ${fc.defaultReportMessage(result)}\n`);
    try {
      readSafetensors(result.counterexample![0] as Uint8Array, FILE);
    } catch (e) {
      process.stderr.write(`raised: ${(e as Error).name}: ${(e as Error).message}\n`);
    }
    process.exit(1);
  }
}
process.stdout.write(`${runs} runs in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
