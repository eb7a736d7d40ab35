// Retrieval from a JMIX API as harmony serves it: `#api={base}&id={id}` names
// GET {base}/api/jmix/{id}/manifest (JSON) and GET {base}/api/jmix/{id} (application/zip).
// The optional bearer token is typed by the user, passed in by the caller and never kept here.
// The link itself is read by the one fragment parser (link-fragment.ts), which refuses an id that
// could smuggle anything (a key above all) into the request path.
import { CancelledError } from '../jmix/api.ts';
import type { ApiLink } from './link-fragment.ts';
import { fetchFromLink, LinkedFetchError, readBodyWithProgress } from './link.ts';
import type { DownloadProgress } from './link.ts';

export type { ApiLink } from './link-fragment.ts';

/** A failure the user can act on; `status` is the HTTP status, or 0 when no answer could be read. */
export class ApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function envelopeUrl(link: ApiLink): string {
  return `${link.base}/api/jmix/${encodeURIComponent(link.id)}`;
}

export function manifestUrl(link: ApiLink): string {
  return `${envelopeUrl(link)}/manifest`;
}

function requestInit(token: string, signal?: AbortSignal, method = 'GET'): RequestInit {
  const t = token.trim();
  return {
    method,
    signal,
    // The token goes only in this header; no cookies, no referrer (the page URL may name the envelope).
    headers: t ? { authorization: `Bearer ${t}` } : {},
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
  };
}

function unreachable(link: ApiLink, cause: unknown): ApiError {
  if (cause instanceof LinkedFetchError && cause.failure.kind === 'redirected') {
    return new ApiError(
      `The server at ${cause.origin} sent the request on to ${cause.failure.to ?? 'another address'}, and this page talks only to the server the link names. ` +
        `Ask the sender for the envelope's direct address, or download it yourself from ${envelopeUrl(link)} and drop the zip here.`,
      0,
    );
  }
  const detail =
    cause instanceof LinkedFetchError && cause.failure.kind === 'unreachable'
      ? cause.failure.detail
      : cause instanceof Error
        ? cause.message
        : String(cause);
  return new ApiError(
    `Could not read an answer from ${link.base} (${detail}). ` +
      'Either the server could not be reached, or it did not allow this page to read its answer (CORS): harmony sets no CORS ' +
      'headers on its JMIX routes, so this page must be served from the same origin as the API, or through a proxy that adds them. ' +
      `You can also download the envelope yourself from ${envelopeUrl(link)} and drop the zip here.`,
    0,
  );
}

function statusError(link: ApiLink, url: string, response: Response, token: string): ApiError {
  const s = response.status;
  const origin = new URL(url).origin;
  if (s === 401) {
    return new ApiError(
      token.trim()
        ? `The server at ${origin} did not accept the access token for envelope ${link.id} (401). Check the token and try again.`
        : `The server needs an access token for envelope ${link.id}. Type it into "Access token (optional)" and try again.`,
      s,
    );
  }
  if (s === 403) {
    return new ApiError(
      token.trim()
        ? `The token was refused by ${origin} (403): it may be wrong, expired, or not allowed to read envelope ${link.id}.`
        : `The server at ${origin} refused access to envelope ${link.id} (403). If you were given an access token, type it into "Access token (optional)".`,
      s,
    );
  }
  if (s === 404)
    return new ApiError(
      `No envelope with id ${link.id} at ${link.base} (the server answered 404 for ${url}). Check the id and the server address.`,
      s,
    );
  return new ApiError(
    `The server at ${origin} answered ${s}${response.statusText ? ` ${response.statusText}` : ''} for ${url}. Try again later, or ask the sender.`,
    s,
  );
}

export interface ApiManifest {
  /** The manifest JSON object as the server sent it. */
  json: Record<string, unknown>;
  /** Envelope size from a HEAD request's content-length; null when the server did not say. */
  size: number | null;
}

/** GET the manifest, then HEAD the envelope for its size (best effort). Throws ApiError or CancelledError. */
export async function fetchApiManifest(link: ApiLink, token: string, signal?: AbortSignal): Promise<ApiManifest> {
  const url = manifestUrl(link);
  let response: Response;
  try {
    response = await fetchFromLink(url, requestInit(token, signal));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw unreachable(link, e);
  }
  if (!response.ok) throw statusError(link, url, response, token);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') || 'no content type';
    const start = text.slice(0, 40).replace(/\s+/g, ' ');
    throw new ApiError(
      `The manifest at ${url} is not JSON (${type}, starting "${start}${text.length > 40 ? '…' : ''}"): this address may not be a JMIX API. Check the server address in the link.`,
      response.status,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ApiError(
      `The manifest at ${url} is JSON but not an object, so it is not a JMIX manifest. Check the server address in the link.`,
      response.status,
    );
  }
  return { json: json as Record<string, unknown>, size: await headSize(link, token, signal) };
}

async function headSize(link: ApiLink, token: string, signal?: AbortSignal): Promise<number | null> {
  try {
    const r = await fetch(envelopeUrl(link), requestInit(token, signal, 'HEAD'));
    const n = Number(r.headers.get('content-length') ?? '');
    return r.ok && Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null; // the size is a courtesy; the download itself reports what goes wrong
  }
}

/** GET the envelope zip, reporting bytes as they arrive. Throws ApiError or CancelledError. */
export async function downloadApiEnvelope(
  link: ApiLink,
  token: string,
  opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void } = {},
): Promise<Blob> {
  const url = envelopeUrl(link);
  let response: Response;
  try {
    response = await fetchFromLink(url, requestInit(token, opts.signal));
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw unreachable(link, e);
  }
  if (!response.ok) throw statusError(link, url, response, token);
  return readBodyWithProgress(response, opts, (what) => new ApiError(`The download from ${url} ${what}. Try again.`, response.status));
}
