// Public surface of the envelope core.
export { openEnvelope } from './open.ts';
export { EnvelopeError, CancelledError } from './api.ts';
export type { OpenOptions, OpenResult, Progress, Stage } from './api.ts';
export type * from './types.ts';
export { inThreadHasher, type Hasher } from './hash.ts';
// Core services the page uses beside openEnvelope: the API manifest preview, "Save decrypted
// study" and dropped files. The UI imports the core only from here, api.ts and types.ts.
export { normaliseManifest } from './normalise.ts';
export { writeZip } from './archive/zip-write.ts';
export { fileFromBlob } from './sources.ts';
