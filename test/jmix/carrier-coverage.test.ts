// Issue 11, class 3, as a property of the whole carrier layer: whatever hostile entries are injected
// into a genuine envelope's carrier, the open is refused or exactly the genuine payload is shown;
// and genuine envelopes still open in every carrier.
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { craftTar, craftZip, HOSTILE_KEYS, packBase, RECIPIENT_PUBLIC, rooted, text } from '../../fixtures/hostile/index.ts';
import { patchLocalHeader } from '../../fixtures/hostile/archive-strict.ts';
import { writeTar } from '../../src/jmix/archive/tar-write.ts';
import { writeZip } from '../../src/jmix/archive/zip-write.ts';
import { EnvelopeError, openEnvelope } from '../../src/jmix/index.ts';
import { readSource } from '../../src/jmix/sources.ts';
import type { EnvelopeSource } from '../../src/jmix/types.ts';
import { NOW, spec, root, files, genuinePayload, concat, blobOf, folderSource } from '../helpers/one-reading.ts';

// ---------------------------------------------------------------------------------------------
// The coverage property: whatever hostile entries are injected into a genuine envelope's carrier,
// either the open is refused, or a passing payload hash means exactly the genuine payload is shown.

type Injection =
  | { kind: 'file-as-folder'; folder: string }
  | { kind: 'case-twin' | 'duplicate' | 'backslash-twin'; target: number }
  | { kind: 'nfd-twin' | 'junk' | 'extra-file' | 'outside' | 'dir-with-data' | 'trailing-slash' };
type Trick = 'none' | 'second-eocd' | 'local-mismatch' | 'tar-appended' | 'gzip-member';
type Carrier = 'zip' | 'zip-lazy' | 'tar' | 'tar.gz' | 'folder';
interface Entry {
  name: string;
  data: Uint8Array;
  folder?: boolean;
}

const encSpec = await packBase('spec', { signWith: HOSTILE_KEYS.signingSeed, encryptTo: RECIPIENT_PUBLIC });
const payloadPaths = files.filter((f) => f.path.includes('/payload/')).map((f) => f.path);

