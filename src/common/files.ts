// Payload files as the layers above the envelope core see them: a path, a size, and bytes on demand.

/** A file of the (decrypted) payload, path relative to payload/. */
export interface PayloadFile {
  path: string;
  size: number;
  bytes(): Promise<Uint8Array>;
  /** The file as a Blob when it is held as one (streamed payloads): it crosses to the page uncopied. */
  blob?: Blob;
}

/** How the viewer reads a payload file: its bytes, or (large payloads) the Blob that holds it. */
export type ReadPayloadFile = (path: string) => Promise<Uint8Array | Blob>;

/** The bytes of what ReadPayloadFile gave. */
export async function payloadBytes(x: Uint8Array | Blob): Promise<Uint8Array> {
  return x instanceof Blob ? new Uint8Array(await x.arrayBuffer()) : x;
}
