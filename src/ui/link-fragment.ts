// The one reader of a link's fragment: `#src=<url>[&key=<base64url>]` (an envelope to download) or
// `#api=<base>&id=<id>` (an envelope on a JMIX server). Pure and dependency-free: src/ui/csp.ts (the
// page's first module), the app and the unit tests all read links with it, so they cannot disagree.
//
// Deliberately strict. The fragment is `name=value` pieces split on '&'; each name may appear once,
// and only the names below are known, written as they are. Values are percent-decoded with decodeURIComponent: '+' stays
// '+' (it is base64, not a space, unlike URLSearchParams) and a broken %-escape refuses the link.
// An address that itself holds '&' must be percent-encoded (%26): an unencoded one would swallow the
// pieces after it, which is how a key once ended up inside a request path.
//
// Keys: anything that looks like one (a name containing "key", or a value holding "...key=") is
// dropped from the address by addressWithoutKey() before the link is parsed, refused unless it is
// the one `key` of a `#src=` link, and never quoted in a message.

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

export interface EnvelopeLink {
  /** Absolute http(s) URL of the envelope. */
  src: string;
  /** The key as standard base64 (converted from base64url), or null when the link has none. */
  key: string | null;
}

export interface ApiLink {
  /** Absolute http(s) base URL, without a trailing slash (the `{prefix}` harmony registers routes under). */
  base: string;
  id: string;
}

export type FragmentLink = { kind: 'src'; link: EnvelopeLink } | { kind: 'api'; link: ApiLink };

const KNOWN = ['src', 'key', 'api', 'id'] as const;
type KnownName = (typeof KNOWN)[number];

/** One `name=value` piece as written; `value` is null when the piece has no '='. */
interface RawPiece {
  text: string;
  name: string;
  value: string | null;
}

const KEY_DROPPED = 'The key was removed from the address bar and was not used.';

function rawPieces(fragment: string): RawPiece[] {
  return fragment
    .replace(/^#/, '')
    .split('&')
    .filter((text) => text !== '')
    .map((text) => {
      const eq = text.indexOf('=');
      return eq < 0 ? { text, name: text, value: null } : { text, name: text.slice(0, eq), value: text.slice(eq + 1) };
    });
}

/** Every %XX decoded, three rounds (double encoding), never throwing: only for spotting keys. */
function looseDecode(text: string): string {
  let s = text;
  for (let round = 0; round < 3; round++) {
    const next = s.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === s) break;
    s = next;
  }
  return s;
}

/** A name that means a key: `key`, `Key`, `k%65y`, `private_key`... */
function isKeyName(name: string): boolean {
  return looseDecode(name)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .includes('key');
}

/** A value that carries a key assignment of its own: an id or address that swallowed `&key=...`. */
function carriesKey(value: string): boolean {
  return /(?:^|[^a-z0-9])[a-z0-9_-]*key[a-z0-9_-]*\s*=/i.test(looseDecode(value));
}

function looksLikeKey(piece: RawPiece): boolean {
  return isKeyName(piece.name) || (piece.value !== null && carriesKey(piece.value));
}

/**
 * The same address without any piece of its fragment that looks like a key (the rest is kept, so a
 * reload still finds the envelope). Never throws, whatever the fragment holds.
 */
export function addressWithoutKey(href: string): string {
  const hashAt = href.indexOf('#');
  if (hashAt < 0) return href;
  const pieces = rawPieces(href.slice(hashAt + 1));
  if (!pieces.some(looksLikeKey)) return href;
  const kept = pieces.filter((p) => !looksLikeKey(p)).map((p) => p.text);
  return href.slice(0, hashAt) + (kept.length ? `#${kept.join('&')}` : '');
}

/** base64url (RFC 4648 §5, padding optional) to standard padded base64; standard base64 passes through. */
export function base64UrlToBase64(text: string): string {
  const s = text.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

/** A name safe to quote on screen: short and word-like (a long or odd one might be a pasted secret). */
function quotable(name: string): string {
  return /^[A-Za-z][\w.-]{0,15}$/.test(name) ? `"${name}"` : 'a parameter';
}

function decodeStrict(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new LinkError(
      `The link is damaged: ${what} has a broken %-escape (a "%" not followed by two hex digits, or bytes that are not UTF-8 text), ` +
        'so the link is not used. Ask the sender for it again.',
    );
  }
}

