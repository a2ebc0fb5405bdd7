export { initBackend, BACKENDS } from './init-backend.js';
export type { BackendName, BackendLoader, InitBackendOptions } from './init-backend.js';
export {
  registerWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
  ADDED_WASM_KERNELS,
  REPLACED_WASM_KERNELS,
} from './wasm-kernels/register.js';
