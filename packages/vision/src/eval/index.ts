export { rotationProbe } from './rotation-probe.js';
export type { EmbedFn, RotationProbeOptions, RotationProbeResult } from './rotation-probe.js';
