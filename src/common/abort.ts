// Cancellation, shared by every layer that runs long work under an AbortSignal.

/** The user cancelled (AbortSignal). */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
