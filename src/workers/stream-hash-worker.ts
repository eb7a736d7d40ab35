// One incremental SHA-256 (hash-wasm) on its own thread: the pipeline worker streams a large
// payload through it while it decrypts, instead of hashing on its own thread. A chunk sent with
// `back` is returned (moved, not copied) once hashed: the sender keeps the decrypted bytes.
import { createSHA256 } from 'hash-wasm';

type Message = { type: 'update'; chunk: Uint8Array; back?: boolean } | { type: 'digest' };

const hash = createSHA256().then((h) => {
  h.init();
  return h;
});

self.onmessage = async (ev: MessageEvent<Message>) => {
  const h = await hash;
  const post = (self as unknown as Worker).postMessage.bind(self);
  if (ev.data.type === 'update') {
    const { chunk, back } = ev.data;
    h.update(chunk);
    if (back) post({ type: 'back', chunk }, [chunk.buffer]);
    else post({ type: 'ack', bytes: chunk.length });
  } else post({ type: 'digest', hex: h.digest('hex') });
};