function injected(inj: Injection, env: { rootName: string }, seed: number): Entry[] {
  const r = env.rootName;
  const bytes = text(`injected ${inj.kind} ${seed}`);
  const target = 'target' in inj ? payloadPaths[inj.target % payloadPaths.length]!.replace(root, r) : '';
  switch (inj.kind) {
    case 'file-as-folder':
      return [{ name: `${r}/${inj.folder}`, data: bytes }];
    case 'case-twin': {
      const base = target.split('/').pop()!;
      const flipped = base === base.toLowerCase() ? base.toUpperCase() : base.toLowerCase();
      return [{ name: `${target.slice(0, -base.length)}${flipped}`, data: bytes }];
    }
    case 'duplicate':
      return [{ name: target, data: bytes }];
    case 'backslash-twin':
      return [{ name: target.replace(/\//g, '\\'), data: bytes }];
    case 'nfd-twin':
      return [
        { name: `${r}/payload/files/caf\u00e9.txt`, data: bytes },
        { name: `${r}/payload/files/cafe\u0301.txt`, data: bytes },
      ];
    case 'junk':
      return [
        { name: `${r}/payload/.DS_Store`, data: bytes },
        { name: `${r}/payload/dicom/._IM0001.dcm`, data: bytes },
      ];
    case 'extra-file':
      return [{ name: `${r}/payload/dicom/ct/IM9999.dcm`, data: bytes }];
    case 'outside':
      return [
        { name: `${r}/notes.txt`, data: bytes },
        { name: 'elsewhere/x.txt', data: bytes },
      ];
    case 'dir-with-data':
      return [{ name: `${r}/payload/dicom/`, data: bytes, folder: true }];
    case 'trailing-slash':
      return [{ name: `${r}/payload/files/report.pdf/`, data: new Uint8Array(0), folder: true }];
  }
}

function carrierOf(carrier: Carrier, entries: Entry[], trick: Trick): EnvelopeSource | null {
  if (carrier === 'folder') {
    if (entries.some((e) => e.folder)) return null; // a dropped folder has no folder entries
    return folderSource(entries.map((e) => ({ path: e.name, bytes: e.data })));
  }
  if (carrier === 'zip' || carrier === 'zip-lazy') {
    let zip = craftZip(entries.map((e) => ({ name: e.name, data: e.data, method: e.folder ? 0 : 8 }))).bytes;
    if (trick === 'second-eocd') zip = concat(zip, zip.slice(-22));
    if (trick === 'local-mismatch')
      zip = patchLocalHeader(zip, entries.find((e) => !e.folder)!.name, (h) => h.setUint32(14, h.getUint32(14, true) ^ 1, true));
    return carrier === 'zip' ? { kind: 'bytes', bytes: zip, name: 'p.zip' } : { kind: 'blob', blob: blobOf(zip), name: 'p.zip' };
  }
  if (entries.some((e) => e.name.length > 100)) return null;
  let tar = craftTar(entries.map((e) => ({ header: { name: e.name, data: e.data, ...(e.folder ? { typeflag: '5' } : {}) } }))).bytes;
  if (trick === 'tar-appended') tar = concat(tar, craftTar([{ file: { path: entries[0]!.name, bytes: text('appended') } }]).bytes);
  const bytes =
    carrier === 'tar.gz' ? (trick === 'gzip-member' ? concat(gzipSync(tar), gzipSync(text('second member'))) : gzipSync(tar)) : tar;
  return { kind: 'bytes', bytes, name: carrier === 'tar.gz' ? 'p.tar.gz' : 'p.tar' };
}

describe('property: no injected entry is shown as covered', () => {
  const injection: fc.Arbitrary<Injection> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom('payload/dicom', 'payload/dicom/ct', 'payload/files', 'payload/dicom/mr', 'payload')
        .map((folder) => ({ kind: 'file-as-folder' as const, folder })),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constantFrom('case-twin' as const, 'duplicate' as const, 'backslash-twin' as const),
        target: fc.nat(50),
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('nfd-twin', 'junk', 'extra-file', 'outside', 'dir-with-data', 'trailing-slash')
        .map((kind) => ({ kind }) as Injection),
    },
  );
  const scenario = fc.record({
    encrypted: fc.boolean(),
    carrier: fc.constantFrom<Carrier>('zip', 'zip-lazy', 'tar', 'tar.gz', 'folder'),
    injections: fc.array(fc.tuple(injection, fc.nat(100)), { minLength: 1, maxLength: 3 }),
    trick: fc.constantFrom<Trick>('none', 'none', 'none', 'second-eocd', 'local-mismatch', 'tar-appended', 'gzip-member'),
  });

  it('every open is refused, or a passing payload hash shows exactly the genuine payload', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ encrypted, carrier, injections, trick }) => {
        const env = encrypted ? encSpec : spec;
        const entries: Entry[] = rooted(env).map((f) => ({ name: f.path, data: f.bytes }));
        for (const [i, [inj, at]] of injections.entries()) entries.splice(at % (entries.length + 1), 0, ...injected(inj, env, i));
        const source = carrierOf(carrier, entries, trick);
        if (!source) return;
        let result;
        try {
          result = await openEnvelope(source, {
            now: NOW,
            streamAbove: { zip: 0 },
            ...(encrypted ? { key: HOSTILE_KEYS.recipientPrivate } : {}),
          });
        } catch (e) {
          if (e instanceof EnvelopeError) return;
          throw e;
        }
        if (result.report.checks.find((c) => c.id === 'payload-hash')?.status === 'pass') {
          expect(new Set(result.envelope.payload.map((p) => p.path))).toEqual(genuinePayload);
        }
      }),
      { seed: 0x11a3c, numRuns: 60, endOnFailure: true },
    );
  });
});

// A reading check on the whole carrier layer for a plain genuine envelope: nothing here refuses it.
describe('genuine envelopes still open in every carrier', () => {
  it.each([
    [
      'zip (writeZip)',
      () => readSource({ kind: 'bytes', bytes: writeZip(files.map((f) => ({ name: f.path, data: f.bytes }))), name: 'g.zip' }),
    ],
    [
      'zip lazy',
      () =>
        readSource(
          { kind: 'blob', blob: blobOf(writeZip(files.map((f) => ({ name: f.path, data: f.bytes })))), name: 'g.zip' },
          undefined,
          0,
        ),
    ],
    [
      'tar (ustar with folders)',
      () =>
        readSource({
          kind: 'bytes',
          bytes: writeTar([{ name: root, type: 'directory' }, ...files.map((f) => ({ name: f.path, data: f.bytes }))], 'ustar'),
          name: 'g.tar',
        }),
    ],
    [
      'tar.gz (GNU)',
      () =>
        readSource({
          kind: 'bytes',
          bytes: gzipSync(
            writeTar(
              files.map((f) => ({ name: f.path, data: f.bytes })),
              'gnu',
            ),
          ),
          name: 'g.tar.gz',
        }),
    ],
  ] as const)('%s', async (_how, read) => {
    const r = await read();
    expect(r.problems).toEqual([]);
    expect(r.files).toHaveLength(files.length);
  });
});
