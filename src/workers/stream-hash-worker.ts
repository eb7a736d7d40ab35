// One incremental SHA-256 (hash-wasm) on its own thread: the pipeline worker streams a large
// payload through it while it decrypts, instead of hashing on its own thread.
import { createSHA256 } from 'hash-wasm';

type Message = { type: 'update'; chunk: Uint8Array } | { type: 'digest' };

const hash = createSHA256().then((h) => {
  h.init();
  return h;
});

self.onmessage = async (ev: MessageEvent<Message>) => {
  const h = await hash;
  if (ev.data.type === 'update') {
    h.update(ev.data.chunk);
    (self as unknown as Worker).postMessage({ type: 'ack', bytes: ev.data.chunk.length });
  } else (self as unknown as Worker).postMessage({ type: 'digest', hex: h.digest('hex') });
};
