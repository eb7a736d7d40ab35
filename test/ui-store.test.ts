// The opener's store and folder-drop walker, outside a browser: real envelopes from the project's
// packer, real crypto, the in-thread hasher (no Worker in Node, so the pool falls back by design).
import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { syntheticStudy } from '../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { pickedFromDataTransfer, sourceFromPicked } from '../src/ui/dropped-files.ts';
import { useOpener } from '../src/ui/store.ts';

describe('opener store', () => {
  it('opens an encrypted envelope without a key, refuses a wrong key, accepts the right one, and closes to nothing', async () => {
    const study = syntheticStudy({ ctSlices: 2, ctSize: 32, mrSlices: 2, mrSize: 32, usFrames: 2 });
    const recipient = x25519.keygen();
    const env = await packEnvelope({
      dialect: 'spec',
      payloadFiles: study.files,
      encryptTo: recipient.publicKey,
      id: '44444444-4444-4444-8444-444444444444',
    });
    const zip = toZip(env, 'root');
    const store = useOpener;

    await store.getState().openSource({ kind: 'bytes', bytes: zip, name: 'e.zip' });
    let s = store.getState();
    expect(s.error).toBeNull();
    expect(s.result?.envelope.payloadAvailable).toBe(false);
    expect(s.result?.report.checks.find((c) => c.id === 'decrypt')?.status).toBe('unverifiable');

    await store.getState().tryKey(x25519.keygen().secretKey);
    s = store.getState();
    expect(s.result?.report.verdict).toBe('fail');
    expect(s.keyMessage).toBeTruthy();
    expect(s.busy).toBe(false);

    await store.getState().tryKey(Buffer.from(recipient.secretKey).toString('base64'));
    s = store.getState();
    expect(s.keyMessage).toBeNull();
    expect(s.result?.envelope.payloadAvailable).toBe(true);
    expect(s.result?.dicom?.studies.length).toBe(1);

    store.getState().closeEnvelope();
    s = store.getState();
    expect([s.source, s.key, s.result, s.progress, s.error, s.keyMessage]).toEqual([null, null, null, null, null, null]);
    expect(s.busy).toBe(false);
  });

  it('reports unusable input as an error, not a result', async () => {
    await useOpener.getState().openSource({ kind: 'bytes', bytes: new TextEncoder().encode('not an archive'), name: 'notes.zip' });
    const s = useOpener.getState();
    expect(s.result).toBeNull();
    expect(s.error).toMatch(/notes\.zip/);
    useOpener.getState().closeEnvelope();
  });
});

// Minimal stand-ins for the browser's FileSystem entry API, with Chromium's batching of readEntries.
function fileEntry(fullPath: string, text: string) {
  const file = new File([text], fullPath.split('/').pop()!);
  return { isFile: true, isDirectory: false, name: file.name, fullPath, file: (ok: (f: File) => void) => ok(file) };
}
function dirEntry(fullPath: string, children: unknown[]) {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop()!,
    fullPath,
    createReader() {
      let at = 0;
      return {
        readEntries(ok: (batch: unknown[]) => void) {
          const batch = children.slice(at, at + 100);
          at += batch.length;
          setTimeout(() => ok(batch), 0);
        },
      };
    },
  };
}

describe('pickedFromDataTransfer', () => {
  it('walks dropped folders recursively and reads past the 100-entry batches', async () => {
    const many = Array.from({ length: 250 }, (_, i) => fileEntry(`/env/payload/dicom/IM${i}.dcm`, `x${i}`));
    const root = dirEntry('/env', [
      fileEntry('/env/manifest.json', '{}'),
      dirEntry('/env/payload', [dirEntry('/env/payload/dicom', many)]),
    ]);
    const dt = { items: [{ kind: 'file', webkitGetAsEntry: () => root, getAsFile: () => null }], files: [] } as unknown as DataTransfer;
    const picked = await pickedFromDataTransfer(dt);
    expect(picked).toHaveLength(251);
    expect(picked.map((p) => p.path)).toContain('env/payload/dicom/IM249.dcm');
    const source = await sourceFromPicked(picked);
    expect(source?.kind).toBe('files');
    if (source?.kind !== 'files') return;
    expect(source.name).toBe('env');
    const manifest = source.files.find((f) => f.path === 'env/manifest.json');
    expect(new TextDecoder().decode(await manifest!.bytes())).toBe('{}');
  });

  it('treats one archive as an unread Blob and loose files as a folder', async () => {
    const zip = await sourceFromPicked([{ path: 'x.tar.gz', file: new File([new Uint8Array([31, 139])], 'x.tar.gz') }]);
    expect(zip).toMatchObject({ kind: 'blob', name: 'x.tar.gz' });
    const loose = await sourceFromPicked([
      { path: 'manifest.json', file: new File(['{}'], 'manifest.json') },
      { path: 'audit.json', file: new File(['[]'], 'audit.json') },
    ]);
    expect(loose?.kind).toBe('files');
  });
});
