// A flat-ish view of every element in a DICOM file, for the tag inspector. Uses dicom-parser and a
// small dictionary of common tags; unknown tags show as (gggg,eeee).
import * as dicomParserModule from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { inflateSync } from 'fflate';

const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

export interface TagRow {
  /** '(0010,0010)' */
  tag: string;
  vr: string;
  name: string;
  /** Display value; binary or long values are summarised. */
  value: string;
  children?: TagRow[][];
}

// [tag, VR, name]. VR is used when the file is Implicit VR.
const DICTIONARY: [string, string, string][] = [
  ['00020000', 'UL', 'File Meta Information Group Length'], ['00020001', 'OB', 'File Meta Information Version'],
  ['00020002', 'UI', 'Media Storage SOP Class UID'], ['00020003', 'UI', 'Media Storage SOP Instance UID'],
  ['00020010', 'UI', 'Transfer Syntax UID'], ['00020012', 'UI', 'Implementation Class UID'],
  ['00020013', 'SH', 'Implementation Version Name'], ['00020016', 'AE', 'Source Application Entity Title'],
  ['00080005', 'CS', 'Specific Character Set'], ['00080008', 'CS', 'Image Type'], ['00080012', 'DA', 'Instance Creation Date'],
  ['00080013', 'TM', 'Instance Creation Time'], ['00080016', 'UI', 'SOP Class UID'], ['00080018', 'UI', 'SOP Instance UID'],
  ['00080020', 'DA', 'Study Date'], ['00080021', 'DA', 'Series Date'], ['00080022', 'DA', 'Acquisition Date'],
  ['00080023', 'DA', 'Content Date'], ['00080030', 'TM', 'Study Time'], ['00080031', 'TM', 'Series Time'],
  ['00080032', 'TM', 'Acquisition Time'], ['00080033', 'TM', 'Content Time'], ['00080050', 'SH', 'Accession Number'],
  ['00080060', 'CS', 'Modality'], ['00080064', 'CS', 'Conversion Type'], ['00080070', 'LO', 'Manufacturer'],
  ['00080080', 'LO', 'Institution Name'], ['00080090', 'PN', "Referring Physician's Name"], ['00081010', 'SH', 'Station Name'],
  ['00081030', 'LO', 'Study Description'], ['0008103E', 'LO', 'Series Description'], ['00081040', 'LO', 'Institutional Department Name'],
  ['00081050', 'PN', "Performing Physician's Name"], ['00081070', 'PN', "Operators' Name"], ['00081090', 'LO', "Manufacturer's Model Name"],
  ['00081140', 'SQ', 'Referenced Image Sequence'], ['00081150', 'UI', 'Referenced SOP Class UID'], ['00081155', 'UI', 'Referenced SOP Instance UID'],
  ['00082111', 'ST', 'Derivation Description'], ['00100010', 'PN', "Patient's Name"], ['00100020', 'LO', 'Patient ID'],
  ['00100021', 'LO', 'Issuer of Patient ID'], ['00100030', 'DA', "Patient's Birth Date"], ['00100040', 'CS', "Patient's Sex"],
  ['00101010', 'AS', "Patient's Age"], ['00101020', 'DS', "Patient's Size"], ['00101030', 'DS', "Patient's Weight"],
  ['00120062', 'CS', 'Patient Identity Removed'], ['00120063', 'LO', 'De-identification Method'],
  ['00180010', 'LO', 'Contrast/Bolus Agent'], ['00180015', 'CS', 'Body Part Examined'], ['00180020', 'CS', 'Scanning Sequence'],
  ['00180021', 'CS', 'Sequence Variant'], ['00180022', 'CS', 'Scan Options'], ['00180023', 'CS', 'MR Acquisition Type'],
  ['00180050', 'DS', 'Slice Thickness'], ['00180060', 'DS', 'KVP'], ['00180080', 'DS', 'Repetition Time'],
  ['00180081', 'DS', 'Echo Time'], ['00180082', 'DS', 'Inversion Time'], ['00180087', 'DS', 'Magnetic Field Strength'],
  ['00180088', 'DS', 'Spacing Between Slices'], ['00181000', 'LO', 'Device Serial Number'], ['00181020', 'LO', 'Software Versions'],
  ['00181030', 'LO', 'Protocol Name'], ['00181063', 'DS', 'Frame Time'], ['00181088', 'IS', 'Heart Rate'],
  ['00181100', 'DS', 'Reconstruction Diameter'], ['00181120', 'DS', 'Gantry/Detector Tilt'], ['00181150', 'IS', 'Exposure Time'],
  ['00181151', 'IS', 'X-Ray Tube Current'], ['00181152', 'IS', 'Exposure'], ['00181210', 'SH', 'Convolution Kernel'],
  ['00181314', 'DS', 'Flip Angle'], ['00185100', 'CS', 'Patient Position'], ['00186011', 'SQ', 'Sequence of Ultrasound Regions'],
  ['0020000D', 'UI', 'Study Instance UID'], ['0020000E', 'UI', 'Series Instance UID'], ['00200010', 'SH', 'Study ID'],
  ['00200011', 'IS', 'Series Number'], ['00200012', 'IS', 'Acquisition Number'], ['00200013', 'IS', 'Instance Number'],
  ['00200020', 'CS', 'Patient Orientation'], ['00200032', 'DS', 'Image Position (Patient)'], ['00200037', 'DS', 'Image Orientation (Patient)'],
  ['00200052', 'UI', 'Frame of Reference UID'], ['00200060', 'CS', 'Laterality'], ['00201040', 'LO', 'Position Reference Indicator'],
  ['00201041', 'DS', 'Slice Location'], ['00204000', 'LT', 'Image Comments'], ['00209113', 'SQ', 'Plane Position Sequence'],
  ['00209116', 'SQ', 'Plane Orientation Sequence'], ['00280002', 'US', 'Samples per Pixel'], ['00280004', 'CS', 'Photometric Interpretation'],
  ['00280006', 'US', 'Planar Configuration'], ['00280008', 'IS', 'Number of Frames'], ['00280009', 'AT', 'Frame Increment Pointer'],
  ['00280010', 'US', 'Rows'], ['00280011', 'US', 'Columns'], ['00280030', 'DS', 'Pixel Spacing'],
  ['00280034', 'IS', 'Pixel Aspect Ratio'], ['00280100', 'US', 'Bits Allocated'], ['00280101', 'US', 'Bits Stored'],
  ['00280102', 'US', 'High Bit'], ['00280103', 'US', 'Pixel Representation'], ['00280106', 'US', 'Smallest Image Pixel Value'],
  ['00280107', 'US', 'Largest Image Pixel Value'], ['00280120', 'US', 'Pixel Padding Value'], ['00280301', 'CS', 'Burned In Annotation'],
  ['00281050', 'DS', 'Window Center'], ['00281051', 'DS', 'Window Width'], ['00281052', 'DS', 'Rescale Intercept'],
  ['00281053', 'DS', 'Rescale Slope'], ['00281054', 'LO', 'Rescale Type'], ['00281055', 'LO', 'Window Center & Width Explanation'],
  ['00282110', 'CS', 'Lossy Image Compression'], ['00282112', 'DS', 'Lossy Image Compression Ratio'], ['00282114', 'CS', 'Lossy Image Compression Method'],
  ['00289110', 'SQ', 'Pixel Measures Sequence'], ['00321060', 'LO', 'Requested Procedure Description'],
  ['00400244', 'DA', 'Performed Procedure Step Start Date'], ['00400245', 'TM', 'Performed Procedure Step Start Time'],
  ['00400253', 'SH', 'Performed Procedure Step ID'], ['00400254', 'LO', 'Performed Procedure Step Description'],
  ['00041130', 'CS', 'File-set ID'], ['00041220', 'SQ', 'Directory Record Sequence'], ['00041430', 'CS', 'Directory Record Type'],
  ['00420011', 'OB', 'Encapsulated Document'], ['00420012', 'LO', 'MIME Type of Encapsulated Document'],
  ['52009229', 'SQ', 'Shared Functional Groups Sequence'], ['52009230', 'SQ', 'Per-frame Functional Groups Sequence'],
  ['7FE00010', 'OW', 'Pixel Data'], ['FFFEE000', '', 'Item'], ['FFFEE00D', '', 'Item Delimitation Item'],
  ['FFFEE0DD', '', 'Sequence Delimitation Item'],
];

