import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
const RealBlob = globalThis.Blob; const realCreate = URL.createObjectURL;
let n = 0;
class FileBlob { parts: unknown[]; __path?: string; constructor(parts: unknown[]) { this.parts = parts; const text = parts.map(String).join(''); if (text.startsWith('var WasmBackendModuleThreadedSimd')) { this.__path = join(dir, 'main.js'); writeFileSync(this.__path, "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;\n" + text); } } }
(globalThis as any).Blob = FileBlob;
URL.createObjectURL = ((b: FileBlob) => { const p = join(dir, `part${n++}.js`); writeFileSync(p, b.parts.map(String).join('').replace('URL.createObjectURL(e.data.urlOrBlob)', 'e.data.urlOrBlob.__path').replace('URL.revokeObjectURL(objectUrl)', 'void 0')); return p; }) as any;
if (process.env.THREADS) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
wasm.setThreadsCount(2);
const t0 = performance.now();
const ok = await Promise.race([tf.setBackend('wasm'), new Promise((r) => setTimeout(() => r('timeout'), 30000))]);
(globalThis as any).Blob = RealBlob; URL.createObjectURL = realCreate;
console.log('setBackend ->', ok, (performance.now() - t0).toFixed(0), 'ms');
if (ok === true) { (tf.backend() as any).wasm.tfjs.initWithThreadsCount(2); console.log('after re-init', (tf.backend() as any).wasm.tfjs.getThreadsCount());
  console.log('threads', wasm.getThreadsCount(), (tf.backend() as any).wasm.tfjs.getThreadsCount(), (tf.backend() as any).wasm.PThread?.unusedWorkers?.length, (tf.backend() as any).wasm.PThread?.runningWorkers?.length);
  const a = tf.randomNormal([1024, 1024]); const b = tf.randomNormal([1024, 1024]);
  const s = performance.now(); for (let i = 0; i < 5; i++) { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }
  console.log('matmul 1024^3 x5', (performance.now() - s).toFixed(0), 'ms');
}
process.exit(0);
