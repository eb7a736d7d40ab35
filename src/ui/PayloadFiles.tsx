import { useMemo, useState } from 'react';
import type { OpenResult } from '../jmix/api.ts';
import { writeZip } from '../jmix/index.ts';
import type { PayloadFile } from '../jmix/types.ts';
import { safeFileName, saveBlob, saveBytes } from './download.ts';
import { formatBytes } from './format.ts';
import { baseName, PdfReport } from './PdfReport.tsx';
import { downloadName, escapeBidi, Shown } from '../common/safe-text.tsx';

/** The report PDF: the one the envelope names, else the first PDF under files/. */
export function reportPdfPath(result: OpenResult): string | null {
  const { envelope } = result;
  const named = envelope.report?.path;
  if (named && envelope.payload.some((f) => f.path === named)) return named;
  return envelope.payload.find((f) => /^files\/.+\.pdf$/i.test(f.path))?.path ?? null;
}

/** Payload files that are not DICOM images. */
export function otherFiles(result: OpenResult): PayloadFile[] {
  const dicomPaths = new Set<string>();
  for (const study of result.dicom?.studies ?? []) for (const s of study.series) for (const i of s.instances) dicomPaths.add(i.path);
  return result.envelope.payload.filter((f) => !dicomPaths.has(f.path));
}

async function zipPayload(files: readonly PayloadFile[]): Promise<Uint8Array> {
  const entries: { name: string; data: Uint8Array }[] = [];
  for (const f of files) entries.push({ name: `payload/${f.path}`, data: await f.bytes() });
  // Stored, not deflated: DICOM pixel data hardly compresses, and speed matters more here.
  return writeZip(entries, { level: 0 });
}

/** "Save decrypted study": the whole payload as one zip. Lives in the envelope's header. */
export function SaveStudyButton({ result }: { result: OpenResult }) {
  const { envelope } = result;
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const saveStudy = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const zip = await zipPayload(envelope.payload);
      saveBytes(zip, `${safeFileName(envelope.id ?? '', 'envelope')}.zip`, 'application/zip');
    } catch (e) {
      setSaveError(`The study could not be saved: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <button type="button" className="primary" onClick={() => void saveStudy()} disabled={saving}>
        Save decrypted study
      </button>
      {saving && <span aria-live="polite">Preparing the zip…</span>}
      {saveError && (
        <p role="alert" className="key-error">
          <Shown text={saveError} />
        </p>
      )}
    </>
  );
}

/**
 * The files tab: the report, drawn, and every other non-image file. `showReport` is false until
 * the tab was first opened, so pdf.js is only loaded for someone who looks.
 */
export function PayloadFiles({ result, showReport }: { result: OpenResult; showReport: boolean }) {
  const { envelope } = result;
  const pdfPath = useMemo(() => reportPdfPath(result), [result]);
  const others = useMemo(() => otherFiles(result).filter((f) => f.path !== pdfPath), [result, pdfPath]);
  const pdf = envelope.payload.find((f) => f.path === pdfPath) ?? null;
  const uncovered = useMemo(() => new Set(result.report.coverage.uncoveredFiles), [result]);

  const downloadOne = async (f: PayloadFile) => {
    const bytes = await f.bytes();
    saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), downloadName(baseName(f.path), 'file'));
  };

  return (
    <section className="files" aria-labelledby="files-heading">
      <h2 id="files-heading">Files in the envelope</h2>
      {!envelope.payloadAvailable ? (
        <p className="muted">The files are listed once the envelope is decrypted.</p>
      ) : (
        <>
          <p>
            {envelope.payload.length} files, {formatBytes(envelope.payload.reduce((n, f) => n + f.size, 0))} in all. "Save decrypted study"
            at the top saves them all as one zip.
          </p>
          {pdf && uncovered.has(pdf.path) && (
            <p className="not-covered">The report below is not covered by any check: it may not be what the sender sent.</p>
          )}
          {pdf ? showReport && <PdfReport file={pdf} /> : <p className="muted">The envelope holds no PDF report.</p>}
          {others.length > 0 && (
            <>
              <h3>Other files</h3>
              <ul className="file-list">
                {others.map((f) => (
                  <li key={f.path}>
                    <span className="file-list__path">
                      <Shown text={f.path} />
                    </span>{' '}
                    <span className="muted">{formatBytes(f.size)}</span>{' '}
                    {uncovered.has(f.path) && (
                      <>
                        <strong className="not-covered">not covered by any check</strong>{' '}
                      </>
                    )}
                    <button type="button" aria-label={`Download ${escapeBidi(f.path)}`} onClick={() => void downloadOne(f)}>
                      Download
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
