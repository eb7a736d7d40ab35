// Test page for the viewer alone: pick plain DICOM files, index them, mount <StudyViewer>.
// Used by e2e/viewer.spec.ts; `?cpu=1` forces Cornerstone's CPU rendering path.
import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { indexDicom } from '../dicom/index.ts';
import type { DicomIndex } from '../dicom/types.ts';
import type { PayloadFile } from '../common/files.ts';
import StudyViewer from './StudyViewer.tsx';
import { purgeViewer } from './lifecycle.ts';
import { installPixelProbe } from './pixel-probe.ts';

installPixelProbe();

function Harness() {
  const [index, setIndex] = useState<DicomIndex | null>(null);
  const [files, setFiles] = useState<Map<string, File>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  const readFile = useCallback(
    async (path: string): Promise<Uint8Array> => {
      const f = files.get(path);
      if (!f) throw new Error(`No file named ${path} was chosen.`);
      return new Uint8Array(await f.arrayBuffer());
    },
    [files],
  );

  const onChoose = async (list: FileList | null) => {
    if (!list) return;
    setIndex(null);
    setError(null);
    purgeViewer();
    const map = new Map<string, File>();
    const payload: PayloadFile[] = [];
    for (const file of Array.from(list)) {
      map.set(file.name, file);
      payload.push({ path: file.name, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) });
    }
    try {
      const idx = await indexDicom(payload);
      setFiles(map);
      setIndex(idx);
      setGeneration((g) => g + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <>
      <header style={{ padding: '0.4rem', display: 'flex', gap: '1rem', alignItems: 'center' }}>
        <label>
          DICOM files <input type="file" multiple aria-label="DICOM files" onChange={(e) => void onChoose(e.target.files)} />
        </label>
        {index && (
          <span data-testid="harness-summary">
            {index.studies.length} studies, {index.studies.reduce((n, s) => n + s.series.length, 0)} series, {index.nonDicom.length} not
            DICOM
          </span>
        )}
        {error && <span role="alert">{error}</span>}
      </header>
      <main style={{ flex: 1, minHeight: 0 }}>{index && <StudyViewer key={generation} studies={index.studies} readFile={readFile} />}</main>
    </>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('viewer-harness.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
