// Public surface of the envelope core.
export { openEnvelope } from './open.ts';
export { EnvelopeError, CancelledError } from './api.ts';
export type { OpenOptions, OpenResult, Progress, Stage } from './api.ts';
export type * from './types.ts';
export { inThreadHasher, type Hasher } from './hash.ts';
