/**
 * Does tfjs-backend-wasm 4.22 ship relaxed-SIMD code that Node could use?
 *
 *   node --import tsx tools/bench/probes/relaxed-simd.ts
 *   node --experimental-wasm-relaxed-simd --import tsx tools/bench/probes/relaxed-simd.ts
 *
 * Lists the package's .wasm binaries, and validates each with `WebAssembly.validate`. A control module
 * holding one relaxed-SIMD instruction (`f32x4.relaxed_min`, opcode 0xfd 0x10d) shows whether this Node
 * accepts relaxed SIMD at all (Node 20 / V8 11.3: only with --experimental-wasm-relaxed-simd), and a
 * second control with the plain `f32x4.min` shows the harness itself accepts SIMD. A binary that
 * validates while the relaxed control does not contains no relaxed-SIMD instruction.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// (v128, v128) -> v128 = op(local 0, local 1)
const simdModule = (op: number[]): Uint8Array<ArrayBuffer> =>
  new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x07, 0x01, 0x60, 0x02, 0x7b, 0x7b, 0x01, 0x7b], // type section
    ...[0x03, 0x02, 0x01, 0x00], // function section
    ...[0x0a, 8 + op.length, 0x01, 6 + op.length, 0x00, 0x20, 0x00, 0x20, 0x01, ...op, 0x0b], // code section
  ]);

const pkgJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
const dist = join(dirname(pkgJson), 'dist');
const binaries = readdirSync(dist).filter((f) => f.endsWith('.wasm'));
console.log(
  JSON.stringify({
    node: process.version,
    relaxedFlag: process.execArgv.includes('--experimental-wasm-relaxed-simd'),
    controlPlainSimdValid: WebAssembly.validate(simdModule([0xfd, 0xe8, 0x01])),
    controlRelaxedSimdValid: WebAssembly.validate(simdModule([0xfd, 0x8d, 0x02])),
    binaries: Object.fromEntries(
      binaries.map((f) => [f, { bytes: readFileSync(join(dist, f)).length, valid: WebAssembly.validate(readFileSync(join(dist, f))) }]),
    ),
  }),
);
