// Opening from a link: `#src=<url>&key=<base64url>` (or `#api=`, see jmix-api.ts). The fragment never
// reaches any server; any key in it is removed from the address bar before the link is even parsed,
// so it does not linger in history or screenshots, whatever is wrong with the rest of the link.
import { CancelledError } from '../jmix/api.ts';
import { addressWithoutKey, LinkError, parseLinkFragment, type EnvelopeLink, type FragmentLink } from './link-fragment.ts';

export { addressWithoutKey, base64UrlToBase64, LinkError } from './link-fragment.ts';
export type { EnvelopeLink, FragmentLink } from './link-fragment.ts';

/** Lenient percent-decoding for display (a file name from a URL): the text as written if it is broken. */
export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The `#src=` link in a fragment (the one parser's view of it); null for none or an `#api=` link. Throws LinkError. */
export function parseEnvelopeLink(hash: string, base: string): EnvelopeLink | null {
  const link = parseLinkFragment(hash, base);
  return link?.kind === 'src' ? link.link : null;
}

/** Drop every key-like piece from this history entry's address. Never throws. */
function dropKeyFromAddress(): void {
  const cleaned = addressWithoutKey(location.href);
  if (cleaned !== location.href) history.replaceState(history.state, '', cleaned);
}

/**
 * The link in the address bar. The key leaves the address (and this history entry) first, before
 * anything that could throw; then the fragment as it was is parsed. Throws LinkError.
 */
export function takeLinkFromAddress(): FragmentLink | null {
  const fragment = location.hash;
  dropKeyFromAddress();
  return parseLinkFragment(fragment, location.href);
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

/** Why the server a link names gave no answer this page may read. */
export type LinkedFetchFailure = { kind: 'redirected'; to: string | null } | { kind: 'unreachable'; detail: string };

export class LinkedFetchError extends Error {
  constructor(
    readonly origin: string,
    readonly failure: LinkedFetchFailure,
  ) {
    super(failure.kind === 'redirected' ? `${origin} redirected elsewhere` : failure.detail);
    this.name = 'LinkedFetchError';
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Did the server answer with a redirect? Asked without following it, which the CSP cannot refuse. */
async function answersWithRedirect(url: string, init: RequestInit): Promise<boolean> {
  try {
    const probe = await fetch(url, { ...init, redirect: 'manual' });
    void probe.body?.cancel();
    return probe.type === 'opaqueredirect';
  } catch {
    return false;
  }
}

/**
 * fetch() from the server a link names. The page's CSP allows that origin only, so a redirect to a
 * third origin fails exactly as a CORS refusal does; one more request, not following redirects,
 * tells the two apart. A redirect the CSP lets through (to this page's own origin) is refused here.
 * Throws CancelledError or LinkedFetchError.
 */
export async function fetchFromLink(url: string, init: RequestInit): Promise<Response> {
  const origin = new URL(url).origin;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    if (init.signal?.aborted) throw new CancelledError();
    const redirected = await answersWithRedirect(url, init);
    if (init.signal?.aborted) throw new CancelledError();
    throw new LinkedFetchError(origin, redirected ? { kind: 'redirected', to: null } : { kind: 'unreachable', detail: errorText(e) });
  }
  const landed = response.url ? new URL(response.url).origin : origin;
  if (response.redirected && landed !== origin) {
    void response.body?.cancel();
    throw new LinkedFetchError(origin, { kind: 'redirected', to: landed });
  }
  return response;
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
    response = await fetchFromLink(src, { signal: opts.signal, credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
  } catch (e) {
    if (!(e instanceof LinkedFetchError)) throw e;
    if (e.failure.kind === 'redirected') {
      throw new LinkError(
        `The server at ${origin} sent the download on to ${e.failure.to ?? 'another address'}, and this page downloads only from the server the link names. ` +
          'Ask the sender for a direct link, or download the file yourself and drop it here.',
      );
    }
    throw new LinkError(
      `The server at ${origin} did not allow this page to download the file (CORS) or could not be reached` +
        ` (${e.failure.detail}). You can also download the file yourself and drop it here.`,
    );
  }
  if (!response.ok) {
    throw new LinkError(
      `The server at ${origin} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''} for ${src}:` +
        ' the file is not available there. Check the link, or download the file and drop it here.',
    );
  }
  return readBodyWithProgress(
    response,
    opts,
    (what) => new LinkError(`The download from ${origin} ${what}. Try again, or download the file and drop it here.`),
  );
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
