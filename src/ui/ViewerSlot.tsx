// The viewer, loaded only when there is something to show: Cornerstone never weighs on the start screen.
import { Component, lazy, Suspense, useCallback, useEffect, type ComponentType, type ReactNode, useMemo } from 'react';
import type { OpenResult } from '../jmix/api.ts';
import type { DicomStudy } from '../dicom/types.ts';
import { personNameText } from './format.ts';
import { Shown } from '../common/safe-text.tsx';
import { useOpener } from './store.ts';
import type { ReadPayloadFile } from '../common/files.ts';

interface StudyViewerProps {
  studies: DicomStudy[];
  readFile: ReadPayloadFile;
  patientLabel?: string;
}

// A glob, not a plain import(): the build still works while the viewer module does not exist.
const viewerModules = import.meta.glob<{ default: ComponentType<StudyViewerProps> }>('../viewer/StudyViewer.tsx');
const loadViewer = viewerModules['../viewer/StudyViewer.tsx'];
const StudyViewer = loadViewer ? lazy(loadViewer) : null;

class ViewerBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  override render() {
    if (this.state.error) {
      return (
        <p role="alert" className="key-error viewer-slot__note">
          The images could not be displayed: <Shown text={this.state.error} />. The files can still be saved with "Save decrypted study".
        </p>
      );
    }
    return this.props.children;
  }
}

/** The viewer gets the main area only when there are images to show. */
export function hasImages(result: OpenResult): boolean {
  return result.envelope.payloadAvailable && (result.dicom?.studies.length ?? 0) > 0;
}

export function ViewerSlot({ result }: { result: OpenResult }) {
  const { envelope, dicom } = result;
  const markViewerLoaded = useOpener((s) => s.markViewerLoaded);
  const studies = dicom?.studies ?? [];
  const show = hasImages(result);

  const byPath = useMemo(() => new Map(envelope.payload.map((f) => [f.path, f])), [envelope]);
  const readFile = useCallback(
    async (path: string) => {
      const file = byPath.get(path);
      if (!file) throw new Error(`${path} is not in the envelope's payload.`);
      return file.blob ?? file.bytes();
    },
    [byPath],
  );

  useEffect(() => {
    if (show && StudyViewer) markViewerLoaded();
  }, [show, markViewerLoaded]);

  const patient = envelope.metadata?.patient ?? envelope.manifest.patient;
  const patientLabel = personNameText(patient?.name ?? null) ?? studies[0]?.patient.name ?? undefined;

  return (
    <section className="viewer-slot" aria-labelledby="images-heading">
      {/* The viewer's toolbar says what this is; the heading names the region for screen readers. */}
      <h2 id="images-heading" className="visually-hidden">
        Images
      </h2>
      {!show ? (
        <p className="muted viewer-slot__note">
          {envelope.payloadAvailable ? 'There are no DICOM images to show.' : 'The images are shown once the envelope is decrypted.'}
        </p>
      ) : StudyViewer ? (
        <ViewerBoundary>
          <Suspense
            fallback={
              <p className="viewer-slot__note" aria-live="polite">
                Loading the image viewer…
              </p>
            }
          >
            <StudyViewer studies={studies} readFile={readFile} {...(patientLabel ? { patientLabel } : {})} />
          </Suspense>
        </ViewerBoundary>
      ) : (
        <p className="muted viewer-slot__note">The series are listed under "Study"; this build has no image viewer.</p>
      )}
    </section>
  );
}
