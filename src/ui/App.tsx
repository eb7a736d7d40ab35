// The opener: start screen, progress, then the envelope (summary, trust, key, files, viewer).
import { lazy, Suspense, useEffect, type DragEvent } from 'react';
import { pickedFromDataTransfer, sourceFromPicked } from './dropped-files.ts';
import { EnvelopeView } from './EnvelopeView.tsx';
import { ScreenBoundary } from './ErrorBoundary.tsx';
import { LinkError, takeLinkFromAddress } from './link.ts';
import { ProgressPanel } from './ProgressPanel.tsx';
import { StartScreen } from './StartScreen.tsx';
import { useOpener } from './store.ts';
import { UpdateNotice } from './UpdateNotice.tsx';

// Only `#api=` links need it; the start screen does not load it.
const ApiPanel = lazy(() => import('./ApiPanel.tsx'));

let lastLinkHandled: string | null = null;

/** Open the envelope named in the address bar's fragment, once per distinct link. */
function openFromAddressBar(): void {
  const hash = location.hash;
  if (!hash || hash === lastLinkHandled) return;
  try {
    // Takes any key out of the address before reading the rest, so a refused link leaves none behind.
    const link = takeLinkFromAddress();
    if (link?.kind === 'api') useOpener.getState().showApiLink(link.link);
    else if (link?.kind === 'src') void useOpener.getState().openLink(link.link);
  } catch (e) {
    useOpener.getState().failed(e instanceof LinkError ? e.message : String(e));
  } finally {
    // Remember the fragment as it now reads (key removed), so StrictMode or hashchange do not reopen it.
    lastLinkHandled = location.hash;
  }
}

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

export function App() {
  const result = useOpener((s) => s.result);
  const busy = useOpener((s) => s.busy);
  const error = useOpener((s) => s.error);
  const dragging = useOpener((s) => s.dragging);
  const apiLink = useOpener((s) => s.apiLink);
  const setDragging = useOpener((s) => s.setDragging);

  useEffect(() => {
    openFromAddressBar();
    window.addEventListener('hashchange', openFromAddressBar);
    return () => window.removeEventListener('hashchange', openFromAddressBar);
  }, []);

  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDragLeave = (e: DragEvent<HTMLDivElement>) => {
    // Leaving for a child element is not leaving the page.
    if (e.relatedTarget && e.currentTarget.contains(e.relatedTarget as Node)) return;
    setDragging(false);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    // Entries must be taken during the event; the reading happens after.
    const picked = pickedFromDataTransfer(e.dataTransfer);
    void (async () => {
      try {
        const source = await sourceFromPicked(await picked);
        if (source) await useOpener.getState().openSource(source);
      } catch (err) {
        useOpener.getState().failed(`The dropped files could not be read: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
  };

  let body;
  if (result) body = <EnvelopeView />;
  else if (apiLink)
    body = (
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <ApiPanel key={`${apiLink.base} ${apiLink.id}`} link={apiLink} />
      </Suspense>
    );
  else if (busy) body = <ProgressPanel />;
  else body = <StartScreen error={error} />;

  return (
    <div className={`app${dragging ? ' app--dragging' : ''}`} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop}>
      <UpdateNotice />
      <ScreenBoundary>{body}</ScreenBoundary>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the envelope to open it here
        </div>
      )}
    </div>
  );
}
