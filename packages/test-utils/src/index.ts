export { useCpuLeakCheck, useLeakCheck, useTempDir } from './setup.js';
export type { LeakCheckOptions } from './setup.js';
export { runIsolated } from './isolated.js';
export type { IsolatedOptions, IsolatedResult } from './isolated.js';
export { faultCase, faultTitle } from './fault-case.js';
export { captureIo, folderSnapshot, pathExists } from './cli-io.js';
export type { FaultCase } from './fault-case.js';
export { checkCase, expectClose, readFixtureCases, TOL, toTensor } from './golden.js';
export type { FixtureCase, Nested } from './golden.js';
