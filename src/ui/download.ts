// Saving bytes the page already holds: a blob: URL and a.download, revoked once the click is handled.
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; keep it a little for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function saveBytes(bytes: Uint8Array, fileName: string, type = 'application/octet-stream'): void {
  saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), fileName);
}

/** A safe file name from envelope data (ids are untrusted text). */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return cleaned || fallback;
}
