// listTags and filterTags: the tag inspector's model (src/dicom/tags.ts).
import { describe, expect, it } from 'vitest';
import { syntheticStudy } from '../../fixtures/dicom/synth.ts';
import { el, writeDicomFile } from '../../fixtures/dicom/writer.ts';
import { filterTags, listTags } from '../../src/dicom/tags.ts';

describe('listTags (tag inspector)', () => {
  it('names common tags, shows values, flattens sequences with depth and labels private tags', () => {
    const bytes = writeDicomFile({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
      sopInstanceUid: '1.2.3.4',
      elements: [
        el(0x00100010, 'PN', 'DOE^JANE'),
        el(0x00280010, 'US', 2),
        el(0x00200032, 'DS', [1.5, -2, 3]),
        el(0x00091001, 'LO', 'vendor'),
        el(0x00081140, 'SQ', [[el(0x00081155, 'UI', '1.2.3.5')]]),
        el(0x7fe00010, 'OW', new Uint8Array(8)),
      ],
    });
    const rows = listTags(bytes);
    const by = Object.fromEntries(rows.map((r) => [r.tag, r]));
    expect(by['(0010,0010)']).toMatchObject({ name: 'PatientName', vr: 'PN', value: 'DOE^JANE', depth: 0 });
    expect(by['(0028,0010)']).toMatchObject({ name: 'Rows', value: '2' });
    expect(by['(0020,0032)']!.value).toBe('1.5\\-2\\3');
    expect(by['(0002,0010)']!.value).toBe('1.2.840.10008.1.2.1');
    expect(by['(0009,1001)']).toMatchObject({ name: 'Private tag', value: 'vendor' });
    expect(by['(7FE0,0010)']!.value).toMatch(/8 bytes/);
    expect(by['(0008,1140)']).toMatchObject({ vr: 'SQ', value: '1 item(s)', depth: 0 });
    expect(by['(0008,1155)']).toMatchObject({ value: '1.2.3.5', depth: 2 });
    expect(filterTags(rows, 'patientname').map((r) => r.tag)).toEqual(['(0010,0010)']);
    expect(filterTags(rows, '0028,0010').map((r) => r.tag)).toEqual(['(0028,0010)']);
  });

  it('reads Implicit VR files with dictionary VRs, and refuses non-DICOM', () => {
    const study = syntheticStudy({ ctSlices: 1, ctSize: 16, mrSlices: 1, mrSize: 16, usFrames: 1 });
    const mr = study.files.find((f) => f.path.startsWith('dicom/mr/'))!;
    const rows = listTags(mr.bytes);
    expect(rows.find((r) => r.tag === '(0002,0010)')!.value).toBe('1.2.840.10008.1.2');
    expect(rows.find((r) => r.tag === '(0028,0011)')).toMatchObject({ vr: 'US', value: '16' });
    expect(() => listTags(new TextEncoder().encode('hello world'))).toThrow();
  });
});
