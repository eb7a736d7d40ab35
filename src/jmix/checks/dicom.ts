// The dicom check: what the DICOM headers say the payload holds, and every file that is not an image
// or may not display. The study model comes from the headers, never from metadata claims.
import type { DicomIndex } from '../../dicom/types.ts';
import type { Check } from '../types.ts';

export function dicomCheck(dicom: DicomIndex | null, locked: boolean): Check {
  if (locked || !dicom)
    return { id: 'dicom', status: 'unverifiable', title: 'DICOM not read yet', detail: 'The images are inside the encrypted payload.' };
  const series = dicom.studies.reduce((n, s) => n + s.series.length, 0);
  const images = dicom.studies.reduce((n, s) => n + s.series.reduce((m, se) => m + se.instances.length, 0), 0);
  if (images === 0)
    return {
      id: 'dicom',
      status: dicom.nonDicom.length ? 'warn' : 'not-present',
      title: 'No DICOM images in the payload',
      detail: dicom.nonDicom.length
        ? `Files that are not DICOM images: ${dicom.nonDicom.map((n) => `${n.path} (${n.reason})`).join('; ')}.`
        : 'The payload holds no DICOM files.',
    };
  const notes: string[] = [];
  if (dicom.nonDicom.length)
    notes.push(
      `${dicom.nonDicom.length} file(s) are not DICOM images: ${dicom.nonDicom
        .slice(0, 5)
        .map((n) => `${n.path} (${n.reason})`)
        .join('; ')}.`,
    );
  if (dicom.duplicateSopInstances.length)
    notes.push(
      `${dicom.duplicateSopInstances.length} SOP Instance UID(s) appear in more than one file: ${dicom.duplicateSopInstances
        .slice(0, 3)
        .map((d) => d.paths.join(' = '))
        .join('; ')}.`,
    );
  if (dicom.dicomdir.length) notes.push(`DICOMDIR index file(s) listed, not shown: ${dicom.dicomdir.join(', ')}.`);
  // Readable headers can still describe an image that will not display (short Pixel Data, zero
  // rows, an unknown transfer syntax): a damaged image must not hide behind a passing check.
  const damaged = dicom.problems.filter(
    (p) =>
      p.severity === 'warning' &&
      !dicom.nonDicom.some((n) => p.file === `payload/${n.path}`) &&
      !/share SOP Instance UID|different patients/.test(p.message),
  );
  if (damaged.length)
    notes.push(
      `${damaged.length} image(s) may not display: ${damaged
        .slice(0, 5)
        .map((p) => `${p.file}: ${p.message}`)
        .join('; ')}.`,
    );
  const headerWarnings = dicom.problems.filter((p) => p.severity !== 'info');
  if (headerWarnings.length) {
    // One line per kind of warning, not per file: 1,000 short files should read as one finding.
    const kinds = new Map<string, string[]>();
    for (const p of headerWarnings) {
      const kind = p.message.replace(/\d+/g, 'N');
      const files = kinds.get(kind);
      if (files) files.push(p.file);
      else kinds.set(kind, [p.file]);
    }
    for (const files of kinds.values()) {
      const example = headerWarnings.find((p) => p.file === files[0])!;
      notes.push(
        `${files.length} file(s): ${example.message}${files.length > 1 ? ` (e.g. ${files.slice(0, 3).join(', ')})` : ` (${files[0]})`}.`,
      );
    }
  }
  return {
    id: 'dicom',
    status: notes.length ? 'warn' : 'pass',
    title: `${images} DICOM instance(s) in ${series} series, ${dicom.studies.length} study(ies)`,
    detail: [`Read from the DICOM headers.`, ...notes].join(' '),
    data: { studies: dicom.studies.length, series, images },
  };
}
