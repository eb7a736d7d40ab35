// Opening from a link: `#src=<url>&key=<base64url>`. The fragment never reaches any server; the key
// is read once, then removed from the address bar so it does not linger in history or screenshots.
import { CancelledError } from '../jmix/api.ts';

export interface EnvelopeLink {
  /** Absolute http(s) URL of the envelope. */
  src: string;
  /** The key as standard base64 (converted from base64url), or null when the link has none. */
  key: string | null;
}

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** base64url (RFC 4648 §5, padding optional) to standard padded base64; standard base64 passes through. */
export function base64UrlToBase64(text: string): string {
  const s = text.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Parse `#src=...&key=...` (either order, key optional). `src` may be URL-encoded or not; an
 * unencoded src may itself contain '&', so the key is taken from the last `&key=`.
 * Returns null when the fragment names no envelope. Throws LinkError for an unusable src.
 */
export function parseEnvelopeLink(hash: string, base: string): EnvelopeLink | null {
  const frag = hash.replace(/^#/, '');
  if (!frag) return null;
  let srcText: string | null = null;
  let keyText: string | null = null;
  const keyFirst = /^key=([^&]*)&src=(.*)$/s.exec(frag);
  if (keyFirst) {
    keyText = keyFirst[1] ?? '';
    srcText = keyFirst[2] ?? '';
  } else if (frag.startsWith('src=')) {
    const rest = frag.slice(4);
    const at = rest.lastIndexOf('&key=');
    if (at >= 0) {
      srcText = rest.slice(0, at);
      keyText = rest.slice(at + 5);
    } else {
      srcText = rest;
    }
  } else {
    return null;
  }
  const srcRaw = decodeParam(srcText).trim();
  if (!srcRaw) throw new LinkError('The link has "#src=" but no address after it, so there is nothing to download.');
  let url: URL;
  try {
    url = new URL(srcRaw, base);
  } catch {
    throw new LinkError(`The link's address "${srcRaw}" is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LinkError(`The link's address uses "${url.protocol}", but only http: and https: addresses can be downloaded.`);
  }
  const key = keyText === null ? null : decodeParam(keyText).trim();
  return { src: url.href, key: key ? base64UrlToBase64(key) : null };
}

/** The same address with `key=` removed from the fragment (the rest is kept, so a reload still works). */
export function addressWithoutKey(href: string): string {
  const i = href.indexOf('#');
  if (i < 0) return href;
  const frag = href.slice(i + 1);
  const keyFirst = /^key=[^&]*&(src=.*)$/s.exec(frag);
  let cleaned: string;
  if (keyFirst) cleaned = keyFirst[1] ?? '';
  else {
    const at = frag.lastIndexOf('&key=');
    cleaned = at >= 0 ? frag.slice(0, at) : frag.startsWith('key=') ? '' : frag;
  }
  return href.slice(0, i) + (cleaned ? `#${cleaned}` : '');
}

/** Read the link from the address bar and drop its key from the address bar and history entry. */
export function takeEnvelopeLink(): EnvelopeLink | null {
  const link = parseEnvelopeLink(location.hash, location.href);
  if (link && link.key !== null) {
    history.replaceState(history.state, '', addressWithoutKey(location.href));
  }
  return link;
}

/** File name for messages and for the carrier: the last path segment, decoded. */
export function nameFromUrl(src: string): string {
  try {
    const seg = new URL(src).pathname.split('/').filter(Boolean).pop();
    return seg ? decodeParam(seg) : 'envelope';
  } catch {
    return 'envelope';
  }
}

export interface DownloadProgress {
  done: number;
  /** 0 when the server did not say. */
  total: number;
}

/** Download the envelope, reporting bytes as they arrive. Rejects with LinkError or CancelledError. */
export async function fetchEnvelope(
  src: string,
  opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void } = {},
): Promise<Blob> {
  const origin = new URL(src).origin;
  let response: Response;
  try {
    // No credentials, no referrer: the envelope URL is the only request, and it carries nothing of ours.
    response = await fetch(src, { signal: opts.signal, credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
  } catch (e) {
    if (opts.signal?.aborted) throw new CancelledError();
    throw new LinkError(
      `The server at ${origin} did not allow this page to download the file (CORS) or could not be reached` +
        ` (${e instanceof Error ? e.message : String(e)}). You can also download the file yourself and drop it here.`,
    );
  }
  if (!response.ok) {
    throw new LinkError(
      `The server at ${origin} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} for ${src}:` +
        ' the file is not available there. Check the link, or download the file and drop it here.',
    );
  }
  return readBodyWithProgress(response, opts, (what) => new LinkError(`The download from ${origin} ${what}. Try again, or download the file and drop it here.`));
}

/**
 * The body of a successful response as a Blob (not one big buffer: the browser may keep it out of
 * the JS heap, and the pipeline reads large zips from it lazily), reporting bytes as they arrive.
 * `failure` words an interrupted or short download ("stopped after N bytes (why)").
 */
export async function readBodyWithProgress(
  response: Response,
  opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void },
  failure: (what: string) => Error,
): Promise<Blob> {
  const declared = Number(response.headers.get('content-length') ?? '');
  // A compressed transfer declares the compressed length, which would make the bar lie.
  const total = Number.isFinite(declared) && declared > 0 && !response.headers.get('content-encoding') ? declared : 0;
  opts.onProgress?.({ done: 0, total });
  if (!response.body) {
    const blob = await response.blob();
    opts.onProgress?.({ done: blob.size, total: total || blob.size });
    return blob;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let done = 0;
  try {
    for (;;) {
      const step = await reader.read();
      if (step.done) break;
      chunks.push(step.value);
      done += step.value.length;
      opts.onProgress?.({ done, total });
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new CancelledError();
    throw failure(`stopped after ${done} bytes (${e instanceof Error ? e.message : String(e)})`);
  }
  if (total && done !== total) throw failure(`ended after ${done} of ${total} bytes`);
  return new Blob(chunks as Uint8Array<ArrayBuffer>[]);
}