/** The known parameters, each once, decoded; refuses unknown, repeated, damaged and key-carrying pieces. */
function readParams(pieces: RawPiece[]): Map<KnownName, string | null> {
  const params = new Map<KnownName, string | null>();
  for (const piece of pieces) {
    // Names are taken as written: `k%65y` is not `key` (a link writer has no reason to encode one).
    const name = piece.name;
    if (!(KNOWN as readonly string[]).includes(name)) {
      if (isKeyName(name)) {
        throw new LinkError('The link has a parameter that looks like a key but is not named "key", so it is not used.');
      }
      throw new LinkError(
        `The link has ${quotable(name)}, which this viewer does not know, so the link is not used. ` +
          'A link names "src" (and optionally "key"), or "api" and "id"; an address that itself contains "&" must be written with %26.',
      );
    }
    const known = name as KnownName;
    if (params.has(known)) {
      throw new LinkError(`The link gives "${known}" twice, so it is unclear which is meant and the link is not used.`);
    }
    if (known !== 'key' && piece.value !== null && carriesKey(piece.value)) {
      throw new LinkError(`The link's "${known}" has a key written inside it, so the link is not used: a key is never sent to a server.`);
    }
    params.set(known, piece.value === null ? null : decodeStrict(piece.value, `"${known}"`));
  }
  return params;
}

/** An http(s) URL without credentials (fetch() refuses those, and a link has no business with them). */
function httpUrl(text: string, pageUrl: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text, pageUrl);
  } catch {
    throw new LinkError(`The link's ${what} "${text}" is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LinkError(`The link's ${what} uses "${url.protocol}", but only http: and https: addresses can be downloaded.`);
  }
  if (url.username || url.password) throw new LinkError(`The link's ${what} holds a user name or password; such addresses are not used.`);
  return url;
}

function envelopeLink(params: Map<KnownName, string | null>, pageUrl: string): EnvelopeLink {
  if (params.has('api') || params.has('id')) {
    throw new LinkError('The link names both an envelope address ("src") and a JMIX server ("api"/"id"); it must name one of them.');
  }
  const srcText = (params.get('src') ?? '').trim();
  if (!srcText) throw new LinkError('The link has "#src=" but no address after it, so there is nothing to download.');
  const url = httpUrl(srcText, pageUrl, 'address');
  const keyText = (params.get('key') ?? '').trim();
  if (keyText && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(keyText)) {
    throw new LinkError('The key in the link is not base64 or base64url text, so it is not used.');
  }
  return { src: url.href, key: keyText ? base64UrlToBase64(keyText) : null };
}

function apiLink(params: Map<KnownName, string | null>, pageUrl: string): ApiLink {
  if (params.has('key')) {
    throw new LinkError('An "#api=" link carries no key: type the key into the page once the envelope is downloaded.');
  }
  if (!params.has('id'))
    throw new LinkError('The link has "#api=" but no "&id=": it must name the envelope, as in #api=https://host/jmix&id=<envelope id>.');
  const baseText = (params.get('api') ?? '').trim();
  const id = (params.get('id') ?? '').trim();
  if (!baseText) throw new LinkError('The link has "#api=" but no server address after it.');
  if (!id) throw new LinkError('The link has "&id=" but no envelope id after it.');
  // The id becomes part of a request path: nothing that could be a query, a fragment or another parameter.
  if (/[&=?#\s\u0000-\u001f\u007f]/.test(id)) {
    throw new LinkError(
      'The envelope id in the link holds "&", "=", "?", "#", a space or a control character, so it is not an envelope id. Ask the sender for the link again.',
    );
  }
  const url = httpUrl(baseText, pageUrl, 'API address');
  url.hash = '';
  url.search = '';
  return { base: url.href.replace(/\/+$/, ''), id };
}

/**
 * The link a fragment names, or null when it names none (`#section-2`, an empty fragment).
 * Throws LinkError, with a message for the person who followed the link, when it is not usable.
 */
export function parseLinkFragment(fragment: string, pageUrl: string): FragmentLink | null {
  const pieces = rawPieces(fragment);
  const isLink = pieces.some((p) => (KNOWN as readonly string[]).includes(looseDecode(p.name)) || looksLikeKey(p));
  if (!isLink) return null;
  try {
    return linkFrom(readParams(pieces), pageUrl);
  } catch (e) {
    // Whoever followed a refused link with a key in it should know where the key went.
    if (e instanceof LinkError && pieces.some(looksLikeKey)) throw new LinkError(`${e.message} ${KEY_DROPPED}`);
    throw e;
  }
}

function linkFrom(params: Map<KnownName, string | null>, pageUrl: string): FragmentLink {
  if (params.has('src')) return { kind: 'src', link: envelopeLink(params, pageUrl) };
  if (params.has('api')) return { kind: 'api', link: apiLink(params, pageUrl) };
  if (params.has('id')) throw new LinkError('The link has "id=" but no "#api=" server to ask for it.');
  throw new LinkError('The link has a key but no "src=" address of an envelope to open with it.');
}

/** The origin a link names (its envelope or its server), or null for no link or an unusable one. */
export function linkTargetOrigin(fragment: string, pageUrl: string): string | null {
  try {
    const link = parseLinkFragment(fragment, pageUrl);
    if (!link) return null;
    return new URL(link.kind === 'src' ? link.link.src : link.link.base).origin;
  } catch {
    return null; // an unusable link is reported by the app; it gets no origin
  }
}
