// The worker protocol: what crosses to and from the open-envelope worker survives structured cloning.
import { describe, expect, it } from 'vitest';
import { openEnvelope } from '../src/jmix/index.ts';
import { fromWireResult, fromWireSource, toWireResult, toWireSource } from '../src/workers/open-protocol.ts';
import { toZip } from '../fixtures/envelopes/pack.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { asFolderSource, pack, recipient } from './helpers/fixtures.ts';

describe('open-envelope worker protocol', () => {
  it('a folder source and its result survive structuredClone', async () => {
    const env = await pack('jmix-php', { encryptTo: recipient.publicKey });
    const wire = structuredClone(await toWireSource(asFolderSource(env)));
    const direct = await openEnvelope(asFolderSource(env), { key: bytesToBase64(recipient.privateKey) });
    const viaWire = await openEnvelope(fromWireSource(wire), { key: bytesToBase64(recipient.privateKey) });
    const wired = await toWireResult(viaWire);
    const back = fromWireResult(structuredClone(wired.result, { transfer: wired.transfer }));
    expect(back.report.verdict).toBe(direct.report.verdict);
    expect(back.report.checks.map((c) => [c.id, c.status])).toEqual(direct.report.checks.map((c) => [c.id, c.status]));
    expect(back.envelope.payload.map((f) => f.path).sort()).toEqual(direct.envelope.payload.map((f) => f.path).sort());
    const a = direct.envelope.payload.find((f) => f.path.endsWith('.dcm'))!;
    const b = back.envelope.payload.find((f) => f.path === a.path)!;
    expect(b.size).toBe(a.size);
    expect(Buffer.from(await b.bytes()).equals(Buffer.from(await a.bytes()))).toBe(true);
    expect(back.dicom?.studies[0]?.series.length).toBe(direct.dicom?.studies[0]?.series.length);
  });

  it('a streamed payload crosses as moved buffers, not copies', async () => {
    const env = await pack('jmix-rs', { encryptTo: recipient.publicKey });
    const zip = toZip(env, 'root');
    const key = bytesToBase64(recipient.privateKey);
    const r = await openEnvelope(
      { kind: 'blob', blob: new Blob([zip as Uint8Array<ArrayBuffer>]), name: 'x.zip' },
      { key, streamAbove: { zip: 0, decrypt: 0 } },
    );
    expect(r.report.checks.find((c) => c.id === 'decrypt')!.data!.streamed).toBe(true);
    const before = await Promise.all(r.envelope.payload.map(async (f) => [f.path, Buffer.from(await f.bytes()).toString('base64')]));
    const wired = await toWireResult(r);
    expect(wired.transfer.length).toBeGreaterThan(0);
    const back = fromWireResult(structuredClone(wired.result, { transfer: wired.transfer }));
    // Moved: the sender's buffers are now empty, and the receiver has the same bytes.
    expect(wired.transfer.every((b) => b.byteLength === 0)).toBe(true);
    expect(await Promise.all(back.envelope.payload.map(async (f) => [f.path, Buffer.from(await f.bytes()).toString('base64')]))).toEqual(
      before,
    );
  });

  it('a bytes source passes through unchanged', async () => {
    const env = await pack('jmix-rs');
    const zip = toZip(env, 'root');
    const wire = await toWireSource({ kind: 'bytes', bytes: zip, name: 'x.zip' });
    expect(wire.kind).toBe('bytes');
    const r = await openEnvelope(fromWireSource(structuredClone(wire)));
    expect(r.envelope.id).toBe(env.id);
  });
});