const BY_TAG = new Map(DICTIONARY.map(([tag, vr, name]) => [tag, { vr, name }]));

const NUMERIC: Record<string, { size: number; read: (ds: DataSet, tag: string, i: number) => number | undefined }> = {
  US: { size: 2, read: (ds, t, i) => ds.uint16(t, i) },
  SS: { size: 2, read: (ds, t, i) => ds.int16(t, i) },
  UL: { size: 4, read: (ds, t, i) => ds.uint32(t, i) },
  SL: { size: 4, read: (ds, t, i) => ds.int32(t, i) },
  FL: { size: 4, read: (ds, t, i) => ds.float(t, i) },
  FD: { size: 8, read: (ds, t, i) => ds.double(t, i) },
};

const MAX_VALUES = 16;
const MAX_TEXT = 256;

function label(tag: string): string {
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5).toUpperCase()})`;
}

function describe(ds: DataSet, e: Element, vr: string): string {
  if (e.dataOffset + e.length > ds.byteArray.length && !e.hadUndefinedLength) return `<truncated: ${e.length} bytes declared>`;
  if (e.tag === 'x7fe00010' || vr === 'OB' || vr === 'OW' || vr === 'UN' || vr === 'OF' || vr === 'OD' || vr === 'OL') {
    if (e.encapsulatedPixelData) return `<encapsulated, ${e.fragments?.length ?? 0} fragment(s)>`;
    return `<${e.length} bytes>`;
  }
  const numeric = NUMERIC[vr];
  if (numeric) {
    const n = Math.floor(e.length / numeric.size);
    const vals: string[] = [];
    for (let i = 0; i < Math.min(n, MAX_VALUES); i++) vals.push(String(numeric.read(ds, e.tag, i)));
    return vals.join('\\') + (n > MAX_VALUES ? `\\… (${n} values)` : '');
  }
  if (vr === 'AT') return ds.attributeTag(e.tag) ?? '';
  if (e.length > 4096) return `<${e.length} bytes of text>`;
  const text = ds.text(e.tag) ?? '';
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function rows(ds: DataSet, depth: number): TagRow[] {
  return Object.values(ds.elements)
    .filter((e) => e.tag !== 'xfffee00d')
    .sort((a, b) => (a.tag < b.tag ? -1 : 1))
    .map((e) => {
      const known = BY_TAG.get(e.tag.slice(1).toUpperCase());
      const isPrivate = Number.parseInt(e.tag[4] ?? '0', 16) % 2 === 1;
      const vr = e.vr ?? (e.items ? 'SQ' : known?.vr ?? 'UN');
      const name = known?.name ?? (isPrivate ? 'Private tag' : 'Unknown tag');
      const row: TagRow = { tag: label(e.tag), vr, name, value: '' };
      if (e.items) {
        row.value = `${e.items.length} item(s)`;
        if (depth < 8) row.children = e.items.map((item) => (item.dataSet ? rows(item.dataSet, depth + 1) : []));
      } else {
        try {
          row.value = describe(ds, e, vr);
        } catch (err) {
          row.value = `<unreadable: ${typeof err === 'string' ? err : err instanceof Error ? err.message : 'error'}>`;
        }
      }
      return row;
    });
}

/** Every element of the file, meta group included; sequences nest in `children`. Throws on non-DICOM input. */
export function listElements(bytes: Uint8Array): TagRow[] {
  const vrCallback = (tag: string): string | undefined => BY_TAG.get(tag.slice(1).toUpperCase())?.vr || undefined;
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, {
      inflater: (arr: Uint8Array, position: number) => {
        const inflated = inflateSync(arr.subarray(position));
        const full = new Uint8Array(position + inflated.length);
        full.set(arr.subarray(0, position));
        full.set(inflated, position);
        return full;
      },
      vrCallback,
    } as dicomParserModule.ParseDicomOptions);
  } catch (e) {
    const partial = (e as { dataSet?: DataSet } | null)?.dataSet;
    if (partial) return rows(partial, 0);
    throw new Error(`Not a readable DICOM file: ${typeof e === 'string' ? e : e instanceof Error ? e.message : String(e)}`);
  }
  return rows(ds, 0);
}
