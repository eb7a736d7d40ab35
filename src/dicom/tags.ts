// Tag inspector model: every element of one Part-10 file, nested sequences flattened with a depth.
// The same parsing entry as the header index (parse.ts); a small dictionary names the common tags
// and supplies the VR for Implicit VR files (where the file itself does not say).
import type { DataSet, Element } from 'dicom-parser';
import { parseDataset } from './parse.ts';

export interface TagRow {
  /** '(0010,0010)' */
  tag: string;
  vr: string;
  name: string;
  value: string;
  /** 0 at the top level, +1 inside each sequence item. */
  depth: number;
}

// [VR, name]. Keyword-style names, as in PS3.6.
const DICT: Record<string, [string, string]> = {
  x00020000: ['UL', 'FileMetaInformationGroupLength'],
  x00020001: ['OB', 'FileMetaInformationVersion'],
  x00020002: ['UI', 'MediaStorageSOPClassUID'],
  x00020003: ['UI', 'MediaStorageSOPInstanceUID'],
  x00020010: ['UI', 'TransferSyntaxUID'],
  x00020012: ['UI', 'ImplementationClassUID'],
  x00020013: ['SH', 'ImplementationVersionName'],
  x00020016: ['AE', 'SourceApplicationEntityTitle'],
  x00080005: ['CS', 'SpecificCharacterSet'],
  x00080008: ['CS', 'ImageType'],
  x00080012: ['DA', 'InstanceCreationDate'],
  x00080013: ['TM', 'InstanceCreationTime'],
  x00080016: ['UI', 'SOPClassUID'],
  x00080018: ['UI', 'SOPInstanceUID'],
  x00080020: ['DA', 'StudyDate'],
  x00080021: ['DA', 'SeriesDate'],
  x00080022: ['DA', 'AcquisitionDate'],
  x00080023: ['DA', 'ContentDate'],
  x00080030: ['TM', 'StudyTime'],
  x00080031: ['TM', 'SeriesTime'],
  x00080032: ['TM', 'AcquisitionTime'],
  x00080033: ['TM', 'ContentTime'],
  x00080050: ['SH', 'AccessionNumber'],
  x00080060: ['CS', 'Modality'],
  x00080064: ['CS', 'ConversionType'],
  x00080070: ['LO', 'Manufacturer'],
  x00080080: ['LO', 'InstitutionName'],
  x00080090: ['PN', 'ReferringPhysicianName'],
  x00081010: ['SH', 'StationName'],
  x00081030: ['LO', 'StudyDescription'],
  x0008103e: ['LO', 'SeriesDescription'],
  x00081090: ['LO', 'ManufacturerModelName'],
  x00081140: ['SQ', 'ReferencedImageSequence'],
  x00081150: ['UI', 'ReferencedSOPClassUID'],
  x00081155: ['UI', 'ReferencedSOPInstanceUID'],
  x00100010: ['PN', 'PatientName'],
  x00100020: ['LO', 'PatientID'],
  x00100030: ['DA', 'PatientBirthDate'],
  x00100040: ['CS', 'PatientSex'],
  x00101010: ['AS', 'PatientAge'],
  x00101020: ['DS', 'PatientSize'],
  x00101030: ['DS', 'PatientWeight'],
  x00180015: ['CS', 'BodyPartExamined'],
  x00180050: ['DS', 'SliceThickness'],
  x00180060: ['DS', 'KVP'],
  x00180080: ['DS', 'RepetitionTime'],
  x00180081: ['DS', 'EchoTime'],
  x00180087: ['DS', 'MagneticFieldStrength'],
  x00180088: ['DS', 'SpacingBetweenSlices'],
  x00181020: ['LO', 'SoftwareVersions'],
  x00181030: ['LO', 'ProtocolName'],
  x00181150: ['IS', 'ExposureTime'],
  x00181151: ['IS', 'XRayTubeCurrent'],
  x00181152: ['IS', 'Exposure'],
  x00181210: ['SH', 'ConvolutionKernel'],
  x00185100: ['CS', 'PatientPosition'],
  x0020000d: ['UI', 'StudyInstanceUID'],
  x0020000e: ['UI', 'SeriesInstanceUID'],
  x00200010: ['SH', 'StudyID'],
  x00200011: ['IS', 'SeriesNumber'],
  x00200012: ['IS', 'AcquisitionNumber'],
  x00200013: ['IS', 'InstanceNumber'],
  x00200020: ['CS', 'PatientOrientation'],
  x00200032: ['DS', 'ImagePositionPatient'],
  x00200037: ['DS', 'ImageOrientationPatient'],
  x00200052: ['UI', 'FrameOfReferenceUID'],
  x00201040: ['LO', 'PositionReferenceIndicator'],
  x00201041: ['DS', 'SliceLocation'],
  x00209113: ['SQ', 'PlanePositionSequence'],
  x00209116: ['SQ', 'PlaneOrientationSequence'],
  x00280002: ['US', 'SamplesPerPixel'],
  x00280004: ['CS', 'PhotometricInterpretation'],
  x00280006: ['US', 'PlanarConfiguration'],
  x00280008: ['IS', 'NumberOfFrames'],
  x00280009: ['AT', 'FrameIncrementPointer'],
  x00280010: ['US', 'Rows'],
  x00280011: ['US', 'Columns'],
  x00280030: ['DS', 'PixelSpacing'],
  x00280034: ['IS', 'PixelAspectRatio'],
  x00280100: ['US', 'BitsAllocated'],
  x00280101: ['US', 'BitsStored'],
  x00280102: ['US', 'HighBit'],
  x00280103: ['US', 'PixelRepresentation'],
  x00280106: ['US', 'SmallestImagePixelValue'],
  x00280107: ['US', 'LargestImagePixelValue'],
  x00281050: ['DS', 'WindowCenter'],
  x00281051: ['DS', 'WindowWidth'],
  x00281052: ['DS', 'RescaleIntercept'],
  x00281053: ['DS', 'RescaleSlope'],
  x00281054: ['LO', 'RescaleType'],
  x00281055: ['LO', 'WindowCenterWidthExplanation'],
  x00282110: ['CS', 'LossyImageCompression'],
  x00282112: ['DS', 'LossyImageCompressionRatio'],
  x00282114: ['CS', 'LossyImageCompressionMethod'],
  x00283010: ['SQ', 'VOILUTSequence'],
  x00289110: ['SQ', 'PixelMeasuresSequence'],
  x00289132: ['SQ', 'FrameVOILUTSequence'],
  x00289145: ['SQ', 'PixelValueTransformationSequence'],
  x00321060: ['LO', 'RequestedProcedureDescription'],
  x00400244: ['DA', 'PerformedProcedureStepStartDate'],
  x00400254: ['LO', 'PerformedProcedureStepDescription'],
  x52009229: ['SQ', 'SharedFunctionalGroupsSequence'],
  x52009230: ['SQ', 'PerFrameFunctionalGroupsSequence'],
  x7fe00010: ['OW', 'PixelData'],
  xfffee000: ['', 'Item'],
};

