// The worker protocol: what crosses to and from the open-envelope worker survives structured cloning.
import { describe, expect, it } from 'vitest';
import { openEnvelope } from '../src/jmix/index.ts';
import { fromWireResult, fromWireSource, toWireResult, toWireSource } from '../src/workers/open-protocol.ts';
import { toZip } from '../scripts/lib/pack.ts';
import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { asFolderSource, pack, recipient } from './helpers/fixtures.ts';

describe('open-envelope worker protocol', () => {
  it('a folder source and its result survive structuredClone', async () => {
    const env = await pack('jmix-php', { encryptTo: recipient.publicKey });
    const wire = structuredClone(await toWireSource(asFolderSource(env)));
    const direct = await openEnvelope(asFolderSource(env), { key: bytesToBase64(recipient.privateKey) });
    const viaWire = await openEnvelope(fromWireSource(wire), { key: bytesToBase64(recipient.privateKey) });
    const back = fromWireResult(structuredClone(await toWireResult(viaWire)));
    expect(back.report.verdict).toBe(direct.report.verdict);
    expect(back.report.checks.map((c) => [c.id, c.status])).toEqual(direct.report.checks.map((c) => [c.id, c.status]));
    expect(back.envelope.payload.map((f) => f.path).sort()).toEqual(direct.envelope.payload.map((f) => f.path).sort());
    const a = direct.envelope.payload.find((f) => f.path.endsWith('.dcm'))!;
    const b = back.envelope.payload.find((f) => f.path === a.path)!;
    expect(b.size).toBe(a.size);
    expect(Buffer.from(await b.bytes()).equals(Buffer.from(await a.bytes()))).toBe(true);
    expect(back.dicom?.studies[0]?.series.length).toBe(direct.dicom?.studies[0]?.series.length);
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
