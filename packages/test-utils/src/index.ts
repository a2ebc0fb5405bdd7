export { useCpuLeakCheck, useLeakCheck, useTempDir } from './setup.js';
export type { LeakCheckOptions } from './setup.js';