const STRING_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const MAX_VALUE_CHARS = 200;

function formatTag(key: string): string {
  return `(${key.slice(1, 5)},${key.slice(5, 9)})`.toUpperCase();
}

/** Readable value of one element; binary data is summarised by its length. */
function formatValue(ds: DataSet, key: string, el: Element, vr: string): string {
  if (el.hadUndefinedLength && !el.items) return `(encapsulated, ${el.fragments?.length ?? 0} fragments)`;
  const len = el.length;
  const multi = <T>(size: number, read: (i: number) => T | undefined): string => {
    const n = Math.floor(len / size);
    const out: string[] = [];
    for (let i = 0; i < Math.min(n, 16); i++) out.push(String(read(i)));
    return out.join('\\') + (n > 16 ? `\\… (${n} values)` : '');
  };
  switch (vr) {
    case 'US':
      return multi(2, (i) => ds.uint16(key, i));
    case 'SS':
      return multi(2, (i) => ds.int16(key, i));
    case 'UL':
      return multi(4, (i) => ds.uint32(key, i));
    case 'SL':
      return multi(4, (i) => ds.int32(key, i));
    case 'FL':
      return multi(4, (i) => ds.float(key, i));
    case 'FD':
      return multi(8, (i) => ds.double(key, i));
    case 'AT':
      return multi(4, (i) => {
        const g = ds.uint16(key, i * 2) ?? 0;
        const e = ds.uint16(key, i * 2 + 1) ?? 0;
        return `(${g.toString(16).padStart(4, '0')},${e.toString(16).padStart(4, '0')})`.toUpperCase();
      });
    default:
      if (STRING_VRS.has(vr)) {
        const s = ds.string(key) ?? '';
        return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
      }
      return `(${len} bytes)`;
  }
}

function walk(ds: DataSet, depth: number, rows: TagRow[]): void {
  const keys = Object.keys(ds.elements).sort();
  for (const key of keys) {
    const el = ds.elements[key];
    if (!el) continue;
    const known = DICT[key];
    const isPrivate = parseInt(key.slice(1, 5), 16) % 2 === 1;
    const vr = el.vr ?? known?.[0] ?? (el.items ? 'SQ' : 'UN');
    const name = known?.[1] ?? (isPrivate ? 'Private tag' : key.slice(5, 9) === '0000' ? 'GroupLength' : 'Unknown');
    if (el.items) {
      rows.push({ tag: formatTag(key), vr: 'SQ', name, value: `${el.items.length} item(s)`, depth });
      el.items.forEach((item, i) => {
        rows.push({ tag: '(FFFE,E000)', vr: '', name: `Item ${i + 1}`, value: '', depth: depth + 1 });
        if (item.dataSet) walk(item.dataSet, depth + 2, rows);
      });
      continue;
    }
    let value: string;
    try {
      value = formatValue(ds, key, el, vr);
    } catch (e) {
      value = `(unreadable: ${e instanceof Error ? e.message : String(e)})`;
    }
    rows.push({ tag: formatTag(key), vr, name, value, depth });
  }
}

/** Every element of a Part-10 file (the whole file is parsed, pixel data included). */
export function listTags(bytes: Uint8Array): TagRow[] {
  const ds = parseDataset(bytes, { vrCallback: (tag: string) => DICT[tag]?.[0] });
  const rows: TagRow[] = [];
  walk(ds, 0, rows);
  return rows;
}

/** Case-insensitive filter on tag ('0010,0010', '00100010') or name. */
export function filterTags(rows: TagRow[], query: string): TagRow[] {
  const q = query
    .trim()
    .toLowerCase()
    .replace(/[(),\s]/g, '');
  if (!q) return rows;
  return rows.filter((r) => r.name.toLowerCase().includes(q) || r.tag.toLowerCase().replace(/[(),]/g, '').includes(q));
}
