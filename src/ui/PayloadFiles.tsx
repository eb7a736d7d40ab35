import { useEffect, useMemo, useState } from 'react';
import type { OpenResult } from '../jmix/api.ts';
import { writeZip } from '../jmix/archive/zip.ts';
import type { PayloadFile } from '../jmix/types.ts';
import { safeFileName, saveBlob, saveBytes } from './download.ts';
import { formatBytes } from './format.ts';

function baseName(path: string): string {
  return path.split('/').pop() || path;
}

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

function ReportPdf({ file }: { file: PayloadFile }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let live = true;
    void file.bytes().then((bytes) => {
      if (!live) return;
      objectUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }));
      setUrl(objectUrl);
    });
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [file]);
  return (
    <figure className="report-pdf">
      <figcaption>
        <h3>Report: {baseName(file.path)}</h3>
      </figcaption>
      {/* sandbox with no permissions: the PDF cannot run script or navigate this page. */}
      {url ? (
        <>
          <iframe title={`Report ${baseName(file.path)}`} sandbox="" src={url} className="report-frame" />
          {/* Some browsers refuse to run their PDF viewer inside a sandboxed frame. */}
          <p className="muted">
            If the report stays blank,{' '}
            <a href={url} target="_blank" rel="noopener noreferrer">
              open the report in a new tab
            </a>
            .
          </p>
        </>
      ) : (
        <p className="muted">Loading the report…</p>
      )}
    </figure>
  );
}

async function zipPayload(files: readonly PayloadFile[]): Promise<Uint8Array> {
  const entries: { name: string; data: Uint8Array }[] = [];
  for (const f of files) entries.push({ name: `payload/${f.path}`, data: await f.bytes() });
  // Stored, not deflated: DICOM pixel data hardly compresses, and speed matters more here.
  return writeZip(entries, { level: 0 });
}

export function PayloadFiles({ result }: { result: OpenResult }) {
  const { envelope } = result;
  const others = useMemo(() => otherFiles(result), [result]);
  const pdfPath = useMemo(() => reportPdfPath(result), [result]);
  const pdf = envelope.payload.find((f) => f.path === pdfPath) ?? null;
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

  const downloadOne = async (f: PayloadFile) => {
    const bytes = await f.bytes();
    saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), baseName(f.path));
  };

  return (
    <section className="panel files" aria-labelledby="files-heading">
      <h2 id="files-heading">Files in the envelope</h2>
      <p>
        {envelope.payload.length} files, {formatBytes(envelope.payload.reduce((n, f) => n + f.size, 0))} in all.
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void saveStudy()} disabled={saving}>
          Save decrypted study
        </button>
        {saving && <span aria-live="polite">Preparing the zip…</span>}
      </div>
      {saveError && <p role="alert" className="key-error">{saveError}</p>}
      {pdf && <ReportPdf file={pdf} />}
      {others.length > 0 && (
        <>
          <h3>Other files</h3>
          <ul className="file-list">
            {others.map((f) => (
              <li key={f.path}>
                <span className="file-list__path">{f.path}</span> <span className="muted">{formatBytes(f.size)}</span>{' '}
                <button type="button" aria-label={`Download ${f.path}`} onClick={() => void downloadOne(f)}>
                  Download
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
