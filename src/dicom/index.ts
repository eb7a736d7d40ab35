// Builds the study model from the payload: parse every file's header, group by study and series,
// order each series, expand multi-frame instances. Bad files are listed, never fatal.
// Free of globals (no DOM, no Node) so it can run in a worker.
import { throwIfAborted } from '../common/abort.ts';
import type { PayloadFile } from '../common/files.ts';
import type { Problem } from '../common/problem.ts';
import { MAX_TOTAL_FRAMES } from './limits.ts';
import { parseDicomHeader, type HeaderResult, type ParsedInstance } from './header.ts';
import type { DicomFrame, DicomIndex, DicomInstance, DicomSeries, DicomStudy } from './types.ts';

export const UNKNOWN_STUDY = 'unknown-study';
export const UNKNOWN_SERIES = 'unknown-series';
const UNKNOWN_STUDY_DESCRIPTION = 'Unknown study (no Study Instance UID)';
const UNKNOWN_SERIES_DESCRIPTION = 'Unknown series (no Series Instance UID)';

export interface IndexOptions {
  /**
   * Headers already parsed by path (from the first HEADER_PREFIX_BYTES of each file, e.g. while the
   * payload streamed past): those files are not read again unless their header ran past the prefix.
   */
  parsed?: ReadonlyMap<string, HeaderResult>;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

function problem(severity: Problem['severity'], path: string, message: string): Problem {
  return { severity, file: `payload/${path}`, pointer: '', message };
}

/** Keys for files without UIDs: one unknown study per patient, one unknown series per modality. */
function studyKey(p: ParsedInstance): string {
  if (p.studyUid) return p.studyUid;
  const who = p.patient.id ?? p.patient.name;
  return who ? `${UNKNOWN_STUDY}:${who}` : UNKNOWN_STUDY;
}

function seriesKey(p: ParsedInstance): string {
  if (p.seriesUid) return p.seriesUid;
  return p.modality ? `${UNKNOWN_SERIES}:${p.modality}` : UNKNOWN_SERIES;
}

function toInstance(p: ParsedInstance): DicomInstance {
  return {
    path: p.path,
    sopInstanceUid: p.sopInstanceUid,
    sopClassUid: p.sopClassUid,
    transferSyntaxUid: p.transferSyntaxUid,
    instanceNumber: p.instanceNumber,
    frameCount: p.frameCount,
    rows: p.rows,
    columns: p.columns,
    bitsAllocated: p.bitsAllocated,
    pixelRepresentation: p.pixelRepresentation,
    samplesPerPixel: p.samplesPerPixel,
    photometricInterpretation: p.photometricInterpretation,
    imagePositionPatient: p.imagePositionPatient,
    imageOrientationPatient: p.imageOrientationPatient,
    pixelSpacing: p.pixelSpacing,
    sliceLocation: p.sliceLocation,
    windowCenter: p.windowCenter,
    windowWidth: p.windowWidth,
    normalPosition: null,
  };
}

const ORIENTATION_TOLERANCE = 1e-4;

function sameOrientation(a: number[], b: number[]): boolean {
  return a.length === 6 && b.length === 6 && a.every((v, i) => Math.abs(v - b[i]!) < ORIENTATION_TOLERANCE);
}

/** Slice normal = row direction × column direction. */
export function sliceNormal(iop: number[]): [number, number, number] {
  const [rx, ry, rz, cx, cy, cz] = iop as [number, number, number, number, number, number];
  return [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
}

interface Entry {
  instance: DicomInstance;
  fileOrder: number;
}

/** Orders in place and says how: geometry when every instance has it and they share an orientation. */
export function orderInstances(entries: Entry[]): DicomSeries['orderedBy'] {
  const first = entries[0]?.instance.imageOrientationPatient;
  const geometric =
    first != null &&
    entries.every(
      (e) =>
        e.instance.imagePositionPatient !== null &&
        e.instance.imageOrientationPatient !== null &&
        sameOrientation(e.instance.imageOrientationPatient, first),
    );
  const byNumberThenFile = (a: Entry, b: Entry): number =>
    (a.instance.instanceNumber ?? Infinity) - (b.instance.instanceNumber ?? Infinity) || a.fileOrder - b.fileOrder;
  if (geometric) {
    const n = sliceNormal(first);
    for (const e of entries) {
      const p = e.instance.imagePositionPatient!;
      e.instance.normalPosition = p[0]! * n[0] + p[1]! * n[1] + p[2]! * n[2];
    }
    entries.sort((a, b) => a.instance.normalPosition! - b.instance.normalPosition! || byNumberThenFile(a, b));
    return 'geometry';
  }
  if (entries.every((e) => e.instance.instanceNumber !== null)) {
    entries.sort(byNumberThenFile);
    return 'instance-number';
  }
  entries.sort((a, b) => a.fileOrder - b.fileOrder);
  return 'file-order';
}

function expandFrames(instances: DicomInstance[]): DicomFrame[] {
  const frames: DicomFrame[] = [];
  for (const instance of instances) {
    for (let frame = 0; frame < instance.frameCount; frame++) frames.push({ path: instance.path, frame, instance });
  }
  return frames;
}

interface SeriesBucket {
  key: string;
  first: ParsedInstance;
  entries: Entry[];
}

interface StudyBucket {
  key: string;
  first: ParsedInstance;
  series: Map<string, SeriesBucket>;
  patients: Set<string>;
}

function compareSeries(a: DicomSeries, b: DicomSeries): number {
  const na = a.seriesNumber ?? Infinity;
  const nb = b.seriesNumber ?? Infinity;
  if (na !== nb) return na < nb ? -1 : 1;
  const da = a.description ?? '\uffff';
  const db = b.description ?? '\uffff';
  if (da !== db) return da < db ? -1 : 1;
  return a.seriesUid < b.seriesUid ? -1 : a.seriesUid > b.seriesUid ? 1 : 0;
}

/** Files held as Blobs are read only as far as their header: a 1 GiB series need not be read twice. */
export const HEADER_PREFIX_BYTES = 128 * 1024;

async function readAndParse(file: PayloadFile, parsed?: HeaderResult): Promise<HeaderResult> {
  if (parsed?.ok) return parsed.instance.path === file.path ? parsed : { ...parsed, instance: { ...parsed.instance, path: file.path } };
  if (parsed && file.size <= HEADER_PREFIX_BYTES) return parsed;
  if (file.blob && file.size > HEADER_PREFIX_BYTES) {
    const head = new Uint8Array(await file.blob.slice(0, HEADER_PREFIX_BYTES).arrayBuffer());
    const parsed = parseDicomHeader(head, file.path, file.size);
    if (parsed.ok) return parsed;
    // A header longer than the prefix (or a deflated dataset): read the whole file after all.
  }
  return parseDicomHeader(await file.bytes(), file.path);
}

export async function indexDicom(files: PayloadFile[], opts: IndexOptions = {}): Promise<DicomIndex> {
  const nonDicom: DicomIndex['nonDicom'] = [];
  const dicomdir: string[] = [];
  const problems: Problem[] = [];
  const studies = new Map<string, StudyBucket>();
  const bySop = new Map<string, string[]>();
  let totalFrames = 0;

  for (let i = 0; i < files.length; i++) {
    throwIfAborted(opts.signal);
    const file = files[i]!;
    let parsed: ReturnType<typeof parseDicomHeader>;
    try {
      parsed = await readAndParse(file, opts.parsed?.get(file.path));
    } catch (e) {
      const reason = `could not be read: ${e instanceof Error ? e.message : String(e)}`;
      nonDicom.push({ path: file.path, reason });
      problems.push(problem('error', file.path, `File ${reason}`));
      opts.onProgress?.(i + 1, files.length);
      continue;
    }
    if (!parsed.ok) {
      if (parsed.kind === 'dicomdir') {
        dicomdir.push(file.path);
        problems.push(
          problem('info', file.path, 'DICOMDIR found: it is a media index, not an image; the images are read from the files themselves.'),
        );
      } else {
        nonDicom.push({ path: file.path, reason: parsed.reason });
        // Files with a DICOM-looking name that fail deserve a warning; other files (README, PDF) are just listed.
        const looksDicom = /\.(dcm|dicom|ima|img)$/i.test(file.path) || parsed.kind !== 'not-dicom';
        if (looksDicom) problems.push(problem('warning', file.path, `Skipped: ${parsed.reason}.`));
      }
      opts.onProgress?.(i + 1, files.length);
      continue;
    }
    const p = parsed.instance;
    if (totalFrames + p.frameCount > MAX_TOTAL_FRAMES) {
      // Each frame is an entry in the series' frame list: past the limit, the file is listed, not indexed.
      const reason = `not indexed: with its ${p.frameCount.toLocaleString('en')} frame(s) the payload's images would hold more than ${MAX_TOTAL_FRAMES.toLocaleString('en')} frames, the most this viewer lists in one envelope`;
      nonDicom.push({ path: file.path, reason });
      problems.push(problem('warning', file.path, `Skipped: ${reason}.`));
      opts.onProgress?.(i + 1, files.length);
      continue;
    }
    totalFrames += p.frameCount;
    for (const w of p.warnings) problems.push(problem('warning', file.path, w));
    if (p.sopInstanceUid) {
      const paths = bySop.get(p.sopInstanceUid) ?? [];
      paths.push(file.path);
      bySop.set(p.sopInstanceUid, paths);
    }
    const sk = studyKey(p);
    let study = studies.get(sk);
    if (!study) {
      study = { key: sk, first: p, series: new Map(), patients: new Set() };
      studies.set(sk, study);
    }
    study.patients.add(`${p.patient.id ?? ''}|${p.patient.name ?? ''}`);
    const rk = seriesKey(p);
    let series = study.series.get(rk);
    if (!series) {
      series = { key: rk, first: p, entries: [] };
      study.series.set(rk, series);
    }
    series.entries.push({ instance: toInstance(p), fileOrder: i });
    opts.onProgress?.(i + 1, files.length);
  }

  const duplicateSopInstances: DicomIndex['duplicateSopInstances'] = [];
  for (const [sopInstanceUid, paths] of bySop) {
    if (paths.length < 2) continue;
    duplicateSopInstances.push({ sopInstanceUid, paths });
    problems.push(
      problem(
        'warning',
        paths[0]!,
        `${paths.length} files share SOP Instance UID ${sopInstanceUid} (${paths.join(', ')}); all are kept and shown, but they are the same instance.`,
      ),
    );
  }

  const result: DicomStudy[] = [];
  for (const study of studies.values()) {
    const f = study.first;
    if (study.patients.size > 1) {
      problems.push(
        problem(
          'warning',
          f.path,
          `Study ${f.studyUid ?? study.key} holds files naming ${study.patients.size} different patients (PatientID|PatientName: ${[...study.patients].join('; ')}).`,
        ),
      );
    }
    const series: DicomSeries[] = [];
    for (const bucket of study.series.values()) {
      const orderedBy = orderInstances(bucket.entries);
      const instances = bucket.entries.map((e) => e.instance);
      const s = bucket.first;
      series.push({
        seriesUid: bucket.key,
        seriesNumber: s.seriesNumber,
        modality: s.modality,
        description: s.seriesDescription ?? (s.seriesUid ? null : UNKNOWN_SERIES_DESCRIPTION),
        bodyPart: s.bodyPart,
        instances,
        frames: expandFrames(instances),
        orderedBy,
      });
    }
    series.sort(compareSeries);
    result.push({
      studyUid: study.key,
      description: f.studyDescription ?? (f.studyUid ? null : UNKNOWN_STUDY_DESCRIPTION),
      date: f.studyDate,
      time: f.studyTime,
      accessionNumber: f.accession,
      patient: { ...f.patient },
      series,
    });
  }
  // Known studies first (by date), the unknown ones last.
  result.sort((a, b) => {
    const ua = a.studyUid.startsWith(UNKNOWN_STUDY) ? 1 : 0;
    const ub = b.studyUid.startsWith(UNKNOWN_STUDY) ? 1 : 0;
    if (ua !== ub) return ua - ub;
    return (a.date ?? '').localeCompare(b.date ?? '');
  });

  return { studies: result, nonDicom, dicomdir, duplicateSopInstances, problems };
}
