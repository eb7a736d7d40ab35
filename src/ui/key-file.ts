// Reading a key file the user chose. The key is handed on in memory and never kept anywhere else.

/** A key file: raw 32 bytes, base64 text, or a JSON object holding a private key in base64. */
export function keyFromFileBytes(bytes: Uint8Array): string | Uint8Array {
  if (bytes.length === 32) return bytes;
  const text = new TextDecoder().decode(bytes).trim();
  if (text.startsWith('{')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      const field = Object.keys(obj).find((k) => /private/i.test(k) && !/wrong/i.test(k) && typeof obj[k] === 'string');
      if (field) return (obj[field] as string).trim();
    } catch {
      // Not JSON after all: hand the text over as it is.
    }
  }
  return text;
}
