// The recipient's X25519 private key, in whatever form the user has it: base64/base64url text (js, php),
// a raw 32-byte file (rs), a text file holding base64, hex, or a PKCS#8 PEM/DER wrapping.
import { x25519 } from '@noble/curves/ed25519.js';
import { Base64Error, base64ToBytes, bytesToHex, hexToBytes, utf8Decode } from './bytes.ts';

export type KeyFormatReason =
  'empty' | 'bad-base64' | 'bad-hex' | 'wrong-length' | 'public-key' | 'wrong-key-type' | 'pem' | 'binary' | 'json';

export class KeyFormatError extends Error {
  readonly reason: KeyFormatReason;
  constructor(reason: KeyFormatReason, message: string) {
    super(message);
    this.name = 'KeyFormatError';
    this.reason = reason;
  }
}

/** DER prefix of a PKCS#8 X25519 private key; the 32-byte scalar follows. Web Crypto imports this form. */
export const X25519_PKCS8_PREFIX = '302e020100300506032b656e04220420';
const ED25519_PKCS8_PREFIX = '302e020100300506032b657004220420';
const X25519_SPKI_PREFIX = '302a300506032b656e032100';
const ED25519_SPKI_PREFIX = '302a300506032b6570032100';

const HOW = 'An X25519 recipient private key is 32 bytes: base64 text (44 characters ending in "="), a raw 32-byte file, or 64 hex digits.';

/** Returns the 32-byte X25519 private key, or throws KeyFormatError saying what is wrong with the input. */
export function parseRecipientKey(input: string | Uint8Array): Uint8Array {
  if (typeof input !== 'string') {
    if (input.length === 32) return input.slice();
    if (input.length === 0) throw new KeyFormatError('empty', `The key file is empty. ${HOW}`);
    const der = fromDer(input);
    if (der) return der;
    if (!looksLikeText(input)) {
      throw new KeyFormatError(
        'binary',
        `The key file is ${input.length} bytes of binary data; a raw X25519 private key file is exactly 32 bytes. ${HOW}`,
      );
    }
    return parseKeyText(utf8Decode(input, { fatal: false }));
  }
  return parseKeyText(input);
}

/** The X25519 public key for a private key (to show the user which recipient the key belongs to). */
export function publicKeyFromPrivate(priv: Uint8Array): Uint8Array {
  if (priv.length !== 32) throw new KeyFormatError('wrong-length', `The private key is ${priv.length} bytes; X25519 keys are 32 bytes.`);
  return x25519.getPublicKey(priv);
}

function looksLikeText(u: Uint8Array): boolean {
  for (const b of u) {
    if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b < 0x20 || b > 0x7e) {
      if (b === 0xef || b === 0xbb || b === 0xbf) continue; // UTF-8 BOM
      return false;
    }
  }
  return true;
}

function parseKeyText(raw: string): Uint8Array {
  let text = raw.replace(/^\uFEFF/, '').trim();
  if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'"))) {
    text = text.slice(1, -1).trim();
  }
  if (text === '') throw new KeyFormatError('empty', `The key is empty. ${HOW}`);
  if (text.startsWith('-----BEGIN')) return fromPem(text);
  if (text.startsWith('{') || text.startsWith('[')) {
    throw new KeyFormatError(
      'json',
      'This looks like a JSON document, not a key. Paste only the base64 value of the recipient private key (for example the value of "recipient_private_key_b64").',
    );
  }
  if (/^[0-9a-fA-F]{64}$/.test(text)) return hexToBytes(text);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(text, { alphabet: 'either', allowWhitespace: true });
  } catch (e) {
    if (e instanceof Base64Error) {
      throw new KeyFormatError('bad-base64', `The key is not valid base64: ${e.message}. ${HOW}`);
    }
    throw e;
  }
  if (bytes.length === 32) return bytes;
  const der = fromDer(bytes);
  if (der) return der;
  if (bytes.length === 64) {
    throw new KeyFormatError(
      'wrong-length',
      'The key decodes to 64 bytes; an X25519 private key is 32 bytes. 64 bytes is the size of an Ed25519 signing secret key (libsodium form), which signs assertions but cannot decrypt a payload.',
    );
  }
  throw new KeyFormatError(
    'wrong-length',
    `The key decodes to ${bytes.length} bytes; an X25519 private key is 32 bytes. Check that the whole key was copied.`,
  );
}

/** Recognise DER key wrappings: accept PKCS#8 X25519, explain everything else. Null = not DER. */
function fromDer(der: Uint8Array): Uint8Array | null {
  const hex = bytesToHex(der);
  if (der.length === 48 && hex.startsWith(X25519_PKCS8_PREFIX)) return der.slice(16);
  if (der.length === 48 && hex.startsWith(ED25519_PKCS8_PREFIX)) {
    throw new KeyFormatError(
      'wrong-key-type',
      'This is an Ed25519 private key (PKCS#8), used for signing. Decryption needs the recipient X25519 private key.',
    );
  }
  if (der.length === 44 && (hex.startsWith(X25519_SPKI_PREFIX) || hex.startsWith(ED25519_SPKI_PREFIX))) {
    throw new KeyFormatError(
      'public-key',
      'This is a public key (SubjectPublicKeyInfo). Decryption needs the recipient private key, not the public key.',
    );
  }
  return null;
}

function fromPem(text: string): Uint8Array {
  const m = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) {
    throw new KeyFormatError('pem', 'This looks like a PEM block, but its BEGIN/END lines do not match or the END line is missing.');
  }
  const label = m[1] ?? '';
  if (label.includes('PUBLIC')) {
    throw new KeyFormatError(
      'public-key',
      `This looks like a PEM public key (-----BEGIN ${label}-----). Decryption needs the recipient's X25519 private key, not a public key.`,
    );
  }
  if (label !== 'PRIVATE KEY') {
    throw new KeyFormatError('pem', `This looks like a PEM "${label}" block, which is not an X25519 private key. ${HOW}`);
  }
  let der: Uint8Array;
  try {
    der = base64ToBytes(m[2] ?? '', { alphabet: 'standard' });
  } catch (e) {
    throw new KeyFormatError('pem', `The PEM private key body is not valid base64: ${(e as Error).message}.`);
  }
  const key = fromDer(der);
  if (key) return key;
  throw new KeyFormatError('pem', `This PEM private key (${der.length} bytes of DER) is not an X25519 key. ${HOW}`);
}
